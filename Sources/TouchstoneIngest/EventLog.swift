/// Events grouped into one trace per customer, each trace ordered by timestamp.
///
/// `events` is the ingested table reordered: customers in order of first appearance in the
/// input, and within a customer by timestamp, equal timestamps keeping input order (a stable
/// sort). Trace `c` is the rows `traceBounds[c] ..< traceBounds[c + 1]`, so every analysis walks
/// memory front to back. Building costs O(events) plus the sort of out-of-order traces, and
/// 4 bytes per event of scratch.
public struct EventLog: Sendable {
    /// All events, in trace order.
    public let events: EventTable
    /// Start row of each trace in `events`, plus one final entry equal to `events.count`.
    public let traceBounds: [Int]
    /// Events that came earlier in time than the previous event of the same customer in input order.
    public let outOfOrderEvents: Int
    /// Events with the same customer, touchpoint and timestamp as an earlier event (in trace order).
    public let duplicateEvents: Int
    /// Whether duplicates were removed (`duplicateEvents` then counts the removed events).
    public let duplicatesRemoved: Bool

    /// Number of traces (customers).
    public var traceCount: Int { traceBounds.count - 1 }

    /// Rows of `events` that make up the trace of `c`.
    @inlinable public func trace(_ c: Int) -> Range<Int> { traceBounds[c]..<traceBounds[c + 1] }

    /// Groups `table` into traces.
    ///
    /// - Parameter removeDuplicates: drop events with the same customer, touchpoint and
    ///   timestamp as an earlier one, keeping the first.
    public init(_ table: consuming EventTable, removeDuplicates: Bool = false) {
        var table = table
        let n = table.count
        let caseCount = table.caseNames.count
        // Counting sort by case id: stable, so each trace keeps input order.
        var bounds = [Int](repeating: 0, count: caseCount + 1)
        var outOfOrder = 0
        table.cases.withUnsafeBufferPointer { cases in
            for c in cases { bounds[c.index + 1] += 1 }
        }
        for c in 0..<caseCount { bounds[c + 1] += bounds[c] }
        var order = [UInt32](repeating: 0, count: n)
        table.cases.withUnsafeBufferPointer { cases in
            var next = bounds
            order.withUnsafeMutableBufferPointer { order in
                for i in 0..<n {
                    let c = cases[i].index
                    order[next[c]] = UInt32(i)
                    next[c] += 1
                }
            }
        }
        // Order each trace by time; most traces are already sorted, so check first.
        table.timestamps.withUnsafeBufferPointer { ts in
            order.withUnsafeMutableBufferPointer { order in
                for c in 0..<caseCount {
                    let lo = bounds[c], hi = bounds[c + 1]
                    var sorted = true
                    var i = lo + 1
                    while i < hi {
                        if ts[Int(order[i])] < ts[Int(order[i - 1])] { outOfOrder += 1; sorted = false }
                        i += 1
                    }
                    if !sorted {
                        // Input order is the tiebreak: indices increase within a trace.
                        var slice = UnsafeMutableBufferPointer(rebasing: order[lo..<hi])
                        slice.sort { a, b in
                            let ta = ts[Int(a)], tb = ts[Int(b)]
                            return ta < tb || (ta == tb && a < b)
                        }
                    }
                }
            }
        }
        // Exact duplicates: equal timestamps are adjacent within a trace.
        var duplicates = 0
        var keep: [UInt32] = []
        if removeDuplicates { keep.reserveCapacity(n) }
        var newBounds = removeDuplicates ? [Int](repeating: 0, count: caseCount + 1) : []
        table.timestamps.withUnsafeBufferPointer { ts in
            table.activities.withUnsafeBufferPointer { acts in
                for c in 0..<caseCount {
                    let lo = bounds[c], hi = bounds[c + 1]
                    var runStart = lo
                    for i in lo..<hi {
                        let e = Int(order[i])
                        if i > lo && ts[e] != ts[Int(order[i - 1])] { runStart = i }
                        var isDuplicate = false
                        var j = runStart
                        while j < i {
                            if acts[Int(order[j])] == acts[e] { isDuplicate = true; break }
                            j += 1
                        }
                        if isDuplicate { duplicates += 1 }
                        if removeDuplicates && !isDuplicate { keep.append(order[i]) }
                    }
                    if removeDuplicates { newBounds[c + 1] = keep.count }
                }
            }
        }
        if removeDuplicates {
            order = keep
            bounds = newBounds
        }
        table.reorder(order)
        self.events = table
        self.traceBounds = bounds
        self.outOfOrderEvents = outOfOrder
        self.duplicateEvents = duplicates
        self.duplicatesRemoved = removeDuplicates
    }
}

extension EventLog {
    /// Creates a log from a table already in trace order.
    init(ordered events: EventTable, traceBounds: [Int], outOfOrderEvents: Int, duplicateEvents: Int, duplicatesRemoved: Bool) {
        self.events = events
        self.traceBounds = traceBounds
        self.outOfOrderEvents = outOfOrderEvents
        self.duplicateEvents = duplicateEvents
        self.duplicatesRemoved = duplicatesRemoved
    }

    /// The log restricted to the rows `keep` (indices into `events`, ascending).
    ///
    /// Traces left without events disappear; ids and names are unchanged, so trace `t` of the
    /// result belongs to customer `events.cases[traceBounds[t]]`. Counters describe the input.
    public func subset(keeping keep: [UInt32]) -> EventLog {
        var table = events
        var bounds: [Int] = [0]
        bounds.reserveCapacity(traceCount + 1)
        var t = 0
        for (i, row) in keep.enumerated() {
            let r = Int(row)
            if i == 0 { while traceBounds[t + 1] <= r { t += 1 }; continue }
            if r >= traceBounds[t + 1] {
                bounds.append(i)
                while traceBounds[t + 1] <= r { t += 1 }
            }
        }
        if !keep.isEmpty { bounds.append(keep.count) }
        table.reorder(keep)
        return EventLog(ordered: table, traceBounds: bounds, outOfOrderEvents: outOfOrderEvents,
                        duplicateEvents: duplicateEvents, duplicatesRemoved: duplicatesRemoved)
    }
}
