import ArgumentParser

struct SplitCommand: ParsableCommand, CommonOptionsCommand {
    static let configuration = CommandConfiguration(
        commandName: "split",
        abstract: "Split a log into customer-hash pieces (Spark's pmod(xxhash64(customer), N)), rows verbatim.",
        discussion: """
        Every row goes, as its raw bytes, to piece pmod(xxhash64(customer id), N): XXH64 with seed 42 over the \
        customer id's UTF-8 bytes, as Spark SQL computes it, so a Spark job partitions the same way. Rows without \
        a customer id (empty, missing, unparsable) go to piece pmod(42, N), Spark's hash of a null. Each piece \
        keeps its rows in input order; a customer is never in two pieces. Layout: DIR/piece-K/NNNN-NAME, one file \
        per input that has rows for the piece, with the input's header line (UTF-8; .gz inputs written plain). \
        The folder is written beside DIR and renamed into place when complete. See docs/scale-out.md.
        """
    )

    @OptionGroup var ingest: IngestArguments

    @OptionGroup var common: CommonOptions

    @Option(help: ArgumentHelp("Number of pieces (1…100000).", valueName: "n"))
    var pieces: Int

    @Option(name: .customLong("output-dir"), help: ArgumentHelp("Folder to create (or an empty one) for the pieces.", valueName: "dir"))
    var outputDirectory: String

    mutating func validate() throws {
        try ingest.requireLogs()
        guard (1...100_000).contains(pieces) else { throw ValidationError("--pieces must be between 1 and 100000, got \(pieces)") }
        if ingest.dedupe { throw ValidationError("--dedupe does not apply to split (it writes rows, not events); pass it to the commands that read the pieces") }
    }

    func run() throws {
        try SplitFrontend.run(inputs: ingest.inputs, ingest.reading, pieces: pieces, directory: outputDirectory)
    }
}
