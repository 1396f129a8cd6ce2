import Testing
import TouchstoneIngest
import TouchstoneTraces
@testable import TouchstoneDiscovery

/// `discover --by`: every figure per value against a naive computation on random logs, and
/// the ranking, limit and hidden counts by hand.
@Suite("Segments")
struct SegmentTests {
    static let tiers = ["gold", "silver", "bronze", "tin", "lead"]

    /// Random rows with a `tier` attribute that varies within a customer (so the first event decides).
    func rowsWithTiers(seed: UInt64) -> (rows: [RandomRow], tiers: [String]) {
        let rows = randomRows(seed: seed, customers: 300, activities: 4, maxEvents: 7)
        var rng = SeededGenerator(seed: seed &+ 1)
        // Skewed so the ranking by customers is not alphabetical.
        let tiers = rows.map { _ in SegmentTests.tiers[min(Int.random(in: 0..<9, using: &rng), Int.random(in: 0..<5, using: &rng))] }
        return (rows, tiers)
    }

    func log(_ rows: [RandomRow], _ tiers: [String]) -> EventLog {
        var table = EventTable(stages: true, channels: true, attributes: ["tier"])
        for (r, tier) in zip(rows, tiers) {
            table.append(case: r.customer, activity: r.activity, timestamp: r.timestamp, stage: r.stage, channel: r.channel, attributes: [tier])
        }
        return EventLog(table)
    }

    @Test(arguments: [DiscoveryLevel.touchpoint, .stage], [UInt64(3), 11])
    func everyFigureMatchesTheNaiveComputation(level: DiscoveryLevel, seed: UInt64) throws {
        let (rows, tiers) = rowsWithTiers(seed: seed)
        let analysis = try SegmentAnalysis(log(rows, tiers), attribute: "tier", level: level, limit: 100)
        // Naive: each customer's rows in time order (ties by input order); the first row's tier.
        var byCustomer: [String: [Int]] = [:]
        for (i, r) in rows.enumerated() { byCustomer[r.customer, default: []].append(i) }
        var segmentOf: [String: String] = [:]
        var durations: [String: [Int64]] = [:]
        for (customer, indices) in byCustomer {
            let ordered = indices.sorted { rows[$0].timestamp != rows[$1].timestamp ? rows[$0].timestamp < rows[$1].timestamp : $0 < $1 }
            segmentOf[customer] = tiers[ordered[0]]
            durations[tiers[ordered[0]], default: []].append(rows[ordered.last!].timestamp - rows[ordered[0]].timestamp)
        }
        let values = Set(segmentOf.values)
        #expect(analysis.valueCount == values.count)
        #expect(analysis.segments.count == values.count && analysis.hiddenValues == 0)
        let customersOf = Dictionary(grouping: segmentOf.keys, by: { segmentOf[$0]! }).mapValues(\.count)
        let expectedOrder = values.sorted { customersOf[$0]! != customersOf[$1]! ? customersOf[$0]! > customersOf[$1]! : $0 < $1 }
        #expect(analysis.segments.map(\.value) == expectedOrder)
        for segment in analysis.segments {
            let segmentRows = rows.filter { segmentOf[$0.customer] == segment.value }
            let reference = NaiveReference(segmentRows, level: level, input: rows)
            #expect(segment.customers == customersOf[segment.value])
            #expect(segment.share == Double(customersOf[segment.value]!) / Double(byCustomer.count))
            #expect(segment.events == segmentRows.count)
            #expect(segment.variants == reference.variants.count)
            let d = durations[segment.value]!
            #expect(segment.medianDuration == NaiveReference.percentile(d, 0.5))
            #expect(abs(segment.meanDuration - Double(d.reduce(0, +)) / Double(d.count)) < 1e-6)
            #expect(segment.transitions == reference.edges.values.reduce(0) { $0 + $1.durations.count })
            let g = segment.graph
            #expect(g.edges.count == reference.edges.count)
            for e in g.edges {
                let expected = reference.edges[g.nodes[e.from].name + "\u{0}" + g.nodes[e.to].name]
                #expect(e.frequency == expected?.durations.count)
                #expect(e.customers == expected?.customers.count)
                #expect(e.duration.median == expected.map { NaiveReference.percentile($0.durations, 0.5) })
            }
            let frequencies = segment.edgesByFrequency.map { g.edges[$0].frequency }
            #expect(frequencies == frequencies.sorted(by: >))
            #expect(Set(segment.edgesByFrequency) == Set(g.edges.indices))
        }
    }

    @Test func limitCountsWhatIsNotShown() throws {
        let (rows, tiers) = rowsWithTiers(seed: 5)
        let all = try SegmentAnalysis(log(rows, tiers), attribute: "tier", level: .touchpoint)
        let two = try SegmentAnalysis(log(rows, tiers), attribute: "tier", level: .touchpoint, limit: 2)
        #expect(all.segments.count == 5 && SegmentAnalysis.defaultLimit == 10)
        #expect(two.segments.map(\.value) == all.segments.prefix(2).map(\.value))
        #expect(two.valueCount == 5 && two.hiddenValues == 3)
        #expect(two.hiddenCustomers == all.segments.dropFirst(2).reduce(0) { $0 + $1.customers })
        #expect(two.hiddenEvents == all.segments.dropFirst(2).reduce(0) { $0 + $1.events })
        #expect(all.segments.reduce(0) { $0 + $1.customers } == 300)
        #expect(all.segments.reduce(0) { $0 + $1.events } == rows.count)
    }

    /// By hand on `sampleLog()`: c1's first event (A@0) is basic although it later has gold.
    @Test func firstEventDecidesAndErrorsNameTheAttributes() throws {
        let analysis = try SegmentAnalysis(sampleLog(), attribute: "plan", level: .touchpoint)
        #expect(analysis.segments.map(\.value) == ["basic"])
        #expect(analysis.segments[0].customers == 5 && analysis.segments[0].events == 13)
        // Durations c1…c5: 30, 60, 60, 0, 6 s: median 30 s, mean 31.2 s.
        #expect(analysis.segments[0].medianDuration == 30_000_000)
        #expect(analysis.segments[0].meanDuration == 31_200_000)
        #expect(throws: DiscoveryError.unknownSegmentAttribute("region", available: ["plan"])) {
            try SegmentAnalysis(sampleLog(), attribute: "region", level: .touchpoint)
        }
        let result = try DiscoveryResult(sampleLog(), options: DiscoveryOptions(segmentBy: "plan", segmentLimit: 1))
        #expect(result.segments?.segments.count == 1)
    }
}
