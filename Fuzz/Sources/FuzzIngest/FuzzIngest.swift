// @testable: the harness turns off the column fill sample (an internal option), see below.
@testable import TouchstoneIngest
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Bytes → ingest with options chosen from the first bytes.
///
/// Layout: byte 0 delimiter choice (low 7 bits) and, in its high bit, no column fill sample
/// (so that chunks reach the parser from the first row on: with the sample, the first 101
/// lines are held back and parsed in one piece), byte 1 flags (header, timestamp format, field cap, ISO
/// time zone, encoding mode), byte 2 chunk size; the rest is split on 0x00 into up to four
/// inputs, each fed in chunks through `begin(source:)` / `consume(_:)` / `endSource()`.
/// In encoding mode (flag 0x80) the rest is one file read by `ingest(_:)` with the
/// `--encoding` that byte 2 picks (detected, UTF-8, UTF-16, UTF-16LE/BE, Windows-1252,
/// Latin-1), so that the byte source's detection and transcoding see arbitrary bytes.
/// Invariants: no crash, `rowsRead == rowsUsed + rowsRejected`, one rejection callback per
/// rejected row, every used row in the table; with one input, the result (counts, and each
/// rejection's line and reason) does not depend on the chunk size.
public func fuzzIngest(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data, size >= 3 else { return 0 }
    let bytes = UnsafeBufferPointer(start: data, count: size)
    var options = IngestOptions()
    let delimiters: [UInt8?] = [nil, nil, UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t"), UInt8(ascii: "|")]
    options.delimiter = delimiters[Int(bytes[0] & 0x7F) % delimiters.count]
    options.samplesColumnFill = bytes[0] & 0x80 == 0
    let flags = bytes[1]
    options.hasHeader = flags & 1 == 0
    switch (flags >> 1) & 7 {
    case 0, 1: options.timestampFormat = nil
    case 2: options.timestampFormat = .iso8601
    case 3: options.timestampFormat = .epoch(.seconds)
    case 4: options.timestampFormat = .epoch(.milliseconds)
    case 5: options.timestampFormat = .epoch(.microseconds)
    case 6: options.timestampFormat = try? .pattern(TimestampPattern("%d/%m/%Y %H:%M"))
    default: options.timestampFormat = try? .pattern(TimestampPattern("%Y.%m.%d %H:%M:%S"))
    }
    if flags & 0x10 != 0 { options.maxFieldBytes = 16 }
    if flags & 0x20 != 0 { options.timeZone = .fixed(seconds: 3600) }
    if flags & 0x40 != 0 { options.detectionSampleLimit = 3 }
    if flags & 0x80 != 0 {
        let encodings: [TextEncoding?] = [nil, .utf8, .utf16, .utf16LittleEndian, .utf16BigEndian, .windows1252, .latin1]
        options.encoding = encodings[Int(bytes[2]) % encodings.count]
        _ = runFile(options: options, bytes: Array(bytes[3...]))
        return 0
    }
    let chunk = bytes[2] < 4 ? Int(bytes[2]) + 1 : Int(bytes[2]) * 4  // mostly large chunks: per-byte feeding is slow
    let payload = Array(bytes[3...])
    let inputs = payload.split(separator: 0, maxSplits: 3, omittingEmptySubsequences: false).map(Array.init)

    let first = run(options: options, inputs: inputs, chunk: chunk)
    if inputs.count == 1, chunk != payload.count {
        let whole = run(options: options, inputs: inputs, chunk: max(1, payload.count))
        if let a = first, let b = whole {
            precondition(a == b, "result depends on chunking: \(a) vs \(b)")
        } else {
            precondition((first == nil) == (whole == nil), "error depends on chunking")
        }
    }
    return 0
}

struct Counts: Equatable, CustomStringConvertible {
    var read: Int, used: Int, rejected: Int
    /// Each rejection as `input:line:reason`, in order.
    var rejections: [String] = []
    var description: String { "read \(read) used \(used) rejected \(rejected) \(rejections)" }
}

func run(options: IngestOptions, inputs: [[UInt8]], chunk: Int) -> Counts? {
    var callbacks = 0
    var rejections: [String] = []
    let ingester = Ingester(options: options) { r in
        callbacks += 1
        rejections.append("\(r.source):\(r.line):\(r.reason.rawValue)")
    }
    do {
        for (i, input) in inputs.enumerated() {
            try ingester.begin(source: "input\(i)")
            // A plain copy, not `withUnsafeBytes` with a typed-throws closure: Swift 6.3.1
            // crashes in IRGen on that reabstraction thunk.
            let raw = UnsafeMutableRawBufferPointer.allocate(byteCount: max(input.count, 1), alignment: 1)
            defer { raw.deallocate() }
            raw.copyBytes(from: input)
            var start = 0
            while start < input.count {
                let end = min(input.count, start + chunk)
                try ingester.consume(UnsafeRawBufferPointer(rebasing: raw[start..<end]))
                start = end
            }
            try ingester.endSource()
        }
        let (table, report) = try ingester.finish()
        precondition(report.rowsRead == report.rowsUsed + report.rowsRejected,
                     "read \(report.rowsRead) != used \(report.rowsUsed) + rejected \(report.rowsRejected)")
        precondition(callbacks == report.rowsRejected, "callbacks \(callbacks) != rejected \(report.rowsRejected)")
        precondition(table.count == report.rowsUsed, "table \(table.count) != used \(report.rowsUsed)")
        let log = EventLog(table)
        _ = log.events.count
        return Counts(read: report.rowsRead, used: report.rowsUsed, rejected: report.rowsRejected, rejections: rejections)
    } catch {
        _ = "\(error)"
        return nil
    }
}

/// Writes `bytes` to a temporary file and ingests it with `ingest(_:)` (byte source, encoding
/// detection and transcoding); checks the same invariants as `run`.
func runFile(options: IngestOptions, bytes: [UInt8]) -> Counts? {
    let path = "/tmp/touchstone-fuzz-\(getpid()).csv"
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard fd >= 0 else { return nil }
    defer { unlink(path) }
    var written = 0
    while written < bytes.count {
        let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if n <= 0 { break }
        written += n
    }
    close(fd)
    var callbacks = 0
    let ingester = Ingester(options: options) { _ in callbacks += 1 }
    do {
        let (table, report) = try ingester.ingest([.file(path)])
        precondition(report.rowsRead == report.rowsUsed + report.rowsRejected, "read != used + rejected")
        precondition(callbacks == report.rowsRejected, "callbacks \(callbacks) != rejected \(report.rowsRejected)")
        precondition(table.count == report.rowsUsed, "table \(table.count) != used \(report.rowsUsed)")
        precondition(report.inputs.count == 1 && report.inputs[0].rowsRead == report.rowsRead, "per-input rows")
        return Counts(read: report.rowsRead, used: report.rowsUsed, rejected: report.rowsRejected)
    } catch {
        _ = "\(error)"
        return nil
    }
}
