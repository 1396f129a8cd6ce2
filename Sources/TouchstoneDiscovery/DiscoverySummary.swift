import TouchstoneIngest
import TouchstoneTraces

/// Mergeable aggregates of everything `discover` reports, for one customer-disjoint piece of a
/// log: per level, the nodes, the edges with their durations, and the variants with their
/// throughput times. Summaries of pieces that share no customer merge into the summary of their
/// union, and `DiscoveryResult(summary:options:)` turns it into the result a single pass over
/// the whole log gives (see there for what differs: only orders that depend on input
/// positions, and quantiles of compacted duration sets).
///
/// Counts add up under `merge` because no customer is in two pieces (nothing can check that:
/// pieces sharing a customer give wrong customer counts, visits and variants); `firstSeen`
/// times take the minimum; duration sets merge as `DurationSketch`es
/// (`compactAbove: DurationSketch.exactLimit`).
///
/// Canonical order (after `init`, `merge` and decoding), so that equal data gives equal
/// summaries and equal bytes whatever the merge order:
/// - nodes by `firstSeen` (the earliest event at the node), ties by name (UTF-8 bytes);
/// - edges by `from`, then `to` (node indices);
/// - variants by customers descending, then `firstSeen` (the earliest start of a trace with
///   that sequence), then the sequence of step names (UTF-8 bytes, lexicographic).
///
/// Levels: `.touchpoint` always, `.stage` / `.channel` when the log has that column. Merging
/// keeps the levels both sides have; the empty summary `DiscoverySummary()` (no customers, no
/// levels) is the identity.
///
/// Cost of `init(_:)`: per level two passes for the graph (the `DirectlyFollowsGraph` builder)
/// and one for the variants and first-seen times; memory 8 bytes per transition and per
/// customer while the duration sets are exact (`compact()` bounds them).
public struct DiscoverySummary: Sendable, Equatable {
    public var customers: Int
    public var events: Int
    /// One per level the log has: `.touchpoint` always, `.stage` / `.channel` when the log has
    /// that column.
    public var levels: [DiscoveryLevel: LevelSummary]

    /// The empty summary: the identity of `merge`.
    public init() {
        customers = 0
        events = 0
        levels = [:]
    }

    /// Summarizes every level of `log`.
    public init(_ log: EventLog) {
        customers = log.traceCount
        events = log.events.count
        levels = [:]
        for level in DiscoveryLevel.allCases where log.has(level) {
            levels[level] = LevelSummary(log, level: level)
        }
    }

    /// Adds the summary of a piece with no customer in common with this one. The result does
    /// not depend on the order of merges (it is put in canonical order).
    public mutating func merge(_ other: DiscoverySummary) {
        if other.customers == 0 && other.events == 0 && other.levels.isEmpty { return }
        if customers == 0 && events == 0 && levels.isEmpty { self = other; return }
        customers &+= other.customers
        events &+= other.events
        var merged: [DiscoveryLevel: LevelSummary] = [:]
        for (level, theirs) in other.levels {
            guard var mine = levels[level] else { continue }
            mine.merge(theirs, level: level)
            merged[level] = mine
        }
        levels = merged
    }

    /// Merges many pieces, keeping each level's index from one piece to the next and restoring
    /// the canonical order once at the end: O(total size) instead of O(pieces × total size).
    /// `finish()` equals merging the pieces one by one with `merge`.
    public struct Merger {
        var summary: DiscoverySummary
        var indices: [DiscoveryLevel: LevelSummary.Index] = [:]

        public init(_ first: DiscoverySummary) {
            summary = first
            for (level, s) in first.levels { indices[level] = LevelSummary.Index(s) }
        }

        public mutating func add(_ other: DiscoverySummary) {
            if other.customers == 0 && other.events == 0 && other.levels.isEmpty { return }
            if summary.customers == 0 && summary.events == 0 && summary.levels.isEmpty { self = Merger(other); return }
            summary.customers &+= other.customers
            summary.events &+= other.events
            for level in Array(summary.levels.keys) {
                guard let theirs = other.levels[level], var index = indices[level], var mine = summary.levels[level] else {
                    summary.levels[level] = nil
                    indices[level] = nil
                    continue
                }
                summary.levels[level] = nil  // no copy while merging
                indices[level] = nil
                mine.mergeUnordered(theirs, &index)
                summary.levels[level] = mine
                indices[level] = index
            }
        }

