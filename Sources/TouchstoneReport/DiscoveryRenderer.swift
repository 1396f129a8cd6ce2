import TouchstoneDiscovery
import TouchstoneTraces

/// Output formats of `touchstone discover`.
public enum DiscoveryFormat: String, Sendable, CaseIterable {
    case text, json, csv, dot, mermaid
}

/// Renders a `DiscoveryResult`; computes nothing beyond layout. One file per format:
/// `DiscoveryRenderer+Text`, `+JSON`, `+CSV`, `+DOT`, `+Mermaid`.
///
/// Durations: `text`, `dot` and `mermaid` use `HumanDuration`; `json` and `csv` give seconds
/// as decimals (up to 6 places, i.e. microsecond precision). See `docs/discover.md`.
public struct DiscoveryRenderer: Sendable {
    public var format: DiscoveryFormat
    /// Maximum line width of the text format, in characters.
    public var width: Int
    /// Most rows of the text format's transitions table; `nil` shows every visible edge.
    /// A cut table ends with a line saying how many rows were cut and how to see them.
    public var transitionRows: Int?
    /// Most rows of the text format's nodes and stage-transition tables; `nil` shows all.
    public var tableRows: Int?

    /// Most nodes a `dot` or `mermaid` graph shows without a warning: a larger graph is still
    /// written, and `touchstone discover` warns on standard error and suggests pruning.
    public static let largeGraphNodes = 50

    /// Rows per text table by default (`touchstone discover --table-rows`).
    public static let defaultTableRows = 15

    public init(format: DiscoveryFormat, width: Int = 100, transitionRows: Int? = nil, tableRows: Int? = nil) {
        self.format = format
        self.width = width
        self.transitionRows = transitionRows
        self.tableRows = tableRows
    }

    /// The whole output, ending in a newline.
    public func render(_ result: DiscoveryResult) -> String {
        if format == .json {
            var w = JSONWriter()
            json(result, &w)
            return w.output
        }
        return renderText(result)
    }

    /// Writes the whole output to `sink` in order, in pieces of at most about
    /// `JSONWriter.chunkSize` bytes for JSON (streamed, never held whole in memory).
    public func write(_ result: DiscoveryResult, to sink: @escaping JSONWriter.Sink) {
        if format == .json {
            var w = JSONWriter(sink: sink)
            json(result, &w)
            w.flush()
            return
        }
        var text = renderText(result)
        text.withUTF8 { sink(UnsafeRawBufferPointer($0)) }
    }

    /// `Filters: …` and `Pruning: …` as stated by every format but CSV (not yet escaped).
    static func statedFilters(_ r: DiscoveryResult) -> [String] {
        var pruning = "Pruning: " + (r.pruning.isEmpty ? "none" : r.pruning.joined(separator: "; "))
        if !r.pruning.isEmpty { pruning += " (hidden: \(r.view.hiddenEdges) edges, \(r.view.hiddenNodes) nodes)" }
        return ["Filters: " + (r.filters.isEmpty ? "none" : r.filters.joined(separator: "; ")), pruning]
            + r.approximate.map { "Approximate: " + $0 }
    }

    private func renderText(_ result: DiscoveryResult) -> String {
        switch format {
        case .text: return TerminalText.escaped(text(result), keepingLineFeeds: true)
        case .json:
            var w = JSONWriter()
            json(result, &w)
            return w.output
        case .csv: return csv(result)
        case .dot: return dot(result)
        case .mermaid: return mermaid(result)
        }
    }
}
