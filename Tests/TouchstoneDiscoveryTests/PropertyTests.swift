import Testing
import TouchstoneIngest
import TouchstoneTraces
@testable import TouchstoneDiscovery

/// SplitMix64: a small seeded generator so failures reproduce.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// One generated input row.
struct RandomRow {
    var customer: String
    var activity: String
    var timestamp: Int64
    var stage: String
    var channel: String
}

/// Random rows: timestamps from a small range (many ties), rows shuffled (out-of-order input).
func randomRows(seed: UInt64, customers: Int, activities: Int, maxEvents: Int) -> [RandomRow] {
    var rng = SeededGenerator(seed: seed)
    var rows: [RandomRow] = []
    for c in 0..<customers {
        let n = Int.random(in: 1...maxEvents, using: &rng)
        for _ in 0..<n {
            let stage = "S\(Int.random(in: 0..<3, using: &rng))"
            rows.append(RandomRow(customer: "cust\(c)", activity: "act\(Int.random(in: 0..<activities, using: &rng))",
                                  timestamp: Int64.random(in: 0..<12, using: &rng) * 1_000_000 + Int64.random(in: 0..<2, using: &rng) * 250,
                                  stage: stage, channel: ["web", "email", "app"][Int.random(in: 0..<3, using: &rng)]))
        }
    }
    rows.shuffle(using: &rng)
    return rows
}

/// The deliberately naive reference: string keys, arrays of durations, full sorts.
struct NaiveReference {
    struct EdgeStats { var durations: [Int64] = []; var customers = Set<String>() }
    var edges: [String: EdgeStats] = [:]
    var starts: [String: Int] = [:]
    var ends: [String: Int] = [:]
    var nodeEvents: [String: Int] = [:]
    var nodeCustomers: [String: Set<String>] = [:]
    var variants: [(steps: [String], count: Int, throughputs: [Int64])] = []

    /// - Parameter input: the rows before filtering, which fix the customer order.
    init(_ rows: [RandomRow], level: DiscoveryLevel, input: [RandomRow]? = nil) {
        var order: [String] = []
        var seen = Set<String>()
        for r in input ?? rows where seen.insert(r.customer).inserted { order.append(r.customer) }
        var byCustomer: [String: [(Int64, Int, String)]] = [:]
        for (i, r) in rows.enumerated() {
            let node = level == .touchpoint ? r.activity : level == .stage ? r.stage : r.channel
            byCustomer[r.customer, default: []].append((r.timestamp, i, node))
            nodeEvents[node, default: 0] += 1
            nodeCustomers[node, default: []].insert(r.customer)
        }
        var variantIndex: [[String]: Int] = [:]
        for customer in order where byCustomer[customer] != nil {
            let events = (byCustomer[customer] ?? []).sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
            var visits: [(node: String, first: Int64, last: Int64)] = []
            for e in events {
                if level != .touchpoint, let last = visits.last, last.node == e.2 {
                    visits[visits.count - 1].last = e.0
                } else {
                    visits.append((e.2, e.0, e.0))
                }
            }
            starts[visits[0].node, default: 0] += 1
            ends[visits[visits.count - 1].node, default: 0] += 1
            for k in 1..<max(1, visits.count) where visits.count > 1 {
                let key = visits[k - 1].node + "\u{0}" + visits[k].node
                edges[key, default: EdgeStats()].durations.append(visits[k].first - visits[k - 1].last)
                edges[key, default: EdgeStats()].customers.insert(customer)
            }
            let steps = visits.map(\.node)
            let throughput = events[events.count - 1].0 - events[0].0
            if let v = variantIndex[steps] {
                variants[v].count += 1
                variants[v].throughputs.append(throughput)
            } else {
                variantIndex[steps] = variants.count
                variants.append((steps, 1, [throughput]))
            }
        }
        // Stable sort keeps first appearance among equal counts.
        var sorted: [(steps: [String], count: Int, throughputs: [Int64])] = []
        for c in Set(variants.map(\.count)).sorted(by: >) { sorted += variants.filter { $0.count == c } }
        variants = sorted
    }