        public consuming func finish() -> DiscoverySummary {
            var result = summary
            indices = [:]
            for level in Array(result.levels.keys) { result.levels[level]?.canonicalize() }
            return result
        }
    }

    /// Compacts every duration set of more than `DurationSketch.exactLimit` values (before
    /// writing a file: bounds the size, quantiles then within `DurationSketch.relativeAccuracy`).
    public mutating func compact() {
        for level in Array(levels.keys) { levels[level]!.compact() }
    }

    /// Largest `customers` / `events` a decoded summary may claim (2^48), so that sums over
    /// thousands of merged files cannot overflow.
    public static let maxTotal = 1 << 48

    /// Layout: `customers`, `events` (uvarints); a level mask byte (bit 0 touchpoint, bit 1
    /// stage, bit 2 channel; 0 only for the empty summary); then each present level's
    /// `LevelSummary` in that order.
    public func encode(into w: inout BinaryWriter) {
        w.count(customers)
        w.count(events)
        var mask: UInt8 = 0
        for (bit, level) in DiscoveryLevel.allCases.enumerated() where levels[level] != nil { mask |= 1 << UInt8(bit) }
        w.byte(mask)
        for level in DiscoveryLevel.allCases {
            levels[level]?.encode(into: &w)
        }
    }

    /// Reads what `encode(into:)` writes, checking every index, count and total (see
    /// `LevelSummary.init(from:level:customers:events:)`); a corrupt summary is an error.
    public init(from r: inout BinaryReader) throws(BinaryFormatError) {
        let start = r.offset
        customers = try r.number()
        events = try r.number()
        guard customers <= Self.maxTotal, events <= Self.maxTotal else {
            throw BinaryFormatError(offset: start, message: "customer or event total out of range")
        }
        let maskOffset = r.offset
        let mask = try r.byte()
        guard mask & ~7 == 0, mask & 1 != 0 || (mask == 0 && customers == 0 && events == 0) else {
            throw BinaryFormatError(offset: maskOffset, message: "invalid level mask \(mask)")
        }
        levels = [:]
        for (bit, level) in DiscoveryLevel.allCases.enumerated() where mask & (1 << UInt8(bit)) != 0 {
            levels[level] = try LevelSummary(from: &r, level: level, customers: customers, events: events)
        }
    }
}

/// The mergeable aggregates of one level (touchpoint, stage or channel) of a `DiscoverySummary`,
/// in canonical order (see `DiscoverySummary`).
public struct LevelSummary: Sendable, Equatable {
    public struct Node: Sendable, Equatable {
        public var name: String
        /// Events at this node.
        public var events: Int
        /// Visits (runs of consecutive events here; `events` at touchpoint level).
        public var visits: Int
        /// Customers with at least one event here.
        public var customers: Int
        /// Traces whose first visit is here.
        public var starts: Int
        /// Traces whose last visit is here.
        public var ends: Int
        /// Earliest event here, µs since the Unix epoch.
        public var firstSeen: Int64
        public init(name: String, events: Int, visits: Int, customers: Int, starts: Int, ends: Int, firstSeen: Int64) {
            self.name = name; self.events = events; self.visits = visits; self.customers = customers
            self.starts = starts; self.ends = ends; self.firstSeen = firstSeen
        }
    }

    public struct Edge: Sendable, Equatable {
        /// Node indices.
        public var from: Int
        public var to: Int
        /// Transitions (`durations.count`).
        public var frequency: Int
        /// Customers with this transition at least once.
        public var customers: Int
        /// Time between the two visits of every transition, µs.
        public var durations: DurationSketch
        public init(from: Int, to: Int, frequency: Int, customers: Int, durations: DurationSketch) {
            self.from = from; self.to = to; self.frequency = frequency; self.customers = customers; self.durations = durations
        }
    }

