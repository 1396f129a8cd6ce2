import TouchstoneTraces

/// The figures of a `ConformanceSummary` arranged in the map's terms, ready for renderers:
/// designed transitions in map order, undesigned ones ranked, the stage funnel, moments of
/// truth, deviations by step and timing per step. Renderers lay it out and compute nothing.
///
/// Cost: one selection per transition and step over its durations (expected linear).
public struct ConformanceReport: Sendable {
    /// A transition between two steps, with how often and how fast it is taken.
    public struct Transition: Sendable, Equatable {
        public var from: String
        public var to: String
        public var count: Int
        public var customers: Int
        /// Median and 90th percentile of the time between the two events, µs; nil when never taken.
        public var median: Double?
        public var p90: Double?
        /// A designed transition that is a flow edge (or a repeatable step following itself);
        /// `false` for one that passes over optional steps only. Always `false` when undesigned.
        public var direct: Bool
    }

    /// A stage of the funnel.
    public struct FunnelStage: Sendable, Equatable {
        public var id: String
        public var name: String
        /// Customers with an event mapped to a step of this stage.
        public var customers: Int
        /// `customers` over all checked customers, 0…1.
        public var share: Double
        /// Dropped-out customers whose last mapped step is in this stage.
        public var droppedOut: Int
    }

    /// A moment of truth and what follows from reaching it.
    public struct Moment: Sendable, Equatable {
        public var step: String
        public var reached: Int
        public var reachedCompleted: Int
        public var notReached: Int
        public var notReachedCompleted: Int
        /// Completion rate of the customers who reached it (nil when none did).
        public var completionIfReached: Double? { reached == 0 ? nil : Double(reachedCompleted) / Double(reached) }
        public var completionIfNotReached: Double? { notReached == 0 ? nil : Double(notReachedCompleted) / Double(notReached) }
    }

    /// One row of deviations by step.
    public struct DeviationRow: Sendable, Equatable {
        public var deviation: Deviation
        public var events: Int
        public var customers: Int
        /// `customers` over all checked customers, 0…1.
        public var share: Double
    }

    /// Timing of one step: the time since the previous mapped event for each of its events.
    public struct StepTiming: Sendable, Equatable {
        public var step: String
        public var stage: String
        public var events: Int
        public var customers: Int
        public var median: Double?
        public var p90: Double?
        /// The step's `within`, µs.
        public var within: Int64?
        /// Events over the limit.
        public var overLimit: Int
    }

    public let map: JourneyMap
    public let summary: ConformanceSummary
    public let fitnessP10: Double?
    public let fitnessP50: Double?
    /// Every designed transition, in map order of the source step, then target position: the
    /// pairs of steps a walk moves between at no cost — a flow edge, a repeatable step following
    /// itself, or a path that passes over optional steps only.
    public let designedTransitions: [Transition]
    /// Transitions taken that the design lacks, by count descending, then customers, then ids.
    public let undesignedTransitions: [Transition]
    public let funnel: [FunnelStage]
    public let moments: [Moment]
    /// By type (report order), then customers descending, then detail.
    public let deviations: [DeviationRow]
    /// Steps in map order.
    public let timing: [StepTiming]
    /// `--by` groups by value (bytewise order).
    public let groups: [(value: String, figures: KeyFigures)]
    /// The figures that are approximate, one phrase each; empty from a log, and from a summary
    /// whose duration sets all stayed exact (see `DurationSketch`).
    public let approximate: [String]

    /// The phrase for sketched durations (also used by discover's outputs).
    public static let approximateDurations = "median and p90 durations (from a summary's duration sketches: within 0.5%)"

    public init(map: JourneyMap, summary: ConformanceSummary) {
        self.map = map
        self.summary = summary
        fitnessP10 = summary.fitnessQuantile(0.1)
        fitnessP50 = summary.fitnessQuantile(0.5)
        let customers = summary.figures.customers
        func stats(_ durations: DurationSketch) -> (Double?, Double?) {
            (durations.quantile(0.5), durations.quantile(0.9))
        }
        var designed: [Transition] = []
        var designedPairs = Set<StepPair>()
        let flow = FlowGraph(map)
        for (s, step) in map.steps.enumerated() {
            for t in map.steps.indices where flow.moveCost(s + 1, t + 1) == 0 {
                let pair = StepPair(step.id, map.steps[t].id)
                designedPairs.insert(pair)
                let tally = summary.transitions[pair] ?? TransitionTally()
                let (median, p90) = stats(tally.durations)
                let direct = map.successors[s].contains(t) || (s == t && step.isRepeatable)
                designed.append(Transition(from: pair.from, to: pair.to, count: tally.count, customers: tally.customers,
                                           median: median, p90: p90, direct: direct))
            }
        }
        designedTransitions = designed
        var undesigned: [Transition] = []
        for (pair, tally) in summary.transitions where !designedPairs.contains(pair) {
            let (median, p90) = stats(tally.durations)
            undesigned.append(Transition(from: pair.from, to: pair.to, count: tally.count, customers: tally.customers, median: median, p90: p90, direct: false))
        }
        undesigned.sort { a, b in
            if a.count != b.count { return a.count > b.count }
            if a.customers != b.customers { return a.customers > b.customers }
            return StepPair(a.from, a.to) < StepPair(b.from, b.to)
        }
        undesignedTransitions = undesigned
        funnel = map.stages.map { stage in
            let t = summary.stages[stage.id] ?? StageTally()
            return FunnelStage(id: stage.id, name: stage.name, customers: t.reached,
                               share: customers == 0 ? 0 : Double(t.reached) / Double(customers), droppedOut: t.droppedOut)
        }
        moments = map.steps.filter(\.isMomentOfTruth).map { step in
            let m = summary.moments[step.id] ?? MomentTally()
            return Moment(step: step.id, reached: m.reached, reachedCompleted: m.reachedCompleted,
                          notReached: m.notReached, notReachedCompleted: m.notReachedCompleted)
        }
        deviations = summary.deviationsByStep.map { d, tally in
            DeviationRow(deviation: d, events: tally.events, customers: tally.customers,
                         share: customers == 0 ? 0 : Double(tally.customers) / Double(customers))
        }.sorted { a, b in
            if a.deviation.type != b.deviation.type { return a.deviation.type < b.deviation.type }
            if a.customers != b.customers { return a.customers > b.customers }
            return a.deviation < b.deviation
        }
        timing = map.steps.map { step in
            let waits = summary.waits(into: step.id)
            let (median, p90) = stats(waits)
            let over = summary.stepOverLimit[step.id] ?? 0
            return StepTiming(step: step.id, stage: map.stages[step.stage].id, events: summary.stepEvents[step.id] ?? 0,
                              customers: summary.stepCustomers[step.id] ?? 0, median: median, p90: p90, within: step.within, overLimit: over)
        }
        approximate = summary.transitions.values.contains { !$0.durations.isExact } ? [Self.approximateDurations] : []
        groups = summary.groups.sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }.map { ($0.key, $0.value) }
    }
}
