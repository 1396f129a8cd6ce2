/// Optimal prefix alignment of a sequence of mapped events with the designed flow.
///
/// A pure function of the map and the sequence (journey-semantics points 6–8), so the checker
/// runs it once per distinct variant. Cost: O(events × steps) time and memory per sequence
/// (a backward dynamic programme over events × walk states), after an O(steps³) set-up per map.
public struct JourneyAligner: Sendable {
    /// One move of an alignment.
    public enum Move: Sendable, Equatable {
        /// The walk moves to `step`, passing over `passedOver` (all of them, required or not).
        case synchronous(step: Int, passedOver: [Int])
        /// The event is not taken by the walk; `step` is its mapped step, `nil` when unmapped.
        case log(step: Int?)
    }

    /// The canonical optimal alignment of one sequence.
    public struct Alignment: Sendable, Equatable {
        /// Least total cost over all walks.
        public var cost: Int
        /// Events aligned (the sequence length).
        public var events: Int
        /// One move per event, in order.
        public var moves: [Move]
        /// Deviations named by the canonical alignment: skipped steps and the classified log
        /// moves of mapped events, in order of occurrence (unmapped events are not included).
        public var deviations: [(type: DeviationType, step: Int)]

        public static func == (a: Alignment, b: Alignment) -> Bool {
            a.cost == b.cost && a.events == b.events && a.moves == b.moves
                && a.deviations.elementsEqual(b.deviations) { $0.type == $1.type && $0.step == $1.step }
        }
    }

    public let map: JourneyMap
    let flow: FlowGraph
    /// L: required steps on the cheapest walk from the start to a goal, the goal included.
    public let requiredStepsToFinish: Int

    /// Stage index of each step.
    let stageOfStep: [Int]

    public init(map: JourneyMap) {
        self.map = map
        stageOfStep = map.steps.map(\.stage)
        flow = FlowGraph(map)
        requiredStepsToFinish = flow.requiredStepsToFinish(goals: map.goals)
    }

    /// fitness = 1 − cost / (events + L); 1 when events + L = 0.
    public func fitness(cost: Int, events: Int) -> Double {
        let denominator = events + requiredStepsToFinish
        return denominator == 0 ? 1 : 1 - Double(cost) / Double(denominator)
    }

    /// Aligns `steps`: one entry per event (ignored events removed), the step index of a
    /// mapped event or a negative number for an unmapped one.
    public func align(_ steps: [Int32]) -> Alignment {
        var scratch = Scratch()
        return align(steps, &scratch)
    }

    /// Reusable buffers of `align` and `deviations`.
    struct Scratch {
        /// Two rows of the backward table: least cost of aligning the remaining events from each state.
        var row: [Int32] = []
        var next: [Int32] = []
        /// Per event i with step s: the least cost of aligning events i+1… from state s+1 (what
        /// the left-to-right pass needs to know whether taking event i stays optimal).
        var after: [Int32] = []
        var taken: [Bool] = []
        /// Filled by `deviations`: type and step of each deviation, in order.
        var found: [(type: DeviationType, step: Int32)] = []
    }

    /// The backward pass: returns the optimal total and fills `scratch.after`. Memory O(events
    /// + states): two rows of the events × states table and one number per event.
    private func costs(_ steps: [Int32], _ scratch: inout Scratch) -> Int32 {
        let n = steps.count
        let states = flow.stateCount
        let unreachable = FlowGraph.unreachable
        scratch.next.removeAll(keepingCapacity: true)
        scratch.next.append(contentsOf: repeatElement(0, count: states))
        scratch.row.removeAll(keepingCapacity: true)
        scratch.row.append(contentsOf: repeatElement(0, count: states))
        scratch.after.removeAll(keepingCapacity: true)
        scratch.after.append(contentsOf: repeatElement(0, count: n))
        let flow = self.flow
        var i = n - 1
        while i >= 0 {
            let s = Int(steps[i])
            scratch.row.withUnsafeMutableBufferPointer { row in
                scratch.next.withUnsafeBufferPointer { next in
                    if s < 0 {
                        for q in 0..<states { row[q] = 1 + next[q] }
                    } else {
                        let target = next[s + 1]
                        scratch.after[i] = target
                        for q in 0..<states {
                            var best = 1 + next[q]  // log move
                            let m = flow.moveCost(q, s + 1)
                            if m < unreachable && m + target < best { best = m + target }
                            row[q] = best
                        }
                    }
                }
            }
            swap(&scratch.row, &scratch.next)
            i -= 1
        }
        return scratch.next[0]
    }

    /// The optimal cost of `steps` and, in `scratch.found`, the deviations the canonical
    /// alignment names (the same as `align(_:).deviations`, without building the moves).
    func deviations(_ steps: [Int32], _ scratch: inout Scratch) -> Int {
        let total = costs(steps, &scratch)
        let unreachable = FlowGraph.unreachable
        scratch.found.removeAll(keepingCapacity: true)
        scratch.taken.removeAll(keepingCapacity: true)
        scratch.taken.append(contentsOf: repeatElement(false, count: map.steps.count))
        var state = 0
        var spent: Int32 = 0
        var furthestStage = -1
        for i in 0..<steps.count {
            let s = Int(steps[i])
            if s >= 0 {
                let m = flow.moveCost(state, s + 1)
                if m < unreachable && spent + m + scratch.after[i] == total {
                    for p in flow.skipped(state, s + 1) { scratch.found.append((.skippedStep, p)) }
                    spent += m
                    state = s + 1
                    scratch.taken[s] = true
                    furthestStage = max(furthestStage, stageOfStep[s])
                    continue
                }
                let type: DeviationType
                if stageOfStep[s] < furthestStage { type = .backtracked }
                else if scratch.taken[s] { type = .repeatedStep }
                else { type = .unexpectedTouchpoint }
                scratch.found.append((type, Int32(s)))
            }
            spent += 1
        }
        return Int(total)
    }

    func align(_ steps: [Int32], _ scratch: inout Scratch) -> Alignment {
        let n = steps.count
        let unreachable = FlowGraph.unreachable
        let total = costs(steps, &scratch)
        // Canonical alignment: take an event whenever an optimal alignment still can.
        var moves: [Move] = []
        moves.reserveCapacity(n)
        var deviations: [(type: DeviationType, step: Int)] = []
        var state = 0
        var spent: Int32 = 0
        var taken = [Bool](repeating: false, count: map.steps.count)
        var furthestStage = -1
        for i in 0..<n {
            let s = Int(steps[i])
            if s >= 0 {
                let m = flow.moveCost(state, s + 1)
                if m < unreachable && spent + m + scratch.after[i] == total {
                    let over = flow.passedOver(state, s + 1)
                    for p in over where map.steps[p].isRequired { deviations.append((.skippedStep, p)) }
                    moves.append(.synchronous(step: s, passedOver: over))
                    spent += m
                    state = s + 1
                    taken[s] = true
                    furthestStage = max(furthestStage, map.steps[s].stage)
                    continue
                }
                let type: DeviationType
                if map.steps[s].stage < furthestStage { type = .backtracked }
                else if taken[s] { type = .repeatedStep }
                else { type = .unexpectedTouchpoint }
                deviations.append((type, s))
                moves.append(.log(step: s))
            } else {
                moves.append(.log(step: nil))
            }
            spent += 1
        }
        return Alignment(cost: Int(total), events: n, moves: moves, deviations: deviations)
    }
}
