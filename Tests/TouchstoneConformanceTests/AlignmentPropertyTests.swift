import Testing
import TouchstoneConformance

/// A naive, independent reading of journey-semantics points 5–8, written straight from the
/// page without FlowGraph/JourneyAligner: per move, a Bellman–Ford search over flow paths;
/// per trace, an exhaustive search over every choice of log or synchronous move per event.
struct NaiveAlignment {
    let map: JourneyMap
    var k: Int { map.steps.count }

    /// The walk's successors of a position: -1 is the virtual start, whose only successor is
    /// the first step.
    func successors(_ q: Int) -> [Int] { q < 0 ? (k > 0 ? [0] : []) : map.successors[q] }
    func required(_ s: Int) -> Int { map.steps[s].isRequired ? 1 : 0 }

    /// The cheapest flow path from `q` to `t` with at least one edge, as (required steps strictly
    /// between, steps strictly between), compared in that order; nil when `t` is unreachable.
    func path(_ q: Int, _ t: Int) -> (cost: Int, between: Int)? {
        // arrive[x]: best (required before x, steps before x) over paths q → … → x.
        var arrive: [Int: (Int, Int)] = [:]
        func better(_ a: (Int, Int), _ b: (Int, Int)?) -> Bool {
            guard let b else { return true }
            return a.0 < b.0 || (a.0 == b.0 && a.1 < b.1)
        }
        for x in successors(q) where better((0, 0), arrive[x]) { arrive[x] = (0, 0) }
        var changed = true
        while changed {
            changed = false
            for (x, p) in arrive where x != t {
                for y in successors(x) {
                    let candidate = (p.0 + required(x), p.1 + 1)
                    if better(candidate, arrive[y]) { arrive[y] = candidate; changed = true }
                }
            }
        }
        return arrive[t].map { (cost: $0.0, between: $0.1) }
    }

    /// The canonical path of point 8 from `q` to `t`: among the cheapest paths with the fewest
    /// steps, the one whose passed-over positions come first compared in order. By enumeration.
    func canonicalPath(_ q: Int, _ t: Int) -> [Int]? {
        guard let p = path(q, t) else { return nil }
        var best: [Int]?
        func walk(_ at: Int, _ so: [Int], _ cost: Int) {
            if so.count == p.between {
                if successors(at).contains(t), cost == p.cost, best.map({ so.lexicographicallyPrecedes($0) }) ?? true { best = so }
                return
            }
            for x in successors(at) where x != t { walk(x, so + [x], cost + required(x)) }
        }
        walk(q, [], 0)
        return best
    }

    /// Cost of a synchronous move from `q` to step `t` (point 6); nil when impossible.
    func move(_ q: Int, _ t: Int) -> Int? {
        if q == t && map.steps[t].isRepeatable { return 0 }
        return path(q, t)?.cost
    }

    /// Least cost of aligning `trace[i...]` from position `q`, trying every alignment.
    func cost(_ trace: [Int32], from i: Int = 0, at q: Int = -1) -> Int {
        if i == trace.count { return 0 }  // the walk may stop anywhere
        var best = 1 + cost(trace, from: i + 1, at: q)  // log move
        let s = Int(trace[i])
        if s >= 0, let m = move(q, s) { best = min(best, m + cost(trace, from: i + 1, at: s)) }
        return best
    }

    /// L: required steps on the cheapest walk from the start to a goal (the goal included);
    /// without goals, to a step with no successor. No such walk: 0 (the page does not say;
    /// the denominator then is the number of events).
    var requiredStepsToFinish: Int {
        let goals = map.steps.indices.filter { map.steps[$0].isGoal }
        let targets = goals.isEmpty ? map.steps.indices.filter { map.successors[$0].isEmpty } : goals
        let prices = targets.compactMap { t in path(-1, t).map { $0.cost + required(t) } }
        return prices.min() ?? 0
    }
}

@Suite("Alignment against a naive exhaustive search")
struct AlignmentPropertyTests {
    static let maps = 400
    static let tracesPerMap = 5

    @Test func costMatchesExhaustiveSearch() {
        var rng = SplitMix64(seed: 0x70C4_5703_E001)
        var compared = 0
        for _ in 0..<Self.maps {
            let map = RandomJourneys.map(&rng)
            let aligner = JourneyAligner(map: map)
            let naive = NaiveAlignment(map: map)
            for _ in 0..<Self.tracesPerMap {
                let trace = RandomJourneys.trace(&rng, steps: map.steps.count)
                let expected = naive.cost(trace)
                let got = aligner.align(trace).cost
                #expect(got == expected, "cost of \(trace) on \(describe(map))")
                compared += 1
            }
        }
        #expect(compared == Self.maps * Self.tracesPerMap)
    }

