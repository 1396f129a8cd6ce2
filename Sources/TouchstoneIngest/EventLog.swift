import Dispatch

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
    /// The customer of each trace. (`events.cases` is empty in a log: the traces say it.)
    public let traceCases: [CaseID]
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
        // Timestamps and touchpoints in trace order first, so the checks below read memory
        // front to back; the other columns are gathered once the order is final.
        table.cases = []  // the trace bounds say it from here on
        var timestamps = EventTable.gather(table.timestamps, order)
        table.timestamps = []
        var activities = EventTable.gather(table.activities, order)
        table.activities = []
        var outOfOrder = 0
        var duplicates = 0
        var keep: [Bool] = removeDuplicates ? [Bool](repeating: true, count: n) : []
        timestamps.withUnsafeMutableBufferPointer { ts in
            activities.withUnsafeMutableBufferPointer { acts in
                order.withUnsafeMutableBufferPointer { order in
                    keep.withUnsafeMutableBufferPointer { keep in
                        let counts = UnsafeMutableBufferPointer<(Int, Int)>.allocate(capacity: 2)
                        defer { counts.deallocate() }
                        counts.initialize(repeating: (0, 0))
                        let job = TraceOrderJob(bounds: bounds, ts: ts, acts: acts, order: order, keep: keep, counts: counts)
                        // Two halves of the traces (by events) on two threads for a large log:
                        // each writes only its own traces' rows.
                        if n < 1 << 16 {
                            job.run(0..<caseCount, part: 0)
                        } else {
                            var middle = 0, high = caseCount
                            while middle < high {
                                let m = (middle + high) / 2
                                if bounds[m] < n / 2 { middle = m + 1 } else { high = m }
                            }
                            let parts = [0..<middle, middle..<caseCount]
                            DispatchQueue.concurrentPerform(iterations: 2) { part in
                                job.run(parts[part], part: part)
                            }
                        }
                        outOfOrder = counts[0].0 + counts[1].0
                        duplicates = counts[0].1 + counts[1].1
                    }
                }
            }
        }
        if removeDuplicates && duplicates > 0 {
            var kept: [UInt32] = []
            kept.reserveCapacity(n - duplicates)
            var newBounds = [Int](repeating: 0, count: caseCount + 1)
            var keptTimestamps: [Int64] = [], keptActivities: [ActivityID] = []
            keptTimestamps.reserveCapacity(n - duplicates)
            keptActivities.reserveCapacity(n - duplicates)
            for c in 0..<caseCount {
                for i in bounds[c]..<bounds[c + 1] where keep[i] {
                    kept.append(order[i])
                    keptTimestamps.append(timestamps[i])
                    keptActivities.append(activities[i])
                }
                newBounds[c + 1] = kept.count
            }
            order = kept
            bounds = newBounds
            timestamps = keptTimestamps
            activities = keptActivities
        }
        table.reorderRemaining(order)
        table.timestamps = timestamps
        table.activities = activities
        self.events = table
        self.traceBounds = bounds
        self.traceCases = (0..<caseCount).map { CaseID(rawValue: UInt32($0)) }
        self.outOfOrderEvents = outOfOrder
        self.duplicateEvents = duplicates
        self.duplicatesRemoved = removeDuplicates
    }
}

/// Sorts the traces of a range into time order and finds their exact duplicates, on
/// buffers whose rows for those traces only it touches.
private struct TraceOrderJob: @unchecked Sendable {
    let bounds: [Int]
    let ts: UnsafeMutableBufferPointer<Int64>
    let acts: UnsafeMutableBufferPointer<ActivityID>
    let order: UnsafeMutableBufferPointer<UInt32>
    /// Empty unless duplicates are removed.
    let keep: UnsafeMutableBufferPointer<Bool>
    /// Per part: out-of-order events and duplicates.
    let counts: UnsafeMutableBufferPointer<(Int, Int)>

