import TouchstoneIngest
import TouchstoneTraces

extension DiscoveryResult {
    /// The same result as `DiscoveryResult(log, options:)` on the whole log, from the merged
    /// summaries of its customer-disjoint pieces.
    ///
    /// Equal to the single pass: every count (node events, visits, customers, starts, ends and
    /// outgoing transitions; edge frequencies, customers and shares; variant customers, shares
    /// and number; the stage matrix and funnel), pruning, `variantLimit`/`variantCoverage`, and
    /// duration means (exact 128-bit sums; the single pass adds in `Double`, so they agree
    /// whenever an edge's durations add up to less than 2^53 µs, about 285 years) and maxima.
    /// Medians, 90th percentiles, median time to next and median throughput come from
    /// `DurationSketch`es: exact while the set is exact, else within
    /// `DurationSketch.relativeAccuracy` (0.5%) of the exact value.
    ///
    /// What differs, because a summary does not know input positions across pieces (see
    /// `DiscoverySummary` for the canonical order): nodes are in canonical order (by earliest
    /// event, then name) rather than first appearance, and node `id`s are their indices in
    /// that order; variants with equal customers are ordered by earliest trace start, then step
    /// names, rather than by first appearance (so `variantLimit` may keep a different one of
    /// several tied variants), and their `firstTrace` is -1; the funnel and matrix list the
    /// stages `stageOrder` does not name (all of them without it) in canonical order; an
    /// unknown `stageOrder` name lists the known stages in that order (and a stage is known
    /// only when it has events). On a log whose input is in time order with ties in name order the
    /// orders agree.
    ///
    /// - Throws: `needsEvents` for a non-empty `filter` or `segmentBy` (they select or split
    ///   events, which a summary no longer has); `levelUnavailable` when the summary has no
    ///   such level (or no stage level with `stageOrder`); `unknownStages`.
    public init(summary: DiscoverySummary, options: DiscoveryOptions) throws(DiscoveryError) {
        if options.filter.since != nil { throw .needsEvents("--since") }
        if options.filter.until != nil { throw .needsEvents("--until") }
        if !options.filter.conditions.isEmpty { throw .needsEvents("--where") }
        if options.segmentBy != nil { throw .needsEvents("--by") }
        guard let levelSummary = summary.levels[options.level] else { throw .levelUnavailable(options.level) }
        let stageSummary = summary.levels[.stage]
        if options.stageOrder != nil && stageSummary == nil { throw .levelUnavailable(.stage) }
        level = options.level
        inputCustomers = summary.customers
        inputEvents = summary.events
        customers = summary.customers
        events = summary.events
        filters = []
        pruning = options.pruning.descriptions
        graph = DirectlyFollowsGraph(summary: levelSummary, level: options.level, customers: summary.customers, events: summary.events)
        view = options.pruning.apply(to: graph)
        variants = VariantAnalysis(summary: levelSummary, level: options.level, customers: summary.customers,
                                   limit: options.variantLimit, coverage: options.variantCoverage)
        if let stageSummary {
            let stageGraph = options.level == .stage ? graph
                : DirectlyFollowsGraph(summary: stageSummary, level: .stage, customers: summary.customers, events: summary.events)
            stages = try StageAnalysis(summary: stageSummary, graph: stageGraph, customers: summary.customers, order: options.stageOrder)
        } else {
            stages = nil
        }
        segments = nil
        var approximate: [String] = []
        if levelSummary.edges.contains(where: { !$0.durations.isExact }) {
            approximate.append("edge median and p90 durations and node median time to next (from a summary's duration sketches: within 0.5%)")
        }
        if levelSummary.variants.contains(where: { !$0.throughput.isExact }) {
            approximate.append("variant median throughput times (from a summary's duration sketches: within 0.5%)")
        }
        self.approximate = approximate
    }
}

