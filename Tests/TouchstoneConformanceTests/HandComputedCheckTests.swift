import Testing
import TouchstoneConformance
import TouchstoneIngest
import TouchstoneTraces

/// Small traces with verdicts worked out by hand from journey-semantics.md; each expectation
/// sits beside its trace with the reasoning.
@Suite("Hand-computed verdicts")
struct HandComputedCheckTests {
    typealias S = Fixture.S
    static let day = Fixture.day
    static let hour = Fixture.hour
    static let loc = MapLocation(line: 0, column: 0)

    /// s1: a (repeatable), b (optional), c; s2: d, e (goal). L = a, c, d, e = 4.
    static func linear(cWithin: Int64? = nil, s1Within: Int64? = nil, rules: [JourneyMap.Rule] = [], moment: Bool = false) -> JourneyMap {
        Fixture.map([
            ("s1", s1Within, [S(id: "a", touchpoints: ["A"], repeatable: true), S(id: "b", touchpoints: ["B"], optional: true),
                              S(id: "c", touchpoints: ["C"], moment: moment, within: cWithin)]),
            ("s2", nil, [S(id: "d", touchpoints: ["D"]), S(id: "e", touchpoints: ["E"], goal: true)]),
        ], ignore: ["Cookie*"], rules: rules)
    }

    /// Checks `rows` and returns the verdicts by customer.
    static func check(_ map: JourneyMap, _ rows: [(String, String, Int64)], _ options: CheckOptions = CheckOptions()) throws -> [String: CustomerVerdict] {
        let log = Fixture.log(rows)
        var out: [String: CustomerVerdict] = [:]
        _ = try ConformanceChecker(map: map, touchpoints: log.events.activityNames).check(log, options: options) { out[$0.customer] = $0 }
        return out
    }

    /// One customer `x` with touchpoints one day apart from day 0.
    static func one(_ map: JourneyMap, _ touchpoints: [String], _ options: CheckOptions = CheckOptions()) throws -> CustomerVerdict? {
        try check(map, touchpoints.enumerated().map { ("x", $1, Int64($0) * day) }, options)["x"]
    }

    /// Expects fitness `num/den`, the conformance flag, the outcome and the deviations.
    static func expectVerdict(_ v: CustomerVerdict?, _ num: Int, _ den: Int, _ conformant: Bool, _ outcome: Outcome, _ deviations: [String],
                              sourceLocation: SourceLocation = #_sourceLocation) {
        guard let v else { Issue.record("no verdict", sourceLocation: sourceLocation); return }
        #expect(abs(v.fitness - Double(num) / Double(den)) < 1e-12, "fitness \(v.fitness) ≠ \(num)/\(den)", sourceLocation: sourceLocation)
        #expect(v.conformant == conformant, "conformant", sourceLocation: sourceLocation)
        #expect(v.outcome == outcome, "outcome", sourceLocation: sourceLocation)
        #expect(v.deviations.map(\.description) == deviations, sourceLocation: sourceLocation)
    }

    // MARK: Alignment deviations

    @Test func conformantJourney() throws {
        // a c d e: every required step taken in order. cost 0 → 1.
        Self.expectVerdict(try Self.one(Self.linear(), ["A", "C", "D", "E"]), 1, 1, true, .completed, [])
        // With the optional b: still 1 (5 events, cost 0).
        Self.expectVerdict(try Self.one(Self.linear(), ["A", "B", "C", "D", "E"]), 1, 1, true, .completed, [])
    }

    @Test func skippedSteps() throws {
        // a d e: a→d passes b (optional, free) and c (required) → cost 1; 1 − 1/(3+4) = 6/7.
        Self.expectVerdict(try Self.one(Self.linear(), ["A", "D", "E"]), 6, 7, false, .completed, ["skipped_step:c"])
        // a e: a→e would pass over c and d (2); a log move of e costs only 1. 1 − 1/(2+4) = 5/6.
        Self.expectVerdict(try Self.one(Self.linear(), ["A", "E"]), 5, 6, false, .completed, ["unexpected_touchpoint:e"])
        // Two skipped: a…f all required, f the goal, L = 6. a d e f: a→d passes b, c (2); logging
        // d, e, f would cost 3. 1 − 2/(4+6) = 4/5.
        let six = Fixture.map([("g", nil, ["a", "b", "c", "d", "e", "f"].map { S(id: $0, touchpoints: [$0.uppercased()], goal: $0 == "f") })])
        Self.expectVerdict(try Self.one(six, ["A", "D", "E", "F"]), 4, 5, false, .completed, ["skipped_step:b", "skipped_step:c"])
        // a c d e without b: the optional step is never charged (no skipped_step:b).
        Self.expectVerdict(try Self.one(Self.linear(), ["A", "C", "D", "E"]), 1, 1, true, .completed, [])
    }

