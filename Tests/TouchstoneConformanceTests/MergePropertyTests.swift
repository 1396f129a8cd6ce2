import Testing
import TouchstoneConformance
import TouchstoneIngest
import TouchstoneTraces

/// Checking customer-disjoint pieces of a log with one `asOf` and merging the summaries gives
/// the summary of the whole log (and the same verdicts).
@Suite("Merging summaries of log pieces")
struct MergePropertyTests {
    typealias Row = (String, String, Int64)

    /// A random log over `map`: 1–12 customers with 1–6 rows each of mapped, unmapped (X1, X2)
    /// and ignored (Cookie) touchpoints, coarse timestamps (ties happen), rows interleaved.
    static func randomLog(_ rng: inout SplitMix64, _ map: JourneyMap) -> (rows: [Row], channels: [String]) {
        let touchpoints = map.steps.indices.map { "T\($0)" } + ["X1", "X2", "Cookie"]
        var rows: [(Row, String)] = []
        for c in 0..<rng.int(1...12) {
            for _ in 0..<rng.int(1...6) {
                let touchpoint = rng.chance(0.8) ? "T\(rng.int(0...(map.steps.count - 1)))" : touchpoints[rng.int(0...(touchpoints.count - 1))]
                let time = Int64(rng.int(0...80)) * 12 * Fixture.hour
                rows.append((("c\(c)", touchpoint, time), ["web", "shop", "app"][rng.int(0...2)]))
            }
        }
        rows.shuffle(using: &rng)
        return (rows.map(\.0), rows.map(\.1))
    }

    static func check(_ map: JourneyMap, _ rows: [Row], _ channels: [String], asOf: Int64?) throws -> (ConformanceSummary, [String: CustomerVerdict]) {
        // A score derived from the row: numbers, and a text that is skipped.
        let values = zip(rows, channels).map { r, c in [c, (r.2 / Fixture.hour) % 5 == 0 ? "n/a" : String(Double((r.2 / Fixture.hour) % 11) / 2)] }
        let log = Fixture.log(rows, attributes: ["channel", "score"], values: values)
        var verdicts: [String: CustomerVerdict] = [:]
        let summary = try ConformanceChecker(map: map, touchpoints: log.events.activityNames)
            .check(log, options: CheckOptions(asOf: asOf, groupBy: "channel", score: "score", reportDetails: true)) { verdicts[$0.customer] = $0 }
        return (summary, verdicts)
    }

    static func expectSame(_ a: KeyFigures, _ b: KeyFigures, _ context: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(a.customers == b.customers, "customers, \(context)", sourceLocation: sourceLocation)
        #expect(a.conformant == b.conformant, "conformant, \(context)", sourceLocation: sourceLocation)
        #expect(a.outcomes == b.outcomes, "outcomes, \(context)", sourceLocation: sourceLocation)
        #expect(a.deviationCustomers == b.deviationCustomers, "deviationCustomers, \(context)", sourceLocation: sourceLocation)
        #expect(abs(a.fitnessSum - b.fitnessSum) < 1e-9, "fitnessSum, \(context)", sourceLocation: sourceLocation)
    }

