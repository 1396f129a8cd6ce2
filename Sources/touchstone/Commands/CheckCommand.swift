import ArgumentParser
import TouchstoneConformance
import TouchstoneIngest
import TouchstoneReport
import TouchstoneTraces

struct CheckCommand: ParsableCommand, CommonOptionsCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check every customer's journey against the designed journey map.",
        discussion: """
        Aligns each customer's trace with the map's designed flow (optimally, once per distinct \
        variant), names deviations in the map's words, and reports conformance, fitness, \
        outcomes, deviations by step, designed and undesigned transitions, the stage funnel and \
        moments of truth. Exit 1 when a --fail-under/--fail-over threshold (or, with \
        --fail-on-regression, the baseline) fails; outputs are still written. \
        Definitions: docs/journey-map.md; JSON keys: docs/check-json.md.
        """
    )

    @OptionGroup var ingest: IngestArguments

    @OptionGroup var common: CommonOptions

    @Option(name: .customLong("map"), help: ArgumentHelp("The designed journey map (YAML).", valueName: "file"))
    var mapPath: String

    @Option(name: .customLong("from-summary"),
            help: ArgumentHelp("Check a summary (`touchstone summarize`/`merge`) instead of log files: the same outputs, duration quantiles within 0.5%.", valueName: "file"))
    var fromSummary: String?

    @Option(help: "Output format: text, json or markdown (a summary with a Mermaid graph of the main deviations).")
    var format: CheckFormat = .text

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the result to this file instead of standard output.", valueName: "file"))
    var output: String?

    @Option(help: ArgumentHelp("Also write the HTML report (as `touchstone report` does) to this file.", valueName: "file"))
    var html: String?

    @OptionGroup var report: ReportArguments

    @Option(name: .customLong("per-customer"),
            help: ArgumentHelp("Write one CSV row per customer: customer,fitness,conformant,outcome,deviations.", valueName: "file"))
    var perCustomer: String?

    @OptionGroup var outcomes: OutcomeArguments

    @Option(name: .customLong("fail-under"),
            help: ArgumentHelp("Exit 1 when conformance, fitness (mean) or completion is below this share, e.g. conformance=0.85. Repeatable.", valueName: "name=share"))
    var failUnder: [String] = []

    @Option(name: .customLong("fail-over"),
            help: ArgumentHelp("Exit 1 when the share of customers with this deviation type is above the limit, e.g. skipped_step=0.05. Repeatable.", valueName: "type=share"))
    var failOver: [String] = []

    @Option(help: ArgumentHelp("A previous run's `check --format json` output: report the change of every key figure.", valueName: "file"))
    var baseline: String?

    @Flag(name: .customLong("fail-on-regression"), help: "Exit 1 when a key figure is worse than in --baseline.")
    var failOnRegression = false

    mutating func validate() throws {
        try ingest.requireLogs(unless: fromSummary)
        if failOnRegression && baseline == nil { throw ValidationError("--fail-on-regression needs --baseline FILE") }
        for t in failUnder { do { _ = try Threshold(parsing: t, .under) } catch { throw ValidationError(error.message) } }
        for t in failOver { do { _ = try Threshold(parsing: t, .over) } catch { throw ValidationError(error.message) } }
    }

    func run() throws {
        var request = CheckRequest(mapPath: mapPath)
        request.format = format
        request.output = output
        request.perCustomer = perCustomer
        request.html = html
        request.fromSummary = fromSummary
        report.apply(to: &request)
        try outcomes.apply(to: &request, zone: ingest.timezone)
        do {
            request.thresholds = try failUnder.map { text throws(ThresholdError) in try Threshold(parsing: text, .under) }
                + failOver.map { text throws(ThresholdError) in try Threshold(parsing: text, .over) }
        } catch { throw FrontendError(message: error.message) }
        request.baseline = baseline
        request.failOnRegression = failOnRegression
        try CheckFrontend.run(request, ingest: ingest)
    }
}

extension CheckFormat: ExpressibleByArgument {}

/// How outcomes are decided and figures grouped, shared by `check` and `report`.
struct OutcomeArguments: ParsableArguments {
    @Option(name: .customLong("in-progress-window"),
            help: ArgumentHelp("A customer without a goal whose last row is at most this long before the end of the log is in progress (e.g. 30d, 12h; default 30d).", valueName: "duration"))
    var inProgressWindow: String?

    @Option(name: .customLong("as-of"), parsing: .unconditional,
            help: ArgumentHelp("The end of the log for outcomes (ISO 8601). Default: the latest timestamp read.", valueName: "time"))
    var asOf: String?

    @Option(name: .customLong("by"), parsing: .unconditional, help: ArgumentHelp("Repeat the key figures per value of this attribute column (mapped automatically).", valueName: "name"))
    var groupBy: String?

    mutating func validate() throws {
        if let window = inProgressWindow {
            do { _ = try DurationText.parse(window) } catch { throw ValidationError("--in-progress-window: \(error.message)") }
        }
    }

    func apply(to request: inout CheckRequest, zone: TimeZoneSpec) throws {
        if let window = inProgressWindow {
            do { request.options.inProgressWindow = try DurationText.parse(window) } catch { throw FrontendError(message: "--in-progress-window: \(error.message)") }
            request.windowGiven = true
        }
        request.options.asOf = try asOf.map { try TimeArgument.parse($0, zone: zone, flag: "--as-of") }
        request.options.groupBy = groupBy
    }
}