extension DirectlyFollowsGraph {
    /// The graph of a level summary: node `id`s are indices into `summary.nodes`.
    init(summary s: LevelSummary, level: DiscoveryLevel, customers: Int, events: Int) {
        var nodes = s.nodes.enumerated().map { i, n in
            Node(id: UInt32(truncatingIfNeeded: i), name: n.name, events: n.events, visits: n.visits, customers: n.customers,
                 starts: n.starts, ends: n.ends, outgoing: 0, medianTimeToNext: nil)
        }
        var edges = s.edges.map { e in
            let d = e.durations
            return Edge(from: e.from, to: e.to, frequency: e.frequency, customers: e.customers, share: 0,
                        duration: .init(mean: d.mean ?? 0, median: d.quantile(0.5) ?? 0, p90: d.quantile(0.9) ?? 0, max: d.max))
        }
        // Edges are ordered by `from`: a node's outgoing edges are adjacent.
        var transitions = 0
        var k = 0
        while k < edges.count {
            let from = edges[k].from
            var total = 0
            var next = DurationSketch()
            var j = k
            while j < edges.count && edges[j].from == from {
                total += edges[j].frequency
                next.merge(s.edges[j].durations)
                j += 1
            }
            for m in k..<j { edges[m].share = Double(edges[m].frequency) / Double(total) }
            nodes[from].outgoing = total
            nodes[from].medianTimeToNext = next.quantile(0.5)
            transitions += total
            k = j
        }
        self.level = level
        self.nodes = nodes
        self.edges = edges
        self.customers = customers
        self.events = events
        self.transitions = transitions
    }
}

extension VariantAnalysis {
    /// The variants of a level summary, in its canonical order; steps are node indices.
    init(summary s: LevelSummary, level: DiscoveryLevel, customers: Int, limit: Int?, coverage: Double?) {
        var all: [Variant] = []
        all.reserveCapacity(s.variants.count)
        var cumulative = 0
        let total = Double(customers)
        for v in s.variants {
            cumulative += v.customers
            all.append(Variant(steps: v.steps.map { UInt32(truncatingIfNeeded: $0) }, customers: v.customers,
                               share: Double(v.customers) / total, cumulativeShare: Double(cumulative) / total,
                               medianThroughput: v.throughput.quantile(0.5) ?? 0, firstTrace: -1))
        }
        self.level = level
        self.customers = customers
        self.nodeNames = s.nodes.map(\.name)
        self.variantCount = all.count
        var keep = all.count
        if let limit { keep = min(keep, max(0, limit)) }
        if let coverage, let i = all.firstIndex(where: { $0.cumulativeShare >= coverage }) { keep = min(keep, i + 1) }
        self.variants = Array(all.prefix(keep))
    }
}

extension StageAnalysis {
    /// Stage matrix and funnel from a stage-level summary and its graph (node ids = indices).
    /// The funnel walks each stage-level variant (a sequence of visits) once for all its
    /// customers: the walk over events never advances twice within one visit, since the next
    /// funnel stage always differs from the current one, so walking visits gives the same depth.
    init(summary s: LevelSummary, graph: DirectlyFollowsGraph, customers: Int, order: [String]?) throws(DiscoveryError) {
        let names = s.nodes.map(\.name)
        var index: [String: UInt32] = [:]
        for (i, name) in names.enumerated() { index[name] = UInt32(i) }
        var ids: [UInt32] = []
        var listed = Set<UInt32>()
        if let order {
            var unknown: [String] = []
            for name in order {
                guard let id = index[name] else { unknown.append(name); continue }
                if listed.insert(id).inserted { ids.append(id) }
            }
            if !unknown.isEmpty { throw .unknownStages(unknown, known: names) }
        }
        let none = index[SymbolTable.noneName]
        for node in graph.nodes where !listed.contains(node.id) && node.id != none { ids.append(node.id) }
        var matrixIDs = ids
        if let none, !listed.contains(none) { matrixIDs.append(none) }
        self.matrix = StageTransitionMatrix(graph: graph, order: matrixIDs, names: matrixIDs.map { names[Int($0)] })
        let funnelOrder = ids.filter { $0 != none }
        var position = [Int](repeating: -1, count: names.count)
        for (p, id) in funnelOrder.enumerated() { position[Int(id)] = p }
        var depthCount = [Int](repeating: 0, count: funnelOrder.count + 1)
        for v in s.variants {
            var depth = 0
            for step in v.steps where depth < funnelOrder.count {
                if position[step] == depth { depth += 1 }
            }
            depthCount[depth] += v.customers
        }
        self.funnel = StageFunnel(depthCount: depthCount, customers: customers, names: funnelOrder.map { names[Int($0)] },
                                  explicitOrder: order != nil)
    }
}