    static func expectSame(_ a: ConformanceSummary, _ b: ConformanceSummary, _ context: String) {
        expectSame(a.figures, b.figures, context)
        #expect(a.fitnessCounts == b.fitnessCounts, "fitnessCounts, \(context)")
        #expect(a.deviationsByStep == b.deviationsByStep, "deviationsByStep, \(context)")
        #expect(a.transitions == b.transitions, "transitions, \(context)")  // durations compared sorted
        #expect(a.stages == b.stages, "stages, \(context)")
        #expect(a.stepCustomers == b.stepCustomers, "stepCustomers, \(context)")
        #expect(a.stepEvents == b.stepEvents, "stepEvents, \(context)")
        #expect(a.stepWaits == b.stepWaits, "stepWaits, \(context)")
        #expect(a.stepOverLimit == b.stepOverLimit, "stepOverLimit, \(context)")
        #expect(a.moments == b.moments, "moments, \(context)")
        #expect(Set(a.groups.keys) == Set(b.groups.keys), "groups, \(context)")
        for (k, v) in a.groups { if let w = b.groups[k] { expectSame(v, w, "group \(k), \(context)") } }
        #expect(a.events == b.events, "events, \(context)")
        #expect(a.ignoredEvents == b.ignoredEvents, "ignoredEvents, \(context)")
        #expect(a.asOf == b.asOf, "asOf, \(context)")
        #expect(a.inProgressWindow == b.inProgressWindow, "inProgressWindow, \(context)")
        #expect(a.firstEvent == b.firstEvent, "firstEvent, \(context)")
        #expect(a.lastEvent == b.lastEvent, "lastEvent, \(context)")
        #expect(a.fitnessQuantile(0.5) == b.fitnessQuantile(0.5), "median fitness, \(context)")
        #expect(a.cells == b.cells, "cells, \(context)")
        #expect(a.stepConformant == b.stepConformant, "stepConformant, \(context)")
        #expect(a.startSteps == b.startSteps, "startSteps, \(context)")
        #expect(a.stepScores.mapValues(\.events) == b.stepScores.mapValues(\.events), "stepScores, \(context)")
        for (k, v) in a.stepScores { #expect(abs(v.sum - (b.stepScores[k]?.sum ?? .nan)) < 1e-9, "score sum of \(k), \(context)") }
        #expect(a.variants == b.variants, "variants, \(context)")
        #expect(a.deviationExamples == b.deviationExamples, "deviationExamples, \(context)")
    }

    @Test func mergedPiecesEqualWhole() throws {
        var rng = SplitMix64(seed: 0x3E26_E5)
        for round in 0..<200 {
            let map = RandomJourneys.map(&rng, timing: true)
            let (rows, channels) = Self.randomLog(&rng, map)
            let (whole, wholeVerdicts) = try Self.check(map, rows, channels, asOf: nil)
            #expect(whole.asOf == rows.map(\.2).max())
            // Split customers into 2–4 pieces (some may be empty), keeping row order.
            let pieceCount = rng.int(2...4)
            var pieceOf: [String: Int] = [:]
            for r in rows where pieceOf[r.0] == nil { pieceOf[r.0] = rng.int(0...(pieceCount - 1)) }
            var summaries: [ConformanceSummary] = []
            var pieceVerdicts: [String: CustomerVerdict] = [:]
            for p in 0..<pieceCount {
                let indices = rows.indices.filter { pieceOf[rows[$0].0] == p }
                let (s, v) = try Self.check(map, indices.map { rows[$0] }, indices.map { channels[$0] }, asOf: whole.asOf)
                summaries.append(s)
                pieceVerdicts.merge(v) { a, _ in a }
            }
            summaries.shuffle(using: &rng)
            var merged = summaries[0]
            for s in summaries.dropFirst() { try merged.merge(s) }
            let context = "round \(round): \(describe(map)) rows \(rows)"
            Self.expectSame(merged, whole, context)
            // Through the summary file's encoding, merging as `touchstone merge` does.
            var decoded = try summaries.map { s throws in
                var w = BinaryWriter()
                s.encode(into: &w)
                var r = BinaryReader(w.bytes)
                let back = try ConformanceSummary(from: &r)
                #expect(r.isAtEnd && back == s, "encoding round trip, \(context)")
                return back
            }
            decoded.reverse()
            var fromFiles = decoded[0]
            for s in decoded.dropFirst() { try fromFiles.merge(s, compactDurations: true) }
            Self.expectSame(fromFiles, whole, "from encoded pieces, \(context)")
            // Per-customer verdicts do not depend on the rest of the log (trace ids aside).
            #expect(Set(pieceVerdicts.keys) == Set(wholeVerdicts.keys), "customers, \(context)")
            for (c, v) in wholeVerdicts {
                guard let w = pieceVerdicts[c] else { continue }
                #expect(v.fitness == w.fitness && v.conformant == w.conformant && v.outcome == w.outcome && v.deviations == w.deviations,
                        "verdict of \(c), \(context)")
            }
            // Merging into an empty summary changes nothing.
            var fromEmpty = ConformanceSummary(asOf: whole.asOf, inProgressWindow: whole.inProgressWindow)
            for s in summaries.reversed() { try fromEmpty.merge(s) }
            Self.expectSame(fromEmpty, whole, "from empty, \(context)")
        }
    }

    /// A truncated or corrupted conformance section is an error or a valid summary, never a crash.
    @Test func damagedEncodingsNeverCrash() throws {
        var rng = SplitMix64(seed: 0xDA_4A6E)
        for _ in 0..<20 {
            let map = RandomJourneys.map(&rng, timing: true)
            let (rows, channels) = Self.randomLog(&rng, map)
            let (summary, _) = try Self.check(map, rows, channels, asOf: nil)
            var w = BinaryWriter()
            summary.encode(into: &w)
            let good = w.bytes
            for cut in 0..<good.count {
                var r = BinaryReader(Array(good[0..<cut]))
                #expect(throws: BinaryFormatError.self) { _ = try ConformanceSummary(from: &r) }
            }
            for _ in 0..<300 {
                var bad = good
                for _ in 0..<rng.int(1...3) { bad[rng.int(0...(bad.count - 1))] ^= UInt8(rng.int(1...255)) }
                var r = BinaryReader(bad)
                if let back = try? ConformanceSummary(from: &r) {
                    var again = BinaryWriter()
                    back.encode(into: &again)  // whatever decodes can be used
                }
            }
        }
    }

