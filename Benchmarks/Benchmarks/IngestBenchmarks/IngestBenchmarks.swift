import Benchmark
import CLibCSV
import TouchstoneConformance
import TouchstoneDiscovery
import TouchstoneIngest
#if canImport(Glibc)
import Glibc
#endif

/// The log every benchmark reads: `TOUCHSTONE_BENCH_LOG`, or the 10M-event b2b log that
/// `make-bench-log.sh` writes.
let logPath = getenv("TOUCHSTONE_BENCH_LOG").map { String(cString: $0) } ?? "/tmp/touchstone-bench-10M.csv"
/// Rows the log holds (its header not counted); every benchmark checks its own result.
let expectedRows = getenv("TOUCHSTONE_BENCH_ROWS").flatMap { Int(String(cString: $0)) } ?? 10_000_000

var configuration: Benchmark.Configuration {
    Benchmark.Configuration(
    metrics: [.wallClock, .cpuTotal, .peakMemoryResident, .mallocCountTotal],
    timeUnits: .milliseconds,
    warmupIterations: 1,
    maxDuration: .seconds(60),
    maxIterations: 5
    )
}

let benchmarks: @Sendable () -> Void = {
    Benchmark("JSON writer: 100 MB document into a sink", configuration: configuration) { benchmark in
        let written = writeJSONDocument()
        precondition(written == 101_211_614, "JSON writer wrote \(written) bytes, expected 101,211,614")
        blackHole(written)
    }

    Benchmark("libcsv baseline: parse and count fields", configuration: configuration) { benchmark in
        let (records, fields) = countFieldsWithLibCSV(logPath)
        precondition(records == expectedRows + 1, "baseline read \(records) records, expected \(expectedRows + 1)")
        blackHole(fields)
    }

    Benchmark("ingest: EventTable + traces", configuration: configuration) { benchmark in
        let (log, report) = ingestLog()
        precondition(report.rowsRead == expectedRows, "ingest read \(report.rowsRead) rows, expected \(expectedRows)")
        precondition(log.events.count == report.rowsUsed)
        blackHole(log)
    }

    Benchmark("ingest + discover (touchpoint level)", configuration: configuration) { benchmark in
        let (log, report) = ingestLog()
        precondition(report.rowsRead == expectedRows)
        let result = discoverForBenchmark(log)
        blackHole(result)
    }

    Benchmark("ingest + check (b2b journey map)", configuration: configuration) { benchmark in
        let (log, report) = ingestLog()
        precondition(report.rowsRead == expectedRows)
        let summary = checkForBenchmark(log)
        blackHole(summary)
    }
}

/// Ingests the benchmark log into traces, handing the table over so it is reordered in place
/// (as the CLI does).
func ingestLog() -> (EventLog, IngestReport) {
    guard let (table, report) = try? Ingester(options: IngestOptions()).ingest([.file(logPath)]) else {
        preconditionFailure("ingest of \(logPath) failed")
    }
    return (EventLog(consume table), report)
}

/// Runs libcsv over the file with a 1 MiB buffer and callbacks that only count: the floor
/// any CSV ingester built on libcsv can reach.
func countFieldsWithLibCSV(_ path: String) -> (records: Int, fields: Int) {
    struct Counts { var records = 0, fields = 0 }
    var counts = Counts()
    var parser = csv_parser()
    guard csv_init(&parser, UInt8(CSV_STRICT | CSV_STRICT_FINI)) == 0, let file = fopen(path, "rb") else {
        preconditionFailure("cannot open \(path); run Benchmarks/make-bench-log.sh")
    }
    defer { fclose(file); csv_free(&parser) }
    let buffer = UnsafeMutableRawPointer.allocate(byteCount: 1 << 20, alignment: 16)
    defer { buffer.deallocate() }
    let field: @convention(c) (UnsafeMutableRawPointer?, Int, UnsafeMutableRawPointer?) -> Void = { _, _, context in
        context?.assumingMemoryBound(to: Counts.self).pointee.fields += 1
    }
    let record: @convention(c) (Int32, UnsafeMutableRawPointer?) -> Void = { _, context in
        context?.assumingMemoryBound(to: Counts.self).pointee.records += 1
    }
    withUnsafeMutablePointer(to: &counts) { context in
        while true {
            let n = fread(buffer, 1, 1 << 20, file)
            if n == 0 { break }
            precondition(csv_parse(&parser, buffer, n, field, record, context) == n, "libcsv error")
        }
        csv_fini(&parser, field, record, context)
    }
    return (counts.records, counts.fields)
}

/// Touchpoint-level discovery with variants, checked: every event but the first of each trace
/// is the target of exactly one transition.
func discoverForBenchmark(_ log: EventLog) -> DiscoveryResult {
    guard let result = try? DiscoveryResult(log) else { preconditionFailure("discovery failed") }
    let transitions = result.graph.edges.reduce(0) { $0 + $1.frequency }
    precondition(transitions == log.events.count - log.traceCount, "transitions \(transitions) != events - traces")
    return result
}

/// The designed b2b journey map from SampleLogs (the benchmark log is the same scenario).
let journeyMap: JourneyMap = {
    let path = getenv("TOUCHSTONE_BENCH_MAP").map { String(cString: $0) } ?? "../SampleLogs/b2b-software-purchase/journey.yaml"
    guard let file = fopen(path, "rb") else { preconditionFailure("cannot open \(path)") }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = fread(&buffer, 1, buffer.count, file)
        if n == 0 { break }
        bytes += buffer[0..<n]
    }
    guard let map = try? JourneyMap(yaml: String(decoding: bytes, as: UTF8.self), file: path) else { preconditionFailure("bad map \(path)") }
    return map
}()

/// Conformance of every customer, checked: every customer gets exactly one outcome, and the
/// transitions counted are at most the events minus the traces.
func checkForBenchmark(_ log: EventLog) -> ConformanceSummary {
    let checker = ConformanceChecker(map: journeyMap, touchpoints: log.events.activityNames)
    guard let summary = try? checker.check(log) else { preconditionFailure("check failed") }
    let f = summary.figures
    precondition(f.customers == log.traceCount, "checked \(f.customers) of \(log.traceCount) customers")
    precondition(f.outcomes.reduce(0, +) == f.customers)
    precondition(summary.transitions.values.reduce(0) { $0 + $1.count } <= log.events.count - log.traceCount)
    return summary
}
