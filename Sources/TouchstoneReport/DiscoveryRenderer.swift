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

    public init(format: DiscoveryFormat, width: Int = 100) {
        self.format = format
        self.width = width
    }

    /// The whole output, ending in a newline.
    public func render(_ result: DiscoveryResult) -> String {
        switch format {
        case .text: return TerminalText.escaped(text(result), keepingLineFeeds: true)
        case .json: return json(result)
        case .csv: return csv(result)
        case .dot: return dot(result)
        case .mermaid: return mermaid(result)
        }
    }
}