    /// The report aggregates against a naive recount from the rows and the verdicts.
    @Test func reportAggregatesMatchANaiveRecount() throws {
        var rng = SplitMix64(seed: 0x11_4E)
        for round in 0..<150 {
            let map = RandomJourneys.map(&rng, timing: true)
            let (rows, channels) = Self.randomLog(&rng, map)
            let (summary, verdicts) = try Self.check(map, rows, channels, asOf: nil)
            let context = "round \(round): \(describe(map)) rows \(rows)"
            func step(_ touchpoint: String) -> String? {
                guard touchpoint.hasPrefix("T"), let i = Int(touchpoint.dropFirst()) else { return nil }
                return map.steps[i].id
            }
            var cells: [TouchpointCell: CellTally] = [:]
            var seen = Set<[String]>()
            var scores: [String: ScoreTally] = [:]
            var reached: [String: Set<String>] = [:]
            for r in rows where r.1 != "Cookie" {
                let key = TouchpointCell(touchpoint: r.1, channel: "", step: step(r.1))
                let conformant = verdicts[r.0]?.conformant ?? false
                cells[key, default: CellTally()].events += 1
                if seen.insert([r.0, r.1]).inserted {
                    cells[key, default: CellTally()].customers += 1
                    if conformant { cells[key, default: CellTally()].conformant += 1 }
                }
                if let s = step(r.1) {
                    reached[s, default: []].insert(r.0)
                    let hours = r.2 / Fixture.hour
                    if hours % 5 != 0 {
                        scores[s, default: ScoreTally()].sum += Double(hours % 11) / 2
                        scores[s, default: ScoreTally()].events += 1
                    }
                }
            }
            #expect(summary.cells == cells, "cells, \(context)")
            // Where journeys start: each customer's first mapped row (stable by time).
            var starts: [String: Int] = [:]
            for c in Set(rows.map(\.0)) {
                let mine = rows.enumerated().filter { $0.element.0 == c }.sorted { ($0.element.2, $0.offset) < ($1.element.2, $1.offset) }
                if let first = mine.lazy.compactMap({ step($0.element.1) }).first { starts[first, default: 0] += 1 }
            }
            #expect(summary.startSteps == starts, "startSteps, \(context)")
            let stepConformant = reached.mapValues { $0.filter { verdicts[$0]?.conformant == true }.count }.filter { $0.value > 0 }
            #expect(summary.stepConformant == stepConformant, "stepConformant, \(context)")
            #expect(summary.stepScores.mapValues(\.events) == scores.mapValues(\.events), "score events, \(context)")
            for (k, v) in scores { #expect(abs((summary.stepScores[k]?.sum ?? .nan) - v.sum) < 1e-9, "score sum \(k), \(context)") }
            var examples: [Deviation: [String]] = [:]
            for (c, v) in verdicts { for d in v.deviations { examples[d, default: []].append(c) } }
            #expect(summary.deviationExamples == examples.mapValues { Array($0.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.prefix(3)) },
                    "examples, \(context)")
            #expect(summary.variants.values.map(\.customers).reduce(0, +) == verdicts.count, "variant customers, \(context)")
            #expect(summary.variants.values.map(\.conformant).reduce(0, +) == verdicts.values.filter(\.conformant).count, "variant conformant, \(context)")
        }
    }

    @Test func differentAsOfDoesNotMerge() throws {
        var rng = SplitMix64(seed: 42)
        let map = RandomJourneys.map(&rng, timing: true)
        let (rows, channels) = Self.randomLog(&rng, map)
        let half = rows.count / 2
        // Each piece left to its own end of the log (or given different ones): refused.
        var (a, _) = try Self.check(map, Array(rows[..<half]), Array(channels[..<half]), asOf: 10 * Fixture.day)
        let (b, _) = try Self.check(map, Array(rows[half...]), Array(channels[half...]), asOf: 11 * Fixture.day)
        #expect(throws: MergeError.self) { try a.merge(b) }
        // A different in-progress window: refused too.
        let log = Fixture.log(Array(rows[half...]), attributes: ["channel"], values: channels[half...].map { [$0] })
        let c = try ConformanceChecker(map: map, touchpoints: log.events.activityNames)
            .check(log, options: CheckOptions(inProgressWindow: Fixture.day, asOf: 10 * Fixture.day))
        #expect(throws: MergeError.self) { try a.merge(c) }
        // The same asOf and window: accepted.
        let (d, _) = try Self.check(map, Array(rows[half...]), Array(channels[half...]), asOf: 10 * Fixture.day)
        try a.merge(d)
    }
}
