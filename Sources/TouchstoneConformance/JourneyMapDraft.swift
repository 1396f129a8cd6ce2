#if canImport(Foundation)
import Foundation
#endif
import TouchstoneIngest
import TouchstoneTraces

/// Thresholds of `JourneyMap.draft(from:name:options:)` (see docs/map-draft.md).
public struct MapDraftOptions: Sendable, Equatable {
    /// A touchpoint becomes a step when at least this share of customers has it (0…1).
    public var minCustomerShare: Double = 0.05
    /// A step is required when at least this share of the customers reaching its stage (or a
    /// later one) pass it (0…1).
    public var requiredShare: Double = 0.5
    /// A step is repeatable when at least this share of its events directly follow an event
    /// of the same step (0…1).
    public var repeatShare: Double = 0.05
    /// A transition a → b is in the flow when it carries at least this share of the
    /// transitions leaving a towards other steps (0…1).
    public var flowShare: Double = 0.1
    /// A step becomes a successor of the first step when at least this share of customers
    /// start with it (0…1).
    public var startShare: Double = 0.05

    public init(minCustomerShare: Double = 0.05, requiredShare: Double = 0.5, repeatShare: Double = 0.05,
                flowShare: Double = 0.1, startShare: Double = 0.05) {
        self.minCustomerShare = minCustomerShare
        self.requiredShare = requiredShare
        self.repeatShare = repeatShare
        self.flowShare = flowShare
        self.startShare = startShare
    }
}

extension JourneyMap {
    /// A first journey map mined from `log`, for a process owner to edit (`touchstone map draft`).
    ///
    /// Stages come from the log's stage column in their typical order (median rank of first
    /// appearance within traces; one stage `journey` without a stage column); steps are the
    /// touchpoints that enough customers use, each in the stage where most of its events lie,
    /// ordered by typical position. Steps are required only where most customers reaching the
    /// stage pass them, repeatable where self-loops are frequent; the flow keeps frequent
    /// transitions only, and the goal is the step that most often ends journeys in the last
    /// part of the map. docs/map-draft.md describes every heuristic.
    ///
    /// Deterministic: the same log gives the same map. Cost: two passes over the events plus
    /// O(steps²) for the flow.
    public static func draft(from log: EventLog, name: String, options: MapDraftOptions = MapDraftOptions()) -> JourneyMap {
        MapDrafter(log: log, options: options).draft(name: name)
    }
}

/// The statistics and decisions behind a draft.
private struct MapDrafter {
    let log: EventLog
    let options: MapDraftOptions

