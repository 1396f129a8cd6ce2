import Testing
import TouchstoneIngest
import TouchstoneTraces
@testable import TouchstoneDiscovery

/// Splits the rows by customer into `k` random customer-disjoint pieces (some may be empty).
func customerPieces(_ rows: [RandomRow], k: Int, seed: UInt64) -> [[RandomRow]] {
    var rng = SeededGenerator(seed: seed)
    var pieceOf: [String: Int] = [:]
    var pieces = [[RandomRow]](repeating: [], count: k)
    for r in rows {
        let p: Int
        if let known = pieceOf[r.customer] { p = known } else { p = Int.random(in: 0..<k, using: &rng); pieceOf[r.customer] = p }
        pieces[p].append(r)
    }
    return pieces
}

/// Encodes and decodes `summary`, expecting every byte to be read.
func roundTrip(_ summary: DiscoverySummary) throws -> DiscoverySummary {
    var w = BinaryWriter()
    summary.encode(into: &w)
    var r = BinaryReader(w.bytes)
    let decoded = try DiscoverySummary(from: &r)
    #expect(r.isAtEnd)
    return decoded
}

/// `a` equals `b` when `exact`, else within the sketch's relative accuracy.
func close(_ a: Double?, _ b: Double?, exact: Bool, _ what: String) {
    guard let a, let b else {
        #expect(a == nil && b == nil, "\(what): \(String(describing: a)) vs \(String(describing: b))")
        return
    }
    if exact {
        #expect(a == b, "\(what): \(a) vs exact \(b)")
    } else {
        #expect(abs(a - b) <= DurationSketch.relativeAccuracy * abs(b) * (1 + 1e-9) + 1e-6, "\(what): \(a) vs exact \(b)")
    }
}

