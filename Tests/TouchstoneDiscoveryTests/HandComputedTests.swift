import Testing
import TouchstoneIngest
import TouchstoneTraces
@testable import TouchstoneDiscovery

let second: Int64 = 1_000_000

/// Five customers, rows deliberately out of order:
/// c1: A@0 B@10 C@30 · c2: A@0 B@20 B@50 C@60 · c3: A@100 C@160 · c4: B@0 · c5: A@0 B@5 C@6 (seconds).
/// c1's only `plan=gold` event is B.
func sampleLog() -> EventLog {
    var t = EventTable(stages: false, channels: false, attributes: ["plan"])
    func add(_ c: String, _ a: String, _ s: Int64, _ plan: String = "basic") {
        t.append(case: c, activity: a, timestamp: s * second, attributes: [plan])
    }
    add("c1", "A", 0)
    add("c2", "B", 50)
    add("c1", "C", 30)
    add("c2", "A", 0)
    add("c1", "B", 10, "gold")
    add("c2", "C", 60)
    add("c2", "B", 20)
    add("c3", "C", 160)
    add("c3", "A", 100)
    add("c4", "B", 0)
    add("c5", "A", 0)
    add("c5", "B", 5)
    add("c5", "C", 6)
    return EventLog(t)
}

/// Two customers with stages and channels (seconds):
/// c1: S1/web@0 S1/web@10 S2/email@20 S1/email@50 S3/web@60 · c2: S1/app@0 S3/app@100 S3/web@110.
func stagedLog() -> EventLog {
    var t = EventTable(stages: true, channels: true)
    let rows: [(String, String, Int64, String, String)] = [
        ("c1", "visit", 0, "S1", "web"), ("c1", "read", 10, "S1", "web"), ("c1", "mail", 20, "S2", "email"),
        ("c2", "open", 0, "S1", "app"), ("c1", "click", 50, "S1", "email"), ("c1", "buy", 60, "S3", "web"),
        ("c2", "cart", 100, "S3", "app"), ("c2", "buy", 110, "S3", "web"),
    ]
    for r in rows { t.append(case: r.0, activity: r.1, timestamp: r.2 * second, stage: r.3, channel: r.4) }
    return EventLog(t)
}

func seconds(_ s: Double) -> Double { s * 1_000_000 }

@Suite struct TouchpointGraphTests {
    let graph: DirectlyFollowsGraph

    init() throws { graph = try DirectlyFollowsGraph(sampleLog()) }

    @Test func totals() {
        #expect(graph.customers == 5)
        #expect(graph.events == 13)
        #expect(graph.transitions == 8)
        #expect(graph.edges.count == 4)
    }

    @Test func edges() throws {
        let ab = try #require(graph.edge("A", "B"))
        #expect(ab.frequency == 3)
        #expect(ab.customers == 3)
        #expect(ab.share == 0.75)
        #expect(abs(ab.duration.mean - seconds(35.0 / 3)) < 1e-6)
        #expect(ab.duration.median == seconds(10))
        #expect(ab.duration.p90 == seconds(18))  // sorted 5,10,20: position 1.8 → 10 + 0.8·10
        #expect(ab.duration.max == 20 * second)

        let bc = try #require(graph.edge("B", "C"))
        #expect(bc.frequency == 3)
        #expect(bc.customers == 3)
        #expect(bc.share == 0.75)
        #expect(abs(bc.duration.mean - seconds(31.0 / 3)) < 1e-6)
        #expect(bc.duration.median == seconds(10))
        #expect(bc.duration.p90 == seconds(18))
        #expect(bc.duration.max == 20 * second)

        let bb = try #require(graph.edge("B", "B"))
        #expect(bb.frequency == 1)
        #expect(bb.customers == 1)
        #expect(bb.share == 0.25)
        #expect(bb.duration == .init(mean: seconds(30), median: seconds(30), p90: seconds(30), max: 30 * second))

        let ac = try #require(graph.edge("A", "C"))
        #expect(ac.frequency == 1)
        #expect(ac.share == 0.25)
        #expect(ac.duration == .init(mean: seconds(60), median: seconds(60), p90: seconds(60), max: 60 * second))
        #expect(graph.edge("C", "A") == nil)
    }