    public struct Variant: Sendable, Equatable {
        /// Node indices, one per visit.
        public var steps: [Int]
        /// Customers with exactly this sequence (`throughput.count`).
        public var customers: Int
        /// Last event time − first event time of each of these traces, µs.
        public var throughput: DurationSketch
        /// Earliest first event of a trace with this sequence, µs since the Unix epoch.
        public var firstSeen: Int64
        public init(steps: [Int], customers: Int, throughput: DurationSketch, firstSeen: Int64) {
            self.steps = steps; self.customers = customers; self.throughput = throughput; self.firstSeen = firstSeen
        }
    }

    public var nodes: [Node]
    public var edges: [Edge]
    public var variants: [Variant]

    /// Aggregates from their parts, put in canonical order. Every `from`, `to` and step must be
    /// an index into `nodes` (a programming error otherwise; decoding checks files).
    public init(nodes: [Node] = [], edges: [Edge] = [], variants: [Variant] = []) {
        self.nodes = nodes
        self.edges = edges
        self.variants = variants
        canonicalize()
    }

    /// The aggregates of `log` at `level` (which the log must have).
    init(_ log: EventLog, level: DiscoveryLevel) {
        let names = log.nodeNames(level)
        var graph = GraphBuilder(nodeCount: names.count, merge: level.mergesVisits)
        log.walk(level, &graph)
        var walker = SummaryVariantWalker(merge: level.mergesVisits, nodeCount: names.count, traceCount: log.traceCount)
        log.walk(level, &walker)
        // Nodes with events, indexed by id.
        var nodeIndex = [Int](repeating: -1, count: names.count)
        nodes = []
        for id in 0..<names.count where graph.nodeEvents[id] > 0 {
            nodeIndex[id] = nodes.count
            nodes.append(Node(name: names.name(UInt32(id)), events: graph.nodeEvents[id], visits: graph.nodeVisits[id],
                              customers: graph.nodeCustomers[id], starts: graph.nodeStarts[id], ends: graph.nodeEnds[id],
                              firstSeen: walker.firstSeen[id]))
        }
        edges = []
        edges.reserveCapacity(graph.sortedEdges.count)
        var offset = 0
        for e in graph.sortedEdges {
            let c = graph.counters[e]
            let n = c.frequency
            let sketch = DurationSketch(Array(graph.durations[offset..<(offset + n)]))
            edges.append(Edge(from: nodeIndex[Int(c.from)], to: nodeIndex[Int(c.to)], frequency: n, customers: c.customers, durations: sketch))
            offset += n
        }
        graph.durations = []
        variants = walker.variants(nodeIndex)
        canonicalize()
    }

    /// Compacts every duration set of more than `DurationSketch.exactLimit` values.
    public mutating func compact() {
        for e in edges.indices { edges[e].durations.compact() }
        for v in variants.indices { variants[v].throughput.compact() }
    }

    /// Adds the aggregates of a customer-disjoint piece (nodes, edges and variants matched by
    /// names), then restores the canonical order.
    mutating func merge(_ other: LevelSummary, level: DiscoveryLevel) {
        var index = Index(self)
        mergeUnordered(other, &index)
        canonicalize()
    }

    /// Where each node name, edge and variant of a level is, kept across merges so that merging
    /// many pieces builds it once (`DiscoverySummary.Merger`).
    struct Index {
        var nodes: [String: Int] = [:]
        var edges: [UInt64: Int] = [:]
        var variants: [[Int]: Int] = [:]
        init(_ s: LevelSummary) {
            nodes.reserveCapacity(s.nodes.count)
            for (i, n) in s.nodes.enumerated() { nodes[n.name] = i }
            edges.reserveCapacity(s.edges.count)
            for (k, e) in s.edges.enumerated() { edges[LevelSummary.key(e.from, e.to)] = k }
            variants.reserveCapacity(s.variants.count)
            for (k, v) in s.variants.enumerated() { variants[v.steps] = k }
        }
    }

