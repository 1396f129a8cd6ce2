import Testing
import TouchstoneConformance
import TouchstoneIngest
import TouchstoneTraces

/// Whole verdicts on random logs against a naive reading of journey-semantics points 1–3 and
/// 7–12 (timing, rules, outcome), with the alignment part from `NaiveAlignment`.
@Suite("Verdicts against a naive reading")
struct VerdictPropertyTests {
    typealias Row = (String, String, Int64)

    /// The verdict of one customer from its rows in file order.
    static func naiveVerdict(_ map: JourneyMap, _ rows: [Row], asOf: Int64, window: Int64) -> (fitness: Double, conformant: Bool, outcome: Outcome, deviations: [String]) {
        let trace = rows.enumerated().sorted { ($0.element.2, $0.offset) < ($1.element.2, $1.offset) }.map(\.element)  // point 1
        let kept = trace.filter { r in !map.ignore.contains { $0.matches(r.1) } }  // point 2
        func stepOf(_ name: String) -> Int { map.steps.firstIndex { $0.touchpoints.contains { $0.matches(name) } } ?? -1 }  // point 3
        let steps = kept.map { stepOf($0.1) }
        var deviations = Set<Deviation>()
        let naive = NaiveAlignment(map: map)
        let cost = naive.cost(steps.map { Int32($0) })
        let l = naive.requiredStepsToFinish
        let fitness = steps.count + l == 0 ? 1 : 1 - Double(cost) / Double(steps.count + l)
        for d in JourneyAligner(map: map).align(steps.map { Int32($0) }).deviations { deviations.insert(Deviation(d.type, map.steps[d.step].id)) }
        for (r, s) in zip(kept, steps) where s < 0 { deviations.insert(Deviation(.unmappedTouchpoint, r.1)) }
        // Point 10.
        let mapped = zip(kept, steps).filter { $0.1 >= 0 }.map { (time: $0.0.2, step: $0.1) }
        for (i, e) in mapped.enumerated() where i > 0 {
            if let w = map.steps[e.step].within, e.time - mapped[i - 1].time > w { deviations.insert(Deviation(.tooSlow, map.steps[e.step].id)) }
        }
        var start = 0
        while start < mapped.count {
            let stage = map.steps[mapped[start].step].stage
            var end = start
            while end + 1 < mapped.count && map.steps[mapped[end + 1].step].stage == stage { end += 1 }
            if let w = map.stages[stage].within, mapped[end].time - mapped[start].time > w { deviations.insert(Deviation(.tooSlow, map.stages[stage].id)) }
            start = end + 1
        }
        // Point 11.
        for rule in map.rules {
            var broken = false
            switch rule {
            case .never(let p, _): broken = kept.contains { p.matches($0.1) }
            case .response(let a, let b, let w, _):
                for (i, e) in mapped.enumerated() where e.step == a {
                    let answered = mapped[(i + 1)...].contains { later in later.step == b && (w.map { later.time - e.time <= $0 } ?? true) }
                    if !answered { broken = true }
                }
            case .precedence(let a, let b, _):
                for (i, e) in mapped.enumerated() where e.step == b && !mapped[..<i].contains(where: { $0.step == a }) { broken = true }
            case .atMost(let s, let n, _): broken = mapped.filter { $0.step == s }.count > n
            }
            if broken { deviations.insert(Deviation(.ruleViolated, rule.kind)) }
        }
        // Point 9.
        let outcome: Outcome
        if mapped.contains(where: { map.steps[$0.step].isGoal }) {
            outcome = .completed
        } else if let last = trace.last, asOf - last.2 <= window {
            outcome = .inProgress
        } else {
            outcome = .droppedOut
            deviations.insert(Deviation(.droppedOut, mapped.last.map { map.steps[$0.step].id } ?? "-"))
        }
        return (fitness, cost == 0 && deviations.isEmpty, outcome, deviations.sorted().map(\.description))
    }