    @Test func nodes() throws {
        #expect(graph.nodes.map(\.name) == ["A", "B", "C"])  // id order = first appearance in input
        let a = try #require(graph.nodes.first { $0.name == "A" })
        #expect(a.events == 4 && a.visits == 4 && a.customers == 4 && a.starts == 4 && a.ends == 0 && a.outgoing == 4)
        #expect(a.medianTimeToNext == seconds(15))  // 5, 10, 20, 60
        let b = try #require(graph.nodes.first { $0.name == "B" })
        #expect(b.events == 5 && b.customers == 4 && b.starts == 1 && b.ends == 1 && b.outgoing == 4)
        #expect(b.medianTimeToNext == seconds(15))  // 1, 10, 20, 30
        let c = try #require(graph.nodes.first { $0.name == "C" })
        #expect(c.events == 4 && c.customers == 4 && c.starts == 0 && c.ends == 4 && c.outgoing == 0)
        #expect(c.medianTimeToNext == nil)
    }

    @Test func equalTimestampsKeepInputOrder() throws {
        var t = EventTable(stages: false, channels: false)
        t.append(case: "x", activity: "Y", timestamp: 5)
        t.append(case: "x", activity: "X", timestamp: 5)
        t.append(case: "x", activity: "Z", timestamp: 1)
        let g = try DirectlyFollowsGraph(EventLog(t))
        #expect(g.edge("Z", "Y")?.frequency == 1)
        #expect(g.edge("Y", "X")?.frequency == 1)
        #expect(g.edge("Y", "X")?.duration.max == 0)
        #expect(g.edges.count == 2)
    }

    @Test func unavailableLevels() {
        #expect(throws: DiscoveryError.levelUnavailable(.stage)) { try DirectlyFollowsGraph(sampleLog(), level: .stage) }
        #expect(throws: DiscoveryError.levelUnavailable(.channel)) { try DirectlyFollowsGraph(sampleLog(), level: .channel) }
    }

    @Test func emptyLog() throws {
        let g = try DirectlyFollowsGraph(EventLog(EventTable(stages: false, channels: false)))
        #expect(g.nodes.isEmpty && g.edges.isEmpty && g.customers == 0)
        let v = try VariantAnalysis(EventLog(EventTable()))
        #expect(v.variants.isEmpty && v.variantCount == 0)
    }
}

@Suite struct VariantTests {
    @Test func variants() throws {
        let v = try VariantAnalysis(sampleLog())
        #expect(v.variantCount == 4)
        #expect(v.variants.map { v.names($0) } == [["A", "B", "C"], ["A", "B", "B", "C"], ["A", "C"], ["B"]])
        #expect(v.variants.map(\.customers) == [2, 1, 1, 1])
        #expect(v.variants.map(\.share) == [0.4, 0.2, 0.2, 0.2])
        #expect(v.variants.map(\.cumulativeShare).map { ($0 * 10).rounded() } == [4, 6, 8, 10])
        #expect(v.variants.map(\.medianThroughput) == [seconds(18), seconds(60), seconds(60), 0])  // c1 30s, c5 6s
    }

    @Test func limitAndCoverage() throws {
        let log = sampleLog()
        #expect(try VariantAnalysis(log, limit: 2).variants.count == 2)
        #expect(try VariantAnalysis(log, coverage: 0.4).variants.count == 1)
        #expect(try VariantAnalysis(log, coverage: 0.5).variants.count == 2)
        #expect(try VariantAnalysis(log, coverage: 1).variants.count == 4)
        #expect(try VariantAnalysis(log, limit: 3, coverage: 0.5).variants.count == 2)
        #expect(try VariantAnalysis(log, limit: 3, coverage: 0.5).variantCount == 4)
    }

    @Test func stageVariantsMergeVisits() throws {
        let v = try VariantAnalysis(stagedLog(), level: .stage)
        #expect(v.variants.map { v.names($0) } == [["S1", "S2", "S1", "S3"], ["S1", "S3"]])
        #expect(v.variants.map(\.medianThroughput) == [seconds(60), seconds(110)])
    }
}