    /// Adds `other`'s counts without restoring the canonical order (node, edge and variant
    /// positions stay valid for `index`).
    mutating func mergeUnordered(_ other: LevelSummary, _ index: inout Index) {
        var map = [Int](repeating: 0, count: other.nodes.count)
        for (j, n) in other.nodes.enumerated() {
            if let i = index.nodes[n.name] {
                map[j] = i
                nodes[i].events &+= n.events
                nodes[i].visits &+= n.visits
                nodes[i].customers &+= n.customers
                nodes[i].starts &+= n.starts
                nodes[i].ends &+= n.ends
                nodes[i].firstSeen = min(nodes[i].firstSeen, n.firstSeen)
            } else {
                map[j] = nodes.count
                index.nodes[n.name] = nodes.count
                nodes.append(n)
            }
        }
        for var e in other.edges {
            e.from = map[e.from]
            e.to = map[e.to]
            if let k = index.edges[Self.key(e.from, e.to)] {
                edges[k].frequency &+= e.frequency
                edges[k].customers &+= e.customers
                edges[k].durations.merge(e.durations, compactAbove: DurationSketch.exactLimit)
            } else {
                index.edges[Self.key(e.from, e.to)] = edges.count
                edges.append(e)
            }
        }
        variants.reserveCapacity(variants.count + other.variants.count)
        for var v in other.variants {
            v.steps = v.steps.map { map[$0] }
            if let k = index.variants[v.steps] {
                variants[k].customers &+= v.customers
                variants[k].throughput.merge(v.throughput, compactAbove: DurationSketch.exactLimit)
                variants[k].firstSeen = min(variants[k].firstSeen, v.firstSeen)
            } else {
                index.variants[v.steps] = variants.count
                variants.append(v)
            }
        }
    }

    private static func key(_ from: Int, _ to: Int) -> UInt64 {
        UInt64(truncatingIfNeeded: from) << 32 | UInt64(truncatingIfNeeded: to)
    }

    /// Puts nodes, edges and variants in canonical order (see `DiscoverySummary`).
    mutating func canonicalize() {
        let nodes = self.nodes
        let order = nodes.indices.sorted { a, b in
            nodes[a].firstSeen != nodes[b].firstSeen ? nodes[a].firstSeen < nodes[b].firstSeen : byteOrder(nodes[a].name, nodes[b].name)
        }
        var position = [Int](repeating: 0, count: nodes.count)
        for (k, i) in order.enumerated() { position[i] = k }
        self.nodes = order.map { nodes[$0] }
        for e in edges.indices {
            edges[e].from = position[edges[e].from]
            edges[e].to = position[edges[e].to]
        }
        edges.sort { $0.from != $1.from ? $0.from < $1.from : $0.to < $1.to }
        for v in variants.indices { variants[v].steps = variants[v].steps.map { position[$0] } }
        let sorted = self.nodes
        variants.sort { a, b in
            if a.customers != b.customers { return a.customers > b.customers }
            if a.firstSeen != b.firstSeen { return a.firstSeen < b.firstSeen }
            return a.steps.lexicographicallyPrecedes(b.steps) { byteOrder(sorted[$0].name, sorted[$1].name) }
        }
    }

    /// Layout: node count, then per node its name (length-prefixed UTF-8), `events`, `visits`,
    /// `customers`, `starts`, `ends` (uvarints) and `firstSeen` (zigzag varint); edge count, then
    /// per edge `from`, `to` (node indices) and `customers` (uvarints) and `durations` (a
    /// sketch; `frequency` is its count); variant count, then per variant the step count and
    /// steps (node indices), `firstSeen` (zigzag varint) and `throughput` (a sketch; `customers`
    /// is its count).
    public func encode(into w: inout BinaryWriter) {
        w.count(nodes.count)
        for n in nodes {
            w.string(n.name)
            w.count(n.events); w.count(n.visits); w.count(n.customers); w.count(n.starts); w.count(n.ends)
            w.varint(n.firstSeen)
        }
        w.count(edges.count)
        for e in edges {
            w.count(e.from); w.count(e.to); w.count(e.customers)
            w.sketch(e.durations)
        }
        w.count(variants.count)
        for v in variants {
            w.count(v.steps.count)
            for s in v.steps { w.count(s) }
            w.varint(v.firstSeen)
            w.sketch(v.throughput)
        }
    }

