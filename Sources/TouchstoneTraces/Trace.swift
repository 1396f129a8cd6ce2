import TouchstoneIngest

/// 0-based index of a trace (one customer's journey) in an `EventLog`.
public struct TraceID: Hashable, Comparable, Sendable {
    public var rawValue: UInt32
    @inlinable public init(rawValue: UInt32) { self.rawValue = rawValue }
    @inlinable public init(_ index: Int) { self.rawValue = UInt32(truncatingIfNeeded: index) }
    @inlinable public var index: Int { Int(rawValue) }
    @inlinable public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// One event of a trace, read from the log's columns.
public struct TraceEvent: Sendable, Equatable {
    /// Row of the event in `EventLog.events`.
    public var row: Int
    public var touchpoint: ActivityID
    /// `nil` when the log has no stage column.
    public var stage: StageID?
    /// `nil` when the log has no channel column.
    public var channel: ChannelID?
    /// Microseconds since the Unix epoch, UTC.
    public var timestamp: Int64
    /// 1-based line of the event's record in its source file.
    public var line: UInt32
}

/// One customer's journey: its events in time order (equal timestamps keep input order).
///
/// A view on the log's columns: no event is copied; reading an event reads one row of each
/// column. Walk `log.traces` for every customer, or index it with a `TraceID`.
public struct Trace: Sendable, RandomAccessCollection {
    public let log: EventLog
    public let id: TraceID
    /// Rows of this trace in `log.events`.
    public let rows: Range<Int>

    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { rows.count }

    /// The customer of this trace.
    public var customer: CaseID { log.traceCases[id.index] }
    /// The customer id as written in the input.
    public var customerName: String { log.events.caseName(customer) }

    public subscript(position: Int) -> TraceEvent {
        let r = rows.lowerBound + position
        let e = log.events
        return TraceEvent(row: r, touchpoint: e.activities[r], stage: e.hasStages ? e.stages[r] : nil,
                          channel: e.hasChannels ? e.channels[r] : nil, timestamp: e.timestamps[r], line: e.lines[r])
    }

    /// The value of mapped attribute `column` (index into `log.events.attributeNames`) on the
    /// event at `position`.
    public func attribute(_ column: Int, at position: Int) -> AttributeValueID {
        log.events.attributes[column][rows.lowerBound + position]
    }

    /// Touchpoint names of the events, in order (allocates; for display and tests).
    public var touchpointNames: [String] { map { log.events.activityName($0.touchpoint) } }

    /// First and last timestamp; `nil` for an empty trace.
    public var timeRange: ClosedRange<Int64>? {
        guard let first = rows.first, let last = rows.last else { return nil }
        return log.events.timestamps[first]...log.events.timestamps[last]
    }
}

/// Every trace of a log, in customer order (order of first appearance in the input).
public struct TraceCollection: Sendable, RandomAccessCollection {
    public let log: EventLog
    @inlinable public var startIndex: Int { 0 }
    public var endIndex: Int { log.traceCount }
    public subscript(position: Int) -> Trace { Trace(log: log, id: TraceID(position), rows: log.trace(position)) }
    public subscript(id: TraceID) -> Trace { self[id.index] }
}

extension EventLog {
    /// Per-customer traces, each its events in time order.
    public var traces: TraceCollection { TraceCollection(log: self) }
}