@Suite struct VisitLevelTests {
    @Test func stageLevel() throws {
        let g = try DirectlyFollowsGraph(stagedLog(), level: .stage)
        #expect(g.edges.count == 3)
        #expect(g.edges.allSatisfy { $0.from != $0.to })
        let s12 = try #require(g.edge("S1", "S2"))
        #expect(s12.frequency == 1 && s12.customers == 1 && s12.duration.max == 10 * second)  // last S1 @10 → S2 @20
        #expect(abs(s12.share - 1.0 / 3) < 1e-12)
        let s21 = try #require(g.edge("S2", "S1"))  // backward move
        #expect(s21.frequency == 1 && s21.share == 1 && s21.duration.median == seconds(30))
        let s13 = try #require(g.edge("S1", "S3"))
        #expect(s13.frequency == 2 && s13.customers == 2)
        #expect(abs(s13.share - 2.0 / 3) < 1e-12)
        #expect(s13.duration == .init(mean: seconds(55), median: seconds(55), p90: seconds(91), max: 100 * second))
        let s1 = try #require(g.nodes.first { $0.name == "S1" })
        #expect(s1.events == 4 && s1.visits == 3 && s1.customers == 2 && s1.starts == 2 && s1.ends == 0)
        #expect(s1.medianTimeToNext == seconds(10))  // 10, 10, 100
        let s3 = try #require(g.nodes.first { $0.name == "S3" })
        #expect(s3.events == 3 && s3.visits == 2 && s3.customers == 2 && s3.ends == 2 && s3.medianTimeToNext == nil)
    }

    @Test func channelLevel() throws {
        let g = try DirectlyFollowsGraph(stagedLog(), level: .channel)
        #expect(g.edges.count == 3)
        #expect(g.edge("web", "email")?.duration.max == 10 * second)
        #expect(g.edge("email", "web")?.duration.max == 10 * second)  // last email @50 → web @60
        #expect(g.edge("app", "web")?.duration.max == 10 * second)
        #expect(g.nodes.first { $0.name == "web" }?.visits == 3)
        #expect(g.nodes.first { $0.name == "web" }?.events == 4)
    }

    @Test func stageMatrixAndFunnel() throws {
        let s = try StageAnalysis(stagedLog())
        #expect(s.matrix.stages == ["S1", "S2", "S3"])
        #expect(s.matrix.counts == [[2, 0, 0, 0], [0, 1, 2, 0], [1, 0, 0, 0], [0, 0, 0, 2]])
        #expect(s.matrix.rowTotal(1) == 3)
        #expect(abs(s.matrix.rowShare(1, 2) - 2.0 / 3) < 1e-12)
        #expect(s.funnel.steps.map(\.stage) == ["S1", "S2", "S3"])
        // Sequential: c1 goes S1 → S2 → S3; c2 reaches S3 without S2, so it stops after S1.
        #expect(s.funnel.steps.map(\.customers) == [2, 1, 1])
        #expect(s.funnel.steps.map(\.share) == [1, 0.5, 0.5])
        #expect(s.funnel.steps.map(\.fromPrevious) == [1, 0.5, 1])
        #expect(!s.funnel.explicitOrder)
    }

    /// docs/discover.md: traces A B C, A C B, B A C with order A, B, C give 3, 2, 1; a tie in
    /// time keeps input order (c4 writes B before A at the same instant: B first, so only A).
    @Test func funnelCountsStepsInOrder() throws {
        var t = EventTable(stages: true, channels: false)
        let rows: [(String, String, Int64)] = [
            ("c1", "A", 0), ("c1", "B", 1), ("c1", "C", 2), ("c2", "A", 0), ("c2", "C", 1), ("c2", "B", 2),
            ("c3", "B", 0), ("c3", "A", 1), ("c3", "C", 2), ("c4", "B", 5), ("c4", "A", 5),
        ]
        for r in rows { t.append(case: r.0, activity: "x", timestamp: r.2 * second, stage: r.1) }
        let log = EventLog(t)
        let funnel = try StageAnalysis(log, order: ["A", "B", "C"]).funnel
        #expect(funnel.steps.map(\.customers) == [4, 2, 1])
        #expect(funnel.steps.map(\.share) == [1, 0.5, 0.25])
        #expect(funnel.steps.map(\.fromPrevious) == [1, 0.5, 0.5])
        // The stage-level nodes still count every customer with an event in the stage.
        let g = try DirectlyFollowsGraph(log, level: .stage)
        #expect(["A", "B", "C"].map { name in g.nodes.first { $0.name == name }?.customers } == [4, 4, 3])
    }