    /// Reads what `encode(into:)` writes, checking that it describes a possible log of
    /// `customers` traces and `events` events: node names distinct; every index in range;
    /// edges and variants distinct; at stage and channel level no self-loop and no repeated
    /// step; counts positive and consistent (node events add up to `events`, node starts and
    /// ends and variant customers to `customers`; a node's outgoing transitions are its visits
    /// minus its trace ends; edge customers at most its transitions, node customers and visits
    /// at most its events). Then puts it in canonical order.
    public init(from r: inout BinaryReader, level: DiscoveryLevel, customers: Int, events: Int) throws(BinaryFormatError) {
        let nodeCount = try r.count()
        var nodes: [Node] = []
        nodes.reserveCapacity(nodeCount)
        var names = Set<String>()
        var eventSum = 0, startSum = 0, endSum = 0
        for _ in 0..<nodeCount {
            let at = r.offset
            let name = try r.string()
            let n = Node(name: name, events: try r.number(), visits: try r.number(), customers: try r.number(),
                         starts: try r.number(), ends: try r.number(), firstSeen: try r.varint())
            guard names.insert(name).inserted else { throw BinaryFormatError(offset: at, message: "node name repeated") }
            guard n.events >= 1, n.visits >= 1, n.visits <= n.events, n.customers >= 1, n.customers <= n.events,
                  n.starts <= n.visits, n.ends <= n.visits else {
                throw BinaryFormatError(offset: at, message: "node counts are inconsistent")
            }
            eventSum = try Self.add(eventSum, n.events, r)
            startSum = try Self.add(startSum, n.starts, r)
            endSum = try Self.add(endSum, n.ends, r)
            nodes.append(n)
        }
        guard eventSum == events, startSum == customers, endSum == customers else {
            throw r.fail("node events, starts or ends do not add up to the totals")
        }
        let edgeCount = try r.count()
        var edges: [Edge] = []
        edges.reserveCapacity(edgeCount)
        var pairs = Set<UInt64>()
        var outgoing = [Int](repeating: 0, count: nodeCount)
        for _ in 0..<edgeCount {
            let at = r.offset
            let from = try Self.index(&r, nodeCount), to = try Self.index(&r, nodeCount)
            let edgeCustomers = try r.number()
            let durations = try r.sketch()
            guard pairs.insert(Self.key(from, to)).inserted else { throw BinaryFormatError(offset: at, message: "edge repeated") }
            guard !(level.mergesVisits && from == to) else { throw BinaryFormatError(offset: at, message: "self-loop at \(level.rawValue) level") }
            guard durations.count >= 1, edgeCustomers >= 1, edgeCustomers <= durations.count else {
                throw BinaryFormatError(offset: at, message: "edge counts are inconsistent")
            }
            outgoing[from] = try Self.add(outgoing[from], durations.count, r)
            edges.append(Edge(from: from, to: to, frequency: durations.count, customers: edgeCustomers, durations: durations))
        }
        for (i, n) in nodes.enumerated() where outgoing[i] != n.visits - n.ends {
            throw r.fail("transitions leaving node \(i) are not its visits minus its trace ends")
        }
        let variantCount = try r.count()
        var variants: [Variant] = []
        variants.reserveCapacity(variantCount)
        var sequences = Set<[Int]>()
        var customerSum = 0
        for _ in 0..<variantCount {
            let at = r.offset
            let stepCount = try r.count()
            var steps: [Int] = []
            steps.reserveCapacity(stepCount)
            for _ in 0..<stepCount {
                let s = try Self.index(&r, nodeCount)
                guard !(level.mergesVisits && steps.last == s) else { throw r.fail("repeated step at \(level.rawValue) level") }
                steps.append(s)
            }
            let firstSeen = try r.varint()
            let throughput = try r.sketch()
            guard stepCount >= 1, throughput.count >= 1 else { throw BinaryFormatError(offset: at, message: "empty variant") }
            guard sequences.insert(steps).inserted else { throw BinaryFormatError(offset: at, message: "variant repeated") }
            customerSum = try Self.add(customerSum, throughput.count, r)
            variants.append(Variant(steps: steps, customers: throughput.count, throughput: throughput, firstSeen: firstSeen))
        }
        guard customerSum == customers else { throw r.fail("variant customers do not add up to the customers") }
        self.nodes = nodes
        self.edges = edges
        self.variants = variants
        canonicalize()
    }

