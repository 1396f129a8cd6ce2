import TouchstoneIngest
import TouchstoneTraces

/// The verdict on one customer (journey-semantics points 7–12).
public struct CustomerVerdict: Sendable, Equatable {
    public var trace: TraceID
    /// The customer id as written in the input.
    public var customer: String
    public var fitness: Double
    public var conformant: Bool
    public var outcome: Outcome
    /// Distinct deviations, by type (report order) then detail.
    public var deviations: [Deviation]
}

/// What `ConformanceChecker.check` should do besides the map.
public struct CheckOptions: Sendable, Equatable {
    /// A customer without a goal whose last row is at most this long before `asOf` is
    /// `in_progress`, µs (default 30 days, inclusive).
    public var inProgressWindow: Int64 = 30 * 86_400_000_000
    /// The end of the log for outcomes, µs since the Unix epoch; nil: the latest timestamp of
    /// any event in the log (before the segment applies).
    public var asOf: Int64?
    /// Attribute (name in `EventTable.attributeNames`) whose value on each customer's first
    /// event groups the key figures; nil: no groups.
    public var groupBy: String?
    public init(inProgressWindow: Int64 = 30 * 86_400_000_000, asOf: Int64? = nil, groupBy: String? = nil) {
        self.inProgressWindow = inProgressWindow
        self.asOf = asOf
        self.groupBy = groupBy
    }
}

/// A check that cannot run on this log.
public enum ConformanceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The map's `segment` or `--by` names an attribute the log does not carry.
    case attributeMissing(String, available: [String])
    public var description: String {
        switch self {
        case .attributeMissing(let name, let available):
            return "the log has no attribute '\(name)'" + (available.isEmpty ? "" : " (mapped: \(available.joined(separator: ", ")))") + "; map its column with --attribute \(name)"
        }
    }
}

/// Checks every customer of a log against a journey map.
///
/// Alignments and sequence-only rules are computed once per distinct touchpoint variant
/// (`TraceVariants`); timing, the `response` rule and outcomes per customer, streaming over
/// the traces into a `ConformanceSummary`.
///
/// Cost: O(events) for the per-customer pass plus O(variant events × steps) for alignments;
/// memory: the variant grouping (4 bytes per customer), one verdict per variant, and the
/// summary (8 bytes per mapped transition for exact duration medians).
public struct ConformanceChecker: Sendable {
    public let map: JourneyMap
    public let aligner: JourneyAligner
    /// Per touchpoint id: its step, -1 unmapped, -2 ignored.
    public let stepOfTouchpoint: [Int32]
    /// Per `never` rule, per touchpoint id: whether the rule's pattern matches.
    private let neverMatches: [[Bool]]

    public init(map: JourneyMap, touchpoints names: SymbolTable) {
        self.map = map
        aligner = JourneyAligner(map: map)
        stepOfTouchpoint = TouchstoneConformance.stepOfTouchpoint(map, names: names)
        var never: [[Bool]] = []
        for rule in map.rules {
            if case .never(let pattern, _) = rule {
                never.append((0..<names.count).map { pattern.matches(names.name(UInt32($0))) })
            }
        }
        neverMatches = never
    }

