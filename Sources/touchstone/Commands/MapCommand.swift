import ArgumentParser
import TouchstoneConformance
import TouchstoneReport

/// `touchstone map …`: work with journey maps.
struct MapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "map",
        abstract: "Work with journey maps (the designed journey, in YAML).",
        discussion: "The file format is documented in docs/journey-map.md.",
        subcommands: [MapValidateCommand.self, MapDraftCommand.self]
    )
}

/// `touchstone map validate MAP [LOG…]`.
struct MapValidateCommand: ParsableCommand, CommonOptionsCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a journey map; with logs, show how its patterns cover their touchpoints.",
        discussion: """
        Every problem in the map is printed to standard error as path:line:column: error: message, \
        and the exit code is 2. A valid map prints a summary (exit code 0). With logs, the summary \
        is followed by the mapping coverage: the share of events (not ignored) that map to a step, \
        the most frequent touchpoints no step matches, steps no event matches, and touchpoints \
        several steps match (the first step in file order wins). Format: docs/journey-map.md.
        """
    )

    @Argument(help: ArgumentHelp("The journey map (YAML).", valueName: "map"))
    var map: String

    @Argument(help: ArgumentHelp("Logs to measure the mapping on, read as one log; '-' reads standard input.", valueName: "log"))
    var logs: [String] = []

    @OptionGroup var reading: IngestOptionArguments

    @OptionGroup var common: CommonOptions

    @Option(name: .customLong("top"), help: ArgumentHelp("Show this many unmatched touchpoints.", valueName: "n"))
    var top: Int = 10

    mutating func validate() throws {
        try IngestOptionArguments.validate(inputs: logs)
        if top < 0 { throw ValidationError("--top must be at least 0") }
    }

    func run() throws {
        try OutputPlan.verify(inputs: logs, outputs: [("--rejects", reading.rejects)])
        let journey = try MapLoader.load(path: map)
        var text = MapRenderer.summary(journey)
        if !logs.isEmpty {
            let loaded = try LogLoader.load(inputs: logs, reading)
            text += MapRenderer.coverage(MappingCoverage(map: journey, log: loaded.log), top: top)
        }
        let out = try OutputFile(path: nil)
        try out.write(text)
        try out.close()
    }
}

/// `touchstone map draft LOG…`.
struct MapDraftCommand: ParsableCommand, CommonOptionsCommand {
    static let configuration = CommandConfiguration(
        commandName: "draft",
        abstract: "Write a starter journey map mined from a log.",
        discussion: """
        Stages come from the stage column in their typical order, steps from touchpoints that \
        enough customers use, required where most customers of the stage pass them, and the flow \
        from frequent transitions only. The draft is valid for `map validate` and a starting \
        point to edit into the designed journey. Heuristics: docs/map-draft.md.
        """
    )

    @OptionGroup var ingest: IngestArguments

    @OptionGroup var common: CommonOptions

    @Option(parsing: .unconditional, help: ArgumentHelp("The journey's name in the draft.", valueName: "text"))
    var name: String = "Drafted journey"

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the map to this file instead of standard output.", valueName: "file"))
    var output: String?

    func validate() throws { try ingest.requireLogs() }

    func run() throws {
        try OutputPlan.verify(inputs: ingest.inputs, outputs: [("--output", output), ("--rejects", ingest.rejects)])
        let loaded = try LogLoader.load(ingest)
        let draft = JourneyMap.draft(from: loaded.log, name: name)
        let out = try OutputFile(path: output)
        try out.write(draft.yamlText)
        try out.close()
    }
}