    /// The moves of the returned alignment are a real alignment of the claimed cost, and the
    /// canonical one: each event is taken exactly when an optimal alignment can still take it.
    @Test func movesAreConsistentAndCanonical() {
        var rng = SplitMix64(seed: 0xA11C_0DE5)
        for _ in 0..<Self.maps {
            let map = RandomJourneys.map(&rng)
            let aligner = JourneyAligner(map: map)
            let naive = NaiveAlignment(map: map)
            for _ in 0..<Self.tracesPerMap {
                let trace = RandomJourneys.trace(&rng, steps: map.steps.count)
                let a = aligner.align(trace)
                let context = "\(trace) on \(describe(map))"
                #expect(a.events == trace.count)
                guard a.moves.count == trace.count else { Issue.record("moves of \(context)"); continue }
                var q = -1
                var spent = 0
                var taken = Set<Int>()
                var furthestStage = -1
                var expectedDeviations: [(DeviationType, Int)] = []
                for (i, move) in a.moves.enumerated() {
                    let s = Int(trace[i])
                    // Canonical: take the event whenever an optimal alignment still can.
                    let canTake = s >= 0 && naive.move(q, s).map { spent + $0 + naive.cost(trace, from: i + 1, at: s) == a.cost } == true
                    switch move {
                    case .synchronous(let step, let over):
                        #expect(step == s, "synchronous move to the event's step, \(context)")
                        #expect(canTake, "event \(i) taken although no optimal alignment takes it, \(context)")
                        // passedOver is a real flow path q → over… → step (or a repeatable step's run).
                        let nodes = [q] + over + [step]
                        let selfRun = over.isEmpty && q == step && map.steps[step].isRepeatable
                        if !selfRun {
                            for (u, v) in zip(nodes, nodes.dropFirst()) {
                                #expect(naive.successors(u).contains(v), "\(u)→\(v) is not in the flow, \(context)")
                            }
                        }
                        let charged = over.filter { map.steps[$0].isRequired }
                        #expect(charged.count == naive.move(q, step), "move \(i) not cheapest, \(context)")
                        // Fewest steps among the cheapest paths.
                        if !selfRun, let p = naive.path(q, step) { #expect(over.count == p.between, "move \(i) not shortest, \(context)") }
                        if !selfRun { #expect(over == naive.canonicalPath(q, step), "move \(i) not the lowest positions, \(context)") }
                        for c in charged { expectedDeviations.append((.skippedStep, c)) }
                        spent += charged.count
                        q = step
                        taken.insert(step)
                        furthestStage = max(furthestStage, map.steps[step].stage)
                    case .log(let step):
                        #expect(step == (s >= 0 ? s : nil), "log move names the event's step, \(context)")
                        #expect(!canTake, "event \(i) not taken although an optimal alignment takes it, \(context)")
                        if s >= 0 {
                            let type: DeviationType = map.steps[s].stage < furthestStage ? .backtracked
                                : taken.contains(s) ? .repeatedStep : .unexpectedTouchpoint
                            expectedDeviations.append((type, s))
                        }
                        spent += 1
                    }
                }
                #expect(spent == a.cost, "sum of move costs, \(context)")
                #expect(a.deviations.map { "\($0.type.name):\($0.step)" } == expectedDeviations.map { "\($0.0.name):\($0.1)" },
                        "deviations of \(context)")
            }
        }
    }

    @Test func fitnessUsesIndependentL() {
        var rng = SplitMix64(seed: 0xF17)
        for _ in 0..<Self.maps {
            let map = RandomJourneys.map(&rng)
            let aligner = JourneyAligner(map: map)
            let naive = NaiveAlignment(map: map)
            let l = naive.requiredStepsToFinish
            #expect(aligner.requiredStepsToFinish == l, "L of \(describe(map))")
            for _ in 0..<Self.tracesPerMap {
                let trace = RandomJourneys.trace(&rng, steps: map.steps.count)
                let cost = naive.cost(trace)
                let expected = trace.count + l == 0 ? 1 : 1 - Double(cost) / Double(trace.count + l)
                let got = aligner.fitness(cost: aligner.align(trace).cost, events: trace.count)
                #expect(abs(got - expected) < 1e-12, "fitness of \(trace) on \(describe(map))")
                #expect(got >= 0 && got <= 1)
            }
        }
    }

    /// Hand-checked anchors for the naive search itself, so a shared misreading shows up.
    @Test func naiveSearchAnchors() {
        let linear = Fixture.map([("g", nil, [Fixture.S(id: "a", touchpoints: ["A"]), Fixture.S(id: "b", touchpoints: ["B"], optional: true),
                                              Fixture.S(id: "c", touchpoints: ["C"]), Fixture.S(id: "d", touchpoints: ["D"], goal: true)])])
        let n = NaiveAlignment(map: linear)
        #expect(n.cost([0, 2, 3]) == 0)
        #expect(n.cost([3]) == 1)  // a, c passed over = 2 > one log move
        #expect(n.cost([0, 3]) == 1)  // c passed over
        #expect(n.cost([0, 0]) == 1)  // not repeatable, no cycle
        #expect(n.cost([-1, 2]) == 2)
        #expect(n.requiredStepsToFinish == 3)
        let loop = Fixture.map([("g", nil, [Fixture.S(id: "a", touchpoints: ["A"]), Fixture.S(id: "b", touchpoints: ["B"])])],
                               flow: ["b": ["a"]])
        let m = NaiveAlignment(map: loop)
        #expect(m.cost([0, 1, 0, 1]) == 0)
        #expect(m.cost([1, 1]) == 2)  // start→b passes a (1), b→b through a (1)
        #expect(m.requiredStepsToFinish == 0)  // no goal, no step without successor
    }
}

func describe(_ map: JourneyMap) -> String {
    let steps = map.steps.enumerated().map { i, s in
        "s\(i)[g\(s.stage)\(s.isOptional ? ",opt" : "")\(s.isRepeatable ? ",rep" : "")\(s.isGoal ? ",goal" : "")]→\(map.successors[i])"
    }
    return steps.joined(separator: " ")
}
