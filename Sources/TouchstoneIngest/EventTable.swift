import Dispatch

/// The events of a log as a struct of arrays: one entry per event in every column.
///
/// Built by `Ingester` in input order; `EventLog` holds the same table reordered into traces.
/// Names live in the symbol tables; columns hold only integer ids, `Int64` timestamps and
/// source positions. Unmapped optional roles (stage, channel) have empty columns; a mapped one
/// holds the id of the empty name (`(none)`) for events whose field was empty.
///
/// Memory: 20 bytes per event (case 4, touchpoint 4, timestamp 8, line 4), plus 4 per mapped
/// stage, channel and attribute column.
public struct EventTable: Sendable {
    /// Customer of each event.
    public internal(set) var cases: [CaseID] = []
    /// Touchpoint (activity) of each event.
    public internal(set) var activities: [ActivityID] = []
    /// Microseconds since the Unix epoch, UTC.
    public internal(set) var timestamps: [Int64] = []
    /// 1-based physical line where the event's record starts in its source file.
    public internal(set) var lines: [UInt32] = []
    /// 0-based index into `sources` of the file each event came from; empty while all events
    /// come from the first input (read it through `source(of:)`).
    public internal(set) var sourceIndices: [UInt16] = []
    /// Stage of each event; empty when no stage column is mapped.
    public internal(set) var stages: [StageID] = []
    /// Channel of each event; empty when no channel column is mapped.
    public internal(set) var channels: [ChannelID] = []
    /// One column per mapped attribute, in the order of `attributeNames`.
    public internal(set) var attributes: [[AttributeValueID]] = []

    public internal(set) var caseNames = SymbolTable()
    public internal(set) var activityNames = SymbolTable()
    /// Stage names; an event without a stage has the empty name, shown as `(none)`.
    public internal(set) var stageNames = SymbolTable(emptyMeansNone: true)
    /// Channel names; an event without a channel has the empty name, shown as `(none)`.
    public internal(set) var channelNames = SymbolTable(emptyMeansNone: true)
    /// Values of each mapped attribute, parallel to `attributes`.
    public internal(set) var attributeValueNames: [SymbolTable] = []
    /// The user-facing names of the mapped attributes (as given with `--attribute`).
    public internal(set) var attributeNames: [String] = []
    /// Display names of the inputs (paths, or `-` for stdin), indexed by `sourceIndices`.
    public internal(set) var sources: [String] = []

    public init() {}

    /// Number of events.
    public var count: Int { activities.count }

    /// 0-based index into `sources` of the input event `row` came from.
    public func source(of row: Int) -> Int { sourceIndices.isEmpty ? 0 : Int(sourceIndices[row]) }
    /// Whether a stage column was mapped.
    public internal(set) var hasStages = false
    /// Whether a channel column was mapped.
    public internal(set) var hasChannels = false

    public func caseName(_ id: CaseID) -> String { caseNames.name(id.rawValue) }
    public func activityName(_ id: ActivityID) -> String { activityNames.name(id.rawValue) }
    public func stageName(_ id: StageID) -> String { stageNames.name(id.rawValue) }
    public func channelName(_ id: ChannelID) -> String { channelNames.name(id.rawValue) }

    /// Reserves room for `n` events in every column.
    mutating func reserve(_ n: Int, stages hasStage: Bool, channels hasChannel: Bool) {
        cases.reserveCapacity(n)
        activities.reserveCapacity(n)
        timestamps.reserveCapacity(n)
        lines.reserveCapacity(n)
        if hasStage { stages.reserveCapacity(n) }
        if hasChannel { channels.reserveCapacity(n) }
        for i in attributes.indices { attributes[i].reserveCapacity(n) }
    }

