import TouchstoneIngest

/// What a node of the journey graph stands for.
public enum DiscoveryLevel: String, Sendable, CaseIterable {
    /// One node per touchpoint (activity); every event is a step.
    case touchpoint
    /// One node per journey stage; consecutive events of the same stage form one visit.
    case stage
    /// One node per channel; consecutive events of the same channel form one visit.
    case channel

    /// Whether consecutive events with the same node are merged into one visit.
    var mergesVisits: Bool { self != .touchpoint }
}

/// An analysis request that the log cannot answer. Each message names what is available.
public enum DiscoveryError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The log has no stage (or channel) column, so that level or analysis is unavailable.
    case levelUnavailable(DiscoveryLevel)
    /// `--stage-order` named stages that do not occur in the log.
    case unknownStages([String], known: [String])
    /// A `where` condition named a field that is neither a mapped attribute nor a role.
    case unknownFilterField(String, available: [String])
    /// A `where` condition is not of the form `NAME=VALUE`.
    case malformedCondition(String)
    /// The time window is empty (`since` is not before `until`).
    case emptyTimeWindow(since: Int64, until: Int64)

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
        case .malformedCondition(let text):
            return "where condition \(quoted(text)) is not of the form NAME=VALUE"
        case .emptyTimeWindow(let since, let until):
            return "empty time window: since \(formatTimestamp(since)) is not before until \(formatTimestamp(until))"
        }
    }
}

private func quoted(_ s: String) -> String { "'\(s)'" }

/// Formats microseconds since the Unix epoch (UTC) as ISO 8601, e.g. `2024-03-01T09:30:00Z`;
/// fractional seconds appear only when present (`…:00.250Z`).
public func formatTimestamp(_ micros: Int64) -> String {
    let perDay: Int64 = 86_400_000_000
    var days = micros / perDay
    var rest = micros % perDay
    if rest < 0 { rest += perDay; days -= 1 }
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let day = doy - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
    let seconds = rest / 1_000_000
    let fraction = rest % 1_000_000
    func pad(_ v: Int64, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
    var text = "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(seconds / 3600, 2)):\(pad(seconds / 60 % 60, 2)):\(pad(seconds % 60, 2))"
    if fraction != 0 {
        var f = pad(fraction, 6)
        while f.last == "0" { f.removeLast() }
        text += "." + f
    }
    return text + "Z"
}