    /// Checks `log`.
    ///
    /// - Parameter verdict: called once per checked customer, in trace order, when given.
    /// - Throws: `ConformanceError.attributeMissing` when the segment or `groupBy` names an
    ///   attribute the log lacks.
    public func check(_ log: EventLog, options: CheckOptions = CheckOptions(),
                      verdict: ((CustomerVerdict) -> Void)? = nil) throws(ConformanceError) -> ConformanceSummary {
        let table = log.events
        let asOf = options.asOf ?? table.timestamps.max() ?? 0
        var summary = ConformanceSummary(asOf: asOf, inProgressWindow: options.inProgressWindow)
        // Segment: every condition needs an event with the value.
        var conditions: [(column: Int, value: UInt32?)] = []
        for c in map.segment {
            guard let column = table.attributeNames.firstIndex(of: c.attribute) else {
                throw .attributeMissing(c.attribute, available: table.attributeNames)
            }
            conditions.append((column, table.attributeValueNames[column].lookup(c.value)))
        }
        var groupColumn: Int?
        if let g = options.groupBy {
            guard let column = table.attributeNames.firstIndex(of: g) else { throw .attributeMissing(g, available: table.attributeNames) }
            groupColumn = column
        }
        let variants = TraceVariants(touchpointsOf: log)
        var cache = [VariantVerdict?](repeating: nil, count: variants.count)
        var accumulator = Accumulator(map: map, touchpointCount: table.activityNames.count)
        var groups: [UInt32: KeyFigures] = [:]
        var scratch = JourneyAligner.Scratch()
        var keys: [DeviationKey] = []
        table.timestamps.withUnsafeBufferPointer { ts in
            table.activities.withUnsafeBufferPointer { acts in
                for t in 0..<log.traceCount {
                    let rows = log.trace(t)
                    if rows.isEmpty { continue }
                    if !conditions.isEmpty && !inSegment(table, rows, conditions) { continue }
                    let v = variants.variantOfTrace[t].index
                    if cache[v] == nil { cache[v] = variantVerdict(acts, rows, &scratch) }
                    guard let shared = cache[v] else { continue }
                    keys.removeAll(keepingCapacity: true)
                    keys.append(contentsOf: shared.deviationKeys)
                    let outcome = customerPass(ts, acts, rows, shared, asOf: asOf, window: options.inProgressWindow,
                                               trace: Int32(truncatingIfNeeded: t), &keys, &accumulator)
                    keys.sort()
                    let conformant = shared.cost == 0 && keys.isEmpty
                    accumulator.addCustomer(shared, outcome: outcome, keys: keys, variantKeys: shared.deviationCounts, conformant: conformant)
                    if let groupColumn {
                        let value = table.attributes[groupColumn][rows.lowerBound].rawValue
                        groups[value, default: KeyFigures()].add(fitness: shared.fitness, conformant: conformant, outcome: outcome, keys: keys)
                    }
                    summary.events += shared.events
                    summary.ignoredEvents += rows.count - shared.events
                    summary.firstEvent = min(summary.firstEvent ?? ts[rows.lowerBound], ts[rows.lowerBound])
                    summary.lastEvent = max(summary.lastEvent ?? ts[rows.upperBound - 1], ts[rows.upperBound - 1])
                    if let verdict {
                        var distinct: [Deviation] = []
                        var previous: DeviationKey?
                        for k in keys where k != previous {
                            distinct.append(Deviation(k.type, name(of: k.subject, table)))
                            previous = k
                        }
                        distinct.sort()
                        var unique: [Deviation] = []
                        for d in distinct where unique.last != d { unique.append(d) }
                        verdict(CustomerVerdict(trace: TraceID(t), customer: table.caseName(log.traceCases[t]), fitness: shared.fitness,
                                                conformant: conformant, outcome: outcome, deviations: unique))
                    }
                }
            }
        }
        accumulator.finish(into: &summary, table: table, checker: self)
        if let groupColumn {
            for (value, figures) in groups { summary.groups[table.attributeValueNames[groupColumn].name(value), default: KeyFigures()].merge(figures) }
        }
        return summary
    }

    /// The display name of a deviation's subject.
    func name(of subject: DeviationSubject, _ table: EventTable) -> String {
        switch subject {
        case .step(let s): map.steps[s].id
        case .stage(let s): map.stages[s].id
        case .touchpoint(let a): table.activityName(ActivityID(rawValue: a))
        case .rule(let r): r
        case .none: "-"
        }
    }

    private func inSegment(_ table: EventTable, _ rows: Range<Int>, _ conditions: [(column: Int, value: UInt32?)]) -> Bool {
        for (column, value) in conditions {
            guard let value else { return false }
            let values = table.attributes[column]
            var found = false
            for r in rows where values[r].rawValue == value { found = true; break }
            if !found { return false }
        }
        return true
    }