/// Compares a result from a merged summary with the single pass, keyed by names (orders may
/// differ); `summary` tells which duration sets stayed exact.
func compareSummaryResult(_ got: DiscoveryResult, _ want: DiscoveryResult, _ summary: LevelSummary) {
    #expect(got.customers == want.customers && got.events == want.events)
    #expect(got.inputCustomers == want.inputCustomers && got.inputEvents == want.inputEvents)
    #expect(got.pruning == want.pruning && got.filters == want.filters)
    let g = got.graph, w = want.graph
    #expect(g.nodes.count == w.nodes.count)
    #expect(g.edges.count == w.edges.count)
    #expect(g.transitions == w.transitions && g.customers == w.customers && g.events == w.events)
    var summaryNode: [String: Int] = [:]
    for (i, n) in summary.nodes.enumerated() { summaryNode[n.name] = i }
    var gotNode: [String: DirectlyFollowsGraph.Node] = [:]
    for n in g.nodes { gotNode[n.name] = n }
    // Node ids from a summary are indices.
    #expect(g.nodes.enumerated().allSatisfy { Int($1.id) == $0 })
    #expect(g.nodes.map(\.name) == summary.nodes.map(\.name))
    for n in w.nodes {
        guard let m = gotNode[n.name], let s = summaryNode[n.name] else { Issue.record("missing node \(n.name)"); continue }
        #expect(m.events == n.events && m.visits == n.visits && m.customers == n.customers, "counts of \(n.name)")
        #expect(m.starts == n.starts && m.ends == n.ends && m.outgoing == n.outgoing, "starts/ends/outgoing of \(n.name)")
        let exact = summary.edges.filter { $0.from == s }.allSatisfy(\.durations.isExact)
        close(m.medianTimeToNext, n.medianTimeToNext, exact: exact, "median to next of \(n.name)")
    }
    func key(_ graph: DirectlyFollowsGraph, _ e: DirectlyFollowsGraph.Edge) -> String {
        graph.nodes[e.from].name + "\u{0}" + graph.nodes[e.to].name
    }
    var gotEdge: [String: DirectlyFollowsGraph.Edge] = [:]
    for e in g.edges { gotEdge[key(g, e)] = e }
    var summaryEdge: [String: LevelSummary.Edge] = [:]
    for e in summary.edges { summaryEdge[summary.nodes[e.from].name + "\u{0}" + summary.nodes[e.to].name] = e }
    for e in w.edges {
        let k = key(w, e)
        guard let m = gotEdge[k], let s = summaryEdge[k] else { Issue.record("missing edge \(k)"); continue }
        #expect(m.frequency == e.frequency && m.customers == e.customers && m.share == e.share, "counts of \(k)")
        #expect(abs(m.duration.mean - e.duration.mean) <= 1e-12 * max(1, abs(e.duration.mean)), "mean of \(k)")
        #expect(m.duration.max == e.duration.max, "max of \(k)")
        close(m.duration.median, e.duration.median, exact: s.durations.isExact, "median of \(k)")
        close(m.duration.p90, e.duration.p90, exact: s.durations.isExact, "p90 of \(k)")
    }
    // Display: rows are ordered by frequency and names, so they agree row by row.
    func rowNames(_ r: DiscoveryResult) -> [String] {
        r.view.rows.map { row in
            switch row {
            case .edge(let i): return key(r.graph, r.graph.edges[i]) + " \(r.graph.edges[i].frequency)"
            case .start(let n): return "<start>\u{0}" + r.graph.nodes[n].name + " \(r.graph.nodes[n].starts)"
            case .end(let n): return r.graph.nodes[n].name + "\u{0}<end> \(r.graph.nodes[n].ends)"
            }
        }
    }
    #expect(rowNames(got) == rowNames(want))
    #expect(got.view.hiddenEdges == want.view.hiddenEdges && got.view.hiddenNodes == want.view.hiddenNodes)
    #expect(Set(got.view.nodes.indices.filter { got.view.nodes[$0] }.map { g.nodes[$0].name })
            == Set(want.view.nodes.indices.filter { want.view.nodes[$0] }.map { w.nodes[$0].name }))
    // Variants: the same counts in the same (descending) order; per sequence the same figures.
    let gv = got.variants, wv = want.variants
    #expect(gv.variantCount == wv.variantCount && gv.customers == wv.customers)
    #expect(gv.variants.map(\.customers) == wv.variants.map(\.customers))
    #expect(gv.variants.map(\.cumulativeShare) == wv.variants.map(\.cumulativeShare))
    var summaryVariant: [[String]: LevelSummary.Variant] = [:]
    for v in summary.variants { summaryVariant[v.steps.map { summary.nodes[$0].name }] = v }
    var gotVariant: [[String]: VariantAnalysis.Variant] = [:]
    for v in gv.variants { gotVariant[gv.names(v)] = v }
    for v in wv.variants {
        let names = wv.names(v)
        guard let s = summaryVariant[names] else { Issue.record("missing variant \(names)"); continue }
        #expect(s.customers == v.customers, "customers of \(names)")
        // A tie at the limit may keep another variant of the same count.
        guard let m = gotVariant[names] else { continue }
        #expect(m.customers == v.customers && m.share == v.share, "\(names)")
        close(m.medianThroughput, v.medianThroughput, exact: s.throughput.isExact, "throughput of \(names)")
    }
    #expect((got.stages == nil) == (want.stages == nil))
    if let a = got.stages, let b = want.stages {
        #expect(a.matrix == b.matrix)
        #expect(a.funnel == b.funnel)
    }
}

