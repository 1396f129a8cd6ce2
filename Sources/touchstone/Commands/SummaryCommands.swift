import ArgumentParser
import TouchstoneConformance
import TouchstoneIngest

struct SummarizeCommand: ParsableCommand, CommonOptionsCommand {
    static let configuration = CommandConfiguration(
        commandName: "summarize",
        abstract: "Write a mergeable summary of one customer-disjoint piece of a log.",
        discussion: """
        Everything discover (and, with --map, check and report) needs, without the events: \
        counts, duration sketches, variants, customer fingerprints and the ingest accounting. \
        Merge pieces with `touchstone merge`; read the result with --from-summary. With --map, \
        --as-of is required (outcomes need the end of the whole log) and must be the same for \
        every piece. Format and bounds: docs/summary-format.md; at scale: docs/scale-out.md.
        """
    )

    @OptionGroup var ingest: IngestArguments
    @OptionGroup var common: CommonOptions

    @Option(name: .customLong("map"), help: ArgumentHelp("Also summarize the conformance check against this journey map (YAML).", valueName: "file"))
    var mapPath: String?

    @OptionGroup var outcomes: OutcomeArguments

    @Option(parsing: .unconditional, help: ArgumentHelp("With --map: also keep the mean of this numeric attribute per step (report's experience curve).", valueName: "name"))
    var score: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("The summary file to write.", valueName: "file"))
    var output: String

    mutating func validate() throws {
        try ingest.requireLogs()
        if mapPath == nil {
            for (flag, given) in [("--as-of", outcomes.asOf != nil), ("--in-progress-window", outcomes.inProgressWindow != nil),
                                  ("--by", outcomes.groupBy != nil), ("--score", score != nil)] where given {
                throw ValidationError("\(flag) applies to the conformance check: give --map too")
            }
        }
    }

    func run() throws {
        var request = SummarizeRequest(output: output, mapPath: mapPath)
        var check = CheckRequest(mapPath: mapPath ?? "")
        try outcomes.apply(to: &check, zone: ingest.timezone)
        request.options = check.options
        request.options.score = score
        try SummaryFrontend.summarize(request, ingest: ingest)
    }
}

struct MergeCommand: ParsableCommand, CommonOptionsCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge summaries of customer-disjoint pieces into one summary.",
        discussion: """
        Any number of pieces, in any order, give the same result. Pieces must be summarized with \
        the same map, --as-of, --in-progress-window, --by and --score; a customer in two pieces \
        is an error (exit 2), never counted twice. Format: docs/summary-format.md.
        """
    )

    @OptionGroup var common: CommonOptions

    @Argument(help: ArgumentHelp("Summary files (`touchstone summarize` or `merge` outputs).", valueName: "summary"))
    var pieces: [String]

    @Option(name: .shortAndLong, help: ArgumentHelp("The merged summary file to write.", valueName: "file"))
    var output: String

    func run() throws {
        try SummaryFrontend.merge(pieces, output: output)
    }
}
