import TouchstoneIngest

/// Visit-to-visit movement between journey stages, with `start` and `end` pseudo-stages.
///
/// Rows are `start` followed by `stages`; columns are `stages` followed by `end`. Cell
/// (start, s) counts traces whose first visit is in `s`; (s, end) traces whose last visit is
/// in `s`; (s, t) transitions from a visit of `s` to the next visit, of `t` (never `s` itself,
/// since consecutive events of one stage are one visit; moves back to earlier stages count).
///
/// Built from a stage-level `DirectlyFollowsGraph`: O(stages² + edges) time and memory.
public struct StageTransitionMatrix: Sendable, Equatable {
    /// Stage names in row/column order.
    public let stages: [String]
    /// `counts[row][column]`; row 0 is `start`, row `i + 1` is `stages[i]`; column `i` is
    /// `stages[i]`, column `stages.count` is `end`.
    public let counts: [[Int]]

    /// Sum of a row: for `start` the number of customers, for a stage its visits.
    public func rowTotal(_ row: Int) -> Int { counts[row].reduce(0, +) }

    /// `counts[row][column]` as a share of its row total, 0…1 (0 for an empty row).
    public func rowShare(_ row: Int, _ column: Int) -> Double {
        let total = rowTotal(row)
        return total == 0 ? 0 : Double(counts[row][column]) / Double(total)
    }

    /// The matrix of a stage-level `graph`, with stages in `order` (node ids at stage level).
    init(graph: DirectlyFollowsGraph, order: [UInt32], names: [String]) {
        let n = order.count
        var position: [UInt32: Int] = [:]
        for (i, id) in order.enumerated() { position[id] = i }
        var counts = [[Int]](repeating: [Int](repeating: 0, count: n + 1), count: n + 1)
        for node in graph.nodes {
            guard let p = position[node.id] else { continue }
            counts[0][p] += node.starts
            counts[p + 1][n] += node.ends
        }
        for edge in graph.edges {
            guard let f = position[graph.nodes[edge.from].id], let t = position[graph.nodes[edge.to].id] else { continue }
            counts[f + 1][t] += edge.frequency
        }
        self.stages = names
        self.counts = counts
    }
}

/// How many customers go through the stages in funnel order: the funnel as analysts mean it.
///
/// A customer counts for step k when it reached the first stage, then later the second, …,
/// then later stage k: walking its trace in order (time, equal timestamps in input order), an
/// event of the next stage of the funnel advances it one step, and every other event is
/// ignored (earliest match, so going back or detouring never costs a step). So no step counts
/// more customers than the one before it. Customers who reach a stage out of order count for
/// it in the stage-level nodes and the stage matrix, but not here. Events without a stage
/// (`(none)`) are never a step (they are passed over like any other event).
///
/// Cost: one pass over the events (an array lookup per event), O(stage ids) memory.
public struct StageFunnel: Sendable, Equatable {
    public struct Step: Sendable, Equatable {
        public var stage: String
        /// Customers who reached this stage after reaching every earlier step, in order.
        public var customers: Int
        /// `customers` / all customers, 0…1.
        public var share: Double
        /// `customers` / the previous step's customers, 0…1 (1 for the first step; 0 when
        /// the previous step has no customers).
        public var fromPrevious: Double
    }
    /// Steps in funnel order.
    public let steps: [Step]
    /// Whether the order was given by the caller (`--stage-order`) rather than first appearance.
    public let explicitOrder: Bool

    init(_ log: EventLog, order: [UInt32], names: SymbolTable, explicitOrder: Bool) {
        // Funnel position of each stage id (-1: not in the funnel).
        var position = [Int](repeating: -1, count: names.count)
        for (p, id) in order.enumerated() where Int(id) < position.count { position[Int(id)] = p }
        // depthCount[d]: customers whose walk ended after exactly d steps.
        var depthCount = [Int](repeating: 0, count: order.count + 1)
        let stages = log.events.stages
        let bounds = log.traceBounds
        stages.withUnsafeBufferPointer { stage in
            for t in 0..<log.traceCount {
                var depth = 0
                for e in bounds[t]..<bounds[t + 1] where depth < order.count {
                    if position[Int(stage[e].rawValue)] == depth { depth += 1 }
                }
                depthCount[depth] += 1
            }
        }
        self.init(depthCount: depthCount, customers: log.traceCount, names: order.map { names.name($0) }, explicitOrder: explicitOrder)
    }

    /// The funnel of `customers` customers of which `depthCount[d]` completed exactly `d`
    /// steps of the funnel `names`.
    init(depthCount: [Int], customers total: Int, names: [String], explicitOrder: Bool) {
        var reached = total
        var steps: [Step] = []
        for (p, name) in names.enumerated() {
            reached -= depthCount[p]  // customers with depth ≥ p + 1
            let customers = reached
            let previous = steps.last?.customers
            let fromPrevious: Double
            if let previous { fromPrevious = previous == 0 ? 0 : Double(customers) / Double(previous) } else { fromPrevious = 1 }
            steps.append(Step(stage: name, customers: customers,
                              share: total == 0 ? 0 : Double(customers) / Double(total),
                              fromPrevious: fromPrevious))
        }
        self.steps = steps
        self.explicitOrder = explicitOrder
    }
}

/// Stage movement and funnel of a log that has stages.
public struct StageAnalysis: Sendable {
    public let matrix: StageTransitionMatrix
    public let funnel: StageFunnel

    /// Analyses the stages of `log`.
    ///
    /// - Parameters:
    ///   - order: stage names in funnel order; stages not named follow in order of first
    ///     appearance. `nil`: order of first appearance in the input.
    ///   - graph: a stage-level graph of the same log, when already built.
    /// - Throws: `levelUnavailable(.stage)` without a stage column; `unknownStages` for names
    ///   not in the log, listing the known stages.
    public init(_ log: EventLog, order: [String]? = nil, graph given: DirectlyFollowsGraph? = nil) throws(DiscoveryError) {
        try log.requireLevel(.stage)
        let graph: DirectlyFollowsGraph
        if let given, given.level == .stage { graph = given } else { graph = try DirectlyFollowsGraph(log, level: .stage) }
        let names = log.events.stageNames
        var ids: [UInt32] = []
        var listed = Set<UInt32>()
        if let order {
            var unknown: [String] = []
            for name in order {
                guard let id = names.lookup(name) else { unknown.append(name); continue }
                if listed.insert(id).inserted { ids.append(id) }
            }
            if !unknown.isEmpty { throw .unknownStages(unknown, known: names.names) }
        }
        // Events without a stage (`(none)`) are a row and column of the matrix, after the
        // stages unless placed by `order`, and never a step of the funnel.
        let none = names.noneID
        for node in graph.nodes where !listed.contains(node.id) && node.id != none { ids.append(node.id) }
        var matrixIDs = ids
        if let none, !listed.contains(none), graph.nodes.contains(where: { $0.id == none }) { matrixIDs.append(none) }
        self.matrix = StageTransitionMatrix(graph: graph, order: matrixIDs, names: matrixIDs.map { names.name($0) })
        self.funnel = StageFunnel(log, order: ids.filter { $0 != none }, names: names, explicitOrder: order != nil)
    }
}