    @Test func unexpectedTouchpoint() throws {
        // a c b d e: b after c is not reachable (no cycle) → log move; stage s1 is the furthest
        // stage, b not taken → unexpected. Taking b instead costs 2 (c passed over). 1 − 1/9 = 8/9.
        Self.expectVerdict(try Self.one(Self.linear(), ["A", "C", "B", "D", "E"]), 8, 9, false, .completed, ["unexpected_touchpoint:b"])
        // A lone goal event: start→e passes a, c, d (3) > log move (1): a log move, yet the
        // customer is completed (an event maps to a goal step). 1 − 1/(1+4) = 4/5.
        Self.expectVerdict(try Self.one(Self.linear(), ["E"]), 4, 5, false, .completed, ["unexpected_touchpoint:e"])
    }

    @Test func backtracked() throws {
        // a c d a e: the second a (stage s1) comes after the walk reached s2 → backtracked,
        // even though a is repeatable (the run was broken by c and d). 1 − 1/(5+4) = 8/9.
        Self.expectVerdict(try Self.one(Self.linear(), ["A", "C", "D", "A", "E"]), 8, 9, false, .completed, ["backtracked:a"])
    }

    @Test func repeatedStep() throws {
        // a c c d e: c is not repeatable and has no cycle; second c: same stage, already taken.
        Self.expectVerdict(try Self.one(Self.linear(), ["A", "C", "C", "D", "E"]), 8, 9, false, .completed, ["repeated_step:c"])
    }

    @Test func repeatableStepRepeats() throws {
        // a a a c d e: a is repeatable → free. cost 0.
        Self.expectVerdict(try Self.one(Self.linear(), ["A", "A", "A", "C", "D", "E"]), 1, 1, true, .completed, [])
        // a X a c d e: the unmapped X (a log move) does not break a's run: cost 1 (X only).
        // 1 − 1/(6+4) = 9/10.
        Self.expectVerdict(try Self.one(Self.linear(), ["A", "X", "A", "C", "D", "E"]), 9, 10, false, .completed, ["unmapped_touchpoint:X"])
    }

    @Test func explicitFlowBranch() throws {
        // a → {b, c} → d (goal), all required. L = a, b, d = 3.
        let map = Fixture.map([("g", nil, [S(id: "a", touchpoints: ["A"]), S(id: "b", touchpoints: ["B"]),
                                           S(id: "c", touchpoints: ["C"]), S(id: "d", touchpoints: ["D"], goal: true)])],
                              flow: ["a": ["b", "c"], "b": ["d"]])
        // a c d: c is a listed successor of a; c keeps its default successor d. cost 0.
        Self.expectVerdict(try Self.one(map, ["A", "C", "D"]), 1, 1, true, .completed, [])
        Self.expectVerdict(try Self.one(map, ["A", "B", "D"]), 1, 1, true, .completed, [])
        // a b c d: b → c is not in the flow (b lists only d): c is a log move. 1 − 1/(4+3) = 6/7.
        Self.expectVerdict(try Self.one(map, ["A", "B", "C", "D"]), 6, 7, false, .completed, ["unexpected_touchpoint:c"])
        // a d: both branches pass over one required step; tie → lowest position: b. 1 − 1/(2+3) = 4/5.
        Self.expectVerdict(try Self.one(map, ["A", "D"]), 4, 5, false, .completed, ["skipped_step:b"])
    }

    @Test func canonicalPathPrefersLowestPositions() throws {
        // a(0) → {c, b} (listed in that order), b(1) → e(4) → g(5), c(2) → d(3) → g(5); then
        // g → h → i. Both a→g paths pass over two required steps. "The lowest step positions":
        // read as comparing the positions along the path in order, [1, 4] before [2, 3]
        // (the page does not say whether it means the first differing position or e.g. the sum).
        let map = Fixture.map([("g", nil, ["a", "b", "c", "d", "e", "g", "h", "i"].map { S(id: $0, touchpoints: [$0.uppercased()], goal: $0 == "g") })],
                              flow: ["a": ["c", "b"], "b": ["e"], "c": ["d"], "d": ["g"], "e": ["g"]])
        // a g h i: skipping two (2) beats logging g, h, i (3). L = a, b, e, g = 4. 1 − 2/(4+4).
        Self.expectVerdict(try Self.one(map, ["A", "G", "H", "I"]), 3, 4, false, .completed, ["skipped_step:b", "skipped_step:e"])
        let moves = JourneyAligner(map: map).align([0, 5, 6, 7]).moves
        #expect(moves[1] == .synchronous(step: 5, passedOver: [1, 4]))
    }

