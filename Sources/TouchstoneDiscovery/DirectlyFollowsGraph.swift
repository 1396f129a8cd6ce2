import TouchstoneIngest
import TouchstoneTraces

/// The journey graph: which node directly follows which within each customer's trace, how
/// often, for how many customers, and how long it took.
///
/// A transition `a → b` is two consecutive visits of one trace (traces are ordered by time,
/// equal timestamps keeping input order). At touchpoint level every event is a visit, so the
/// counts equal pm4py's `discover_dfg` (self-loops `a → a` included). At stage and channel level
/// consecutive events with the same stage (channel) form one visit and there are no self-loops.
///
/// Durations are microseconds from the last event of visit `a` to the first event of visit `b`.
///
/// Cost: two passes over the events, O(events) time plus selection per edge (expected linear).
/// Memory: 8 bytes per transition for durations, plus O(nodes + edges): a 4·n² byte matrix
/// when there are at most 1024 nodes, a hash table on packed `(from, to)` ids otherwise.
public struct DirectlyFollowsGraph: Sendable {
    /// Summary of a set of durations, all in microseconds.
    public struct DurationSummary: Sendable, Equatable {
        /// Arithmetic mean, µs.
        public var mean: Double
        /// 50th percentile (linear interpolation between closest ranks), µs.
        public var median: Double
        /// 90th percentile (linear interpolation between closest ranks), µs.
        public var p90: Double
        /// Longest duration, µs.
        public var max: Int64
        public init(mean: Double, median: Double, p90: Double, max: Int64) {
            self.mean = mean; self.median = median; self.p90 = p90; self.max = max
        }
    }

    /// A node with at least one event in the log.
    public struct Node: Sendable, Equatable {
        /// Symbol id at this level (`ActivityID`, `StageID` or `ChannelID` raw value).
        public var id: UInt32
        public var name: String
        /// Events at this node.
        public var events: Int
        /// Visits (runs of consecutive events at this node); equals `events` at touchpoint level.
        public var visits: Int
        /// Distinct customers with at least one event here.
        public var customers: Int
        /// Traces whose first visit is here.
        public var starts: Int
        /// Traces whose last visit is here.
        public var ends: Int
        /// Transitions leaving this node (trace ends excluded).
        public var outgoing: Int
        /// Median time from a visit here to the next visit, over all outgoing transitions, µs;
        /// `nil` without outgoing transitions.
        public var medianTimeToNext: Double?
    }

    /// A directly-follows relation `from → to`.
    public struct Edge: Sendable, Equatable {
        /// Index into `nodes`.
        public var from: Int
        /// Index into `nodes`.
        public var to: Int
        /// Number of transitions.
        public var frequency: Int
        /// Distinct customers with this transition at least once.
        public var customers: Int
        /// `frequency` divided by all transitions leaving `from` (trace ends excluded), 0…1.
        public var share: Double
        /// Time between the two visits.
        public var duration: DurationSummary
    }

    public let level: DiscoveryLevel
    /// Nodes with at least one event, in id order (order of first appearance in the input).
    public let nodes: [Node]
    /// Edges ordered by `from`, then `to` (node order).
    public let edges: [Edge]
    /// Traces (customers) in the log.
    public let customers: Int
    /// Events in the log.
    public let events: Int
    /// Transitions in all traces (sum of edge frequencies).
    public let transitions: Int

    /// Builds the graph of `log` at `level`.
    ///
    /// - Throws: `DiscoveryError.levelUnavailable` when the log has no stage (channel) column.
    public init(_ log: EventLog, level: DiscoveryLevel = .touchpoint) throws(DiscoveryError) {
        try log.requireLevel(level)
        let names = log.nodeNames(level)
        var builder = GraphBuilder(nodeCount: names.count, merge: level.mergesVisits)
        log.walk(level, &builder)
        self.level = level
        self.customers = log.traceCount
        self.events = log.events.count
        (self.nodes, self.edges, self.transitions) = builder.finish(names)
    }