@Suite struct DiscoverySummaryTests {
    /// Random logs with stages and channels, split into k customer-disjoint pieces: summaries
    /// merged in any order are equal, survive encoding, and give the single pass's figures.
    @Test(arguments: [(UInt64(1), 60), (2, 60), (3, 600), (4, 600), (5, 1500)])
    func mergedPiecesMatchSinglePass(seed: UInt64, customers: Int) throws {
        var rows = randomRows(seed: seed, customers: customers, activities: 4, maxEvents: 10)
        var rng = SeededGenerator(seed: seed &* 77)
        if seed % 2 == 0 {
            // Spread-out durations (the generator's are few distinct values with many ties).
            for i in rows.indices { rows[i].timestamp = Int64.random(in: 0..<86_400_000_000, using: &rng) }
        }
        let k = Int.random(in: 1...5, using: &rng)
        let pieces = customerPieces(rows, k: k, seed: seed)
        var summaries: [DiscoverySummary] = []
        for piece in pieces {
            var s = DiscoverySummary(makeLog(piece))
            #expect(s.levels.count == 3)
            s.compact()
            let decoded = try roundTrip(s)
            #expect(decoded == s)
            summaries.append(decoded)
        }
        var forward = DiscoverySummary()
        for s in summaries { forward.merge(s) }
        var backward = summaries[summaries.count - 1]
        for s in summaries.dropLast().reversed() { backward.merge(s) }
        var shuffled = DiscoverySummary()
        for s in summaries.shuffled(using: &rng) { shuffled.merge(s) }
        #expect(forward == backward)
        #expect(forward == shuffled)
        #expect(try roundTrip(forward) == forward)

        let log = makeLog(rows)
        #expect(forward.customers == log.traceCount && forward.events == log.events.count)
        var compacted = 0
        for level in DiscoveryLevel.allCases {
            let summary = forward.levels[level]!
            compacted += summary.edges.filter { !$0.durations.isExact }.count
            let options = [
                DiscoveryOptions(level: level, pruning: DisplayPruning(minFrequency: 3, topEdges: 6), variantLimit: 3,
                                 stageOrder: ["S2", "S0", "S1"]),
                DiscoveryOptions(level: level, variantCoverage: 0.6, stageOrder: ["S1", "S2", "S0"]),
                DiscoveryOptions(level: level, stageOrder: ["S0", "S1", "S2"]),
            ]
            for o in options {
                compareSummaryResult(try DiscoveryResult(summary: forward, options: o), try DiscoveryResult(log, options: o), summary)
            }
        }
        if customers >= 600 { #expect(compacted > 0, "some duration sets must be compacted") }
        if customers <= 60 && k > 1 { #expect(compacted == 0) }
    }

    /// Without `--stage-order` the funnel and matrix follow the canonical order, which is the
    /// single pass's first appearance when the input is in time order (ties by stage name).
    @Test(arguments: [UInt64(21), 22, 23])
    func defaultStageOrderOnTimeOrderedLog(seed: UInt64) throws {
        var rows = randomRows(seed: seed, customers: 300, activities: 3, maxEvents: 8)
        rows.sort { $0.timestamp != $1.timestamp ? $0.timestamp < $1.timestamp : byteOrder($0.stage, $1.stage) }
        var merged = DiscoverySummary()
        for piece in customerPieces(rows, k: 3, seed: seed) {
            var s = DiscoverySummary(makeLog(piece))
            s.compact()
            merged.merge(try roundTrip(s))
        }
        let log = makeLog(rows)
        for level in DiscoveryLevel.allCases {
            // Stages not named by a partial order follow the default order too.
            for order in [nil, ["S2"]] {
                let o = DiscoveryOptions(level: level, stageOrder: order)
                let got = try DiscoveryResult(summary: merged, options: o), want = try DiscoveryResult(log, options: o)
                compareSummaryResult(got, want, merged.levels[level]!)
                #expect(got.stages?.funnel.explicitOrder == (order != nil))
            }
        }
        let stageGraph = try DiscoveryResult(summary: merged, options: DiscoveryOptions(level: .stage)).graph
        #expect(stageGraph.nodes.map(\.name) == (try DirectlyFollowsGraph(log, level: .stage)).nodes.map(\.name))
    }

    /// The canonical orders, by hand: nodes by earliest event then name; variants by customers,
    /// then earliest start, then step names.
    @Test func canonicalOrder() throws {
        var t = EventTable(stages: true, channels: false)
        t.append(case: "a", activity: "y", timestamp: 5, stage: "s")
        t.append(case: "a", activity: "x", timestamp: 6, stage: "s")
        t.append(case: "b", activity: "x", timestamp: 1, stage: "s")
        t.append(case: "c", activity: "z", timestamp: 1, stage: "s")
        t.append(case: "d", activity: "w", timestamp: 9, stage: "s")
        t.append(case: "d", activity: "w", timestamp: 7, stage: "s")
        let s = DiscoverySummary(EventLog(t))
        #expect(s.levels.keys.sorted { $0.rawValue < $1.rawValue } == [.stage, .touchpoint])
        let level = s.levels[.touchpoint]!
        // x and z first at 1 (name order), y at 5, w at 7.
        #expect(level.nodes.map(\.name) == ["x", "z", "y", "w"])
        #expect(level.nodes.map(\.firstSeen) == [1, 1, 5, 7])
        // One customer each: [x] and [z] start at 1 (x < z), [y, x] at 5, [w, w] at 7.
        #expect(level.variants.map { $0.steps.map { level.nodes[$0].name } } == [["x"], ["z"], ["y", "x"], ["w", "w"]])
        #expect(level.variants.map(\.firstSeen) == [1, 1, 5, 7])
        #expect(level.edges.map { [level.nodes[$0.from].name, level.nodes[$0.to].name] } == [["y", "x"], ["w", "w"]])
        #expect(level.edges.map(\.durations) == [DurationSketch([1]), DurationSketch([2])])
        let stage = s.levels[.stage]!
        #expect(stage.nodes.map(\.name) == ["s"] && stage.nodes[0].visits == 4 && stage.nodes[0].events == 6)
        #expect(stage.variants.count == 1 && stage.variants[0].customers == 4 && stage.edges.isEmpty)
        #expect(stage.variants[0].throughput == DurationSketch([1, 0, 0, 2]))
    }

    @Test func emptySummaryIsTheIdentity() throws {
        let rows = randomRows(seed: 5, customers: 40, activities: 3, maxEvents: 5)
        let s = DiscoverySummary(makeLog(rows))
        var a = DiscoverySummary()
        a.merge(s)
        #expect(a == s)
        var b = s
        b.merge(DiscoverySummary())
        #expect(b == s)
        #expect(try roundTrip(DiscoverySummary()) == DiscoverySummary())
        // A piece without a stage column: the merged summary keeps only the shared levels.
        var t = EventTable()
        t.append(case: "zz", activity: "act0", timestamp: 1)
        var c = s
        c.merge(DiscoverySummary(EventLog(t)))
        #expect(Set(c.levels.keys) == [.touchpoint] && c.customers == s.customers + 1)
        #expect(throws: DiscoveryError.levelUnavailable(.stage)) { try DiscoveryResult(summary: c, options: DiscoveryOptions(level: .stage)) }
    }

    @Test func refusesWhatNeedsEvents() throws {
        let s = DiscoverySummary(makeLog(randomRows(seed: 9, customers: 20, activities: 3, maxEvents: 4)))
        func refused(_ o: DiscoveryOptions) -> DiscoveryError? {
            do { _ = try DiscoveryResult(summary: s, options: o); return nil } catch { return error }
        }
        #expect(refused(DiscoveryOptions(filter: LogFilter(since: 0))) == .needsEvents("--since"))
        #expect(refused(DiscoveryOptions(filter: LogFilter(until: 5))) == .needsEvents("--until"))
        #expect(refused(DiscoveryOptions(filter: LogFilter(conditions: [.init(name: "stage", value: "S1")]))) == .needsEvents("--where"))
        #expect(refused(DiscoveryOptions(segmentBy: "plan")) == .needsEvents("--by"))
        #expect(DiscoveryError.needsEvents("--where").description
                == "--where needs the events, which a summary does not keep; run on the log instead")
        let unknown = refused(DiscoveryOptions(stageOrder: ["S1", "nope"]))
        #expect(unknown == .unknownStages(["nope"], known: s.levels[.stage]!.nodes.map(\.name)))
        var t = EventTable()
        t.append(case: "a", activity: "x", timestamp: 1)
        let plain = DiscoverySummary(EventLog(t))
        #expect(throws: DiscoveryError.levelUnavailable(.channel)) { try DiscoveryResult(summary: plain, options: DiscoveryOptions(level: .channel)) }
        #expect(throws: DiscoveryError.levelUnavailable(.stage)) { try DiscoveryResult(summary: plain, options: DiscoveryOptions(stageOrder: ["x"])) }
        #expect(try DiscoveryResult(summary: plain, options: DiscoveryOptions()).stages == nil)
    }

    /// Events without a stage are the `(none)` row and column of the matrix, never a funnel step.
    @Test func noneStage() throws {
        var t = EventTable(stages: true, channels: false)
        t.append(case: "a", activity: "x", timestamp: 1, stage: "")
        t.append(case: "a", activity: "y", timestamp: 2, stage: "s")
        t.append(case: "b", activity: "y", timestamp: 3, stage: "s")
        t.append(case: "b", activity: "x", timestamp: 4, stage: "(none)")
        let log = EventLog(t)
        let s = try roundTrip(DiscoverySummary(log))
        for order in [nil, ["s"], ["(none)", "s"]] {
            let o = DiscoveryOptions(level: .stage, stageOrder: order)
            compareSummaryResult(try DiscoveryResult(summary: s, options: o), try DiscoveryResult(log, options: o), s.levels[.stage]!)
        }
    }

    /// Every truncation throws; corrupted bytes throw or decode to a consistent summary, never crash.
    @Test func corruptBytesThrow() throws {
        var rows = randomRows(seed: 31, customers: 300, activities: 3, maxEvents: 12)
        for i in rows.indices { rows[i].timestamp *= 7 }
        // 300 customers on 3 touchpoints: some edges keep more than 128 durations (buckets).
        var summary = DiscoverySummary(makeLog(rows))
        summary.compact()
        #expect(summary.levels[.touchpoint]!.edges.contains { !$0.durations.isExact })
        var w = BinaryWriter()
        summary.encode(into: &w)
        let bytes = w.bytes
        for n in Array(stride(from: 0, to: bytes.count, by: max(1, bytes.count / 3000))) + [bytes.count - 1] {
            var r = BinaryReader(Array(bytes.prefix(n)))
            #expect(throws: BinaryFormatError.self) { try DiscoverySummary(from: &r) }
        }
        var rng = SeededGenerator(seed: 99)
        var decodedSome = 0
        for _ in 0..<3000 {
            var b = bytes
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                b[Int.random(in: 0..<b.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            var r = BinaryReader(b)
            if let s = try? DiscoverySummary(from: &r) {
                decodedSome += 1
                // Whatever decodes is consistent enough to analyse and re-encode.
                _ = try? DiscoveryResult(summary: s, options: DiscoveryOptions(level: .stage, stageOrder: ["S0"]))
                _ = try? roundTrip(s)
            }
        }
        #expect(decodedSome < 3000)
        // Specific corruptions: an index past the nodes, a count that does not add up.
        var bad = summary
        bad.levels[.channel]!.edges[0].to = 99
        var wb = BinaryWriter()
        bad.encode(into: &wb)
        var rb = BinaryReader(wb.bytes)
        #expect(throws: BinaryFormatError.self) { try DiscoverySummary(from: &rb) }
        bad = summary
        bad.customers += 1
        wb = BinaryWriter()
        bad.encode(into: &wb)
        rb = BinaryReader(wb.bytes)
        #expect(throws: BinaryFormatError.self) { try DiscoverySummary(from: &rb) }
    }

    @Test func compactedSketchesRoundTrip() throws {
        // 2,000 customers on three touchpoints: every edge has far more than 128 durations.
        var rows: [RandomRow] = []
        var rng = SeededGenerator(seed: 3)
        for c in 0..<2000 {
            var t = Int64.random(in: 0..<1_000_000, using: &rng)
            for _ in 0..<4 {
                rows.append(RandomRow(customer: "c\(c)", activity: "a\(Int.random(in: 0..<3, using: &rng))", timestamp: t, stage: "S0", channel: "web"))
                t += Int64.random(in: 1..<10_000_000_000, using: &rng)
            }
        }
        var s = DiscoverySummary(makeLog(rows))
        let exactBytes = { var w = BinaryWriter(); s.encode(into: &w); return w.bytes.count }()
        s.compact()
        #expect(s.levels[.touchpoint]!.edges.allSatisfy { !$0.durations.isExact })
        var w = BinaryWriter()
        s.encode(into: &w)
        #expect(w.bytes.count < exactBytes)
        #expect(try roundTrip(s) == s)
        let o = DiscoveryOptions()
        compareSummaryResult(try DiscoveryResult(summary: s, options: o), try DiscoveryResult(makeLog(rows), options: o), s.levels[.touchpoint]!)
    }
}