    func draft(name: String) -> JourneyMap {
        let table = log.events
        let traceCount = log.traceCount
        let touchpointCount = table.activityNames.count
        let hasStages = table.hasStages && !table.stageNames.names.isEmpty
        let stageCount = hasStages ? table.stageNames.count : 1

        // Pass 1: customers and events per (touchpoint, stage), stage first-appearance ranks.
        var customers = [Int](repeating: 0, count: touchpointCount)
        var eventsInStage = [[Int]](repeating: [Int](repeating: 0, count: stageCount), count: touchpointCount)
        var stageRanks = [[Int]](repeating: [], count: stageCount)
        var stageFirstSeen = [Int](repeating: Int.max, count: stageCount)
        var seenIn = [Int](repeating: -1, count: touchpointCount)
        var stageSeenIn = [Int](repeating: -1, count: stageCount)
        for t in 0..<traceCount {
            var rank = 0
            for r in log.trace(t) {
                let a = Int(table.activities[r].rawValue)
                let s = hasStages ? Int(table.stages[r].rawValue) : 0
                eventsInStage[a][s] += 1
                if seenIn[a] != t { seenIn[a] = t; customers[a] += 1 }
                if stageSeenIn[s] != t {
                    stageSeenIn[s] = t
                    stageRanks[s].append(rank)
                    rank += 1
                    stageFirstSeen[s] = min(stageFirstSeen[s], r)
                }
            }
        }

        // Stages in typical order: median first-appearance rank, then mean rank, then first row.
        // The `(none)` stage (events without a stage) comes last.
        let noneRank = hasStages ? table.stageNames.noneID.map { Int($0) } ?? -1 : -1
        let stageOrder = (0..<stageCount).filter { !stageRanks[$0].isEmpty }.sorted { a, b in
            if (a == noneRank) != (b == noneRank) { return b == noneRank }
            let ma = median(stageRanks[a]), mb = median(stageRanks[b])
            if ma != mb { return ma < mb }
            let ea = mean(stageRanks[a]), eb = mean(stageRanks[b])
            if ea != eb { return ea < eb }
            return stageFirstSeen[a] < stageFirstSeen[b]
        }
        var stageRankOf = [Int](repeating: Int.max, count: stageCount)
        for (i, s) in stageOrder.enumerated() { stageRankOf[s] = i }

        // Units: each frequent touchpoint on its own, the rare ones grouped by home stage (the
        // stage holding most of the touchpoint's events).
        let threshold = max(1, Int((options.minCustomerShare * Double(traceCount)).rounded(.up)))
        var units: [(touchpoints: [Int], stage: Int, isGroup: Bool)] = []
        var unitOf = [Int](repeating: -1, count: touchpointCount)
        var groupOfStage = [Int](repeating: -1, count: stageCount)
        // Events without a stage (`(none)`) give a touchpoint its home only when it has no
        // event with a stage.
        let noneStage = hasStages ? table.stageNames.noneID.map { Int($0) } ?? -1 : -1
        for a in 0..<touchpointCount where customers[a] > 0 {
            var home = -1
            for s in stageOrder where s != noneStage && eventsInStage[a][s] > 0 && (home < 0 || eventsInStage[a][s] > eventsInStage[a][home]) { home = s }
            if home < 0 && noneStage >= 0 && eventsInStage[a][noneStage] > 0 { home = noneStage }
            guard home >= 0 else { continue }
            if customers[a] >= threshold {
                unitOf[a] = units.count
                units.append(([a], home, false))
            } else {
                if groupOfStage[home] < 0 { groupOfStage[home] = units.count; units.append(([], home, true)) }
                unitOf[a] = groupOfStage[home]
                units[groupOfStage[home]].touchpoints.append(a)
            }
        }
        // Pass 2: customers, first positions and starts per unit.
        var unitCustomers = [Int](repeating: 0, count: units.count)
        var firstPositions = [[Int]](repeating: [], count: units.count)
        var starts = [Int](repeating: 0, count: units.count)
        var unitSeenIn = [Int](repeating: -1, count: units.count)
        for t in 0..<traceCount {
            let rows = log.trace(t)
            for (position, r) in rows.enumerated() {
                let u = unitOf[Int(table.activities[r].rawValue)]
                guard u >= 0 else { continue }
                if unitSeenIn[u] != t {
                    unitSeenIn[u] = t
                    unitCustomers[u] += 1
                    firstPositions[u].append(position)
                }
            }
            if let first = rows.first, unitOf[Int(table.activities[first].rawValue)] >= 0 {
                starts[unitOf[Int(table.activities[first].rawValue)]] += 1
            }
        }
        // Steps: units enough customers have, by stage, typical first position, then most starts.
        var frequent: [(unit: Int, stage: Int, position: Double, spread: Double)] = []
        for u in units.indices where unitCustomers[u] >= threshold {
            frequent.append((u, units[u].stage, median(firstPositions[u]), mean(firstPositions[u])))
        }
        frequent.sort { x, y in
            if stageRankOf[x.stage] != stageRankOf[y.stage] { return stageRankOf[x.stage] < stageRankOf[y.stage] }
            if x.position != y.position { return x.position < y.position }
            if x.spread != y.spread { return x.spread < y.spread }
            if starts[x.unit] != starts[y.unit] { return starts[x.unit] > starts[y.unit] }
            return x.unit < y.unit
        }
        // Touchpoint → step index.
        var stepOfUnit = [Int](repeating: -1, count: units.count)
        for (i, f) in frequent.enumerated() { stepOfUnit[f.unit] = i }
        let stepOf = unitOf.map { $0 >= 0 ? stepOfUnit[$0] : -1 }
        let k = frequent.count
        let stageOfStep = frequent.map { stageRankOf[$0.stage] }

        // Pass 2: over mapped events only — step customers, transitions, self-loops, ends.
        var stepCustomers = [Int](repeating: 0, count: k)
        var stepEvents = [Int](repeating: 0, count: k)
        var selfLoops = [Int](repeating: 0, count: k)
        var firstStep = [Int](repeating: 0, count: k)
        var lastStep = [Int](repeating: 0, count: k)
        var transitions = [[Int]](repeating: [Int](repeating: 0, count: k), count: k)
        var reached = [Int](repeating: 0, count: stageOrder.count)
        var stepSeenIn = [Int](repeating: -1, count: k)
        for t in 0..<traceCount {
            var previous = -1
            var furthest = -1
            var touchedNone = -1
            for r in log.trace(t) {
                let s = stepOf[Int(table.activities[r].rawValue)]
                guard s >= 0 else { continue }
                stepEvents[s] += 1
                if stepSeenIn[s] != t { stepSeenIn[s] = t; stepCustomers[s] += 1 }
                if previous < 0 { firstStep[s] += 1 }
                else if previous == s { selfLoops[s] += 1 }
                else { transitions[previous][s] += 1 }
                // A step of the `(none)` stage reaches only that stage.
                if units[frequent[s].unit].stage == noneRank { touchedNone = stageOfStep[s] } else { furthest = max(furthest, stageOfStep[s]) }
                previous = s
            }
            if previous >= 0 { lastStep[previous] += 1 }
            if furthest >= 0 { for stage in 0...furthest { reached[stage] += 1 } }
            if touchedNone >= 0 { reached[touchedNone] += 1 }
        }

        // Flow: frequent transitions, start alternatives on the first step, then reachability.
        var successors = [[Int]](repeating: [], count: k)
        for a in 0..<k {
            let out = transitions[a].reduce(0, +)
            guard out > 0 else { continue }
            for b in 0..<k where b != a && transitions[a][b] > 0 && Double(transitions[a][b]) >= options.flowShare * Double(out) {
                successors[a].append(b)
            }
        }
        if k > 0 {
            let startThreshold = options.startShare * Double(traceCount)
            for b in 1..<max(1, k) where Double(firstStep[b]) >= startThreshold && !successors[0].contains(b) {
                successors[0].append(b)
            }
        }
        ensureReachable(&successors, transitions: transitions)
        for a in 0..<k { successors[a].sort() }

        // Goals: the step of the last stage that ends the most journeys, and every step of
        // the later half of the map that ends at least half as many and is mostly terminal
        // (at least half of its customers end there). Groups of rare touchpoints never are.
        var goals: Set<Int> = []
        let isGroup = frequent.map { units[$0.unit].isGroup }
        // Nor are steps of the `(none)` stage (touchpoints seen only without a stage).
        let eligible = (0..<k).filter { !isGroup[$0] && units[frequent[$0].unit].stage != noneRank }
        if let lastStage = eligible.last.map({ stageOfStep[$0] }) {
            let lateSteps = eligible.filter { stageOfStep[$0] == lastStage }
            let candidates = lateSteps.filter { lastStep[$0] > 0 }
            if let best = (candidates.isEmpty ? lateSteps : candidates).max(by: { lastStep[$0] < lastStep[$1] || (lastStep[$0] == lastStep[$1] && $0 > $1) }) {
                goals.insert(best)
                for s in eligible where s >= k / 2 && lastStep[s] > 0 && 2 * lastStep[s] >= lastStep[best] && 2 * lastStep[s] >= stepCustomers[s] {
                    goals.insert(s)
                }
            }
        }

        // Ids, names, patterns.
        var used: Set<String> = []
        var stages: [JourneyMap.Stage] = []
        var stageIds: [String] = []
        for s in stageOrder {
            let label = hasStages ? table.stageName(StageID(rawValue: UInt32(s))) : "journey"
            let id = uniqueID(label, fallback: "stage", used: &used)
            stageIds.append(id)
            stages.append(JourneyMap.Stage(id: id, name: label, steps: 0..<0))
        }
        var steps: [JourneyMap.Step] = []
        for (i, f) in frequent.enumerated() {
            let unit = units[f.unit]
            let names = unit.touchpoints.map { table.activityName(ActivityID(rawValue: UInt32($0))) }
            let stageIndex = stageOfStep[i]
            let label: String
            if unit.isGroup {
                label = "Other \(stages[stageIndex].name) touchpoints"
            } else {
                label = names.first ?? "step"
            }
            let id = uniqueID(unit.isGroup ? "other " + stageIds[stageIndex] : label, fallback: "step", used: &used)
            let patterns = names.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
                .compactMap { try? TouchpointPattern(JourneyMap.exactPattern(for: $0)) }
            let required = !unit.isGroup && Double(stepCustomers[i]) >= options.requiredShare * Double(max(1, reached[stageIndex]))
            let repeatable = stepEvents[i] > 0 && Double(selfLoops[i]) >= options.repeatShare * Double(stepEvents[i])
            steps.append(JourneyMap.Step(id: id, name: label, stage: stageIndex, touchpoints: patterns, isOptional: !required,
                                         isRepeatable: repeatable, isGoal: goals.contains(i)))
        }
        // Stage ranges (steps are sorted by stage); stages without steps are dropped.
        var kept: [JourneyMap.Stage] = []
        var renumber = [Int](repeating: 0, count: stages.count)
        for (index, var stage) in stages.enumerated() {
            let range = steps.indices.filter { steps[$0].stage == index }
            guard let lo = range.first, let hi = range.last else { continue }
            stage.steps = lo..<(hi + 1)
            renumber[index] = kept.count
            kept.append(stage)
        }
        for i in steps.indices { steps[i].stage = renumber[steps[i].stage] }
        let explicit = (0..<k).map { successors[$0] != ($0 + 1 < k ? [$0 + 1] : []) }
        return JourneyMap(name: name, stages: kept, steps: steps, successors: successors, flowIsExplicit: explicit)
    }

