/// The designed flow as a graph over walk states, with the cheapest paths between them.
///
/// State 0 is the start (before the first step of the first stage); state `s + 1` is step `s`.
/// A path's price is `(required steps entered, steps entered)`, compared in that order, so
/// the cheapest path passes over the fewest required steps and, among those, the fewest steps
/// (journey-semantics points 5 and 8). Paths have at least one edge, so `price(s+1, s)` is the
/// cheapest flow cycle through `s`.
///
/// Cost: O(states³) once per map (Floyd–Warshall); memory 16·states² bytes.
struct FlowGraph: Sendable {
    /// Sentinel for "no path".
    static let unreachable = Int32.max / 4

    let stateCount: Int
    /// Successor states of each state, ascending (lowest step position first).
    let successors: [[Int]]
    /// Whether entering state `v` costs 1 (it is a required step).
    let required: [Int32]
    let repeatable: [Bool]
    /// Cheapest price from state u to state v, row-major `u * stateCount + v`.
    private let cost: [Int32]
    private let length: [Int32]
    /// Required steps passed over by the canonical path from u to v (`passedOver` filtered),
    /// precomputed for the checker: `skippedArena[skippedEnds[u*n+v-1] ..< skippedEnds[u*n+v]]`.
    private var skippedArena: [Int32] = []
    private var skippedEnds: [Int32] = []

    init(_ map: JourneyMap) {
        let k = map.steps.count
        let n = k + 1
        stateCount = n
        var succ = [[Int]](repeating: [], count: n)
        if k > 0 { succ[0] = [1] }
        for s in 0..<k { succ[s + 1] = Array(Set(map.successors[s].map { $0 + 1 })).sorted() }
        successors = succ
        required = [0] + map.steps.map { $0.isRequired ? 1 : 0 }
        repeatable = [false] + map.steps.map(\.isRepeatable)
        var c = [Int32](repeating: FlowGraph.unreachable, count: n * n)
        var l = [Int32](repeating: FlowGraph.unreachable, count: n * n)
        for u in 0..<n { for v in succ[u] { c[u * n + v] = required[v]; l[u * n + v] = 1 } }
        for m in 0..<n {
            for u in 0..<n where c[u * n + m] < FlowGraph.unreachable {
                let cu = c[u * n + m], lu = l[u * n + m]
                for v in 0..<n where c[m * n + v] < FlowGraph.unreachable {
                    let nc = cu + c[m * n + v], nl = lu + l[m * n + v]
                    if nc < c[u * n + v] || (nc == c[u * n + v] && nl < l[u * n + v]) {
                        c[u * n + v] = nc
                        l[u * n + v] = nl
                    }
                }
            }
        }
        cost = c
        length = l
        var arena: [Int32] = []
        var ends: [Int32] = []
        ends.reserveCapacity(n * n)
        for u in 0..<n {
            for v in 0..<n {
                if v > 0 && (c[u * n + v] < FlowGraph.unreachable || (u == v && repeatable[v])) {
                    for p in passedOver(u, v) where required[p + 1] == 1 { arena.append(Int32(p)) }
                }
                ends.append(Int32(arena.count))
            }
        }
        skippedArena = arena
        skippedEnds = ends
    }

    /// The required steps the canonical path from `u` to `v` passes over (precomputed).
    @inline(__always) func skipped(_ u: Int, _ v: Int) -> ArraySlice<Int32> {
        let i = u * stateCount + v
        return skippedArena[(i == 0 ? 0 : Int(skippedEnds[i - 1]))..<Int(skippedEnds[i])]
    }

    /// Whether there is a path of at least one edge from `u` to `v`.
    @inline(__always) func reachable(_ u: Int, _ v: Int) -> Bool { cost[u * stateCount + v] < FlowGraph.unreachable }

    /// Required steps entered on the cheapest path from `u` to `v`, `v` included.
    @inline(__always) func price(_ u: Int, _ v: Int) -> Int32 { cost[u * stateCount + v] }

    /// Cost of a synchronous move from state `u` to the state `v` of the event's step: the
    /// required steps passed over on the cheapest flow path (0 for a repeatable step following
    /// itself); `unreachable` when no path exists.
    @inline(__always) func moveCost(_ u: Int, _ v: Int) -> Int32 {
        if u == v && repeatable[v] { return 0 }
        let c = cost[u * stateCount + v]
        return c >= FlowGraph.unreachable ? FlowGraph.unreachable : c - required[v]
    }

    /// The steps passed over by the canonical path from `u` to `v` (not including either end):
    /// the cheapest path with the fewest steps, then the lowest step positions. Empty for a
    /// repeatable step following itself.
    func passedOver(_ u: Int, _ v: Int) -> [Int] {
        if u == v && repeatable[v] { return [] }
        var result: [Int] = []
        var at = u
        var remainingCost = cost[u * stateCount + v], remainingLength = length[u * stateCount + v]
        while remainingLength > 1 {
            // Lowest successor that stays on a cheapest path.
            var chosen = -1
            for x in successors[at] where x != v || remainingLength == 1 {
                let c = cost[x * stateCount + v], l = length[x * stateCount + v]
                if c < FlowGraph.unreachable && required[x] + c == remainingCost && 1 + l == remainingLength {
                    chosen = x
                    break
                }
            }
            guard chosen >= 0 else { break }  // cannot happen on a consistent table
            result.append(chosen - 1)
            remainingCost -= required[chosen]
            remainingLength -= 1
            at = chosen
        }
        return result
    }

    /// L of the fitness formula: required steps on the cheapest walk from the start to a goal
    /// step, the goal included; without goals, to a step with no successor. 0 when no such
    /// walk exists (an empty map).
    func requiredStepsToFinish(goals: [Int]) -> Int {
        let targets = goals.isEmpty ? (1..<stateCount).filter { successors[$0].isEmpty } : goals.map { $0 + 1 }
        var best = FlowGraph.unreachable
        for t in targets { best = min(best, price(0, t)) }
        return best >= FlowGraph.unreachable ? 0 : Int(best)
    }
}
