#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes `message` and a newline to standard error.
func printError(_ message: String) {
    var line = Array(message.utf8)
    line.append(10)
    _ = line.withUnsafeBufferPointer { write(STDERR_FILENO, $0.baseAddress, $0.count) }
}

/// Writes the generation statistics to standard error as `key: value` lines.
func printStatistics(_ statistics: GenerationStatistics, generator: LogGenerator) {
    let spec = generator.model.spec
    let rows = max(statistics.rows, 1)
    func percent(_ count: Int, of total: Int) -> String {
        let tenths = (count * 1000 + total / 2) / max(total, 1)
        return "\(tenths / 10).\(tenths % 10)%"
    }
    var lines = [
        "scenario: \(generator.options.scenario.rawValue)",
        "seed: \(generator.options.seed)",
        "rows: \(statistics.rows)",
        "bytes: \(statistics.bytes)",
        "customers: \(statistics.customers)",
        "pilot_mean_events_per_customer: \(statistics.pilotMeanEvents)",
        "peak_pending_events: \(statistics.peakPendingEvents)",
        "bad_row_rate: \(generator.badRowRate)",
        "out_of_order_rate: \(generator.outOfOrderRate)",
        "bad_rows: \(statistics.badRows.reduce(0, +)) (\(percent(statistics.badRows.reduce(0, +), of: rows)))",
    ]
    for kind in BadRowKind.allCases {
        lines.append("bad_rows.\(kind.label): \(statistics.badRows[kind.rawValue])")
    }
    lines.append("late_rows: \(statistics.lateRows) (\(percent(statistics.lateRows, of: rows)))")
    let journeys = statistics.journeys
    let transitions = journeys.transitions.reduce(0, +)
    for kind in TransitionKind.allCases {
        let count = journeys.transitions[kind.rawValue]
        lines.append("transitions.\(kind.label): \(count) (\(percent(count, of: transitions)))")
    }
    for (stage, name) in spec.stages.enumerated() {
        lines.append("dropped_out_at.\(name): \(journeys.dropOutsByStage[stage])")
    }
    lines.append("channel_switches: \(journeys.channelSwitches) (\(percent(journeys.channelSwitches, of: rows)))")
    lines.append("slow_steps: \(journeys.slowSteps) (\(percent(journeys.slowSteps, of: rows)))")
    lines.append("journeys_capped: \(journeys.cappedJourneys)")
    lines.append("journeys_open_at_export: \(journeys.openAtExport)")
    lines.append("journeys_truncated_at_end: \(journeys.truncatedJourneys)")
    printError(lines.joined(separator: "\n"))
}

/// Parses arguments, generates the log, and maps failures to exit codes:
/// 0 success (also on a closed pipe), 1 write or model error, 2 usage error.
func runLogGenerator() -> Int32 {
    signal(SIGPIPE, SIG_IGN)
    let options: GeneratorOptions
    do {
        guard let parsed = try GeneratorOptions.parse(Array(CommandLine.arguments.dropFirst())) else {
            print(GeneratorOptions.usage)
            return 0
        }
        options = parsed
    } catch {
        printError("touchstone-loggen: error: \(error.description)\nRun 'touchstone-loggen --help' for usage.")
        return 2
    }
    do {
        let generator = try LogGenerator(options: options)
        let writer = try options.outputPath.map { path throws(WriteError) in try ByteWriter(path: path) } ?? ByteWriter()
        let statistics = try generator.run(writer: writer)
        if options.printStatistics {
            printStatistics(statistics, generator: generator)
        }
        return 0
    } catch let error as WriteError {
        switch error {
        case .brokenPipe:
            return 0
        case .cannotOpen(let path, let code):
            printError("touchstone-loggen: error: cannot open '\(path)': \(String(cString: strerror(code)))")
        case .writeFailed(let code):
            printError("touchstone-loggen: error: write failed: \(String(cString: strerror(code)))")
        }
        return 1
    } catch {
        printError("touchstone-loggen: error: \(error)")
        return 1
    }
}

exit(runLogGenerator())