    /// Index into `nodes` of the node named `name`, if it has events.
    public func nodeIndex(named name: String) -> Int? { nodes.firstIndex { $0.name == name } }

    /// The edge between the nodes named `from` and `to`, if any.
    public func edge(_ from: String, _ to: String) -> Edge? {
        guard let f = nodeIndex(named: from), let t = nodeIndex(named: to) else { return nil }
        return edges.first { $0.from == f && $0.to == t }
    }
}

/// The counting state of `DirectlyFollowsGraph.init` (and of `DiscoverySummary`).
struct GraphBuilder: TraceWalker {
    let nodeCount: Int
    let merge: Bool
    var table: EdgeIndexTable
    // Per node id.
    var nodeEvents: [Int]
    var nodeVisits: [Int]
    var nodeCustomers: [Int]
    var nodeLastTrace: [Int32]
    var nodeStarts: [Int]
    var nodeEnds: [Int]
    /// Counters of one edge, kept together so a transition touches one cache line.
    struct EdgeCounters {
        var from: UInt32
        var to: UInt32
        var frequency = 0
        var customers = 0
        var lastTrace: Int32 = -1
        var sum: Double = 0
        var max: Int64 = .min
    }
    /// Per edge, in order of first appearance.
    var counters: [EdgeCounters] = []
    /// Durations of all transitions grouped by edge (in sorted edge order), µs.
    var durations: [Int64] = []
    /// Edge indices (first-appearance numbering) in `(from, to)` order.
    var sortedEdges: [Int] = []

    init(nodeCount: Int, merge: Bool) {
        self.nodeCount = nodeCount
        self.merge = merge
        table = EdgeIndexTable(nodeCount: nodeCount)
        nodeEvents = [Int](repeating: 0, count: nodeCount)
        nodeVisits = nodeEvents
        nodeCustomers = nodeEvents
        nodeStarts = nodeEvents
        nodeEnds = nodeEvents
        nodeLastTrace = [Int32](repeating: -1, count: nodeCount)
    }

    mutating func build<ID: NodeIdentifier>(_ column: UnsafeBufferPointer<ID>, _ ts: UnsafeBufferPointer<Int64>, _ bounds: [Int]) {
        countPass(column, ts, bounds)
        placePass(column, ts, bounds)
    }

    /// Pass 1: node and edge counts, customers via last-seen trace, duration sum and max.
    private mutating func countPass<ID: NodeIdentifier>(_ column: UnsafeBufferPointer<ID>, _ ts: UnsafeBufferPointer<Int64>, _ bounds: [Int]) {
        for t in 0..<(bounds.count - 1) {
            let lo = bounds[t], hi = bounds[t + 1]
            if lo >= hi { continue }
            let trace = Int32(truncatingIfNeeded: t)
            var previous = column[lo].rawValue
            var previousLast = ts[lo]
            see(previous, trace)
            nodeVisits[Int(previous)] += 1
            nodeStarts[Int(previous)] += 1
            var i = lo + 1
            while i < hi {
                let node = column[i].rawValue
                let time = ts[i]
                i += 1
                see(node, trace)
                if merge && node == previous { previousLast = time; continue }
                nodeVisits[Int(node)] += 1
                let (e, isNew) = table.index(previous, node)
                if isNew { counters.append(EdgeCounters(from: previous, to: node)) }
                let d = time &- previousLast
                counters.withUnsafeMutableBufferPointer { c in
                    c[e].frequency += 1
                    if c[e].lastTrace != trace { c[e].lastTrace = trace; c[e].customers += 1 }
                    c[e].sum += Double(d)
                    if d > c[e].max { c[e].max = d }
                }
                previous = node
                previousLast = time
            }
            nodeEnds[Int(previous)] += 1
        }
    }

    @inline(__always)
    private mutating func see(_ node: UInt32, _ trace: Int32) {
        let n = Int(node)
        nodeEvents[n] += 1
        if nodeLastTrace[n] != trace { nodeLastTrace[n] = trace; nodeCustomers[n] += 1 }
    }