    @Test func firstMatchingStepInFileOrder() throws {
        // "Web Home" matches both the glob of a and the exact text of c: a (first in file order).
        // "/emo/" is searched anywhere; case-sensitive (Demo ≠ demo); glob `*` is the only
        // special character ("W?b" is literal).
        let map = Fixture.map([("s", nil, [S(id: "a", touchpoints: ["Web*"]), S(id: "b", touchpoints: ["/emo/"]),
                                           S(id: "c", touchpoints: ["Web Home", "W?b.*"], goal: true)])])
        Self.expectVerdict(try Self.one(map, ["Web Home", "Sales: Demo", "W?b.x"]), 1, 1, true, .completed, [])
        // The mapping itself: "Web Home" → a (not c), "Sales: DEMO" → none (case), "Wxb.x" → none ("?" is literal).
        let log = Fixture.log([("x", "Web Home", 0), ("x", "Sales: DEMO", 1), ("x", "Wxb.x", 2)])
        let checker = ConformanceChecker(map: map, touchpoints: log.events.activityNames)
        let names = log.events.activityNames
        let mapped = (0..<names.count).map { (names.name(UInt32($0)), checker.stepOfTouchpoint[$0]) }
        #expect(Dictionary(uniqueKeysWithValues: mapped) == ["Web Home": 0, "Sales: DEMO": -1, "Wxb.x": -1])
    }

    @Test func neverOnMappedEventAndTooSlowOnLogMove() throws {
        // never "C": c is a mapped step; the rule still looks at it. c within 1d: checked for
        // every c event, also the repeated one (a log move). a(0) c(1d) c(3d) d e:
        // repeated_step:c, cost 1: 1 − 1/(5+4) = 8/9.
        let map = Self.linear(cWithin: Self.day, rules: [.never(try TouchpointPattern("C"), location: Self.loc)])
        let v = try Self.check(map, [("x", "A", 0), ("x", "C", Self.day), ("x", "C", 3 * Self.day), ("x", "D", 3 * Self.day), ("x", "E", 3 * Self.day)])
        Self.expectVerdict(v["x"], 8, 9, false, .completed, ["repeated_step:c", "too_slow:c", "rule_violated:never"])
    }