    private static func index(_ r: inout BinaryReader, _ n: Int) throws(BinaryFormatError) -> Int {
        let at = r.offset
        let i = try r.number()
        guard i < n else { throw BinaryFormatError(offset: at, message: "node index \(i) out of range (\(n) nodes)") }
        return i
    }

    private static func add(_ a: Int, _ b: Int, _ r: BinaryReader) throws(BinaryFormatError) -> Int {
        let (s, overflow) = a.addingReportingOverflow(b)
        guard !overflow else { throw r.fail("count overflows") }
        return s
    }
}

extension EventLog {
    /// Whether the log has the column of `level`.
    func has(_ level: DiscoveryLevel) -> Bool {
        switch level {
        case .touchpoint: return true
        case .stage: return events.hasStages
        case .channel: return events.hasChannels
        }
    }
}

/// Groups traces into variants (`TraceVariants`) with each trace's throughput and start, and
/// finds each node's earliest event.
private struct SummaryVariantWalker: TraceWalker {
    let merge: Bool
    var grouping: TraceVariants?
    var firstSeen: [Int64]
    var throughput: [Int64]
    var start: [Int64]

    init(merge: Bool, nodeCount: Int, traceCount: Int) {
        self.merge = merge
        firstSeen = [Int64](repeating: .max, count: nodeCount)
        throughput = [Int64](repeating: 0, count: traceCount)
        start = throughput
    }

    mutating func build<ID: NodeIdentifier>(_ column: UnsafeBufferPointer<ID>, _ ts: UnsafeBufferPointer<Int64>, _ bounds: [Int]) {
        grouping = TraceVariants(column: column, traceBounds: bounds, mergeRuns: merge)
        for t in 0..<(bounds.count - 1) where bounds[t] < bounds[t + 1] {
            start[t] = ts[bounds[t]]
            throughput[t] = ts[bounds[t + 1] - 1] &- ts[bounds[t]]
        }
        firstSeen.withUnsafeMutableBufferPointer { first in
            for i in 0..<column.count {
                let n = Int(column[i].rawValue)
                if ts[i] < first[n] { first[n] = ts[i] }
            }
        }
    }

    /// Every variant, steps as node indices (`nodeIndex` maps ids), in no particular order.
    func variants(_ nodeIndex: [Int]) -> [LevelSummary.Variant] {
        guard let grouping else { return [] }
        let counts = grouping.customers
        // Counting sort of the traces by variant.
        var starts = [Int](repeating: 0, count: grouping.count)
        var offset = 0
        for v in 0..<grouping.count { starts[v] = offset; offset += counts[v] }
        var next = starts
        var grouped = [Int64](repeating: 0, count: offset)
        var earliest = [Int64](repeating: .max, count: grouping.count)
        for t in 0..<grouping.variantOfTrace.count {
            let v = grouping.variantOfTrace[t].index
            grouped[next[v]] = throughput[t]
            next[v] += 1
            if start[t] < earliest[v] { earliest[v] = start[t] }
        }
        var result: [LevelSummary.Variant] = []
        result.reserveCapacity(grouping.count)
        for v in 0..<grouping.count {
            let steps = grouping.sequence(VariantID(v)).map { nodeIndex[Int($0)] }
            result.append(.init(steps: steps, customers: counts[v],
                                throughput: DurationSketch(Array(grouped[starts[v]..<(starts[v] + counts[v])])), firstSeen: earliest[v]))
        }
        return result
    }
}
