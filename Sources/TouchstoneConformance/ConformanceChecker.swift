import Dispatch
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
    /// Attribute whose numeric values (CSAT, NPS, rating) are averaged per step
    /// (`ConformanceSummary.stepScores`); values that are not numbers are skipped. nil: none.
    public var score: String?
    /// Collect what only the report shows: customers per touchpoint variant
    /// (`ConformanceSummary.variants`, O(variant events) memory), the touchpoint × channel cards
    /// (`cells`) and example customers per deviation (`deviationExamples`). Off, `check` costs
    /// what it did before the report.
    public var reportDetails = false
    /// With `reportDetails`: keep only this many variants in `ConformanceSummary.variants`, the
    /// most frequent (customers descending, then touchpoints bytewise: the order of
    /// `JourneyReport.topVariants`), and count the others in `VariantCounts.omitted`. The
    /// variants are then picked by id and only the kept ones are named, so a page costs no
    /// memory per variant. nil: keep every variant (exact under `merge`).
    public var variantLimit: Int?
    public init(inProgressWindow: Int64 = 30 * 86_400_000_000, asOf: Int64? = nil, groupBy: String? = nil,
                score: String? = nil, reportDetails: Bool = false, variantLimit: Int? = nil) {
        self.inProgressWindow = inProgressWindow
        self.asOf = asOf
        self.groupBy = groupBy
        self.score = score
        self.reportDetails = reportDetails
        self.variantLimit = variantLimit
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
/// Alignments and sequence-only rules (`never`, `precedence`, `at_most`) are computed once per
/// distinct touchpoint variant (`TraceVariants`), split over two threads; timing, the
/// `response` rule and outcomes per customer, streaming over the traces. Everything that
/// depends only on the variant (deviation counts, steps and stages reached, moments of truth)
/// is added once per variant, weighted by its customers.
///
/// Cost: O(events) for the per-customer pass plus O(variant events × steps) for alignments.
/// Memory: 4 bytes per customer for the grouping, about 40 bytes per variant plus its distinct
/// deviations and steps, and 8 bytes per mapped transition for exact duration medians.
public struct ConformanceChecker: Sendable {
    public let map: JourneyMap
    public let aligner: JourneyAligner
    /// Per touchpoint id: its step, -1 unmapped, -2 ignored.
    public let stepOfTouchpoint: [Int32]
    /// Per touchpoint id: whether any `never` rule's pattern matches it.
    private let neverMatches: [Bool]
    // The map as flat arrays, for the per-customer pass.
    private let stepStage: [Int]
    /// µs, `Int64.max` without a limit.
    private let stepWithin: [Int64]
    private let stageWithin: [Int64]
    private let responses: [(ifStep: Int, thenStep: Int, within: Int64)]
    private let precedences: [(first: Int32, then: Int32)]
    private let atMosts: [(step: Int, times: Int)]

    public init(map: JourneyMap, touchpoints names: SymbolTable) {
        self.map = map
        aligner = JourneyAligner(map: map)
        stepOfTouchpoint = TouchstoneConformance.stepOfTouchpoint(map, names: names)
        let nevers = map.rules.compactMap { rule -> TouchpointPattern? in
            if case .never(let p, _) = rule { return p }
            return nil
        }
        neverMatches = (0..<names.count).map { id in
            nevers.isEmpty ? false : nevers.contains { $0.matches(names.name(UInt32(id))) }
        }
        stepStage = map.steps.map(\.stage)
        stepWithin = map.steps.map { $0.within ?? .max }
        stageWithin = map.stages.map { $0.within ?? .max }
        var responses: [(Int, Int, Int64)] = []
        var precedences: [(Int32, Int32)] = []
        var atMosts: [(Int, Int)] = []
        for rule in map.rules {
            switch rule {
            case .response(let a, let b, let w, _): responses.append((a, b, w ?? .max))
            case .precedence(let a, let b, _): precedences.append((Int32(a), Int32(b)))
            case .atMost(let s, let n, _): atMosts.append((s, n))
            case .never: break
            }
        }
        self.responses = responses
        self.precedences = precedences
        self.atMosts = atMosts
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
        var conditions: [SegmentColumn] = []
        for c in map.segment {
            switch c.attribute {
            case "touchpoint": conditions.append(.touchpoint(table.activityNames.lookup(c.value)))
            case "stage" where table.hasStages: conditions.append(.stage(table.stageNames.lookup(c.value)))
            case "channel" where table.hasChannels: conditions.append(.channel(table.channelNames.lookup(c.value)))
            default:
                guard let column = table.attributeNames.firstIndex(of: c.attribute) else {
                    throw .attributeMissing(c.attribute, available: table.attributeNames)
                }
                conditions.append(.attribute(column, table.attributeValueNames[column].lookup(c.value)))
            }
        }
        var groupColumn: Int?
        if let g = options.groupBy {
            guard let column = table.attributeNames.firstIndex(of: g) else { throw .attributeMissing(g, available: table.attributeNames) }
            groupColumn = column
        }
        var scoreValues: [Double]?
        var scoreColumn = 0
        if let name = options.score {
            guard let column = table.attributeNames.firstIndex(of: name) else { throw .attributeMissing(name, available: table.attributeNames) }
            scoreColumn = column
            scoreValues = table.attributeValueNames[column].names.map { ScoreValue.parse($0) ?? .nan }
        }
        let grouping = TraceVariants(touchpointsOf: log)
        // Which customers are checked, and so which variants are needed.
        var included = [Bool](repeating: conditions.isEmpty, count: log.traceCount)
        var needed = [Bool](repeating: false, count: grouping.count)
        for t in 0..<log.traceCount {
            if !conditions.isEmpty { included[t] = inSegment(table, log.trace(t), conditions) }
            if included[t] { needed[grouping.variantOfTrace[t].index] = true }
        }
        let variants = VariantTable(self, log, grouping, needed: needed)
        var accumulator = Accumulator(self, variantCount: grouping.count, reportDetails: options.reportDetails)
        var groupIndex: [UInt32: Int] = [:]
        var groups: [KeyFigures] = []
        var own: [(key: DeviationKey, events: Int)] = []
        var names = DeviationNames()
        var cells = CellCounter(touchpoints: options.reportDetails ? table.activityNames.count : 0, channels: table.hasChannels ? table.channelNames.count : 1)
        var scoreSums = [Double](repeating: 0, count: scoreValues == nil ? 0 : map.steps.count)
        var scoreCounts = [Int](repeating: 0, count: scoreSums.count)
        let noChannels = [ChannelID](), noScores = [AttributeValueID]()
        let channelColumn = table.hasChannels ? table.channels : noChannels
        let scoreColumnValues = scoreValues == nil ? noScores : table.attributes[scoreColumn]
        let details = options.reportDetails
        let order = details ? CaseOrder(log) : CaseOrder()
        table.timestamps.withUnsafeBufferPointer { ts in
          table.activities.withUnsafeBufferPointer { acts in
            channelColumn.withUnsafeBufferPointer { channels in
                for t in 0..<log.traceCount where included[t] {
                    let rows = log.trace(t)
                    let v = grouping.variantOfTrace[t].index
                    own.removeAll(keepingCapacity: true)
                    let outcome = customerPass(ts, acts, rows, variants, v, asOf: asOf, window: options.inProgressWindow,
                                               trace: Int32(truncatingIfNeeded: t), &own, &accumulator)
                    var mask = variants.typeMask[v]
                    for o in own { mask |= 1 << UInt8(o.key.type.rawValue) }
                    let conformant = variants.cost[v] == 0 && mask == 0
                    let fitness = variants.fitness[v]
                    accumulator.addCustomer(variant: v, outcome: outcome, mask: mask, own: own, conformant: conformant, fitness: fitness)
                    if details && mask != 0 { accumulator.addExample(trace: Int32(truncatingIfNeeded: t), variant: v, own: own, order) }
                    // Matrix cards and scores: one more walk over the rows, now that conformance is known.
                    if details {
                        cells.addTrace(rows, acts, channels, stepOfTouchpoint: stepOfTouchpoint, trace: Int32(truncatingIfNeeded: t),
                                       conformant: conformant)
                    }
                    if let scoreValues { for r in rows {
                        let s = stepOfTouchpoint[acts[r].index]
                        if s >= 0 {
                            let value = scoreValues[scoreColumnValues[r].index]
                            if !value.isNaN { scoreSums[Int(s)] += value; scoreCounts[Int(s)] += 1 }
                        }
                    } }
                    if let groupColumn {
                        let value = table.attributes[groupColumn][rows.lowerBound].rawValue
                        let g: Int
                        if let known = groupIndex[value] { g = known } else {
                            g = groups.count
                            groupIndex[value] = g
                            groups.append(KeyFigures())
                        }
                        groups[g].add(fitness: fitness, conformant: conformant, outcome: outcome, mask: mask)
                    }
                    summary.events += Int(variants.events[v])
                    summary.ignoredEvents += rows.count - Int(variants.events[v])
                    summary.firstEvent = min(summary.firstEvent ?? ts[rows.lowerBound], ts[rows.lowerBound])
                    summary.lastEvent = max(summary.lastEvent ?? ts[rows.upperBound - 1], ts[rows.upperBound - 1])
                    if let verdict {
                        // Variant and own keys are disjoint (own: too_slow, rule_violated:response,
                        // dropped_out); names come from a cache.
                        var deviations: [Deviation] = []
                        deviations.reserveCapacity(variants.keys(v).count + own.count)
                        for k in variants.keys(v) { deviations.append(names.deviation(k.key, self, table)) }
                        for o in own { deviations.append(names.deviation(o.key, self, table)) }
                        deviations.sort()
                        verdict(CustomerVerdict(trace: TraceID(t), customer: table.caseName(log.traceCases[t]), fitness: fitness,
                                                conformant: conformant, outcome: outcome, deviations: deviations))
                    }
                }
            }
          }
        }
        accumulator.finish(into: &summary, variants: variants, table: table, log: log, order: order, details: details)
        cells.finish(into: &summary, table: table, stepOfTouchpoint: stepOfTouchpoint, map: map)
        for s in scoreCounts.indices where scoreCounts[s] > 0 {
            summary.stepScores[map.steps[s].id] = ScoreTally(sum: scoreSums[s], events: scoreCounts[s])
        }
        if options.reportDetails {
            // Every touchpoint's encoded name once; then each variant is a few appends.
            let encoded = (0..<table.activityNames.count).map { id -> [UInt8] in
                var out: [UInt8] = []
                TouchpointVariant.append(table.activityNames.bytes(UInt32(id)), to: &out)
                return out
            }
            let bounds = log.traceBounds
            let kept = options.variantLimit.map { topVariants($0, grouping, accumulator.variantCustomers, log) }
                ?? (0..<grouping.count).filter { accumulator.variantCustomers[$0] > 0 }
            if options.variantLimit != nil {
                summary.variants.omitted = accumulator.variantCustomers.count { $0 > 0 } - kept.count
            }
            // Exact sizes first: the arena is written once, never regrown and copied.
            var bytes = 0
            table.activities.withUnsafeBufferPointer { acts in
                for v in kept {
                    let t = grouping.representative[v].index
                    for r in bounds[t]..<bounds[t + 1] { bytes += encoded[acts[r].index].count + 1 }
                }
            }
            summary.variants.reserveCapacity(kept.count, bytes: bytes)
            table.activities.withUnsafeBufferPointer { acts in
                for v in kept {
                    let t = grouping.representative[v].index
                    summary.variants.appendDistinct(ids: UnsafeBufferPointer(rebasing: acts[bounds[t]..<bounds[t + 1]]), encodedNames: encoded,
                                                    VariantTally(customers: accumulator.variantCustomers[v], conformant: accumulator.variantConformant[v],
                                                                 fitness: variants.fitness[v]))
                }
            }
        }
        if let groupColumn {
            for (value, g) in groupIndex {
                summary.groups[table.attributeValueNames[groupColumn].name(value), default: KeyFigures()].merge(groups[g])
            }
        }
        return summary
    }

    /// The `limit` most frequent variants among those with customers: customers descending,
    /// then touchpoint sequences name by name, bytewise, a prefix first (the order of
    /// `TouchpointVariant`'s encoded bytes), by one pass with a short sorted list.
    private func topVariants(_ limit: Int, _ grouping: TraceVariants, _ customers: [Int], _ log: EventLog) -> [Int] {
        let names = log.events.activityNames
        let acts = log.events.activities, bounds = log.traceBounds
        func before(_ a: Int, _ b: Int) -> Bool {
            if customers[a] != customers[b] { return customers[a] > customers[b] }
            let ta = grouping.representative[a].index, tb = grouping.representative[b].index
            let ra = bounds[ta]..<bounds[ta + 1], rb = bounds[tb]..<bounds[tb + 1]
            for k in 0..<min(ra.count, rb.count) {
                let x = acts[ra.lowerBound + k].rawValue, y = acts[rb.lowerBound + k].rawValue
                if x != y { return names.bytes(x).lexicographicallyPrecedes(names.bytes(y)) }
            }
            return ra.count < rb.count
        }
        var ranked: [Int] = []
        guard limit > 0 else { return ranked }
        for v in customers.indices where customers[v] > 0 {
            if ranked.count == limit, let last = ranked.last, !before(v, last) { continue }
            let at = ranked.firstIndex { before(v, $0) } ?? ranked.count
            ranked.insert(v, at: at)
            if ranked.count > limit { ranked.removeLast() }
        }
        return ranked
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

    /// Segment names that refer to the mapped roles rather than to attribute columns.
    public static let roleNames: Set<String> = ["touchpoint", "stage", "channel"]

    /// A segment condition resolved against the log: the column and the value's id (nil when
    /// no event has the value, so no customer qualifies).
    private enum SegmentColumn {
        case touchpoint(UInt32?), stage(UInt32?), channel(UInt32?), attribute(Int, UInt32?)
    }

    private func inSegment(_ table: EventTable, _ rows: Range<Int>, _ conditions: [SegmentColumn]) -> Bool {
        func any<ID: NodeIdentifier>(_ column: [ID], _ value: UInt32?) -> Bool {
            guard let value else { return false }
            for r in rows where column[r].rawValue == value { return true }
            return false
        }
        for c in conditions {
            let found: Bool
            switch c {
            case .touchpoint(let v): found = any(table.activities, v)
            case .stage(let v): found = any(table.stages, v)
            case .channel(let v): found = any(table.channels, v)
            case .attribute(let column, let v): found = any(table.attributes[column], v)
            }
            if !found { return false }
        }
        return true
    }

    /// Reusable buffers of `variantVerdict`; counters are reset through their touched lists,
    /// so a variant costs O(its events), however many touchpoints or steps there are.
    struct VariantScratch {
        var steps: [Int32] = []
        var stepCounts: [Int32] = []
        var reached: [Int32] = []
        /// Per touchpoint id: unmapped events of it; `unmappedTouched` lists the non-zero ones.
        var unmappedCounts: [Int32] = []
        var unmappedTouched: [Int32] = []
        /// Per alignment deviation type (skipped … repeated) × step: occurrences.
        var alignmentCounts: [Int32] = []
        var alignmentTouched: [Int32] = []
        var keys: [(key: DeviationKey, events: Int)] = []
        var aligner = JourneyAligner.Scratch()
    }

    /// Everything that depends only on the touchpoint sequence of the trace at `rows`; the
    /// distinct deviation keys with their occurrences end up in `scratch.keys`.
    func variantVerdict(_ acts: UnsafeBufferPointer<ActivityID>, _ rows: Range<Int>, _ scratch: inout VariantScratch)
        -> (cost: Int, events: Int, goal: Bool, last: Int32) {
        let stepCount = map.steps.count
        if scratch.stepCounts.count != stepCount {
            scratch.stepCounts = [Int32](repeating: 0, count: stepCount)
            scratch.alignmentCounts = [Int32](repeating: 0, count: 4 * stepCount)
        }
        if scratch.unmappedCounts.count != stepOfTouchpoint.count {
            scratch.unmappedCounts = [Int32](repeating: 0, count: stepOfTouchpoint.count)
        }
        scratch.steps.removeAll(keepingCapacity: true)
        scratch.keys.removeAll(keepingCapacity: true)
        for s in scratch.reached { scratch.stepCounts[Int(s)] = 0 }
        scratch.reached.removeAll(keepingCapacity: true)
        var goal = false
        var last: Int32 = -1
        var never = 0
        for r in rows {
            let a = acts[r].index
            let s = stepOfTouchpoint[a]
            if s == ignoredTouchpoint { continue }
            scratch.steps.append(s)
            if neverMatches[a] { never += 1 }
            if s >= 0 {
                if scratch.stepCounts[Int(s)] == 0 { scratch.reached.append(s) }
                scratch.stepCounts[Int(s)] += 1
                if map.steps[Int(s)].isGoal { goal = true }
                last = s
            } else {
                if scratch.unmappedCounts[a] == 0 { scratch.unmappedTouched.append(Int32(a)) }
                scratch.unmappedCounts[a] += 1
            }
        }
        for a in scratch.unmappedTouched {
            scratch.keys.append((DeviationKey(.unmappedTouchpoint, .touchpoint(UInt32(a))), Int(scratch.unmappedCounts[Int(a)])))
            scratch.unmappedCounts[Int(a)] = 0
        }
        scratch.unmappedTouched.removeAll(keepingCapacity: true)
        let cost = aligner.deviations(scratch.steps, &scratch.aligner)
        for d in scratch.aligner.found {
            // skipped_step … repeated_step are the first four types.
            let slot = d.type.rawValue * stepCount + Int(d.step)
            if scratch.alignmentCounts[slot] == 0 { scratch.alignmentTouched.append(Int32(slot)) }
            scratch.alignmentCounts[slot] += 1
        }
        for slot in scratch.alignmentTouched {
            let type = DeviationType(rawValue: Int(slot) / stepCount) ?? .skippedStep
            scratch.keys.append((DeviationKey(type, .step(Int(slot) % stepCount)), Int(scratch.alignmentCounts[Int(slot)])))
            scratch.alignmentCounts[Int(slot)] = 0
        }
        scratch.alignmentTouched.removeAll(keepingCapacity: true)
        if never > 0 { scratch.keys.append((DeviationKey(.ruleViolated, .rule("never")), never)) }
        var precedence = 0
        for (first, then) in precedences {
            var seenFirst = false
            for s in scratch.steps {
                if s == then && !seenFirst { precedence += 1 }
                if s == first { seenFirst = true }
            }
        }
        if precedence > 0 { scratch.keys.append((DeviationKey(.ruleViolated, .rule("precedence")), precedence)) }
        // at_most: the events beyond the limit.
        var beyond = 0
        for (step, times) in atMosts where Int(scratch.stepCounts[step]) > times { beyond += Int(scratch.stepCounts[step]) - times }
        if beyond > 0 { scratch.keys.append((DeviationKey(.ruleViolated, .rule("at_most")), beyond)) }
        return (cost, scratch.steps.count, goal, last)
    }

    /// Timing, `response` rules, transitions and the outcome of one customer; appends its own
    /// deviations (`too_slow`, `rule_violated:response`, `dropped_out`) to `own`.
    private func customerPass(_ ts: UnsafeBufferPointer<Int64>, _ acts: UnsafeBufferPointer<ActivityID>, _ rows: Range<Int>,
                              _ variants: VariantTable, _ v: Int, asOf: Int64, window: Int64, trace: Int32,
                              _ own: inout [(key: DeviationKey, events: Int)], _ accumulator: inout Accumulator) -> Outcome {
        func count(_ key: DeviationKey, _ n: Int = 1) {
            if let i = own.firstIndex(where: { $0.key == key }) { own[i].events += n } else { own.append((key, n)) }
        }
        var previousStep = -1
        var previousTime: Int64 = 0
        var visitStage = -1
        var visitStart: Int64 = 0
        var visitLast: Int64 = 0
        for r in rows {
            let s = Int(stepOfTouchpoint[acts[r].index])
            if s < 0 { continue }
            let time = ts[r]
            let stage = stepStage[s]
            if previousStep < 0 { accumulator.startCounts[s] += 1 }
            if previousStep >= 0 {
                let wait = time &- previousTime
                if wait > stepWithin[s] { count(DeviationKey(.tooSlow, .step(s))) }
                accumulator.transition(from: previousStep, to: s, duration: wait, trace: trace)
            }
            if stage != visitStage {
                if visitStage >= 0 && visitLast &- visitStart > stageWithin[visitStage] { count(DeviationKey(.tooSlow, .stage(visitStage))) }
                visitStage = stage
                visitStart = time
            }
            visitLast = time
            previousStep = s
            previousTime = time
        }
        if visitStage >= 0 && visitLast &- visitStart > stageWithin[visitStage] { count(DeviationKey(.tooSlow, .stage(visitStage))) }
        // response rules: the first later `then` event must come within the limit.
        for (ifStep, thenStep, within) in responses {
            var nextThen: Int64?
            var violated = 0
            var r = rows.upperBound - 1
            while r >= rows.lowerBound {
                let s = Int(stepOfTouchpoint[acts[r].index])
                if s == ifStep {
                    if let next = nextThen {
                        if next &- ts[r] > within { violated += 1 }
                    } else {
                        violated += 1
                    }
                }
                if s == thenStep { nextThen = ts[r] }
                r -= 1
            }
            if violated > 0 { count(DeviationKey(.ruleViolated, .rule("response")), violated) }
        }
        if variants.reachedGoal[v] { return .completed }
        let lastRow = ts[rows.upperBound - 1]
        if asOf &- lastRow <= window { return .inProgress }
        let last = Int(variants.lastMappedStep[v])
        count(last >= 0 ? DeviationKey(.droppedOut, .step(last)) : DeviationKey(.droppedOut, .none))
        return .droppedOut
    }
}

/// Names of deviation keys, resolved once each.
struct DeviationNames {
    private var cache: [DeviationKey: Deviation] = [:]
    mutating func deviation(_ key: DeviationKey, _ checker: ConformanceChecker, _ table: EventTable) -> Deviation {
        if let known = cache[key] { return known }
        let d = Deviation(key.type, checker.name(of: key.subject, table))
        cache[key] = d
        return d
    }
}

/// Per-variant verdicts in flat arrays, computed on two threads.
struct VariantTable: @unchecked Sendable {
    var cost: [Int32]
    var events: [Int32]
    var fitness: [Double]
    var reachedGoal: [Bool]
    var lastMappedStep: [Int32]
    /// Bit `DeviationType.rawValue` set when the variant has a deviation of that type.
    var typeMask: [UInt8]
    /// Distinct deviation keys with occurrences: variant v's are `keyArena[keyEnds[v-1] ..< keyEnds[v]]`.
    var keyArena: [(key: DeviationKey, events: Int)]
    var keyEnds: [Int]
    /// Distinct steps reached with their events: `stepArena[stepEnds[v-1] ..< stepEnds[v]]`.
    var stepArena: [(step: Int32, events: Int32)]
    var stepEnds: [Int]

    func keys(_ v: Int) -> ArraySlice<(key: DeviationKey, events: Int)> { keyArena[(v == 0 ? 0 : keyEnds[v - 1])..<keyEnds[v]] }
    func steps(_ v: Int) -> ArraySlice<(step: Int32, events: Int32)> { stepArena[(v == 0 ? 0 : stepEnds[v - 1])..<stepEnds[v]] }

    init(_ checker: ConformanceChecker, _ log: EventLog, _ grouping: TraceVariants, needed: [Bool]) {
        let count = grouping.count
        cost = [Int32](repeating: 0, count: count)
        events = cost
        fitness = [Double](repeating: 1, count: count)
        reachedGoal = [Bool](repeating: false, count: count)
        lastMappedStep = [Int32](repeating: -1, count: count)
        typeMask = [UInt8](repeating: 0, count: count)
        keyArena = []
        keyEnds = []
        stepArena = []
        stepEnds = []
        let parts = count < 4096 ? 1 : 2
        var partials = [Partial](repeating: Partial(), count: parts)
        let bounds = (0...parts).map { $0 * count / parts }
        let activities = log.events.activities
        cost.withUnsafeMutableBufferPointer { cost in
            events.withUnsafeMutableBufferPointer { events in
                fitness.withUnsafeMutableBufferPointer { fitness in
                    reachedGoal.withUnsafeMutableBufferPointer { goal in
                        lastMappedStep.withUnsafeMutableBufferPointer { last in
                            typeMask.withUnsafeMutableBufferPointer { mask in
                                partials.withUnsafeMutableBufferPointer { partials in
                                    activities.withUnsafeBufferPointer { acts in
                                        let job = Job(checker: checker, log: log, grouping: grouping, needed: needed, acts: acts,
                                                      cost: cost, events: events, fitness: fitness, goal: goal, last: last,
                                                      mask: mask, partials: partials)
                                        if parts == 1 {
                                            job.run(part: 0, bounds[0]..<bounds[1])
                                        } else {
                                            DispatchQueue.concurrentPerform(iterations: parts) { p in job.run(part: p, bounds[p]..<bounds[p + 1]) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        for p in partials {
            let keyBase = keyArena.count, stepBase = stepArena.count
            keyArena += p.keys
            stepArena += p.steps
            keyEnds += p.keyEnds.map { $0 + keyBase }
            stepEnds += p.stepEnds.map { $0 + stepBase }
        }
    }

    /// The variable-length results of one thread's range of variants.
    struct Partial {
        var keys: [(key: DeviationKey, events: Int)] = []
        var keyEnds: [Int] = []
        var steps: [(step: Int32, events: Int32)] = []
        var stepEnds: [Int] = []
    }

    /// One thread's share of the work; each writes only its own range and its own partial.
    private struct Job: @unchecked Sendable {
        let checker: ConformanceChecker
        let log: EventLog
        let grouping: TraceVariants
        let needed: [Bool]
        let acts: UnsafeBufferPointer<ActivityID>
        let cost: UnsafeMutableBufferPointer<Int32>
        let events: UnsafeMutableBufferPointer<Int32>
        let fitness: UnsafeMutableBufferPointer<Double>
        let goal: UnsafeMutableBufferPointer<Bool>
        let last: UnsafeMutableBufferPointer<Int32>
        let mask: UnsafeMutableBufferPointer<UInt8>
        let partials: UnsafeMutableBufferPointer<Partial>

        func run(part: Int, _ range: Range<Int>) {
            var scratch = ConformanceChecker.VariantScratch()
            var partial = Partial()
            for v in range {
                if needed[v] {
                    let rows = log.trace(grouping.representative[v].index)
                    let r = checker.variantVerdict(acts, rows, &scratch)
                    cost[v] = Int32(r.cost)
                    events[v] = Int32(r.events)
                    fitness[v] = checker.aligner.fitness(cost: r.cost, events: r.events)
                    goal[v] = r.goal
                    last[v] = r.last
                    var m: UInt8 = 0
                    for k in scratch.keys { m |= 1 << UInt8(k.key.type.rawValue) }
                    mask[v] = m
                    partial.keys += scratch.keys
                    for s in scratch.reached { partial.steps.append((s, scratch.stepCounts[Int(s)])) }
                }
                partial.keyEnds.append(partial.keys.count)
                partial.stepEnds.append(partial.steps.count)
            }
            partials[part] = partial
        }
    }
}

extension KeyFigures {
    /// Adds one customer; `mask` has bit `DeviationType.rawValue` set for each type it shows.
    mutating func add(fitness: Double, conformant: Bool, outcome: Outcome, mask: UInt8) {
        customers += 1
        if conformant { self.conformant += 1 }
        addFitness(fitness)
        outcomes[outcome.rawValue] += 1
        if mask != 0 {
            for t in 0..<deviationCustomers.count where mask & (1 << UInt8(t)) != 0 { deviationCustomers[t] += 1 }
        }
    }
}

/// Id-keyed counters of one check, turned into a name-keyed summary at the end.
struct Accumulator {
    let map: JourneyMap
    let stepCount: Int
    var figures = KeyFigures()
    /// Checked customers of each variant.
    var variantCustomers: [Int]
    /// Per-customer deviations (`too_slow`, `response`, `dropped_out`): occurrences and customers.
    var ownTallies: [DeviationKey: DeviationTally] = [:]
    /// Per `from * stepCount + to`: index into `transitions`, -1 when not taken yet.
    var transitionSlot: [Int32]
    var transitions: [TransitionTally] = []
    var transitionPairs: [Int] = []
    var transitionLastTrace: [Int32] = []
    var stageDropped: [Int]
    /// Customers whose first mapped event is each step.
    var startCounts: [Int]
    /// Conformant customers of each variant.
    var variantConformant: [Int]
    /// Per variant, `exampleLimit` slots of trace indices (-1 empty), bytewise smallest
    /// customer id first; filled for variants with deviations only.
    var variantExamples: [Int32]
    /// Per variant, the 8-byte prefix of its worst example once all slots are filled
    /// (`UInt64.max` before): a customer with a greater prefix cannot enter.
    var variantWorst: [UInt64]
    /// The same for per-customer deviations: `exampleLimit` slots at `ownExampleSlot[key]`.
    var ownExampleSlot: [DeviationKey: Int] = [:]
    /// The keys of `ownExampleSlot` in slot order.
    var ownExampleKeys: [DeviationKey] = []
    var ownExampleList: [Int32] = []

    init(_ checker: ConformanceChecker, variantCount: Int, reportDetails: Bool) {
        map = checker.map
        stepCount = map.steps.count
        variantCustomers = [Int](repeating: 0, count: variantCount)
        transitionSlot = [Int32](repeating: -1, count: stepCount * stepCount)
        stageDropped = [Int](repeating: 0, count: map.stages.count)
        variantConformant = [Int](repeating: 0, count: variantCount)
        startCounts = [Int](repeating: 0, count: stepCount)
        variantExamples = [Int32](repeating: -1, count: reportDetails ? variantCount * ConformanceSummary.exampleLimit : 0)
        variantWorst = [UInt64](repeating: .max, count: reportDetails ? variantCount : 0)
    }

    /// Keeps `trace` among the examples of its variant's and its own deviations when its
    /// customer id sorts before theirs.
    mutating func addExample(trace: Int32, variant v: Int, own: [(key: DeviationKey, events: Int)],
                             _ order: CaseOrder) {
        let limit = ConformanceSummary.exampleLimit
        // Most customers sort after the examples kept: one comparison of 8-byte prefixes
        // (a strictly smaller prefix is a smaller id) rules them out.
        let prefix = order.prefix[Int(trace)]
        @inline(__always) func cannotEnter(_ list: [Int32], _ base: Int) -> Bool {
            let worst = list[base + limit - 1]
            return worst >= 0 && order.prefix[Int(worst)] < prefix
        }
        // The variant's worst prefix in an array of its own: one memory access per customer.
        if variantWorst[v] >= prefix {
            Accumulator.insertSmallest(&variantExamples, base: v * limit, trace, order)
            let worst = variantExamples[v * limit + limit - 1]
            if worst >= 0 { variantWorst[v] = order.prefix[Int(worst)] }
        }
        for o in own {
            let base: Int
            // Few distinct keys: a scan beats hashing.
            if let i = ownExampleKeys.firstIndex(of: o.key) { base = i * limit } else {
                base = ownExampleList.count
                ownExampleKeys.append(o.key)
                ownExampleSlot[o.key] = base
                ownExampleList += [Int32](repeating: -1, count: limit)
            }
            if !cannotEnter(ownExampleList, base) { Accumulator.insertSmallest(&ownExampleList, base: base, trace, order) }
        }
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

    mutating func addCustomer(variant v: Int, outcome: Outcome, mask: UInt8, own: [(key: DeviationKey, events: Int)],
                              conformant: Bool, fitness: Double) {
        figures.add(fitness: fitness, conformant: conformant, outcome: outcome, mask: mask)
        variantCustomers[v] += 1
        if conformant { variantConformant[v] += 1 }
        for o in own {
            var tally = ownTallies[o.key] ?? DeviationTally()
            tally.events += o.events
            tally.customers += 1
            ownTallies[o.key] = tally
            if o.key.type == .droppedOut, case .step(let s) = o.key.subject { stageDropped[map.steps[s].stage] += 1 }
        }
    }

    /// Puts `trace` into the `exampleLimit` slots of `list` at `base` (-1 empty, bytewise smallest
    /// customer id first) when its customer id sorts before one there.
    static func insertSmallest(_ list: inout [Int32], base: Int, _ trace: Int32, _ order: CaseOrder) {
        let limit = ConformanceSummary.exampleLimit
        var i = base + limit
        while i > base && (list[i - 1] < 0 || order.less(trace, list[i - 1])) {
            if list[i - 1] == trace { return }
            i -= 1
        }
        guard i < base + limit, i == base || list[i - 1] != trace else { return }
        var j = base + limit - 1
        while j > i { list[j] = list[j - 1]; j -= 1 }
        list[i] = trace
    }

    /// Adds the variant-level figures, weighted by customers, and converts ids to names.
    func finish(into summary: inout ConformanceSummary, variants: VariantTable, table: EventTable, log: EventLog, order: CaseOrder,
                details: Bool) {
        let checkerNames: (DeviationKey) -> Deviation = { key in
            let detail: String
            switch key.subject {
            case .step(let s): detail = map.steps[s].id
            case .stage(let s): detail = map.stages[s].id
            case .touchpoint(let a): detail = table.activityName(ActivityID(rawValue: a))
            case .rule(let r): detail = r
            case .none: detail = "-"
            }
            return Deviation(key.type, detail)
        }
        summary.figures = figures
        var byKey: [DeviationKey: DeviationTally] = ownTallies
        var stepCustomers = [Int](repeating: 0, count: stepCount)
        var stepEvents = [Int](repeating: 0, count: stepCount)
        var stageReached = [Int](repeating: 0, count: map.stages.count)
        let momentSteps = map.steps.indices.filter { map.steps[$0].isMomentOfTruth }
        var moments = [MomentTally](repeating: MomentTally(), count: momentSteps.count)
        var stageSeen = [Int](repeating: -1, count: map.stages.count)
        var stepConformant = [Int](repeating: 0, count: stepCount)
        // Examples per deviation key: `limit` slots at `exampleSlot[key]` of `exampleList`.
        var exampleSlot = ownExampleSlot
        var exampleList = ownExampleList
        let limit = ConformanceSummary.exampleLimit
        for v in 0..<variantCustomers.count where variantCustomers[v] > 0 {
            let c = variantCustomers[v]
            if details && variantExamples[v * limit] >= 0 {
                for k in variants.keys(v) {
                    let base: Int
                    if let known = exampleSlot[k.key] { base = known } else {
                        base = exampleList.count
                        exampleSlot[k.key] = base
                        exampleList += [Int32](repeating: -1, count: limit)
                    }
                    for e in variantExamples[(v * limit)..<((v + 1) * limit)] where e >= 0 {
                        // Sorted: once one is not among the smallest, the rest are not either.
                        let worst = exampleList[base + limit - 1]
                        if worst >= 0 && !order.less(e, worst) { break }
                        Accumulator.insertSmallest(&exampleList, base: base, e, order)
                    }
                }
            }
            for s in variants.steps(v) { stepConformant[Int(s.step)] += variantConformant[v] }
            summary.fitnessCounts[variants.fitness[v], default: 0] += c
            for k in variants.keys(v) {
                var tally = byKey[k.key] ?? DeviationTally()
                tally.events += k.events * c
                tally.customers += c
                byKey[k.key] = tally
            }
            let steps = variants.steps(v)
            for s in steps {
                stepCustomers[Int(s.step)] += c
                stepEvents[Int(s.step)] += Int(s.events) * c
                let stage = map.steps[Int(s.step)].stage
                if stageSeen[stage] != v { stageSeen[stage] = v; stageReached[stage] += c }
            }
            let completed = variants.reachedGoal[v]
            for (i, m) in momentSteps.enumerated() {
                if steps.contains(where: { Int($0.step) == m }) {
                    moments[i].reached += c
                    if completed { moments[i].reachedCompleted += c }
                } else {
                    moments[i].notReached += c
                    if completed { moments[i].notReachedCompleted += c }
                }
            }
        }
        for (k, tally) in byKey { summary.deviationsByStep[checkerNames(k)] = tally }
        for (k, base) in exampleSlot {
            let ids = exampleList[base..<(base + limit)].filter { $0 >= 0 }.map { table.caseName(log.traceCases[Int($0)]) }
            if !ids.isEmpty { summary.deviationExamples[checkerNames(k), default: []] += ids }
        }
        for (k, ids) in summary.deviationExamples { summary.deviationExamples[k] = ConformanceSummary.smallest(ids) }
        var overLimit = [Int](repeating: 0, count: stepCount)
        for (k, tally) in zip(transitionPairs, transitions) {
            summary.transitions[StepPair(map.steps[k / stepCount].id, map.steps[k % stepCount].id)] = tally
            if let limit = map.steps[k % stepCount].within, let values = tally.durations.values {
                for v in values where v > limit { overLimit[k % stepCount] += 1 }
            }
        }
        for (s, step) in map.steps.enumerated() {
            if stepCustomers[s] > 0 { summary.stepCustomers[step.id] = stepCustomers[s] }
            if stepEvents[s] > 0 { summary.stepEvents[step.id] = stepEvents[s] }
            if stepConformant[s] > 0 { summary.stepConformant[step.id] = stepConformant[s] }
            if startCounts[s] > 0 { summary.startSteps[step.id] = startCounts[s] }
            if overLimit[s] > 0 { summary.stepOverLimit[step.id] = overLimit[s] }
        }
        for (i, stage) in map.stages.enumerated() where stageReached[i] > 0 || stageDropped[i] > 0 {
            var t = StageTally()
            t.reached = stageReached[i]
            t.droppedOut = stageDropped[i]
            summary.stages[stage.id] = t
        }
        for (i, s) in momentSteps.enumerated() where moments[i].reached + moments[i].notReached > 0 {
            summary.moments[map.steps[s].id] = moments[i]
        }
    }
}

/// Events, customers and conformant customers per touchpoint × channel id, in one flat table
/// indexed by `touchpoint * channels + channel` (a dictionary of slots when that is large).
struct CellCounter {
    let channels: Int
    private let useFlat: Bool
    private struct Slot {
        var events = 0, customers = 0, conformant = 0
        /// The last trace counted among `customers`.
        var lastTrace: Int32 = -1
    }
    private var slots: [Slot]
    private var sparse: [UInt64: Int] = [:]
    private var sparseKeys: [UInt64] = []

    init(touchpoints: Int, channels: Int) {
        self.channels = channels
        useFlat = touchpoints * channels <= 1 << 22
        slots = [Slot](repeating: Slot(), count: useFlat ? touchpoints * channels : 0)
    }

    /// Counts the rows of one trace (ignored touchpoints skipped); `channelIDs` is empty when
    /// the log has no channel column.
    mutating func addTrace(_ rows: Range<Int>, _ acts: UnsafeBufferPointer<ActivityID>, _ channelIDs: UnsafeBufferPointer<ChannelID>,
                           stepOfTouchpoint: [Int32], trace: Int32, conformant isConformant: Bool) {
        let hasChannels = !channelIDs.isEmpty
        guard useFlat else {
            for r in rows where stepOfTouchpoint[acts[r].index] != ignoredTouchpoint {
                add(acts[r].index, hasChannels ? channelIDs[r].index : 0, trace: trace, conformant: isConformant)
            }
            return
        }
        let channels = self.channels
        stepOfTouchpoint.withUnsafeBufferPointer { steps in
            slots.withUnsafeMutableBufferPointer { slots in
                for r in rows {
                    let a = acts[r].index
                    if steps[a] == ignoredTouchpoint { continue }
                    let slot = a &* channels &+ (hasChannels ? channelIDs[r].index : 0)
                    slots[slot].events &+= 1
                    if slots[slot].lastTrace != trace {
                        slots[slot].lastTrace = trace
                        slots[slot].customers &+= 1
                        if isConformant { slots[slot].conformant &+= 1 }
                    }
                }
            }
        }
    }

    private mutating func add(_ touchpoint: Int, _ channel: Int, trace: Int32, conformant isConformant: Bool) {
        let key = UInt64(touchpoint) << 32 | UInt64(channel)
        let slot: Int
        if let known = sparse[key] { slot = known } else {
            slot = slots.count
            sparse[key] = slot
            sparseKeys.append(key)
            slots.append(Slot())
        }
        slots[slot].events &+= 1
        if slots[slot].lastTrace != trace {
            slots[slot].lastTrace = trace
            slots[slot].customers &+= 1
            if isConformant { slots[slot].conformant &+= 1 }
        }
    }

    func finish(into summary: inout ConformanceSummary, table: EventTable, stepOfTouchpoint: [Int32], map: JourneyMap) {
        for slot in slots.indices where slots[slot].events > 0 {
            let touchpoint: Int, channel: Int
            if useFlat {
                touchpoint = slot / channels; channel = slot % channels
            } else {
                touchpoint = Int(sparseKeys[slot] >> 32); channel = Int(sparseKeys[slot] & 0xFFFF_FFFF)
            }
            let s = Int(stepOfTouchpoint[touchpoint])
            let cell = TouchpointCell(touchpoint: table.activityName(ActivityID(rawValue: UInt32(touchpoint))),
                                      channel: table.hasChannels ? table.channelName(ChannelID(rawValue: UInt32(channel))) : "",
                                      step: s >= 0 ? map.steps[s].id : nil)
            summary.cells[cell] = CellTally(events: slots[slot].events, customers: slots[slot].customers, conformant: slots[slot].conformant)
        }
    }
}

/// Bytewise order of the customer ids of traces, by an 8-byte big-endian prefix per trace and
/// the whole id only when prefixes tie.
struct CaseOrder {
    let prefix: [UInt64]
    let names: SymbolTable
    let cases: [CaseID]

    /// Orders nothing (when no examples are kept).
    init() { prefix = []; names = SymbolTable(); cases = [] }

    init(_ log: EventLog) {
        names = log.events.caseNames
        cases = log.traceCases
        let byName = names.bigEndianPrefixes()
        prefix = cases.map { byName[$0.index] }
    }

    /// Whether trace `a`'s customer id sorts before trace `b`'s.
    @inline(__always)
    func less(_ a: Int32, _ b: Int32) -> Bool {
        let pa = prefix[Int(a)], pb = prefix[Int(b)]
        if pa != pb { return pa < pb }
        return names.bytes(cases[Int(a)].rawValue).lexicographicallyPrecedes(names.bytes(cases[Int(b)].rawValue))
    }
}

/// Numbers of a `--score` column.
enum ScoreValue {
    /// The value as a finite number (surrounding spaces allowed), or nil.
    static func parse(_ text: String) -> Double? {
        var t = Substring(text)
        while t.first == " " { t = t.dropFirst() }
        while t.last == " " { t = t.dropLast() }
        guard let v = Double(t), v.isFinite else { return nil }
        return v
    }
}