    /// Everything that depends only on the touchpoint sequence.
    struct VariantVerdict {
        var cost: Int
        /// Events checked (ignored ones removed).
        var events: Int
        var fitness: Double
        /// Distinct deviation keys of the sequence (alignment, unmapped touchpoints, sequence rules).
        var deviationKeys: [DeviationKey]
        /// Occurrences of each distinct key (parallel to `deviationKeys`).
        var deviationCounts: [Int]
        var reachedGoal: Bool
        /// Step of the last mapped event; -1 when none.
        var lastMappedStep: Int
        /// Distinct steps reached, ascending.
        var stepsReached: [Int]
        /// Distinct stages reached, ascending.
        var stagesReached: [Int]
    }

    private func variantVerdict(_ acts: UnsafeBufferPointer<ActivityID>, _ rows: Range<Int>, _ scratch: inout JourneyAligner.Scratch) -> VariantVerdict {
        var steps: [Int32] = []
        steps.reserveCapacity(rows.count)
        var occurrences: [DeviationKey: Int] = [:]
        var reached = Set<Int>()
        var stepCounts = [Int](repeating: 0, count: map.steps.count)
        var reachedGoal = false
        var last = -1
        for r in rows {
            let a = acts[r].index
            let s = stepOfTouchpoint[a]
            if s == -2 { continue }
            steps.append(s)
            for (k, matches) in neverMatches.enumerated() where matches[a] {
                _ = k
                occurrences[DeviationKey(.ruleViolated, .rule("never")), default: 0] += 1
            }
            if s >= 0 {
                let step = Int(s)
                reached.insert(step)
                stepCounts[step] += 1
                if map.steps[step].isGoal { reachedGoal = true }
                last = step
            } else {
                occurrences[DeviationKey(.unmappedTouchpoint, .touchpoint(UInt32(a))), default: 0] += 1
            }
        }
        let alignment = aligner.align(steps, &scratch)
        for d in alignment.deviations { occurrences[DeviationKey(d.type, .step(d.step)), default: 0] += 1 }
        // Sequence-only rules.
        for rule in map.rules {
            switch rule {
            case .precedence(let first, let then, _):
                var seenFirst = false
                for s in steps {
                    // Test before noting `first`: a B event needs a strictly earlier A event,
                    // so with A = B the first occurrence is a violation.
                    if s == then && !seenFirst { occurrences[DeviationKey(.ruleViolated, .rule("precedence")), default: 0] += 1 }
                    if s == first { seenFirst = true }
                }
            case .atMost(let step, let times, _):
                if stepCounts[step] > times { occurrences[DeviationKey(.ruleViolated, .rule("at_most")), default: 0] += 1 }
            case .never, .response:
                break
            }
        }
        let sorted = occurrences.keys.sorted()
        return VariantVerdict(cost: alignment.cost, events: steps.count, fitness: aligner.fitness(cost: alignment.cost, events: steps.count),
                              deviationKeys: sorted, deviationCounts: sorted.map { occurrences[$0] ?? 0 },
                              reachedGoal: reachedGoal, lastMappedStep: last, stepsReached: reached.sorted(),
                              stagesReached: Set(reached.map { map.steps[$0].stage }).sorted())
    }

