import ArgumentParser
import TouchstoneIngest
import TouchstoneTraces
import TouchstoneReport

struct StatsCommand: ParsableCommand, CommonOptionsCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Summarise a log: rows read/used/rejected, customers, touchpoints, time range.",
        discussion: "Every row read is either used or rejected with its line and reason: read = used + rejected. JSON keys are documented in docs/stats-json.md."
    )

    @OptionGroup var ingest: IngestArguments

    @OptionGroup var common: CommonOptions

    @Option(help: "Output format: text or json.")
    var format: StatsFormat = .text

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the result to this file instead of standard output.", valueName: "file"))
    var output: String?

    func validate() throws { try ingest.requireLogs() }

    func run() throws {
        try OutputPlan.verify(inputs: ingest.inputs, outputs: [("--output", output), ("--rejects", ingest.rejects)])
        let loaded = try LogLoader.load(ingest)
        let stats = LogStatistics(loaded.log)
        let out = try OutputFile(path: output)
        switch format {
        case .text: try out.write(StatsRenderer.text(stats, loaded.report, sources: loaded.log.events.sources))
        case .json: try out.stream { StatsRenderer.writeJSON(stats, loaded.report, sources: loaded.log.events.sources, to: $0) }
        }
        try out.close()
    }
}

enum StatsFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}
