import TouchstoneIngest
import TouchstoneTraces

/// The key figures and the journey graph per value of an attribute (`discover --by NAME`).
///
/// A customer belongs to the value its first event (after filtering) carries, as in
/// `check --by`. Values are ranked by customers (descending), then by value (bytewise); the
/// first `limit` are kept and the rest are counted. Each kept value gets its own graph, computed
/// on its customers alone, so every number equals a run filtered to that value's customers.
///
/// Cost: two passes over the customers to group them, then per kept value a gather of its rows
/// and the graph and variants of that subset (about one discovery per kept value).
public struct SegmentAnalysis: Sendable {
    /// Values shown when no limit is given.
    public static let defaultLimit = 10
    /// Edges per value in the `text` format's "Top transitions" table.
    public static let textEdgesPerValue = 5

    public struct Segment: Sendable {
        /// The attribute value (as written in the log; may be empty).
        public let value: String
        public let customers: Int
        /// `customers` / all customers of the filtered log.
        public let share: Double
        public let events: Int
        /// Directly-follows pairs (events − customers at touchpoint level; visit moves otherwise).
        public let transitions: Int
        /// Distinct variants at the analysis level.
        public let variants: Int
        /// Case duration (last − first timestamp of a customer), in µs: median (numpy
        /// `linear`) and mean over the value's customers.
        public let medianDuration: Double
        public let meanDuration: Double
        /// The value's journey graph.
        public let graph: DirectlyFollowsGraph
        /// Indices into `graph.edges` by frequency (descending), then source and target name.
        public let edgesByFrequency: [Int]
    }

    /// The attribute named by `--by`.
    public let attribute: String
    /// Distinct values among the filtered customers.
    public let valueCount: Int
    /// The kept values, ranked.
    public let segments: [Segment]
    /// Values, customers and events not shown (beyond `limit`).
    public let hiddenValues: Int
    public let hiddenCustomers: Int
    public let hiddenEvents: Int

    /// Groups `log`'s customers by `attribute` (a mapped attribute column).
    /// - Throws: `unknownSegmentAttribute` listing the mapped attributes.
    public init(_ log: EventLog, attribute: String, level: DiscoveryLevel, limit: Int? = nil) throws(DiscoveryError) {
        let table = log.events
        guard let column = table.attributeNames.firstIndex(of: attribute) else {
            throw .unknownSegmentAttribute(attribute, available: table.attributeNames)
        }
        self.attribute = attribute
        let values = table.attributes[column]
        let valueNames = table.attributeValueNames[column]
        var customersOf = [Int](repeating: 0, count: valueNames.count)
        var eventsOf = [Int](repeating: 0, count: valueNames.count)
        var valueOfTrace = [UInt32](repeating: 0, count: log.traceCount)
        for t in 0..<log.traceCount {
            let rows = log.trace(t)
            let v = values[rows.lowerBound].rawValue
            valueOfTrace[t] = v
            customersOf[Int(v)] += 1
            eventsOf[Int(v)] += rows.count
        }
        var ranked = (0..<valueNames.count).filter { customersOf[$0] > 0 }
        let names = ranked.map { valueNames.name(UInt32($0)) }
        var nameOf: [Int: String] = [:]
        for (i, v) in ranked.enumerated() { nameOf[v] = names[i] }
        ranked.sort { a, b in
            customersOf[a] != customersOf[b] ? customersOf[a] > customersOf[b]
                : Array(nameOf[a, default: ""].utf8).lexicographicallyPrecedes(Array(nameOf[b, default: ""].utf8))
        }
        valueCount = ranked.count
        let kept = ranked.prefix(Swift.max(0, limit ?? SegmentAnalysis.defaultLimit))
        let hidden = ranked.dropFirst(kept.count)
        hiddenValues = hidden.count
        hiddenCustomers = hidden.reduce(0) { $0 + customersOf[$1] }
        hiddenEvents = hidden.reduce(0) { $0 + eventsOf[$1] }
        // The traces of each kept value, in trace order (one pass, whatever the number of values).
        var slotOf = [Int](repeating: -1, count: valueNames.count)
        for (slot, v) in kept.enumerated() { slotOf[v] = slot }
        var tracesOf = kept.map { v -> [Int] in
            var traces: [Int] = []
            traces.reserveCapacity(customersOf[v])
            return traces
        }
        for t in 0..<log.traceCount where slotOf[Int(valueOfTrace[t])] >= 0 {
            tracesOf[slotOf[Int(valueOfTrace[t])]].append(t)
        }
        var segments: [Segment] = []
        for (slot, v) in kept.enumerated() {
            var rows: [UInt32] = []
            rows.reserveCapacity(eventsOf[v])
            var durations: [Double] = []
            durations.reserveCapacity(customersOf[v])
            for t in tracesOf[slot] {
                let r = log.trace(t)
                for row in r { rows.append(UInt32(row)) }
                durations.append(Double(table.timestamps[r.upperBound - 1] - table.timestamps[r.lowerBound]))
            }
            rows.sort()  // traces are contiguous row ranges; the subset needs ascending rows
            durations.sort()
            let subset = log.subset(keeping: rows)
            let graph = try DirectlyFollowsGraph(subset, level: level)
            let variants = try VariantAnalysis(subset, level: level, limit: 1)
            let order = graph.edges.indices.sorted { a, b in
                let x = graph.edges[a], y = graph.edges[b]
                if x.frequency != y.frequency { return x.frequency > y.frequency }
                if graph.nodes[x.from].name != graph.nodes[y.from].name { return graph.nodes[x.from].name < graph.nodes[y.from].name }
                return graph.nodes[x.to].name < graph.nodes[y.to].name
            }
            segments.append(Segment(
                value: nameOf[v, default: ""], customers: customersOf[v],
                share: log.traceCount == 0 ? 0 : Double(customersOf[v]) / Double(log.traceCount),
                events: eventsOf[v], transitions: graph.transitions, variants: variants.variantCount,
                medianDuration: quantile(sorted: durations, 0.5),
                meanDuration: durations.isEmpty ? 0 : durations.reduce(0, +) / Double(durations.count),
                graph: graph, edgesByFrequency: order))
        }
        self.segments = segments
    }
}