    /// Reorders every column so that row `i` becomes the old row `order[i]`; rows not in
    /// `order` are dropped.
    ///
    /// Columns are gathered one at a time, so peak extra memory is one column.
    mutating func reorder(_ order: [UInt32]) {
        if !cases.isEmpty { cases = EventTable.gather(cases, order) }
        activities = EventTable.gather(activities, order)
        timestamps = EventTable.gather(timestamps, order)
        lines = EventTable.gather(lines, order)
        if !sourceIndices.isEmpty { sourceIndices = EventTable.gather(sourceIndices, order) }
        if hasStages { stages = EventTable.gather(stages, order) }
        if hasChannels { channels = EventTable.gather(channels, order) }
        for i in attributes.indices { attributes[i] = EventTable.gather(attributes[i], order) }
    }

    /// Like `reorder`, for every column but timestamps and activities (already in order).
    mutating func reorderRemaining(_ order: [UInt32]) {
        lines = EventTable.gather(lines, order)
        if !sourceIndices.isEmpty { sourceIndices = EventTable.gather(sourceIndices, order) }
        if hasStages { stages = EventTable.gather(stages, order) }
        if hasChannels { channels = EventTable.gather(channels, order) }
        for i in attributes.indices { attributes[i] = EventTable.gather(attributes[i], order) }
    }

    /// `column` read in the order `order`: a random-access pass, split over two threads for
    /// large tables (each writes its own half of the result).
    static func gather<T>(_ column: [T], _ order: [UInt32]) -> [T] {
        let n = order.count
        return column.withUnsafeBufferPointer { src in
            order.withUnsafeBufferPointer { ord in
                [T](unsafeUninitializedCapacity: n) { dst, initialized in
                    let job = GatherJob(source: src, order: ord, destination: dst)
                    if n < 1 << 16 {
                        job.run(0..<n)
                    } else {
                        DispatchQueue.concurrentPerform(iterations: 2) { part in
                            job.run((part * n / 2)..<((part + 1) * n / 2))
                        }
                    }
                    initialized = n
                }
            }
        }
    }
}

extension EventTable {
    /// An empty table with the given optional roles mapped.
    public init(stages: Bool, channels: Bool, attributes: [String] = []) {
        self.init()
        hasStages = stages
        hasChannels = channels
        attributeNames = attributes
        self.attributes = Array(repeating: [], count: attributes.count)
        attributeValueNames = Array(repeating: SymbolTable(), count: attributes.count)
    }

    /// Appends one event by name. For tests and programmatic use; the ingester works on bytes.
    ///
    /// - Parameters:
    ///   - timestamp: microseconds since the Unix epoch, UTC.
    ///   - stage, channel: nil or empty for an event without one (`(none)`); ignored when
    ///     the role is not mapped.
    ///   - attributes: one value per mapped attribute, in `attributeNames` order.
    public mutating func append(case caseName: String, activity: String, timestamp: Int64,
                                stage: String? = nil, channel: String? = nil,
                                attributes values: [String] = [], line: UInt32 = 0, source: UInt16 = 0) {
        cases.append(CaseID(rawValue: caseNames.intern(caseName)))
        activities.append(ActivityID(rawValue: activityNames.intern(activity)))
        timestamps.append(timestamp)
        lines.append(line)
        if source != 0 && sourceIndices.isEmpty { sourceIndices = Array(repeating: 0, count: lines.count - 1) }
        if !sourceIndices.isEmpty { sourceIndices.append(source) }
        if hasStages { stages.append(StageID(rawValue: stageNames.intern(stage ?? ""))) }
        if hasChannels { channels.append(ChannelID(rawValue: channelNames.intern(channel ?? ""))) }
        for i in attributes.indices {
            let v = i < values.count ? values[i] : ""
            attributes[i].append(AttributeValueID(rawValue: attributeValueNames[i].intern(v)))
        }
    }
}

/// One gather, shared by the threads that each fill a disjoint range of `destination`.
private struct GatherJob<T>: @unchecked Sendable {
    let source: UnsafeBufferPointer<T>
    let order: UnsafeBufferPointer<UInt32>
    let destination: UnsafeMutableBufferPointer<T>

    func run(_ range: Range<Int>) {
        for i in range { destination.initializeElement(at: i, to: source[Int(order[i])]) }
    }
}
