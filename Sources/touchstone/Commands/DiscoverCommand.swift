import ArgumentParser
import TouchstoneConformance
import TouchstoneDiscovery
import TouchstoneIngest
import TouchstoneReport

struct DiscoverCommand: ParsableCommand, CommonOptionsCommand {
    static let configuration = CommandConfiguration(
        commandName: "discover",
        abstract: "Discover how customers really move: journey graph, stage transitions, variants.",
        discussion: """
        The journey graph is the directly-follows graph of each customer's time-ordered trace, at \
        touchpoint, stage or channel level. Filters apply before discovery; --min-frequency and \
        --top-edges only hide edges and never change the numbers of what is kept. \
        Definitions and JSON keys: docs/discover.md, docs/discover-json.md.
        """
    )

    @OptionGroup var ingest: IngestArguments

    @OptionGroup var common: CommonOptions

    @Option(help: "Graph level: touchpoint, stage or channel.")
    var level: DiscoveryLevel = .touchpoint

    @Option(parsing: .unconditional, help: ArgumentHelp("Keep events at or after this time (ISO 8601; no offset means --timezone).", valueName: "time"))
    var since: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Keep events before this time (ISO 8601).", valueName: "time"))
    var until: String?

    @Option(name: .customLong("where"), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("Keep customers with at least one event where NAME=VALUE (an --attribute, stage, channel or touchpoint). Repeatable; all must hold.", valueName: "name=value"))
    var conditions: [String] = []

    @Option(name: .customLong("min-frequency"), help: ArgumentHelp("Hide edges seen fewer than N times.", valueName: "n"))
    var minFrequency: Int?

    @Option(name: .customLong("top-edges"),
            help: ArgumentHelp("Show only the K most frequent edges (journey starts and ends are always shown, not counted).", valueName: "k"))
    var topEdges: Int?

    @Option(name: .customLong("variants"),
            help: ArgumentHelp("Show the N most frequent variants, or all (default: 10, unless --variant-coverage is given).", valueName: "n|all"))
    var variantLimit: RowCount?

    @Option(name: .customLong("variant-coverage"),
            help: ArgumentHelp("Show the most frequent variants until they cover this share of customers (0…1).", valueName: "share"))
    var variantCoverage: Double?

    @Option(name: .customLong("stage-order"), parsing: .unconditional,
            help: ArgumentHelp("Stage order for the funnel, comma-separated (sequential: a customer counts for a stage once it reached every earlier one).", valueName: "a,b,c"))
    var stageOrder: String?

    @Option(name: .customLong("by"), parsing: .unconditional,
            help: ArgumentHelp("Key figures and graph per value of this attribute column (mapped automatically); text, json and csv.", valueName: "name"))
    var groupBy: String?

    @Option(name: .customLong("segments"), help: ArgumentHelp("With --by: show the N values with the most customers (default 10).", valueName: "n"))
    var segmentLimit: Int?

    @Option(name: .customLong("table-rows"),
            help: ArgumentHelp("Text format: most rows of the transitions, nodes and stage tables, or all (default: 15; transitions: all kept by --top-edges when given). Every cut table says what it cut.", valueName: "n|all"))
    var tableRows: RowCount?

    @Option(help: "Output format: text, json, csv, dot or mermaid.")
    var format: DiscoveryFormat = .text

    @Option(name: .customLong("from-summary"),
            help: ArgumentHelp("Discover from a summary (`touchstone summarize`/`merge`) instead of log files: the same outputs, duration quantiles within 0.5%; no filters or --by.", valueName: "file"))
    var fromSummary: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the result to this file instead of standard output.", valueName: "file"))
    var output: String?

    mutating func validate() throws {
        try ingest.requireLogs(unless: fromSummary)
        if let n = minFrequency, n < 1 { throw ValidationError("--min-frequency must be at least 1") }
        if let k = topEdges, k < 1 { throw ValidationError("--top-edges must be at least 1") }
        if case .count(let n)? = variantLimit, n < 1 { throw ValidationError("--variants must be at least 1 or all") }
        if case .count(let n)? = tableRows, n < 1 { throw ValidationError("--table-rows must be at least 1 or all") }
        if let n = segmentLimit, n < 1 { throw ValidationError("--segments must be at least 1") }
        if segmentLimit != nil && groupBy == nil { throw ValidationError("--segments needs --by NAME") }
        if groupBy != nil && (format == .dot || format == .mermaid) {
            throw ValidationError("--by works with --format text, json or csv; for one value's graph in \(format.rawValue), use --where NAME=VALUE")
        }
        if let c = variantCoverage, !(c > 0 && c <= 1) { throw ValidationError("--variant-coverage must be in (0, 1], got \(c)") }
    }

