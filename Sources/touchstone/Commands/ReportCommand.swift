import ArgumentParser
import TouchstoneConformance
import TouchstoneIngest
import TouchstoneReport
import TouchstoneTraces

/// Options of the HTML report shared by `report` and `check --html`.
struct ReportArguments: ParsableArguments {
    @Option(parsing: .unconditional, help: ArgumentHelp("Draw the mean of this numeric attribute column (CSAT, NPS, rating) per designed step: the experience curve.", valueName: "name"))
    var score: String?

    @Option(name: .customLong("min-frequency"),
            help: ArgumentHelp("Leave undesigned transitions taken fewer times out of the journey graph (where journeys start is always drawn).", valueName: "n"))
    var minFrequency: Int = 1

    mutating func validate() throws {
        if minFrequency < 1 { throw ValidationError("--min-frequency must be at least 1, got \(minFrequency)") }
    }

    func apply(to request: inout CheckRequest) {
        request.options.score = score
        request.minFrequency = minFrequency
    }
}

struct ReportCommand: ParsableCommand, CommonOptionsCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the conformance check as one self-contained HTML page.",
        discussion: """
        The page process owners open: key figures, the journey matrix (stages × channels), the
        designed vs. real journey graph, funnel, deviations with example customers, top variants,
        timing, moments of truth, the experience curve (--score) and segments (--by). No
        external CSS, scripts, fonts or images: it works offline and survives being mailed.
        The same log and map give the same bytes. Every section and figure: docs/report.md.
        """
    )

    @OptionGroup var ingest: IngestArguments
    @OptionGroup var common: CommonOptions

    @Option(name: .customLong("map"), help: ArgumentHelp("The designed journey map (YAML).", valueName: "file"))
    var mapPath: String

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the page to this file instead of standard output.", valueName: "file"))
    var output: String?

    @Option(name: .customLong("from-summary"),
            help: ArgumentHelp("Report on a summary (`touchstone summarize`/`merge`) instead of log files.", valueName: "file"))
    var fromSummary: String?

    @OptionGroup var report: ReportArguments

    @OptionGroup var outcomes: OutcomeArguments

    @Option(help: ArgumentHelp("A previous run's `check --format json` output: show the change of every key figure.", valueName: "file"))
    var baseline: String?

    func validate() throws { try ingest.requireLogs(unless: fromSummary) }

    func run() throws {
        var request = CheckRequest(mapPath: mapPath)
        request.output = output
        request.reportOnly = true
        request.fromSummary = fromSummary
        report.apply(to: &request)
        try outcomes.apply(to: &request, zone: ingest.timezone)
        request.baseline = baseline
        try CheckFrontend.run(request, ingest: ingest)
    }
}