    @Test func stageOrder() throws {
        let s = try StageAnalysis(stagedLog(), order: ["S3", "S1"])
        #expect(s.matrix.stages == ["S3", "S1", "S2"])
        #expect(s.matrix.counts == [[0, 2, 0, 0], [0, 0, 0, 2], [2, 0, 1, 0], [0, 1, 0, 0]])
        // Both reach S3 only at their end, so no one reaches S1 after S3.
        #expect(s.funnel.steps.map(\.customers) == [2, 0, 0])
        #expect(s.funnel.steps.map(\.fromPrevious) == [1, 0, 0])
        #expect(throws: DiscoveryError.unknownStages(["X"], known: ["S1", "S2", "S3"])) {
            try StageAnalysis(stagedLog(), order: ["S1", "X"])
        }
        #expect(throws: DiscoveryError.levelUnavailable(.stage)) { try StageAnalysis(sampleLog()) }
    }
}

@Suite struct FilterTests {
    @Test func timeWindow() throws {
        let filter = LogFilter(since: 5 * second, until: 60 * second)
        let log = try filter.apply(to: sampleLog())
        #expect(log.traceCount == 3)
        #expect(log.events.count == 6)
        let g = try DirectlyFollowsGraph(log)
        #expect(g.edges.count == 2)
        #expect(g.edge("B", "C")?.frequency == 2)
        #expect(g.edge("B", "B")?.frequency == 1)
        #expect(filter.descriptions == ["since 1970-01-01T00:00:05Z", "until 1970-01-01T00:01:00Z (exclusive)"])
    }

    @Test func whereConditions() throws {
        let log = sampleLog()
        let gold = try LogFilter(conditions: [.init(parsing: "plan=gold")]).apply(to: log)
        #expect(gold.traceCount == 1 && gold.events.count == 3)  // c1 with all its events
        let both = try LogFilter(conditions: [.init(parsing: "plan=gold"), .init(parsing: "touchpoint=A")]).apply(to: log)
        #expect(both.traceCount == 1)
        let touch = try LogFilter(conditions: [.init(name: "touchpoint", value: "C")]).apply(to: log)
        #expect(touch.traceCount == 4)
        // A value no event carries is an error naming close values, not an empty result.
        #expect(throws: DiscoveryError.unmatchedFilterValue(name: "plan", value: "platinum", close: [])) {
            try LogFilter(conditions: [.init(name: "plan", value: "platinum")]).apply(to: log)
        }
        #expect(throws: DiscoveryError.unmatchedFilterValue(name: "plan", value: "GOLD", close: ["gold"])) {
            try LogFilter(conditions: [.init(name: "plan", value: "GOLD")]).apply(to: log)
        }
        #expect(throws: DiscoveryError.unknownFilterField("region", available: ["touchpoint", "plan"])) {
            try LogFilter(conditions: [.init(name: "region", value: "x")]).apply(to: log)
        }
        #expect(throws: DiscoveryError.malformedCondition("plan")) { try LogFilter.Condition(parsing: "plan") }
        #expect(try LogFilter.Condition(parsing: "a=b=c") == .init(name: "a", value: "b=c"))
        let staged = try LogFilter(conditions: [.init(name: "channel", value: "app")]).apply(to: stagedLog())
        #expect(staged.traceCount == 1)
    }

    @Test func windowThenCondition() throws {
        // c1's gold event (B@10) lies outside [20s, ∞), so nobody remains.
        let log = try LogFilter(since: 20 * second, conditions: [.init(name: "plan", value: "gold")]).apply(to: sampleLog())
        #expect(log.traceCount == 0)
        #expect(throws: DiscoveryError.emptyTimeWindow(since: 5, until: 5)) { try LogFilter(since: 5, until: 5).apply(to: sampleLog()) }
    }

    @Test func resultCarriesDescriptions() throws {
        let options = DiscoveryOptions(filter: LogFilter(conditions: [.init(name: "plan", value: "gold")]),
                                       pruning: DisplayPruning(minFrequency: 2))
        let r = try DiscoveryResult(sampleLog(), options: options)
        #expect(r.filters == ["where plan=gold"])
        #expect(r.pruning == ["min-frequency 2"])
        #expect(r.inputCustomers == 5 && r.customers == 1 && r.inputEvents == 13 && r.events == 3)
        #expect(r.stages == nil)
        #expect(throws: DiscoveryError.levelUnavailable(.stage)) {
            try DiscoveryResult(sampleLog(), options: DiscoveryOptions(stageOrder: ["x"]))
        }
    }
}

@Suite struct PruningTests {
    @Test func minFrequency() throws {
        let g = try DirectlyFollowsGraph(sampleLog())
        let view = DisplayPruning(minFrequency: 2).apply(to: g)
        #expect(view.edges.map { "\(g.nodes[g.edges[$0].from].name)>\(g.nodes[g.edges[$0].to].name)" } == ["A>B", "B>C"])
        #expect(view.hiddenEdges == 2 && view.hiddenNodes == 0)
        #expect(view.nodes == [true, true, true])
    }