    @Test func groupByFirstEventInTimeOrder() throws {
        // The file lists the shop row first, but the web row is earlier: the customer's first
        // event is the web one.
        let log = Fixture.log([("x", "C", 2 * Self.day), ("x", "A", Self.day)], attributes: ["channel"], values: [["shop"], ["web"]])
        let summary = try ConformanceChecker(map: Self.linear(), touchpoints: log.events.activityNames)
            .check(log, options: CheckOptions(groupBy: "channel"))
        #expect(Array(summary.groups.keys) == ["web"])
        #expect(throws: ConformanceError.self) {
            try ConformanceChecker(map: Self.linear(), touchpoints: log.events.activityNames).check(log, options: CheckOptions(groupBy: "region"))
        }
    }

    @Test func flowCycle() throws {
        // main: a, b (goal); support: o, r; flow r → o (support loop). b's default successor is o.
        let map = Fixture.map([("main", nil, [S(id: "a", touchpoints: ["A"]), S(id: "b", touchpoints: ["B"], goal: true)]),
                               ("support", nil, [S(id: "o", touchpoints: ["O"]), S(id: "r", touchpoints: ["R"])])],
                              flow: ["r": ["o"]])
        // a b o r o r: around the loop twice, cost 0. L = 2.
        Self.expectVerdict(try Self.one(map, ["A", "B", "O", "R", "O", "R"]), 1, 1, true, .completed, [])
        // a b o r r: r follows itself only through the cycle r→o→r (o passed over, cost 1) —
        // as cheap as a log move, and the canonical alignment takes an event whenever an optimal
        // alignment can: skipped_step:o, not repeated_step:r. 1 − 1/(5+2) = 6/7.
        Self.expectVerdict(try Self.one(map, ["A", "B", "O", "R", "R"]), 6, 7, false, .completed, ["skipped_step:o"])
    }

    @Test func unmappedTouchpointStaysLogMove() throws {
        // a X c d e: X matches no step → log move (cost 1), counted in events: 1 − 1/(5+4) = 8/9.
        Self.expectVerdict(try Self.one(Self.linear(), ["A", "X", "C", "D", "E"]), 8, 9, false, .completed, ["unmapped_touchpoint:X"])
        let alignment = JourneyAligner(map: Self.linear()).align([0, -1, 2, 3, 4])
        #expect(alignment.moves[1] == .log(step: nil))
        #expect(alignment.cost == 1)
        #expect(alignment.deviations.isEmpty)  // unmapped events are not alignment deviations
    }

    @Test func ignoredTouchpoint() throws {
        // a Cookie c d e: Cookie matches the ignore pattern → removed: 4 events, cost 0.
        Self.expectVerdict(try Self.one(Self.linear(), ["A", "Cookie 1", "C", "D", "E"]), 1, 1, true, .completed, [])
        // Ignored rows still count as activity for the outcome. asOf = day 60 (z's row).
        // p: a at day 0, Cookie at day 40 → last row 20 days before the end → in_progress.
        // q: a at day 0 only → 60 days → dropped_out:a. Both: cost 0, 1 − 0/(1+4) = 1.
        let v = try Self.check(Self.linear(), [("p", "A", 0), ("p", "Cookie", 40 * Self.day), ("q", "A", 0), ("z", "A", 60 * Self.day)])
        Self.expectVerdict(v["p"], 1, 1, true, .inProgress, [])
        Self.expectVerdict(v["q"], 1, 1, false, .droppedOut, ["dropped_out:a"])
    }

    // MARK: Timing

    @Test func tooSlowStep() throws {
        let map = Self.linear(cWithin: 2 * Self.day)
        let v = try Self.check(map, [
            // equal to the limit: fine.
            ("eq", "A", 0), ("eq", "C", 2 * Self.day), ("eq", "D", 3 * Self.day), ("eq", "E", 4 * Self.day),
            // one microsecond more: broken.
            ("gt", "A", 0), ("gt", "C", 2 * Self.day + 1), ("gt", "D", 3 * Self.day), ("gt", "E", 4 * Self.day),
            // the unmapped X does not restart the clock: c is 2.5 days after a.
            ("un", "A", 0), ("un", "X", 36 * Self.hour), ("un", "C", 60 * Self.hour), ("un", "D", 3 * Self.day), ("un", "E", 4 * Self.day),
            // nor does an ignored row.
            ("ig", "A", 0), ("ig", "Cookie", 36 * Self.hour), ("ig", "C", 60 * Self.hour), ("ig", "D", 3 * Self.day), ("ig", "E", 4 * Self.day),
            // the first mapped event has no limit (c first: skips a → cost 1; 1 − 1/(3+4)).
            ("first", "C", 10 * Self.day), ("first", "D", 11 * Self.day), ("first", "E", 12 * Self.day),
        ])
        Self.expectVerdict(v["eq"], 1, 1, true, .completed, [])
        Self.expectVerdict(v["gt"], 1, 1, false, .completed, ["too_slow:c"])
        Self.expectVerdict(v["un"], 8, 9, false, .completed, ["unmapped_touchpoint:X", "too_slow:c"])
        Self.expectVerdict(v["ig"], 1, 1, false, .completed, ["too_slow:c"])
        Self.expectVerdict(v["first"], 6, 7, false, .completed, ["skipped_step:a"])
    }

    @Test func tooSlowStage() throws {
        let map = Self.linear(s1Within: 3 * Self.day)
        let v = try Self.check(map, [
            // visit of s1: a(0) … c(3d) = 3d, equal → fine.
            ("eq", "A", 0), ("eq", "C", 3 * Self.day), ("eq", "D", 4 * Self.day), ("eq", "E", 5 * Self.day),
            // a(0), X(2d), c(3.5d): X neither belongs to the visit nor ends it → 3.5d > 3d.
            ("un", "A", 0), ("un", "X", 2 * Self.day), ("un", "C", 84 * Self.hour), ("un", "D", 4 * Self.day), ("un", "E", 5 * Self.day),
            // same with an ignored row in between.
            ("ig", "A", 0), ("ig", "Cookie", 2 * Self.day), ("ig", "C", 84 * Self.hour), ("ig", "D", 4 * Self.day), ("ig", "E", 5 * Self.day),
            // two visits of s1, each 2d, split by d (s2): s1 spans 6d overall but no visit > 3d.
            // a(0) c(2d) d(3d) a(4d) c(6d): a and c after d are log moves behind s2 → backtracked.
            // cost 2, 1 − 2/(5+4) = 7/9; no goal; last row 6d = asOf (z) → in_progress.
            ("two", "A", 0), ("two", "C", 2 * Self.day), ("two", "D", 3 * Self.day), ("two", "A", 4 * Self.day), ("two", "C", 6 * Self.day),
        ])
        Self.expectVerdict(v["eq"], 1, 1, true, .completed, [])
        Self.expectVerdict(v["un"], 8, 9, false, .completed, ["unmapped_touchpoint:X", "too_slow:s1"])
        Self.expectVerdict(v["ig"], 1, 1, false, .completed, ["too_slow:s1"])
        Self.expectVerdict(v["two"], 7, 9, false, .inProgress, ["backtracked:a", "backtracked:c"])
    }

    // MARK: Rules

    @Test func neverRule() throws {
        let map = Self.linear(rules: [.never(try TouchpointPattern("Spam*"), location: Self.loc),
                                      .never(try TouchpointPattern("Cookie*"), location: Self.loc)])
        // Spam is unmapped (a log move, cost 1) and breaks `never`. 1 − 1/(5+4) = 8/9.
        Self.expectVerdict(try Self.one(map, ["A", "Spam 1", "C", "D", "E"]), 8, 9, false, .completed,
                           ["unmapped_touchpoint:Spam 1", "rule_violated:never"])
        // Cookie is ignored: rules never look at ignored rows.
        Self.expectVerdict(try Self.one(map, ["A", "Cookie", "C", "D", "E"]), 1, 1, true, .completed, [])
    }

    @Test func responseRule() throws {
        // if c then d within 1 day.
        let map = Self.linear(rules: [.response(ifStep: 2, thenStep: 3, within: Self.day, location: Self.loc)])
        let v = try Self.check(map, [
            ("ok", "A", 0), ("ok", "C", Self.day), ("ok", "D", 2 * Self.day), ("ok", "E", 3 * Self.day),  // exactly 1 day
            ("late", "A", 0), ("late", "C", Self.day), ("late", "D", 2 * Self.day + 1), ("late", "E", 3 * Self.day),
            // c still waiting at the end of the trace (in progress: last row 1d, asOf 3d).
            ("missing", "A", 0), ("missing", "C", Self.day),
            // a d before the c does not answer it; the d after does, in time.
            ("before", "A", 0), ("before", "C", Self.day), ("before", "D", 2 * Self.day), ("before", "C", 2 * Self.day + Self.hour),
            ("before", "D", 2 * Self.day + 2 * Self.hour), ("before", "E", 3 * Self.day),
        ])
        Self.expectVerdict(v["ok"], 1, 1, true, .completed, [])
        Self.expectVerdict(v["late"], 1, 1, false, .completed, ["rule_violated:response"])
        // cost 0 (a c, stops), 1 − 0/(2+4).
        Self.expectVerdict(v["missing"], 1, 1, false, .inProgress, ["rule_violated:response"])
        // a c d c d e: the second c (stage s1) comes after the walk reached s2 → backtracked;
        // the second d (s2, already taken) → repeated_step. cost 2: 1 − 2/(6+4) = 4/5.
        Self.expectVerdict(v["before"], 4, 5, false, .completed, ["backtracked:c", "repeated_step:d"])
    }

    @Test func precedenceRule() throws {
        // every d needs an earlier b.
        let map = Self.linear(rules: [.precedence(firstStep: 1, thenStep: 3, location: Self.loc)])
        Self.expectVerdict(try Self.one(map, ["A", "C", "D", "E"]), 1, 1, false, .completed, ["rule_violated:precedence"])
        Self.expectVerdict(try Self.one(map, ["A", "B", "C", "D", "E"]), 1, 1, true, .completed, [])
        // {first c, then c}: every c needs a strictly earlier c, so the first c breaks it
        // (the page's words; a degenerate rule, but the map model allows it).
        let same = Self.linear(rules: [.precedence(firstStep: 2, thenStep: 2, location: Self.loc)])
        Self.expectVerdict(try Self.one(same, ["A", "C", "D", "E"]), 1, 1, false, .completed, ["rule_violated:precedence"])
        Self.expectVerdict(try Self.one(same, ["A", "D", "E"]), 6, 7, false, .completed, ["skipped_step:c"])
    }

    @Test func atMostRule() throws {
        // at most 2 events of a.
        let map = Self.linear(rules: [.atMost(step: 0, times: 2, location: Self.loc)])
        Self.expectVerdict(try Self.one(map, ["A", "A", "C", "D", "E"]), 1, 1, true, .completed, [])
        Self.expectVerdict(try Self.one(map, ["A", "A", "A", "C", "D", "E"]), 1, 1, false, .completed, ["rule_violated:at_most"])
        // Occurrences count the events beyond the limit: 4 a's over a limit of 2 are 2, for one customer.
        let log = Fixture.log(["A", "A", "A", "A", "C", "D", "E"].enumerated().map { ("x", $1, Int64($0) * Self.day) })
        let summary = try ConformanceChecker(map: map, touchpoints: log.events.activityNames).check(log)
        #expect(summary.deviationsByStep[Deviation(.ruleViolated, "at_most")] == DeviationTally(events: 2, customers: 1))
    }

    @Test func manyDistinctUnmappedTouchpointsStayLinear() throws {
        // One customer with 20,000 distinct unmapped touchpoints (a bot crawling URLs): each is
        // counted once, and the check takes well under a second.
        let map = Self.linear()
        let rows = (0..<20_000).map { ("bot", "URL \($0)", Int64($0)) }
        let log = Fixture.log(rows)
        let clock = ContinuousClock()
        let start = clock.now
        let summary = try ConformanceChecker(map: map, touchpoints: log.events.activityNames).check(log)
        #expect(clock.now - start < .seconds(2))
        #expect(summary.figures.customers(with: .unmappedTouchpoint) == 1)
        #expect(summary.deviationsByStep.filter { $0.key.type == .unmappedTouchpoint }.count == 20_000)
        #expect(summary.deviationsByStep[Deviation(.unmappedTouchpoint, "URL 19999")] == DeviationTally(events: 1, customers: 1))
    }

    // MARK: Outcomes

    @Test func outcomes() throws {
        let map = Self.linear()
        let rows: [(String, String, Int64)] = [("w", "A", 0), ("w", "C", Self.day), ("m", "X", 0), ("n", "A", 0), ("n", "C", Self.day), ("n", "Y", 2 * Self.day)]
        // asOf = 31 days after w's last row: window 30d inclusive → still in progress at 31d after day 1.
        var options = CheckOptions(asOf: 31 * Self.day)
        var v = try Self.check(map, rows, options)
        Self.expectVerdict(v["w"], 1, 1, true, .inProgress, [])
        // m: only an unmapped event: cost 1, 1 − 1/(1+4) = 4/5; 31 days > 30 → dropped out, no mapped step.
        Self.expectVerdict(v["m"], 4, 5, false, .droppedOut, ["unmapped_touchpoint:X", "dropped_out:-"])
        // n: a c Y: cost 1 (Y), 1 − 1/(3+4) = 6/7.
        Self.expectVerdict(v["n"], 6, 7, false, .inProgress, ["unmapped_touchpoint:Y"])
        // one microsecond later: w is dropped out at its last mapped step c.
        options.asOf = 31 * Self.day + 1
        v = try Self.check(map, rows, options)
        Self.expectVerdict(v["w"], 1, 1, false, .droppedOut, ["dropped_out:c"])
        // n: last mapped step is c, not the unmapped Y after it (1 − 1/(3+4)).
        options.asOf = 40 * Self.day
        v = try Self.check(map, rows, options)
        Self.expectVerdict(v["n"], 6, 7, false, .droppedOut, ["unmapped_touchpoint:Y", "dropped_out:c"])
        // A custom window.
        v = try Self.check(map, rows, CheckOptions(inProgressWindow: 39 * Self.day, asOf: 40 * Self.day))
        Self.expectVerdict(v["w"], 1, 1, true, .inProgress, [])
        // Without asOf: the latest row of the whole log (n's Y at day 2).
        v = try Self.check(map, rows + [("late", "Z", 50 * Self.day)])
        Self.expectVerdict(v["m"], 4, 5, false, .droppedOut, ["unmapped_touchpoint:X", "dropped_out:-"])
        Self.expectVerdict(v["late"], 4, 5, false, .inProgress, ["unmapped_touchpoint:Z"])
    }

    @Test func sameTimestampKeepsFileOrder() throws {
        // Both have c and a in the same second. "ca": file order c, a → trace c a d e: taking c
        // passes over a (1), then a is a log move (1): cost 2 (logging c and taking a also costs
        // 2 — d then passes over c). Canonical: c is taken → skipped_step:a, then a (s1, not
        // taken) unexpected. 1 − 2/(4+4) = 3/4. "ac": file order a, c → conformant.
        let t = Self.day
        let v = try Self.check(Self.linear(), [
            ("ca", "D", 2 * t), ("ca", "C", t), ("ca", "A", t), ("ca", "E", 3 * t),
            ("ac", "D", 2 * t), ("ac", "A", t), ("ac", "C", t), ("ac", "E", 3 * t),
        ])
        Self.expectVerdict(v["ca"], 3, 4, false, .completed, ["skipped_step:a", "unexpected_touchpoint:a"])
        Self.expectVerdict(v["ac"], 1, 1, true, .completed, [])
    }

    @Test func workedExampleTieBreakH() throws {
        // H: demo, visit (same second, file order), offer, order. Taking demo passes over visit
        // (required; webinar optional) → 1, then visit is a log move (1) → cost 2; L = 4:
        // 1 − 2/(4+4) = 3/4. Canonical: demo taken (earliest match) → skipped_step:visit; visit
        // in stage consider (= furthest), not taken → unexpected_touchpoint:visit.
        let v = try Self.check(Fixture.exampleMap, [
            ("H", "Sales: Demo", 1_767_344_400_000_000), ("H", "Website: Home", 1_767_344_400_000_000),
            ("H", "Sales: Offer", 1_767_430_800_000_000), ("H", "Shop: Order", 1_767_517_200_000_000),
        ])
        Self.expectVerdict(v["H"], 3, 4, false, .completed, ["skipped_step:visit", "unexpected_touchpoint:visit"])
    }

    @Test func mapWithoutGoal() throws {
        // a, b (optional), c; no goal: walks end at c (no successor). L = a, c = 2.
        let map = Fixture.map([("g", nil, [S(id: "a", touchpoints: ["A"]), S(id: "b", touchpoints: ["B"], optional: true),
                                           S(id: "c", touchpoints: ["C"])])])
        #expect(JourneyAligner(map: map).requiredStepsToFinish == 2)
        let options = CheckOptions(asOf: 0)
        Self.expectVerdict(try Self.one(map, ["A"], options), 1, 1, true, .inProgress, [])
        // c alone: passing over a costs 1, the same as a log move; taken → skipped_step:a. 1 − 1/(1+2).
        Self.expectVerdict(try Self.one(map, ["C"], options), 2, 3, false, .inProgress, ["skipped_step:a"])
        // Branches to two terminal steps: a → {b, c}, c → d; all required. Cheapest end: b. L = 2.
        let branching = Fixture.map([("g", nil, [S(id: "a", touchpoints: ["A"]), S(id: "b", touchpoints: ["B"]),
                                                 S(id: "c", touchpoints: ["C"]), S(id: "d", touchpoints: ["D"])])],
                                    flow: ["a": ["b", "c"], "b": []])
        #expect(JourneyAligner(map: branching).requiredStepsToFinish == 2)
        Self.expectVerdict(try Self.one(branching, ["X"], options), 2, 3, false, .inProgress, ["unmapped_touchpoint:X"])
        // No events after ignoring, no L: fitness 1 (events + L = 0 needs an empty map; here L = 2, 0 events).
        Self.expectVerdict(try Self.one(Self.linear(), ["Cookie"], options), 1, 1, true, .inProgress, [])
    }
}