    /// Orders `traces`, storing its counts of out-of-order events and duplicates in `counts[part]`.
    func run(_ traces: Range<Int>, part: Int) {
        var outOfOrder = 0, duplicates = 0
        let removeDuplicates = !keep.isEmpty
        for c in traces {
            let lo = bounds[c], hi = bounds[c + 1]
            var sorted = true
            var i = lo + 1
            while i < hi {
                if ts[i] < ts[i - 1] { outOfOrder += 1; sorted = false }
                i += 1
            }
            if !sorted {
                if hi - lo <= 32 {
                    // Stable insertion sort by time: rows of a trace are in input order, so
                    // this is the order by (time, input order), as below.
                    var j = lo + 1
                    while j < hi {
                        let t = ts[j], a = acts[j], o = order[j]
                        var k = j
                        while k > lo && ts[k - 1] > t {
                            ts[k] = ts[k - 1]; acts[k] = acts[k - 1]; order[k] = order[k - 1]
                            k -= 1
                        }
                        ts[k] = t; acts[k] = a; order[k] = o
                        j += 1
                    }
                } else {
                    // Stable: input order (the original index) breaks ties.
                    var local = Array(lo..<hi)
                    local.sort { a, b in ts[a] < ts[b] || (ts[a] == ts[b] && order[a] < order[b]) }
                    let o = local.map { order[$0] }, t = local.map { ts[$0] }, a = local.map { acts[$0] }
                    for k in 0..<(hi - lo) { order[lo + k] = o[k]; ts[lo + k] = t[k]; acts[lo + k] = a[k] }
                }
            }
            // Exact duplicates: equal timestamps are adjacent within a trace.
            var runStart = lo
            for i in lo..<hi {
                if i > lo && ts[i] != ts[i - 1] { runStart = i }
                var j = runStart
                while j < i {
                    if acts[j] == acts[i] {
                        duplicates += 1
                        if removeDuplicates { keep[i] = false }
                        break
                    }
                    j += 1
                }
            }
        }
        counts[part] = (outOfOrder, duplicates)
    }
}

extension EventLog {
    /// Creates a log from a table already in trace order.
    init(ordered events: EventTable, traceBounds: [Int], traceCases: [CaseID], outOfOrderEvents: Int, duplicateEvents: Int, duplicatesRemoved: Bool) {
        self.events = events
        self.traceBounds = traceBounds
        self.traceCases = traceCases
        self.outOfOrderEvents = outOfOrderEvents
        self.duplicateEvents = duplicateEvents
        self.duplicatesRemoved = duplicatesRemoved
    }

    /// The log restricted to the rows `keep` (indices into `events`, strictly ascending).
    ///
    /// Traces left without events disappear; ids and names are unchanged, so trace `t` of the
    /// result belongs to customer `traceCases[t]`. Counters describe the input.
    ///
    /// - Precondition: every index is below `events.count` and each is greater than the one
    ///   before (checked, O(keep.count)): the gathers below read memory without bounds checks.
    public func subset(keeping keep: [UInt32]) -> EventLog {
        var previous = -1
        for row in keep {
            precondition(Int(row) > previous && Int(row) < events.count,
                         "EventLog.subset: row \(row) is out of range or out of order (events: \(events.count))")
            previous = Int(row)
        }
        var table = events
        var bounds: [Int] = [0]
        var cases: [CaseID] = []
        bounds.reserveCapacity(traceCount + 1)
        var t = 0
        for (i, row) in keep.enumerated() {
            let r = Int(row)
            if i == 0 {
                while traceBounds[t + 1] <= r { t += 1 }
                cases.append(traceCases[t])
                continue
            }
            if r >= traceBounds[t + 1] {
                bounds.append(i)
                while traceBounds[t + 1] <= r { t += 1 }
                cases.append(traceCases[t])
            }
        }
        if !keep.isEmpty { bounds.append(keep.count) }
        table.reorder(keep)
        return EventLog(ordered: table, traceBounds: bounds, traceCases: cases, outOfOrderEvents: outOfOrderEvents,
                        duplicateEvents: duplicateEvents, duplicatesRemoved: duplicatesRemoved)
    }
}