    /// Pass 2: a counting sort of all transition durations by edge, in `(from, to)` edge order.
    private mutating func placePass<ID: NodeIdentifier>(_ column: UnsafeBufferPointer<ID>, _ ts: UnsafeBufferPointer<Int64>, _ bounds: [Int]) {
        let edgeCount = counters.count
        // Sort packed (from, to) keys as plain integers, then map each back to its edge.
        var keys = [UInt64](repeating: 0, count: edgeCount)
        for e in 0..<edgeCount { keys[e] = UInt64(counters[e].from) << 32 | UInt64(counters[e].to) }
        keys.sort()
        sortedEdges = keys.map { self.table.existing(UInt32(truncatingIfNeeded: $0 >> 32), UInt32(truncatingIfNeeded: $0)) }
        // next[e]: where the next duration of edge e (first-appearance numbering) goes.
        var next = [Int](repeating: 0, count: edgeCount)
        var offset = 0
        for e in sortedEdges { next[e] = offset; offset += counters[e].frequency }
        durations = [Int64](repeating: 0, count: offset)
        let merge = self.merge
        let table = self.table
        durations.withUnsafeMutableBufferPointer { out in
            for t in 0..<(bounds.count - 1) {
                let lo = bounds[t], hi = bounds[t + 1]
                if lo >= hi { continue }
                var previous = column[lo].rawValue
                var previousLast = ts[lo]
                var i = lo + 1
                while i < hi {
                    let node = column[i].rawValue
                    let time = ts[i]
                    i += 1
                    if merge && node == previous { previousLast = time; continue }
                    let e = table.existing(previous, node)
                    out[next[e]] = time &- previousLast
                    next[e] += 1
                    previous = node
                    previousLast = time
                }
            }
        }
    }

    /// Percentiles per edge and per node, and the compact public values.
    mutating func finish(_ names: SymbolTable) -> ([DirectlyFollowsGraph.Node], [DirectlyFollowsGraph.Edge], Int) {
        var nodeIndex = [Int](repeating: -1, count: nodeCount)
        var nodes: [DirectlyFollowsGraph.Node] = []
        for id in 0..<nodeCount where nodeEvents[id] > 0 {
            nodeIndex[id] = nodes.count
            nodes.append(.init(id: UInt32(id), name: names.name(UInt32(id)), events: nodeEvents[id],
                               visits: nodeVisits[id], customers: nodeCustomers[id], starts: nodeStarts[id],
                               ends: nodeEnds[id], outgoing: 0, medianTimeToNext: nil))
        }
        var edges: [DirectlyFollowsGraph.Edge] = []
        edges.reserveCapacity(sortedEdges.count)
        let sortedEdges = self.sortedEdges
        let counters = self.counters
        durations.withUnsafeMutableBufferPointer { all in
            // Edge percentiles: selection stays inside each edge's slice.
            var offset = 0
            for e in sortedEdges {
                let c = counters[e]
                let n = c.frequency
                let slice = UnsafeMutableBufferPointer(rebasing: all[offset..<(offset + n)])
                let median = percentile(slice, 0.5) ?? 0
                let p90 = percentile(slice, 0.9) ?? 0
                edges.append(.init(from: nodeIndex[Int(c.from)], to: nodeIndex[Int(c.to)], frequency: n,
                                   customers: c.customers, share: 0,
                                   duration: .init(mean: c.sum / Double(n), median: median, p90: p90, max: c.max)))
                offset += n
            }
            // Node medians: a node's outgoing edges are adjacent, so its durations are one slice.
            offset = 0
            var k = 0
            while k < edges.count {
                let from = edges[k].from
                var total = 0
                var j = k
                while j < edges.count && edges[j].from == from { total += edges[j].frequency; j += 1 }
                for m in k..<j { edges[m].share = Double(edges[m].frequency) / Double(total) }
                nodes[from].outgoing = total
                nodes[from].medianTimeToNext = percentile(UnsafeMutableBufferPointer(rebasing: all[offset..<(offset + total)]), 0.5)
                offset += total
                k = j
            }
        }
        let transitions = durations.count
        durations = []
        return (nodes, edges, transitions)
    }
}
