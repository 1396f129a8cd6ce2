import TouchstoneIngest

/// Summary numbers of a log, as `touchstone stats` prints them.
///
/// Cost: O(events) time; O(customers) scratch for the events-per-customer distribution.
public struct LogStatistics: Sendable {
    /// One name with its event count.
    public struct Count: Sendable, Equatable {
        public var name: String
        public var events: Int
    }

    /// A distribution summary; quantiles interpolate linearly between closest ranks.
    public struct Distribution: Sendable, Equatable {
        public var min: Double, median: Double, p90: Double, max: Double
    }

    public var customers: Int
    public var events: Int
    /// Touchpoints by event count (descending, then name).
    public var touchpoints: [Count]
    /// Stages by event count; empty when no stage column is mapped.
    public var stages: [Count]
    /// Channels by event count; empty when no channel column is mapped.
    public var channels: [Count]
    /// Events whose stage field was empty (the `(none)` stage); nil when no stage column is mapped.
    public var eventsWithoutStage: Int?
    /// Events whose channel field was empty (the `(none)` channel); nil when no channel column is mapped.
    public var eventsWithoutChannel: Int?
    /// Earliest and latest event, microseconds since the Unix epoch (UTC); nil without events.
    public var firstEvent: Int64?
    public var lastEvent: Int64?
    /// Events per customer; nil without events.
    public var eventsPerCustomer: Distribution?
    public var outOfOrderEvents: Int
    public var duplicateEvents: Int
    public var duplicatesRemoved: Bool

    public init(_ log: EventLog) {
        let table = log.events
        customers = log.traceCount
        events = table.count
        touchpoints = LogStatistics.counts(table.activities, names: table.activityNames) { $0.index }
        stages = table.hasStages ? LogStatistics.counts(table.stages, names: table.stageNames) { $0.index } : []
        channels = table.hasChannels ? LogStatistics.counts(table.channels, names: table.channelNames) { $0.index } : []
        eventsWithoutStage = table.hasStages ? LogStatistics.count(of: table.stageNames.noneID, in: table.stages) { $0.rawValue } : nil
        eventsWithoutChannel = table.hasChannels ? LogStatistics.count(of: table.channelNames.noneID, in: table.channels) { $0.rawValue } : nil
        firstEvent = table.timestamps.min()
        lastEvent = table.timestamps.max()
        let lengths = LogStatistics.sortedTraceLengths(log)
        eventsPerCustomer = lengths.isEmpty ? nil : Distribution(
            min: lengths[0], median: quantile(sorted: lengths, 0.5), p90: quantile(sorted: lengths, 0.9), max: lengths[lengths.count - 1])
        outOfOrderEvents = log.outOfOrderEvents
        duplicateEvents = log.duplicateEvents
        duplicatesRemoved = log.duplicatesRemoved
    }

    /// Events per trace, ascending: a counting sort (lengths are at most the event count).
    static func sortedTraceLengths(_ log: EventLog) -> [Double] {
        let bounds = log.traceBounds
        var longest = 0
        for t in 0..<log.traceCount { longest = max(longest, bounds[t + 1] - bounds[t]) }
        var tally = [Int](repeating: 0, count: longest + 1)
        for t in 0..<log.traceCount { tally[bounds[t + 1] - bounds[t]] += 1 }
        var lengths: [Double] = []
        lengths.reserveCapacity(log.traceCount)
        for (length, count) in tally.enumerated() where count > 0 {
            lengths.append(contentsOf: repeatElement(Double(length), count: count))
        }
        return lengths
    }

    private static func count<ID>(of id: UInt32?, in ids: [ID], _ raw: (ID) -> UInt32) -> Int {
        guard let id else { return 0 }
        var n = 0
        for x in ids where raw(x) == id { n += 1 }
        return n
    }

    private static func counts<ID>(_ ids: [ID], names: SymbolTable, _ index: (ID) -> Int) -> [Count] {
        var counts = [Int](repeating: 0, count: names.count)
        for id in ids { counts[index(id)] += 1 }
        return counts.enumerated()
            .filter { $0.element > 0 }
            .map { Count(name: names.name(UInt32($0.offset)), events: $0.element) }
            .sorted { $0.events != $1.events ? $0.events > $1.events : Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8)) }
    }
}

