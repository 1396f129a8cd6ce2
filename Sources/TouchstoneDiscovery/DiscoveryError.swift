import TouchstoneIngest
import TouchstoneTraces

/// An analysis request that the log cannot answer. Each message names what is available.
public enum DiscoveryError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The log has no stage (or channel) column, so that level or analysis is unavailable.
    case levelUnavailable(DiscoveryLevel)
    /// `--stage-order` named stages that do not occur in the log.
    case unknownStages([String], known: [String])
    /// A `where` condition named a field that is neither a mapped attribute nor a role.
    case unknownFilterField(String, available: [String])
    /// `--by` named a column that is not a mapped attribute.
    case unknownSegmentAttribute(String, available: [String])
    /// A `where` value occurs in no event of the log; `close` lists similar values of the column.
    case unmatchedFilterValue(name: String, value: String, close: [String])
    /// A `where` condition is not of the form `NAME=VALUE`.
    case malformedCondition(String)
    /// The time window is empty (`since` is not before `until`).
    case emptyTimeWindow(since: Int64, until: Int64)
    /// An option that selects or splits events (`--since`, `--until`, `--where`, `--by`) was
    /// given with a summary, which keeps aggregates and no events.
    case needsEvents(String)

    public var description: String {
        switch self {
        case .levelUnavailable(let level):
            return "the log has no \(level.rawValue) column; map one to analyse at \(level.rawValue) level"
        case .unknownStages(let names, let known):
            return "unknown stage\(names.count == 1 ? "" : "s") \(names.map(quoted).joined(separator: ", ")); "
                + "known stages: \(known.map(quoted).joined(separator: ", "))"
        case .unknownFilterField(let name, let available):
            return "unknown field \(quoted(name)) in where condition; available: "
                + available.map(quoted).joined(separator: ", ")
        case .unknownSegmentAttribute(let name, let available):
            return "--by \(quoted(name)) is not an attribute column"
                + (available.isEmpty ? "" : "; attributes: " + available.map(quoted).joined(separator: ", "))
        case .unmatchedFilterValue(let name, let value, let close):
            return "where \(name)=\(quoted(value)) matches no event of the log"
                + (close.isEmpty ? "; no close value" : "; close values: " + close.map(quoted).joined(separator: ", "))
        case .malformedCondition(let text):
            return "where condition \(quoted(text)) is not of the form NAME=VALUE"
        case .emptyTimeWindow(let since, let until):
            return "empty time window: since \(formatTimestamp(since)) is not before until \(formatTimestamp(until))"
        case .needsEvents(let option):
            return "\(option) needs the events, which a summary does not keep; run on the log instead"
        }
    }
}

private func quoted(_ s: String) -> String { "'\(s)'" }