/// Summary figures of one small log, counted by hand.
@Suite("Hand-computed summary")
struct HandComputedSummaryTests {
    static let day = Fixture.day

    /// Map: s1: a (repeatable), b (optional), c (moment of truth); s2: d, e (goal). L = 4.
    /// P: a c d e (+ an ignored Cookie)   → 1, conformant, completed            [web]
    /// Q: a d e                           → 6/7, skipped_step:c, completed       [shop]
    /// R: a c c c (last row day 3)        → 1 − 2/8 = 3/4, repeated_step:c ×2,
    ///                                       dropped_out:c (asOf day 100)        [web first, then shop]
    /// S: X at day 100                    → 1 − 1/5 = 4/5, unmapped_touchpoint:X, in_progress [web]
    static func log() -> EventLog {
        let d = day
        let rows: [(String, String, Int64)] = [
            ("P", "A", 0), ("P", "Cookie", d / 2), ("P", "C", d), ("P", "D", 2 * d), ("P", "E", 3 * d),
            ("Q", "A", 0), ("Q", "D", 2 * d), ("Q", "E", 5 * d),
            ("R", "A", 0), ("R", "C", d), ("R", "C", 2 * d), ("R", "C", 3 * d),
            ("S", "X", 100 * d),
        ]
        let channels = ["web", "web", "web", "web", "web", "shop", "shop", "shop", "web", "shop", "shop", "shop", "web"]
        return Fixture.log(rows, attributes: ["channel"], values: channels.map { [$0] })
    }