    @Test func verdictsMatchNaiveReading() throws {
        var rng = SplitMix64(seed: 0x5EED_0F_7E57)
        for round in 0..<300 {
            let map = RandomJourneys.map(&rng, timing: true)
            let (rows, _) = MergePropertyTests.randomLog(&rng, map)
            let log = Fixture.log(rows)
            let window = rng.chance(0.5) ? CheckOptions().inProgressWindow : Int64(rng.int(0...20)) * 12 * Fixture.hour
            let asOf = rows.map(\.2).max() ?? 0
            var verdicts: [String: CustomerVerdict] = [:]
            _ = try ConformanceChecker(map: map, touchpoints: log.events.activityNames)
                .check(log, options: CheckOptions(inProgressWindow: window)) { verdicts[$0.customer] = $0 }
            let customers = Set(rows.map(\.0))
            #expect(Set(verdicts.keys) == customers)
            for c in customers.sorted() {
                let mine = rows.filter { $0.0 == c }
                let expected = Self.naiveVerdict(map, mine, asOf: asOf, window: window)
                guard let v = verdicts[c] else { continue }
                let context = "round \(round), \(c): \(mine.map { "\($0.1)@\($0.2 / Fixture.hour)h" }) on \(describe(map)) rules \(map.rules.map(\.kind))"
                #expect(abs(v.fitness - expected.fitness) < 1e-12, "fitness, \(context)")
                #expect(v.conformant == expected.conformant, "conformant, \(context)")
                #expect(v.outcome == expected.outcome, "outcome, \(context)")
                #expect(v.deviations.map(\.description) == expected.deviations, "deviations, \(context)")
            }
        }
    }

