/// Hides rarely used edges from a rendered graph without changing any number.
///
/// First edges with `frequency < minFrequency` are hidden, then only the `topEdges` most
/// frequent remaining edges are kept (ties: source name, then target name, byte order).
/// Pruning never hides where journeys start or end: trace starts and ends (`<start>` → X,
/// X → `<end>`) are not edges for either rule, are always shown, and so are their nodes. A
/// node is hidden only when it neither starts nor ends a trace, had edges, and none of them remains.
public struct DisplayPruning: Sendable, Equatable {
    public var minFrequency: Int?
    public var topEdges: Int?
    public init(minFrequency: Int? = nil, topEdges: Int? = nil) {
        self.minFrequency = minFrequency
        self.topEdges = topEdges
    }

    /// One line per active rule, e.g. `min-frequency 5`, `top-edges 20`.
    public var descriptions: [String] {
        var lines: [String] = []
        if let minFrequency { lines.append("min-frequency \(minFrequency)") }
        if let topEdges { lines.append("top-edges \(topEdges)") }
        return lines
    }

    /// The visible part of `graph`. O(edges log edges) integer comparisons, after ranking the
    /// node names once (O(nodes log nodes) string comparisons).
    public func apply(to graph: DirectlyFollowsGraph) -> GraphView {
        let ranks = NameRanks(graph)
        let order = GraphView.displayOrder(graph, ranks)
        var visible = order
        if let minFrequency { visible.removeAll { graph.edges[$0].frequency < minFrequency } }
        if let topEdges, visible.count > topEdges { visible.removeSubrange(max(0, topEdges)...) }
        var hasEdge = [Bool](repeating: false, count: graph.nodes.count)
        var keepsEdge = hasEdge
        for e in graph.edges { hasEdge[e.from] = true; hasEdge[e.to] = true }
        for i in visible { keepsEdge[graph.edges[i].from] = true; keepsEdge[graph.edges[i].to] = true }
        let nodes = graph.nodes.indices.map { i in
            !hasEdge[i] || keepsEdge[i] || graph.nodes[i].starts > 0 || graph.nodes[i].ends > 0
        }
        var rows = visible.map { GraphView.Row.edge($0) }
        for (i, node) in graph.nodes.enumerated() where nodes[i] {
            if node.starts > 0 { rows.append(.start(i)) }
            if node.ends > 0 { rows.append(.end(i)) }
        }
        rows.sort { a, b in
            let x = ranks.key(graph, a), y = ranks.key(graph, b)
            if x.frequency != y.frequency { return x.frequency > y.frequency }
            if x.source != y.source { return x.source < y.source }
            return x.target < y.target
        }
        return GraphView(edges: visible, allEdges: order, nodes: nodes,
                         hiddenEdges: graph.edges.count - visible.count, hiddenNodes: nodes.filter { !$0 }.count, rows: rows)
    }
}

/// Byte-order ranks of the node names and of the `<start>`/`<end>` pseudo-names, so that
/// sorting compares integers (equal names get equal ranks).
struct NameRanks {
    var node: [Int]
    var start = 0
    var end = 0

    init(_ graph: DirectlyFollowsGraph) {
        let n = graph.nodes.count
        // Index n is `<start>`, n + 1 is `<end>`.
        func name(_ i: Int) -> String { i < n ? graph.nodes[i].name : i == n ? GraphView.startName : GraphView.endName }
        let sorted = (0..<(n + 2)).sorted { byteOrder(name($0), name($1)) }
        var ranks = [Int](repeating: 0, count: n + 2)
        var rank = 0
        for (k, i) in sorted.enumerated() {
            if k > 0 && byteOrder(name(sorted[k - 1]), name(i)) { rank += 1 }
            ranks[i] = rank
        }
        start = ranks[n]
        end = ranks[n + 1]
        node = Array(ranks.prefix(n))
    }

    func key(_ graph: DirectlyFollowsGraph, _ row: GraphView.Row) -> (frequency: Int, source: Int, target: Int) {
        switch row {
        case .edge(let i):
            let e = graph.edges[i]
            return (e.frequency, node[e.from], node[e.to])
        case .start(let n): return (graph.nodes[n].starts, start, node[n])
        case .end(let n): return (graph.nodes[n].ends, node[n], end)
        }
    }
}

/// The part of a graph to display, in display order.
public struct GraphView: Sendable, Equatable {
    /// Indices into `graph.edges`, by frequency descending, then source name, then target name
    /// (byte order).
    public let edges: [Int]
    /// Every edge index, shown or not, in the same order.
    public let allEdges: [Int]
    /// Per node of the graph: whether it is shown.
    public let nodes: [Bool]
    public let hiddenEdges: Int
    public let hiddenNodes: Int
    /// Nodes shown.
    public var shownNodes: Int { nodes.count - hiddenNodes }
    /// Shown edges plus trace starts and ends of shown nodes, by frequency descending, then
    /// source name, then target name (byte order; starts named `<start>`, ends `<end>`).
    public let rows: [Row]

    /// One line of an edge list.
    public enum Row: Sendable, Equatable {
        /// `graph.edges[i]`.
        case edge(Int)
        /// Traces starting at `graph.nodes[i]`.
        case start(Int)
        /// Traces ending at `graph.nodes[i]`.
        case end(Int)
    }

    /// Name used for the start pseudo-node in edge lists.
    public static let startName = "<start>"
    /// Name used for the end pseudo-node in edge lists.
    public static let endName = "<end>"

    /// All edge indices by frequency descending, then source and target names in byte order.
    static func displayOrder(_ graph: DirectlyFollowsGraph, _ ranks: NameRanks) -> [Int] {
        Array(graph.edges.indices).sorted { a, b in
            let x = graph.edges[a], y = graph.edges[b]
            if x.frequency != y.frequency { return x.frequency > y.frequency }
            let xs = ranks.node[x.from], ys = ranks.node[y.from]
            if xs != ys { return xs < ys }
            return ranks.node[x.to] < ranks.node[y.to]
        }
    }
}

/// Whether `a` sorts before `b` comparing UTF-8 bytes (not Unicode collation).
public func byteOrder(_ a: String, _ b: String) -> Bool {
    a.utf8.lexicographicallyPrecedes(b.utf8)
}
