import ArgumentParser

struct DiscoverCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "discover", abstract: "Discover the journey graph, stage transitions and variants.")
    @OptionGroup var ingest: IngestArguments
    func run() throws { throw FrontendError(message: "discover: not built yet") }
}