    /// Summary figures recounted from the traces and the (already checked) verdicts.
    @Test func summaryMatchesRecount() throws {
        var rng = SplitMix64(seed: 0x5_0A7_1E5)
        for round in 0..<200 {
            let map = RandomJourneys.map(&rng, timing: true)
            let (rows, _) = MergePropertyTests.randomLog(&rng, map)
            let log = Fixture.log(rows)
            var verdicts: [String: CustomerVerdict] = [:]
            let summary = try ConformanceChecker(map: map, touchpoints: log.events.activityNames)
                .check(log) { verdicts[$0.customer] = $0 }
            let context = "round \(round): \(describe(map)) rows \(rows)"
            var figures = KeyFigures()
            var stepEvents: [String: Int] = [:], stepCustomers: [String: Int] = [:], stepWaits: [String: [Int64]] = [:], overLimit: [String: Int] = [:]
            var stages: [String: StageTally] = [:]
            var transitions: [StepPair: TransitionTally] = [:]
            var moments: [String: MomentTally] = [:]
            var deviationCustomers: [Deviation: Int] = [:]
            var deviationEvents: [Deviation: Int] = [:]
            var events = 0, ignored = 0
            for c in Set(rows.map(\.0)) {
                guard let v = verdicts[c] else { Issue.record("no verdict for \(c)"); continue }
                let trace = rows.enumerated().filter { $0.element.0 == c }.sorted { ($0.element.2, $0.offset) < ($1.element.2, $1.offset) }.map(\.element)
                let kept = trace.filter { r in !map.ignore.contains { $0.matches(r.1) } }
                events += kept.count
                ignored += trace.count - kept.count
                let steps = kept.map { r in map.steps.firstIndex { $0.touchpoints.contains { $0.matches(r.1) } } ?? -1 }
                let mapped = zip(kept, steps).filter { $0.1 >= 0 }.map { (time: $0.0.2, step: $0.1) }
                figures.customers += 1
                if v.conformant { figures.conformant += 1 }
                figures.addFitness(v.fitness)
                figures.outcomes[v.outcome.rawValue] += 1
                for t in Set(v.deviations.map(\.type)) { figures.deviationCustomers[t.rawValue] += 1 }
                for d in v.deviations { deviationCustomers[d, default: 0] += 1 }
                // Occurrences: alignment deviations per event / passed-over step; unmapped per event.
                for d in JourneyAligner(map: map).align(steps.map { Int32($0) }).deviations { deviationEvents[Deviation(d.type, map.steps[d.step].id), default: 0] += 1 }
                for (r, s) in zip(kept, steps) where s < 0 { deviationEvents[Deviation(.unmappedTouchpoint, r.1), default: 0] += 1 }
                for (i, e) in mapped.enumerated() {
                    let id = map.steps[e.step].id
                    stepEvents[id, default: 0] += 1
                    if i > 0 {
                        let wait = e.time - mapped[i - 1].time
                        stepWaits[id, default: []].append(wait)
                        if let w = map.steps[e.step].within, wait > w {
                            deviationEvents[Deviation(.tooSlow, id), default: 0] += 1
                            overLimit[id, default: 0] += 1
                        }
                        let pair = StepPair(map.steps[mapped[i - 1].step].id, id)
                        var t = transitions[pair] ?? TransitionTally()
                        t.count += 1
                        t.durations.append(wait)
                        transitions[pair] = t
                    }
                }
                for pair in Set(zip(mapped, mapped.dropFirst()).map { StepPair(map.steps[$0.step].id, map.steps[$1.step].id) }) { transitions[pair]?.customers += 1 }
                let reached = Set(mapped.map(\.step))
                for s in reached { stepCustomers[map.steps[s].id, default: 0] += 1 }
                for g in Set(reached.map { map.steps[$0].stage }) { stages[map.stages[g].id, default: StageTally()].reached += 1 }
                if v.outcome == .droppedOut {
                    deviationEvents[v.deviations.first { $0.type == .droppedOut } ?? Deviation(.droppedOut, "?"), default: 0] += 1
                    if let last = mapped.last { stages[map.stages[map.steps[last.step].stage].id, default: StageTally()].droppedOut += 1 }
                }
                for (s, step) in map.steps.enumerated() where step.isMomentOfTruth {
                    var m = moments[step.id] ?? MomentTally()
                    let done = v.outcome == .completed ? 1 : 0
                    if reached.contains(s) { m.reached += 1; m.reachedCompleted += done } else { m.notReached += 1; m.notReachedCompleted += done }
                    moments[step.id] = m
                }
            }
            MergePropertyTests.expectSame(summary.figures, figures, context)
            #expect(summary.stepEvents == stepEvents, "stepEvents, \(context)")
            #expect(summary.stepCustomers == stepCustomers, "stepCustomers, \(context)")
            #expect(summary.stepWaits.mapValues { $0.values?.sorted() } == stepWaits.mapValues { $0.sorted() }, "stepWaits, \(context)")
            #expect(summary.stepOverLimit == overLimit, "stepOverLimit, \(context)")
            #expect(summary.stages == stages, "stages, \(context)")
            #expect(summary.transitions == transitions, "transitions, \(context)")
            #expect(summary.moments == moments, "moments, \(context)")
            #expect(summary.events == events && summary.ignoredEvents == ignored, "events, \(context)")
            #expect(summary.deviationsByStep.mapValues(\.customers) == deviationCustomers, "deviation customers, \(context)")
            for (d, tally) in summary.deviationsByStep {
                if d.type == .ruleViolated || (d.type == .tooSlow && map.stageIndex(d.detail) != nil) {
                    #expect(tally.events >= tally.customers, "\(d) events, \(context)")
                } else {
                    #expect(tally.events == deviationEvents[d], "\(d) events, \(context)")
                }
            }
            let fitness = verdicts.values.map(\.fitness).sorted()
            for q in [0, 0.1, 0.25, 0.5, 0.9, 1] {
                #expect(summary.fitnessQuantile(q) == quantile(sorted: fitness, q), "p\(q), \(context)")
            }
        }
    }
}