    @Test func topEdgesKeepsJourneyStartsAndEnds() throws {
        let g = try DirectlyFollowsGraph(sampleLog())
        let view = DisplayPruning(topEdges: 1).apply(to: g)
        #expect(view.edges.count == 1 && view.hiddenEdges == 3)
        let kept = g.edges[view.edges[0]]
        #expect(g.nodes[kept.from].name == "A" && g.nodes[kept.to].name == "B")  // tie 3–3 broken by source name
        #expect(kept.frequency == 3 && kept.duration.median == seconds(10))  // numbers unchanged
        // C loses every edge but four journeys end there: it stays, with its end row; start and
        // end rows do not count against the one edge kept.
        let a = g.nodeIndex(named: "A") ?? -1, b = g.nodeIndex(named: "B") ?? -1, c = g.nodeIndex(named: "C") ?? -1
        #expect(view.hiddenNodes == 0 && view.shownNodes == 3)
        #expect(view.rows == [.start(a), .end(c), .edge(view.edges[0]), .start(b), .end(b)])
        let strict = DisplayPruning(minFrequency: 5).apply(to: g)
        #expect(strict.edges.isEmpty && strict.hiddenEdges == 4 && strict.hiddenNodes == 0)
        #expect(strict.rows == [.start(a), .end(c), .start(b), .end(b)])
    }

    @Test func topEdgesHidesOrphanNodes() throws {
        // c1: A X B, c2 and c3: A B. X neither starts nor ends a journey.
        var t = EventTable(stages: false, channels: false)
        for (c, a, s) in [("c1", "A", 0), ("c1", "X", 1), ("c1", "B", 2), ("c2", "A", 0), ("c2", "B", 1), ("c3", "A", 0), ("c3", "B", 1)] {
            t.append(case: c, activity: a, timestamp: Int64(s) * second)
        }
        let g = try DirectlyFollowsGraph(EventLog(t))
        let view = DisplayPruning(topEdges: 1).apply(to: g)
        let x = g.nodeIndex(named: "X") ?? -1
        #expect(view.edges.map { g.edges[$0].frequency } == [2])
        #expect(view.hiddenEdges == 2 && view.hiddenNodes == 1 && view.shownNodes == 2)
        #expect(view.nodes[x] == false)
        #expect(view.rows.count == 3)  // A → B, <start> → A (3), B → <end> (3)
    }

    @Test func noPruningShowsEverything() throws {
        let g = try DirectlyFollowsGraph(sampleLog())
        let view = DisplayPruning().apply(to: g)
        #expect(view.edges.count == 4 && view.hiddenEdges == 0 && view.hiddenNodes == 0)
        #expect(view.rows.count == 8)
    }
}

@Suite struct PercentileTests {
    @Test func numpyLinear() {
        var values: [Int64] = [40, 10, 30, 20]
        let q = values.withUnsafeMutableBufferPointer { (percentile($0, 0.5), percentile($0, 0.9), percentile($0, 0), percentile($0, 1)) }
        #expect(q.0 == 25)
        #expect(q.1 == 37)  // position 2.7 → 30 + 0.7·10
        #expect(q.2 == 10 && q.3 == 40)
        var one: [Int64] = [7]
        #expect(one.withUnsafeMutableBufferPointer { percentile($0, 0.9) } == 7)
        var empty: [Int64] = []
        #expect(empty.withUnsafeMutableBufferPointer { percentile($0, 0.5) } == nil)
    }
}

@Suite struct ErrorMessageTests {
    @Test func messagesNameWhatIsAvailable() {
        #expect(DiscoveryError.unknownStages(["X"], known: ["S1", "S2"]).description == "unknown stage 'X'; known stages: 'S1', 'S2'")
        #expect(DiscoveryError.unknownFilterField("region", available: ["touchpoint", "plan"]).description
            == "unknown field 'region' in where condition; available: 'touchpoint', 'plan'")
        #expect(DiscoveryError.levelUnavailable(.stage).description.contains("no stage column"))
        #expect(DiscoveryError.emptyTimeWindow(since: 0, until: 0).description
            == "empty time window: since 1970-01-01T00:00:00Z is not before until 1970-01-01T00:00:00Z")
    }
}