    /// Timing, `response` rules, transitions and the outcome of one customer; appends its own
    /// deviation keys to `keys`.
    private func customerPass(_ ts: UnsafeBufferPointer<Int64>, _ acts: UnsafeBufferPointer<ActivityID>, _ rows: Range<Int>,
                              _ shared: VariantVerdict, asOf: Int64, window: Int64, trace: Int32,
                              _ keys: inout [DeviationKey], _ accumulator: inout Accumulator) -> Outcome {
        var previousStep = -1
        var previousTime: Int64 = 0
        var visitStage = -1
        var visitStart: Int64 = 0
        var visitLast: Int64 = 0
        for r in rows {
            let s = Int(stepOfTouchpoint[acts[r].index])
            if s < 0 { continue }
            let time = ts[r]
            let step = map.steps[s]
            if previousStep >= 0 {
                let wait = time &- previousTime
                if let limit = step.within, wait > limit { accumulator.count(DeviationKey(.tooSlow, .step(s)), &keys) }
                accumulator.transition(from: previousStep, to: s, duration: wait, trace: trace)
                accumulator.wait(step: s, wait)
            }
            accumulator.stepEvent(s)
            if step.stage != visitStage {
                closeVisit(visitStage, visitStart, visitLast, &keys, &accumulator)
                visitStage = step.stage
                visitStart = time
            }
            visitLast = time
            previousStep = s
            previousTime = time
        }
        closeVisit(visitStage, visitStart, visitLast, &keys, &accumulator)
        // response rules: the first later `then` event must come within the limit.
        for rule in map.rules {
            guard case .response(let ifStep, let thenStep, let within, _) = rule else { continue }
            var nextThen: Int64?
            var violated = 0
            var r = rows.upperBound - 1
            while r >= rows.lowerBound {
                let s = Int(stepOfTouchpoint[acts[r].index])
                if s == ifStep {
                    if let next = nextThen {
                        if let within, next &- ts[r] > within { violated += 1 }
                    } else {
                        violated += 1
                    }
                }
                if s == thenStep { nextThen = ts[r] }
                r -= 1
            }
            if violated > 0 { accumulator.count(DeviationKey(.ruleViolated, .rule("response")), &keys, events: violated) }
        }
        if shared.reachedGoal { return .completed }
        let lastRow = ts[rows.upperBound - 1]
        if asOf &- lastRow <= window { return .inProgress }
        let key = shared.lastMappedStep >= 0 ? DeviationKey(.droppedOut, .step(shared.lastMappedStep)) : DeviationKey(.droppedOut, .none)
        accumulator.count(key, &keys)
        return .droppedOut
    }

    private func closeVisit(_ stage: Int, _ start: Int64, _ last: Int64, _ keys: inout [DeviationKey], _ accumulator: inout Accumulator) {
        guard stage >= 0, let limit = map.stages[stage].within, last &- start > limit else { return }
        accumulator.count(DeviationKey(.tooSlow, .stage(stage)), &keys)
    }
}

extension KeyFigures {
    mutating func add(fitness: Double, conformant: Bool, outcome: Outcome, keys: [DeviationKey]) {
        customers += 1
        if conformant { self.conformant += 1 }
        fitnessSum += fitness
        outcomes[outcome.rawValue] += 1
        var previous: DeviationType?
        for k in keys where k.type != previous {
            deviationCustomers[k.type.rawValue] += 1
            previous = k.type
        }
    }
}

/// Id-keyed counters of one check, turned into a name-keyed summary at the end.
struct Accumulator {
    let map: JourneyMap
    let stepCount: Int
    var figures = KeyFigures()
    var fitnessCounts: [Double: Int] = [:]
    var deviationEvents: [DeviationKey: DeviationTally] = [:]
    /// Per-customer occurrences of per-customer keys, reset for each customer.
    var pendingEvents: [DeviationKey: Int] = [:]
    /// Per `from * stepCount + to`: index into `transitions`, -1 when not taken yet.
    var transitionSlot: [Int32]
    var transitions: [TransitionTally] = []
    var transitionPairs: [Int] = []
    var transitionLastTrace: [Int32] = []
    var stepEvents: [Int]
    var stepCustomers: [Int]
    var stepWaits: [[Int64]]
    var stageReached: [Int]
    var stageDropped: [Int]
    var moments: [Int: MomentTally] = [:]
    let momentSteps: [Int]

    init(map: JourneyMap, touchpointCount: Int) {
        self.map = map
        momentSteps = map.steps.indices.filter { map.steps[$0].isMomentOfTruth }
        stepCount = map.steps.count
        transitionSlot = [Int32](repeating: -1, count: stepCount * stepCount)
        stepEvents = [Int](repeating: 0, count: stepCount)
        stepCustomers = stepEvents
        stepWaits = [[Int64]](repeating: [], count: stepCount)
        stageReached = [Int](repeating: 0, count: map.stages.count)
        stageDropped = stageReached
    }

