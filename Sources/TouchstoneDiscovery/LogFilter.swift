import TouchstoneIngest
import TouchstoneTraces

/// Which events and customers enter discovery.
///
/// First the time window keeps events with `since ≤ timestamp < until`; customers left without
/// events disappear. Then every `where` condition must hold: a customer is kept (with all their
/// remaining events) when at least one of their remaining events carries the value. Conditions
/// combine with AND. Cost: one pass over the events plus one gather per column.
public struct LogFilter: Sendable, Equatable {
    /// `NAME=VALUE`: a mapped attribute, or `touchpoint`, `stage` or `channel`.
    public struct Condition: Sendable, Equatable {
        public var name: String
        public var value: String
        public init(name: String, value: String) { self.name = name; self.value = value }

        /// Parses `NAME=VALUE` (split at the first `=`; the value may be empty or contain `=`).
        public init(parsing text: String) throws(DiscoveryError) {
            guard let eq = text.firstIndex(of: "="), eq != text.startIndex else { throw .malformedCondition(text) }
            name = String(text[..<eq])
            value = String(text[text.index(after: eq)...])
        }
    }

    /// Earliest kept timestamp (inclusive), µs since the Unix epoch, UTC.
    public var since: Int64?
    /// End of the window (exclusive), µs since the Unix epoch, UTC.
    public var until: Int64?
    public var conditions: [Condition]

    public init(since: Int64? = nil, until: Int64? = nil, conditions: [Condition] = []) {
        self.since = since
        self.until = until
        self.conditions = conditions
    }

    /// Whether the filter keeps everything.
    public var isEmpty: Bool { since == nil && until == nil && conditions.isEmpty }

    /// One line per active filter, e.g. `since 2024-01-01T00:00:00Z`, `where channel=email`.
    public var descriptions: [String] {
        var lines: [String] = []
        if let since { lines.append("since \(formatTimestamp(since))") }
        if let until { lines.append("until \(formatTimestamp(until)) (exclusive)") }
        for c in conditions { lines.append("where \(c.name)=\(c.value)") }
        return lines
    }

    /// The names a condition may use in `log`: `touchpoint`, `stage`/`channel` when mapped,
    /// then the mapped attributes.
    public static func fieldNames(in log: EventLog) -> [String] {
        var names = ["touchpoint"]
        if log.events.hasStages { names.append("stage") }
        if log.events.hasChannels { names.append("channel") }
        return names + log.events.attributeNames
    }

    /// The filtered log (the same log when the filter is empty).
    ///
    /// - Throws: `unknownFilterField` listing the available names; `unmatchedFilterValue` (with
    ///   close values of the column) when a value occurs in no event of `log`, since a typo
    ///   would otherwise read as "no customer"; `emptyTimeWindow`.
    public func apply(to log: EventLog) throws(DiscoveryError) -> EventLog {
        if isEmpty { return log }
        if let since, let until, since >= until { throw .emptyTimeWindow(since: since, until: until) }
        let table = log.events
        var resolved: [(Field, UInt32)] = []
        for c in conditions {
            let field: Field
            if c.name == "touchpoint" { field = .touchpoint }
            else if c.name == "stage" && table.hasStages { field = .stage }
            else if c.name == "channel" && table.hasChannels { field = .channel }
            else if let i = table.attributeNames.firstIndex(of: c.name) { field = .attribute(i) }
            else { throw .unknownFilterField(c.name, available: LogFilter.fieldNames(in: log)) }
            let symbols: SymbolTable
            switch field {
            case .touchpoint: symbols = table.activityNames
            case .stage: symbols = table.stageNames
            case .channel: symbols = table.channelNames
            case .attribute(let i): symbols = table.attributeValueNames[i]
            }
            guard let value = symbols.lookup(c.value) else {
                throw .unmatchedFilterValue(name: c.name, value: c.value, close: LogFilter.closeValues(to: c.value, in: symbols))
            }
            resolved.append((field, value))
        }
        let lower = since ?? Int64.min
        let upper = until ?? Int64.max
        var keep: [UInt32] = []
        keep.reserveCapacity(table.count)
        for t in 0..<log.traceCount {
            let start = keep.count
            for row in log.trace(t) {
                let ts = table.timestamps[row]
                if ts >= lower && ts < upper { keep.append(UInt32(row)) }
            }
            if start == keep.count { continue }
            for (field, value) in resolved {
                var found = false
                var k = start
                while k < keep.count && !found {
                    let row = Int(keep[k])
                    switch field {
                    case .touchpoint: found = table.activities[row].rawValue == value
                    case .stage: found = table.stages[row].rawValue == value
                    case .channel: found = table.channels[row].rawValue == value
                    case .attribute(let i): found = table.attributes[i][row].rawValue == value
                    }
                    k += 1
                }
                if !found { keep.removeSubrange(start...); break }
            }
        }
        return log.subset(keeping: keep)
    }

    /// Up to `limit` values of `symbols` close to `value`, closest first (then by name): the
    /// same text ignoring case, one containing the other ignoring case, or an edit distance
    /// (Levenshtein, on Unicode scalars, ignoring case) of at most a third of `value`'s length
    /// (at least 1). Cost: one pass over the values, a distance only for values of similar length.
    public static func closeValues(to value: String, in symbols: SymbolTable, limit: Int = 5) -> [String] {
        let wanted = Array(value.lowercased().unicodeScalars)
        let allowed = Swift.max(1, wanted.count / 3)
        var found: [(distance: Int, name: String)] = []
        for id in 0..<UInt32(symbols.count) {
            let name = symbols.name(id)
            let candidate = Array(name.lowercased().unicodeScalars)
            let distance: Int
            if candidate == wanted {
                distance = 0
            } else if !wanted.isEmpty && !candidate.isEmpty
                        && (name.lowercased().contains(value.lowercased()) || value.lowercased().contains(name.lowercased())) {
                distance = 1
            } else if abs(candidate.count - wanted.count) <= allowed {
                let d = editDistance(wanted, candidate, limit: allowed)
                guard d <= allowed else { continue }
                distance = d
            } else {
                continue
            }
            found.append((distance, name))
        }
        found.sort { $0.distance != $1.distance ? $0.distance < $1.distance : $0.name < $1.name }
        return found.prefix(limit).map(\.name)
    }

    /// Levenshtein distance of `a` and `b`, or a number above `limit` once it must exceed it.
    static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar], limit: Int) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            var rowMin = i
            for j in 1...b.count {
                current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                rowMin = Swift.min(rowMin, current[j])
            }
            if rowMin > limit { return limit + 1 }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    private enum Field { case touchpoint, stage, channel, attribute(Int) }
}
