/// A left-to-right layered graph layout: nodes in given layers (columns), ordered within each
/// layer to keep edges short (barycenter sweeps), stacked without overlap. Pure: sizes in,
/// positions out; it knows nothing of SVG, fonts or journeys.
///
/// Cost: O(sweeps × (nodes log nodes + edges)).
public struct LayeredLayout: Sendable, Equatable {
    public struct Node: Sendable, Equatable {
        /// Column; layers without nodes take no space.
        public var layer: Int
        public var width: Double
        public var height: Double
        public init(layer: Int, width: Double, height: Double) { self.layer = layer; self.width = width; self.height = height }
    }

    public struct Edge: Sendable, Equatable {
        public var from: Int
        public var to: Int
        public init(from: Int, to: Int) { self.from = from; self.to = to }
    }

    /// A placed box: top-left corner and size.
    public struct Box: Sendable, Equatable {
        public var x: Double
        public var y: Double
        public var width: Double
        public var height: Double
        public var midY: Double { y + height / 2 }
        public var right: Double { x + width }
        public var bottom: Double { y + height }
        public var midX: Double { x + width / 2 }
        /// Whether the boxes share any interior point.
        public func overlaps(_ other: Box) -> Bool {
            x < other.right && other.x < right && y < other.bottom && other.y < bottom
        }
    }

    /// A cubic Bézier curve: start, two control points, end.
    public struct Curve: Sendable, Equatable {
        public var points: [(x: Double, y: Double)]
        public static func == (a: Self, b: Self) -> Bool {
            a.points.count == b.points.count && zip(a.points, b.points).allSatisfy { $0.x == $1.x && $0.y == $1.y }
        }
    }

    /// One box per input node, in input order.
    public let boxes: [Box]
    /// Per distinct non-empty layer (ascending): its x and width.
    public let columns: [(layer: Int, x: Double, width: Double)]
    /// The drawing's size, margins included.
    public let width: Double
    public let height: Double
    /// Space around the drawing and between columns and rows.
    public let margin: Double
    public let columnGap: Double
    public let rowGap: Double

    public static func == (a: Self, b: Self) -> Bool { a.boxes == b.boxes && a.width == b.width && a.height == b.height }

    /// Lays out `nodes` with `edges` (indices into `nodes`; unknown ones are ignored).
    public init(nodes: [Node], edges: [Edge], margin: Double = 24, columnGap: Double = 64, rowGap: Double = 18,
                top: Double = 0, sweeps: Int = 6) {
        self.margin = margin
        self.columnGap = columnGap
        self.rowGap = rowGap
        let layers = Array(Set(nodes.map(\.layer))).sorted()
        let column = Dictionary(uniqueKeysWithValues: layers.enumerated().map { ($1, $0) })
        var order: [[Int]] = Array(repeating: [], count: layers.count)
        for (i, n) in nodes.enumerated() { order[column[n.layer] ?? 0].append(i) }
        let valid = edges.filter { $0.from >= 0 && $0.from < nodes.count && $0.to >= 0 && $0.to < nodes.count && $0.from != $0.to }
        var neighbours = [[Int]](repeating: [], count: nodes.count)
        for e in valid { neighbours[e.from].append(e.to); neighbours[e.to].append(e.from) }
        // Rank of each node within its column, updated by barycenter sweeps left→right and back.
        var rank = [Double](repeating: 0, count: nodes.count)
        func updateRanks() { for list in order { for (r, n) in list.enumerated() { rank[n] = Double(r) - Double(list.count - 1) / 2 } } }
        updateRanks()
        for sweep in 0..<sweeps {
            let columnsInOrder = sweep % 2 == 0 ? Array(order.indices) : Array(order.indices.reversed())
            for c in columnsInOrder {
                let keyed = order[c].enumerated().map { position, n -> (Double, Int, Int) in
                    let others = neighbours[n].filter { column[nodes[$0].layer] != c }
                    let center = others.isEmpty ? rank[n] : others.map { rank[$0] }.reduce(0, +) / Double(others.count)
                    return (center, position, n)
                }
                order[c] = keyed.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }.map(\.2)
                for (r, n) in order[c].enumerated() { rank[n] = Double(r) - Double(order[c].count - 1) / 2 }
            }
        }
        // Columns left to right; each column's stack centred on the tallest.
        var columns: [(Int, Double, Double)] = []
        var x = margin
        var heights: [Double] = []
        for (c, list) in order.enumerated() {
            let w = list.map { nodes[$0].width }.max() ?? 0
            columns.append((layers[c], x, w))
            x += w + columnGap
            heights.append(list.map { nodes[$0].height }.reduce(0, +) + rowGap * Double(max(list.count - 1, 0)))
        }
        let tallest = heights.max() ?? 0
        var boxes = [Box](repeating: Box(x: 0, y: 0, width: 0, height: 0), count: nodes.count)
        for (c, list) in order.enumerated() {
            var y = top + margin + (tallest - heights[c]) / 2
            for n in list {
                let node = nodes[n]
                // Centred in its column.
                boxes[n] = Box(x: columns[c].1 + (columns[c].2 - node.width) / 2, y: y, width: node.width, height: node.height)
                y += node.height + rowGap
            }
        }
        self.boxes = boxes
        self.columns = columns
        width = max(x - columnGap + margin, 2 * margin)
        // Room below for edges that go back or stay in a column.
        height = top + tallest + 2 * margin + LayeredLayout.loopRoom
    }

    /// Extra height kept below the nodes for backward edges.
    public static let loopRoom: Double = 40

    /// The curve of an edge from box `a` to box `b`: right side to left side when `b` lies to the
    /// right; otherwise a loop below both (or over a node that follows itself).
    public func curve(from a: Int, to b: Int) -> Curve {
        let p = boxes[a], q = boxes[b]
        if a == b {
            return Curve(points: [(p.midX - 12, p.y), (p.midX - 26, p.y - 26), (p.midX + 26, p.y - 26), (p.midX + 12, p.y)])
        }
        if q.x > p.right {
            let dx = (q.x - p.right) / 2
            return Curve(points: [(p.right, p.midY), (p.right + dx, p.midY), (q.x - dx, q.midY), (q.x, q.midY)])
        }
        let depth = max(p.bottom, q.bottom) + 16 + min(abs(p.midX - q.midX) / 8, LayeredLayout.loopRoom - 16)
        return Curve(points: [(p.midX, p.bottom), (p.midX, depth), (q.midX, depth), (q.midX, q.bottom)])
    }
}