    /// Adds, while some step cannot be reached from the first, the most frequent transition
    /// from a reachable step into an unreachable one (or, with none observed, an edge from
    /// the step before it in file order).
    private func ensureReachable(_ successors: inout [[Int]], transitions: [[Int]]) {
        let k = successors.count
        guard k > 0 else { return }
        while true {
            var reachable = [Bool](repeating: false, count: k)
            reachable[0] = true
            var stack = [0]
            while let a = stack.popLast() {
                for b in successors[a] where !reachable[b] { reachable[b] = true; stack.append(b) }
            }
            guard let firstMissing = reachable.firstIndex(of: false) else { return }
            var best: (from: Int, to: Int, count: Int)?
            for a in 0..<k where reachable[a] {
                for b in 0..<k where !reachable[b] && transitions[a][b] > 0 {
                    if best == nil || transitions[a][b] > (best?.count ?? 0) { best = (a, b, transitions[a][b]) }
                }
            }
            if let best {
                successors[best.from].append(best.to)
            } else {
                // The nearest reachable step before it in file order.
                let from = (0..<firstMissing).last { reachable[$0] } ?? 0
                successors[from].append(firstMissing)
            }
        }
    }

    /// A lowercase snake_case id from `label`, unique among `used` (`_2`, `_3`, … appended).
    private func uniqueID(_ label: String, fallback: String, used: inout Set<String>) -> String {
        var base = JourneyMap.snakeCaseID(label)
        if base.isEmpty { base = fallback }
        if let first = base.unicodeScalars.first, first.value >= 0x30 && first.value <= 0x39 { base = fallback + "_" + base }
        var id = base
        var n = 2
        while used.contains(id) {
            id = base + "_\(n)"
            n += 1
        }
        used.insert(id)
        return id
    }