    /// numpy `percentile(..., method="linear")` on a sorted copy.
    static func percentile(_ values: [Int64], _ q: Double) -> Double {
        let s = values.sorted()
        let position = Double(s.count - 1) * q
        let lo = Int(position.rounded(.down))
        let hi = min(lo + 1, s.count - 1)
        let t = position - Double(lo)
        let a = Double(s[lo]), b = Double(s[hi])
        return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t
    }
}

func makeLog(_ rows: [RandomRow]) -> EventLog {
    var table = EventTable(stages: true, channels: true)
    for r in rows { table.append(case: r.customer, activity: r.activity, timestamp: r.timestamp, stage: r.stage, channel: r.channel) }
    return EventLog(table)
}

/// Compares the graph and the variants with the naive reference, recording every mismatch.
func compareWithReference(_ rows: [RandomRow], level: DiscoveryLevel, filter: LogFilter = LogFilter(),
                          filteredRows: [RandomRow]? = nil) throws {
    let log = try filter.apply(to: makeLog(rows))
    let reference = NaiveReference(filteredRows ?? rows, level: level, input: rows)
    let graph = try DirectlyFollowsGraph(log, level: level)
    #expect(graph.edges.count == reference.edges.count)
    #expect(graph.transitions == reference.edges.values.reduce(0) { $0 + $1.durations.count })
    for edge in graph.edges {
        let key = graph.nodes[edge.from].name + "\u{0}" + graph.nodes[edge.to].name
        guard let expected = reference.edges[key] else {
            Issue.record("unexpected edge \(key)")
            continue
        }
        #expect(edge.frequency == expected.durations.count, "frequency of \(key)")
        #expect(edge.customers == expected.customers.count, "customers of \(key)")
        let mean = Double(expected.durations.reduce(0, +)) / Double(expected.durations.count)
        #expect(abs(edge.duration.mean - mean) <= 1e-9 * max(1, abs(mean)), "mean of \(key)")
        #expect(edge.duration.median == NaiveReference.percentile(expected.durations, 0.5), "median of \(key)")
        #expect(edge.duration.p90 == NaiveReference.percentile(expected.durations, 0.9), "p90 of \(key)")
        #expect(edge.duration.max == expected.durations.max(), "max of \(key)")
        if level != .touchpoint { #expect(edge.from != edge.to) }
    }
    for node in graph.nodes {
        #expect(node.starts == reference.starts[node.name, default: 0], "starts of \(node.name)")
        #expect(node.events == reference.nodeEvents[node.name, default: 0], "events of \(node.name)")
        #expect(node.customers == reference.nodeCustomers[node.name, default: []].count, "customers of \(node.name)")
        #expect(node.ends == reference.ends[node.name, default: 0], "ends of \(node.name)")
        let outgoing = reference.edges.filter { $0.key.hasPrefix(node.name + "\u{0}") }.flatMap(\.value.durations)
        #expect(node.outgoing == outgoing.count)
        #expect(node.medianTimeToNext == (outgoing.isEmpty ? nil : NaiveReference.percentile(outgoing, 0.5)), "median next of \(node.name)")
    }
    #expect(graph.nodes.reduce(0) { $0 + $1.starts } == log.traceCount)
    #expect(graph.nodes.count == reference.nodeEvents.count)

    let variants = try VariantAnalysis(log, level: level)
    #expect(variants.variants.count == reference.variants.count)
    for (got, expected) in zip(variants.variants, reference.variants) {
        #expect(variants.names(got) == expected.steps)
        #expect(got.customers == expected.count)
        #expect(got.medianThroughput == NaiveReference.percentile(expected.throughputs, 0.5))
    }
    #expect(abs((variants.variants.last?.cumulativeShare ?? 1) - 1) < 1e-12)
}

@Suite struct PropertyTests {
    @Test(arguments: DiscoveryLevel.allCases, [UInt64(1), 2, 3])
    func fewActivitiesMatrixPath(level: DiscoveryLevel, seed: UInt64) throws {
        let rows = randomRows(seed: seed, customers: 300, activities: 3, maxEvents: 9)
        try compareWithReference(rows, level: level)
    }

    @Test(arguments: DiscoveryLevel.allCases)
    func manyActivitiesHashPath(level: DiscoveryLevel) throws {
        let rows = randomRows(seed: 42, customers: 1500, activities: 2000, maxEvents: 6)
        let log = makeLog(rows)
        #expect(log.events.activityNames.count > EdgeIndexTable.matrixLimit)
        try compareWithReference(rows, level: level)
    }

    @Test(arguments: DiscoveryLevel.allCases)
    func filteredLog(level: DiscoveryLevel) throws {
        let rows = randomRows(seed: 7, customers: 400, activities: 5, maxEvents: 8)
        let since: Int64 = 3_000_000, until: Int64 = 9_000_000
        let inWindow = rows.filter { $0.timestamp >= since && $0.timestamp < until }
        let emailCustomers = Set(inWindow.filter { $0.channel == "email" }.map(\.customer))
        let appCustomers = Set(inWindow.filter { $0.stage == "S1" }.map(\.customer))
        let expected = inWindow.filter { emailCustomers.contains($0.customer) && appCustomers.contains($0.customer) }
        #expect(!expected.isEmpty && expected.count < rows.count / 2)
        let filter = LogFilter(since: since, until: until, conditions: [.init(name: "channel", value: "email"), .init(name: "stage", value: "S1")])
        try compareWithReference(rows, level: level, filter: filter, filteredRows: expected)
    }

    /// The sequential funnel against a naive check: per step and customer, is the prefix of the
    /// order a subsequence of the customer's stages in time order (ties in input order)?
    @Test(arguments: [UInt64(11), 12, 13])
    func funnelIsSequential(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        var rows: [RandomRow] = []
        for c in 0..<300 {
            for _ in 0..<Int.random(in: 1...8, using: &rng) {
                rows.append(RandomRow(customer: "c\(c)", activity: "a", timestamp: Int64.random(in: 0..<10, using: &rng),
                                      stage: "S\(Int.random(in: 0..<4, using: &rng))", channel: "web"))
            }
        }
        rows.shuffle(using: &rng)
        var byCustomer: [String: [(Int64, Int, String)]] = [:]
        for (i, r) in rows.enumerated() { byCustomer[r.customer, default: []].append((r.timestamp, i, r.stage)) }
        let sequences = byCustomer.values.map { $0.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.2) }
        func isSubsequence(_ wanted: ArraySlice<String>, of sequence: [String]) -> Bool {
            var rest = wanted[...]
            for stage in sequence where stage == rest.first { rest = rest.dropFirst() }
            return rest.isEmpty
        }
        for order in [["S0", "S1", "S2", "S3"], ["S3", "S1"], ["S2"]] {
            let funnel = try StageAnalysis(makeLog(rows), order: order).funnel
            let expected = funnel.steps.indices.map { k in
                sequences.filter { isSubsequence(funnel.steps[...k].map(\.stage)[...], of: $0) }.count
            }
            #expect(funnel.steps.map(\.customers) == expected)
            for k in funnel.steps.indices.dropFirst() {
                #expect(funnel.steps[k].customers <= funnel.steps[k - 1].customers)
                #expect(funnel.steps[k].fromPrevious <= 1)
            }
            #expect(funnel.steps[0].customers == sequences.filter { $0.contains(order[0]) }.count)
        }
    }

    @Test func edgeIndexTableBothPaths() {
        for nodes in [5, 5000] {
            var table = EdgeIndexTable(nodeCount: nodes)
            #expect(table.isMatrix == (nodes <= EdgeIndexTable.matrixLimit))
            var seen: [UInt64: Int] = [:]
            var rng = SeededGenerator(seed: 9)
            for _ in 0..<20_000 {
                let a = UInt32.random(in: 0..<UInt32(nodes), using: &rng), b = UInt32.random(in: 0..<UInt32(nodes), using: &rng)
                let key = UInt64(a) << 32 | UInt64(b)
                let (index, isNew) = table.index(a, b)
                if let known = seen[key] { #expect(index == known && !isNew) } else { #expect(isNew && index == seen.count); seen[key] = index }
                #expect(table.existing(a, b) == index)
            }
            #expect(table.count == seen.count)
        }
    }
}