    /// One occurrence of a per-customer deviation.
    mutating func count(_ key: DeviationKey, _ keys: inout [DeviationKey], events: Int = 1) {
        if pendingEvents[key] == nil { keys.append(key) }
        pendingEvents[key, default: 0] += events
    }

    mutating func transition(from: Int, to: Int, duration: Int64, trace: Int32) {
        let k = from * stepCount + to
        var slot = Int(transitionSlot[k])
        if slot < 0 {
            slot = transitions.count
            transitionSlot[k] = Int32(slot)
            transitions.append(TransitionTally())
            transitionPairs.append(k)
            transitionLastTrace.append(-1)
        }
        transitions[slot].count += 1
        if transitionLastTrace[slot] != trace { transitionLastTrace[slot] = trace; transitions[slot].customers += 1 }
        transitions[slot].durations.append(duration)
    }

    mutating func wait(step: Int, _ duration: Int64) { stepWaits[step].append(duration) }
    mutating func stepEvent(_ step: Int) { stepEvents[step] += 1 }

    mutating func addCustomer(_ shared: ConformanceChecker.VariantVerdict, outcome: Outcome, keys: [DeviationKey],
                              variantKeys: [Int], conformant: Bool) {
        figures.add(fitness: shared.fitness, conformant: conformant, outcome: outcome, keys: keys)
        fitnessCounts[shared.fitness, default: 0] += 1
        // Occurrences: the variant's counts plus this customer's own; customers once per key.
        var previous: DeviationKey?
        for k in keys where k != previous {
            previous = k
            var tally = deviationEvents[k] ?? DeviationTally()
            tally.customers += 1
            if let i = binarySearch(shared.deviationKeys, k) { tally.events += shared.deviationCounts[i] }
            tally.events += pendingEvents[k] ?? 0
            deviationEvents[k] = tally
        }
        pendingEvents.removeAll(keepingCapacity: true)
        for s in shared.stepsReached { stepCustomers[s] += 1 }
        for stage in shared.stagesReached { stageReached[stage] += 1 }
        if outcome == .droppedOut, shared.lastMappedStep >= 0 { stageDropped[map.steps[shared.lastMappedStep].stage] += 1 }
        for s in momentSteps {
            var m = moments[s] ?? MomentTally()
            let reached = binarySearch(shared.stepsReached, s) != nil
            if reached {
                m.reached += 1
                if outcome == .completed { m.reachedCompleted += 1 }
            } else {
                m.notReached += 1
                if outcome == .completed { m.notReachedCompleted += 1 }
            }
            moments[s] = m
        }
    }

    private func binarySearch<T: Comparable>(_ a: [T], _ x: T) -> Int? {
        var lo = 0, hi = a.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if a[mid] < x { lo = mid + 1 } else { hi = mid }
        }
        return lo < a.count && a[lo] == x ? lo : nil
    }

    func finish(into summary: inout ConformanceSummary, table: EventTable, checker: ConformanceChecker) {
        summary.figures = figures
        summary.fitnessCounts = fitnessCounts
        for (k, tally) in deviationEvents {
            summary.deviationsByStep[Deviation(k.type, checker.name(of: k.subject, table))] = tally
        }
        for (k, tally) in zip(transitionPairs, transitions) {
            summary.transitions[StepPair(map.steps[k / stepCount].id, map.steps[k % stepCount].id)] = tally
        }
        for (s, step) in map.steps.enumerated() {
            if stepCustomers[s] > 0 { summary.stepCustomers[step.id] = stepCustomers[s] }
            if stepEvents[s] > 0 { summary.stepEvents[step.id] = stepEvents[s] }
            if !stepWaits[s].isEmpty { summary.stepWaits[step.id] = stepWaits[s] }
        }
        for (i, stage) in map.stages.enumerated() where stageReached[i] > 0 || stageDropped[i] > 0 {
            var t = StageTally()
            t.reached = stageReached[i]
            t.droppedOut = stageDropped[i]
            summary.stages[stage.id] = t
        }
        for (s, m) in moments { summary.moments[map.steps[s].id] = m }
    }
}