    static var map: JourneyMap { HandComputedCheckTests.linear(moment: true) }

    @Test func summaryByHand() throws {
        let log = Self.log()
        let summary = try ConformanceChecker(map: Self.map, touchpoints: log.events.activityNames).check(log, options: CheckOptions(groupBy: "channel"))
        let d = Self.day
        #expect(summary.asOf == 100 * d)
        #expect(summary.figures.customers == 4)
        #expect(summary.figures.conformant == 1)
        #expect(abs(summary.figures.fitnessSum - (1 + 6.0 / 7 + 3.0 / 4 + 4.0 / 5)) < 1e-12)
        #expect(summary.figures.outcomes == [2, 1, 1])  // completed P Q; in_progress S; dropped_out R
        // skipped, unexpected, backtracked, repeated, unmapped, too_slow, rule, dropped_out
        #expect(summary.figures.deviationCustomers == [1, 0, 0, 1, 1, 0, 0, 1])
        #expect(summary.deviationsByStep == [
            Deviation(.skippedStep, "c"): DeviationTally(events: 1, customers: 1),
            Deviation(.repeatedStep, "c"): DeviationTally(events: 2, customers: 1),  // R's two extra c
            Deviation(.unmappedTouchpoint, "X"): DeviationTally(events: 1, customers: 1),
            Deviation(.droppedOut, "c"): DeviationTally(events: 1, customers: 1),
        ])
        // Consecutive mapped events (the ignored Cookie and unmapped X are not steps).
        // Designed: a→c (over optional b), c→d, d→e; not designed: a→d (Q), c→c (R).
        func tally(_ count: Int, _ customers: Int, _ durations: [Int64]) -> TransitionTally {
            var t = TransitionTally()
            t.count = count; t.customers = customers; t.durations = DurationSketch(durations)
            return t
        }
        #expect(summary.transitions == [
            StepPair("a", "c"): tally(2, 2, [d, d]),
            StepPair("c", "d"): tally(1, 1, [d]),
            StepPair("d", "e"): tally(2, 2, [3 * d, d]),
            StepPair("a", "d"): tally(1, 1, [2 * d]),
            StepPair("c", "c"): tally(2, 1, [d, d]),
        ])
        #expect(summary.stepWaits.mapValues { $0.values?.sorted() } == ["c": [d, d, d, d], "d": [d, 2 * d], "e": [d, 3 * d]])
        var s1 = StageTally(); s1.reached = 3; s1.droppedOut = 1  // P, Q, R; R drops out at c
        var s2 = StageTally(); s2.reached = 2  // P, Q
        #expect(summary.stages == ["s1": s1, "s2": s2])
        #expect(summary.stepCustomers == ["a": 3, "c": 2, "d": 2, "e": 2])
        #expect(summary.stepEvents == ["a": 3, "c": 4, "d": 2, "e": 2])
        var moment = MomentTally()
        moment.reached = 2; moment.reachedCompleted = 1  // P (completed), R
        moment.notReached = 2; moment.notReachedCompleted = 1  // Q (completed), S
        #expect(summary.moments == ["c": moment])
        // Sorted fitness: 3/4, 4/5, 6/7, 1. p10 at rank 0.3: 0.75 + 0.3·0.05 = 0.765;
        // p50 at rank 1.5: (4/5 + 6/7)/2 = 29/35.
        #expect(abs((summary.fitnessQuantile(0.1) ?? -1) - 0.765) < 1e-12)
        #expect(abs((summary.fitnessQuantile(0.5) ?? -1) - 29.0 / 35) < 1e-12)
        #expect(summary.fitnessQuantile(0) == 0.75)
        #expect(summary.fitnessQuantile(1) == 1)
        // Groups by the first event's channel: R starts on web.
        #expect(Set(summary.groups.keys) == ["web", "shop"])
        let web = try #require(summary.groups["web"])
        #expect(web.customers == 3 && web.conformant == 1 && web.outcomes == [1, 1, 1])
        #expect(abs(web.fitnessSum - 2.55) < 1e-12)
        #expect(web.deviationCustomers == [0, 0, 0, 1, 1, 0, 0, 1])
        let shop = try #require(summary.groups["shop"])
        #expect(shop.customers == 1 && shop.conformant == 0 && shop.outcomes == [1, 0, 0])
        #expect(abs(shop.fitnessSum - 6.0 / 7) < 1e-12)
        #expect(shop.deviationCustomers == [1, 0, 0, 0, 0, 0, 0, 0])
        #expect(summary.events == 12)
        #expect(summary.ignoredEvents == 1)
        #expect(summary.firstEvent == 0)
        #expect(summary.lastEvent == 100 * d)
    }

    @Test func segmentRestrictsCustomersNotAsOf() throws {
        let log = Self.log()
        var map = Self.map
        // Customers with any shop event: Q and R (R's later rows). S (day 100) is outside the
        // segment, but the end of the log is still day 100, so R (last row day 3) is dropped out.
        map.segment = [JourneyMap.SegmentCondition(attribute: "channel", value: "shop", location: MapLocation(line: 0, column: 0))]
        var verdicts: [String: CustomerVerdict] = [:]
        let summary = try ConformanceChecker(map: map, touchpoints: log.events.activityNames).check(log) { verdicts[$0.customer] = $0 }
        #expect(summary.asOf == 100 * Self.day)
        #expect(Set(verdicts.keys) == ["Q", "R"])
        #expect(verdicts["R"]?.outcome == .droppedOut)
        #expect(summary.figures.customers == 2)
        #expect(summary.figures.outcomes == [1, 0, 1])
        #expect(summary.events == 7)
        #expect(summary.lastEvent == 3 * Self.day + 2 * Self.day)  // Q's e at day 5
        // A value nobody shows: no customers, asOf unchanged.
        map.segment[0].value = "phone"
        let none = try ConformanceChecker(map: map, touchpoints: log.events.activityNames).check(log)
        #expect(none.figures.customers == 0)
        #expect(none.asOf == 100 * Self.day)
        // An attribute the log lacks.
        map.segment[0].attribute = "region"
        #expect(throws: ConformanceError.self) { try ConformanceChecker(map: map, touchpoints: log.events.activityNames).check(log) }
    }
}
