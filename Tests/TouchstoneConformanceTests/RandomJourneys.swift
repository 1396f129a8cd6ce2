import TouchstoneConformance

/// SplitMix64: a small seeded generator, so every random test is reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &self) < p }
    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }
}

/// Random small journey maps for property tests. Step `i` has id `s<i>` and the single
/// touchpoint `T<i>`; stages are `g0`, `g1`, ….
enum RandomJourneys {
    /// 1–6 steps in 1–3 stages, random optional/repeatable/goal flags and random `flow`
    /// overrides (self loops, back edges, empty successor lists, skipped-over steps).
    /// With `timing`, also random `within` limits, moments of truth and rules.
    static func map(_ rng: inout SplitMix64, timing: Bool = false) -> JourneyMap {
        let k = rng.int(1...6)
        let stageCount = rng.int(1...min(3, k))
        // Stage sizes: each ≥ 1, summing to k.
        var sizes = [Int](repeating: 1, count: stageCount)
        for _ in 0..<(k - stageCount) { sizes[rng.int(0...(stageCount - 1))] += 1 }
        var stages: [(id: String, within: Int64?, steps: [Fixture.S])] = []
        var i = 0
        for (g, size) in sizes.enumerated() {
            var steps: [Fixture.S] = []
            for _ in 0..<size {
                var s = Fixture.S(id: "s\(i)", touchpoints: ["T\(i)"])
                s.optional = rng.chance(0.3)
                s.repeatable = rng.chance(0.3)
                s.goal = rng.chance(0.25)
                if timing {
                    s.moment = rng.chance(0.3)
                    if rng.chance(0.3) { s.within = Int64(rng.int(1...4)) * Fixture.day }
                }
                steps.append(s)
                i += 1
            }
            let within: Int64? = timing && rng.chance(0.3) ? Int64(rng.int(1...6)) * Fixture.day : nil
            stages.append((id: "g\(g)", within: within, steps: steps))
        }
        var flow: [String: [String]] = [:]
        for s in 0..<k where rng.chance(0.35) {
            flow["s\(s)"] = (0..<rng.int(0...3)).map { _ in "s\(rng.int(0...(k - 1)))" }
        }
        var rules: [JourneyMap.Rule] = []
        if timing {
            let loc = MapLocation(line: 0, column: 0)
            if rng.chance(0.3), let p = try? TouchpointPattern("X1") { rules.append(.never(p, location: loc)) }
            if rng.chance(0.4) {
                rules.append(.response(ifStep: rng.int(0...(k - 1)), thenStep: rng.int(0...(k - 1)),
                                       within: rng.chance(0.5) ? Int64(rng.int(1...3)) * Fixture.day : nil, location: loc))
            }
            if rng.chance(0.4) { rules.append(.precedence(firstStep: rng.int(0...(k - 1)), thenStep: rng.int(0...(k - 1)), location: loc)) }
            if rng.chance(0.4) { rules.append(.atMost(step: rng.int(0...(k - 1)), times: rng.int(0...2), location: loc)) }
        }
        return Fixture.map(stages, flow: flow, ignore: timing ? ["Cookie*"] : [], rules: rules)
    }

    /// 0–7 events over the map's steps, -1 for an unmapped event.
    static func trace(_ rng: inout SplitMix64, steps k: Int) -> [Int32] {
        (0..<rng.int(0...7)).map { _ in rng.chance(0.15) ? -1 : Int32(rng.int(0...(k - 1))) }
    }
}
