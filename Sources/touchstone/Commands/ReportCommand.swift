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

    @OptionGroup var report: ReportArguments

    @Option(name: .customLong("in-progress-window"),
            help: ArgumentHelp("A customer without a goal whose last row is at most this long before the end of the log is in progress (e.g. 30d, 12h).", valueName: "duration"))
    var inProgressWindow: String = "30d"

    @Option(name: .customLong("as-of"), parsing: .unconditional,
            help: ArgumentHelp("The end of the log for outcomes (ISO 8601). Default: the latest timestamp read.", valueName: "time"))
    var asOf: String?

    @Option(name: .customLong("by"), parsing: .unconditional, help: ArgumentHelp("Show the key figures side by side per value of this attribute column.", valueName: "name"))
    var groupBy: String?

    @Option(help: ArgumentHelp("A previous run's `check --format json` output: show the change of every key figure.", valueName: "file"))
    var baseline: String?

    mutating func validate() throws {
        do { _ = try DurationText.parse(inProgressWindow) } catch { throw ValidationError("--in-progress-window: \(error.message)") }
    }

    func run() throws {
        var request = CheckRequest(mapPath: mapPath)
        request.output = output
        request.reportOnly = true
        report.apply(to: &request)
        do { request.options.inProgressWindow = try DurationText.parse(inProgressWindow) } catch { throw FrontendError(message: "--in-progress-window: \(error.message)") }
        request.options.asOf = try asOf.map { try TimeArgument.parse($0, zone: ingest.timezone, flag: "--as-of") }
        request.options.groupBy = groupBy
        request.baseline = baseline
        try CheckFrontend.run(request, ingest: ingest)
    }
}