    func run() throws {
        try OutputPlan.verify(inputs: ingest.inputs + (fromSummary.map { [$0] } ?? []), outputs: [("--output", output), ("--rejects", ingest.rejects)])
        var filter = LogFilter()
        filter.since = try since.map { try TimeArgument.parse($0, zone: ingest.timezone, flag: "--since") }
        filter.until = try until.map { try TimeArgument.parse($0, zone: ingest.timezone, flag: "--until") }
        for text in conditions {
            do { filter.conditions.append(try LogFilter.Condition(parsing: text)) } catch { throw FrontendError(message: "\(error)") }
        }
        let options = DiscoveryOptions(
            level: level, filter: filter, pruning: DisplayPruning(minFrequency: minFrequency, topEdges: topEdges),
            variantLimit: variantLimit.map(\.limit) ?? (variantCoverage == nil ? DiscoveryOptions.defaultVariantLimit : nil),
            variantCoverage: variantCoverage,
            stageOrder: stageOrder.map { $0.split(separator: ",").map { String(String($0).trimmingSpaces) } },
            segmentBy: groupBy, segmentLimit: segmentLimit)
        // Columns named by --where (and --by) are mapped as attributes without an --attribute flag.
        var reading = ingest
        for name in filter.conditions.map(\.name) + (groupBy.map { [$0] } ?? [])
        where !ConformanceChecker.roleNames.contains(name) && !reading.attributeColumns.contains(.name(name)) {
            reading.reading.attributeColumns.append(.name(name))
        }
        let result: DiscoveryResult
        if let path = fromSummary {
            let summary = try SummaryFrontend.discovery(from: path, inputs: ingest.inputs)
            do { result = try DiscoveryResult(summary: summary.discovery, options: options) } catch { throw FrontendError(file: path, message: "\(error)") }
        } else {
            let loaded = try LogLoader.load(reading)
            do { result = try DiscoveryResult(loaded.log, options: options) } catch { throw FrontendError(message: "\(error)") }
        }
        // The CSV is a plain table: what is approximate is said on stderr instead.
        if format == .csv { for a in result.approximate { Diagnostics.note("approximate: " + a) } }
        // The CSV is a plain table: what --segments left out is said on stderr instead.
        if format == .csv, let s = result.segments, s.hiddenValues > 0 {
            Diagnostics.note("--by \(s.attribute): \(s.hiddenValues) of \(s.valueCount) values not shown "
                + "(\(s.hiddenCustomers) customers, \(s.hiddenEvents) events); --segments N shows more")
        }
        let out = try OutputFile(path: output)
        let rows = tableRows.map(\.limit) ?? DiscoveryRenderer.defaultTableRows
        let renderer = DiscoveryRenderer(format: format, transitionRows: tableRows == nil && topEdges != nil ? nil : rows, tableRows: rows)
        try out.stream { renderer.write(result, to: $0) }
        try out.close()
        if format == .dot || format == .mermaid, result.view.shownNodes > DiscoveryRenderer.largeGraphNodes {
            Diagnostics.warning("""
                the graph has \(result.view.shownNodes) nodes, more than \(DiscoveryRenderer.largeGraphNodes), and may be hard to read; \
                it was written all the same. Try --top-edges 30 or --min-frequency N (fewer edges; nodes where journeys \
                start or end stay), --level stage or --level channel, or --where NAME=VALUE (fewer customers)
                """)
        }
    }
}

/// A number of rows or variants to show, or `all`.
enum RowCount: ExpressibleByArgument, Equatable {
    case count(Int)
    case all

    init?(argument: String) {
        if argument == "all" { self = .all } else if let n = Int(argument) { self = .count(n) } else { return nil }
    }

    /// The limit, `nil` for all.
    var limit: Int? {
        if case .count(let n) = self { return n }
        return nil
    }
}

extension DiscoveryLevel: ExpressibleByArgument {}
extension DiscoveryFormat: ExpressibleByArgument {}