    private func median(_ values: [Int]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let m = sorted.count / 2
        return sorted.count % 2 == 1 ? Double(sorted[m]) : Double(sorted[m - 1] + sorted[m]) / 2
    }

    private func mean(_ values: [Int]) -> Double {
        values.isEmpty ? 0 : Double(values.reduce(0, +)) / Double(values.count)
    }
}

extension JourneyMap {
    /// `label` as a lowercase snake_case id: accents removed, every run of characters other
    /// than ASCII letters and digits becomes one `_`, no `_` at either end. May be empty.
    public static func snakeCaseID(_ label: String) -> String {
        #if canImport(Foundation)
        let folded = label.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
        #else
        let folded = label.lowercased()
        #endif
        var id = ""
        var pendingUnderscore = false
        for scalar in folded.unicodeScalars {
            var v = scalar.value
            if v >= 0x41 && v <= 0x5A { v += 0x20 }
            let isWord = (v >= 0x61 && v <= 0x7A) || (v >= 0x30 && v <= 0x39)
            if isWord, let lower = Unicode.Scalar(v) {
                if pendingUnderscore && !id.isEmpty { id += "_" }
                pendingUnderscore = false
                id.unicodeScalars.append(lower)
            } else {
                pendingUnderscore = true
            }
        }
        return id
    }
}
