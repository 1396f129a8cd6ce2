import TouchstoneTraces

/// How a customer's journey ends (journey-semantics point 9).
public enum Outcome: Int, Sendable, CaseIterable, Hashable {
    case completed, inProgress, droppedOut
    /// `completed`, `in_progress`, `dropped_out`.
    public var name: String {
        switch self {
        case .completed: "completed"
        case .inProgress: "in_progress"
        case .droppedOut: "dropped_out"
        }
    }
}

/// The headline figures of a set of customers; exact under `merge`, in any order.
public struct KeyFigures: Sendable, Equatable {
    public var customers = 0
    public var conformant = 0
    /// Sum of the customers' fitness values, in units of 2⁻⁶² as an exact 128-bit integer, so
    /// that sums merge exactly and in any order (each fitness, 0…1, is rounded to 2⁻⁶² once).
    public var fitnessUnits = WideSum()
    /// Sum of the customers' fitness values.
    public var fitnessSum: Double { fitnessUnits.doubleValue / KeyFigures.fitnessScale }
    static let fitnessScale = 4_611_686_018_427_387_904.0  // 2⁶²

    /// Adds one customer's fitness (0…1) to `fitnessUnits`.
    public mutating func addFitness(_ fitness: Double) {
        let f = fitness.isNaN ? 0 : Swift.min(1, Swift.max(0, fitness))
        fitnessUnits.add(Int64((f * KeyFigures.fitnessScale).rounded()))
    }
    /// Customers per outcome, indexed by `Outcome.rawValue`.
    public var outcomes = [Int](repeating: 0, count: Outcome.allCases.count)
    /// Customers with at least one deviation of each type, indexed by `DeviationType.rawValue`.
    public var deviationCustomers = [Int](repeating: 0, count: DeviationType.allCases.count)

    public init() {}

    /// Conformant customers over all customers, 0…1 (0 without customers).
    public var conformanceRate: Double { customers == 0 ? 0 : Double(conformant) / Double(customers) }
    /// Mean fitness over customers (0 without customers).
    public var meanFitness: Double { customers == 0 ? 0 : fitnessSum / Double(customers) }
    /// Completed customers over all customers, 0…1.
    public var completionRate: Double { customers == 0 ? 0 : Double(outcomes[Outcome.completed.rawValue]) / Double(customers) }
    public func outcome(_ o: Outcome) -> Int { outcomes[o.rawValue] }
    public func customers(with type: DeviationType) -> Int { deviationCustomers[type.rawValue] }
    /// Share of customers with a deviation of `type`, 0…1.
    public func share(of type: DeviationType) -> Double { customers == 0 ? 0 : Double(customers(with: type)) / Double(customers) }

    public mutating func merge(_ other: KeyFigures) {
        customers += other.customers
        conformant += other.conformant
        fitnessUnits.add(other.fitnessUnits)
        for i in outcomes.indices { outcomes[i] += other.outcomes[i] }
        for i in deviationCustomers.indices { deviationCustomers[i] += other.deviationCustomers[i] }
    }
}

/// Events and customers with one kind of deviation at one step.
public struct DeviationTally: Sendable, Equatable {
    /// Occurrences (events, or passed-over steps for `skipped_step`).
    public var events = 0
    public var customers = 0
    public init(events: Int = 0, customers: Int = 0) { self.events = events; self.customers = customers }
}

/// A step-to-step transition: two consecutive mapped events of one customer.
public struct StepPair: Sendable, Hashable, Comparable {
    /// Step ids.
    public var from: String
    public var to: String
    public init(_ from: String, _ to: String) { self.from = from; self.to = to }
    public static func < (a: Self, b: Self) -> Bool {
        a.from != b.from ? Array(a.from.utf8).lexicographicallyPrecedes(Array(b.from.utf8)) : Array(a.to.utf8).lexicographicallyPrecedes(Array(b.to.utf8))
    }
}

/// How often and how fast a transition is taken.
public struct TransitionTally: Sendable, Equatable {
    public var count = 0
    public var customers = 0
    /// The durations (µs): every one in a single pass; a summary file keeps them as a sketch
    /// (see `DurationSketch`).
    public var durations = DurationSketch()
    public init() {}
}

/// Customers reaching a stage, and dropping out there.
public struct StageTally: Sendable, Equatable {
    public var reached = 0
    /// Dropped-out customers whose last mapped step is in this stage.
    public var droppedOut = 0
    public init() {}
}

/// A moment of truth: who reaches it, and how many of them and of the others complete.
public struct MomentTally: Sendable, Equatable {
    public var reached = 0
    public var reachedCompleted = 0
    public var notReached = 0
    public var notReachedCompleted = 0
    public init() {}
}

/// Everything `check` reports across customers, keyed by names so that summaries of
/// customer-disjoint pieces of a log merge exactly.
///
/// Size: O(steps² + deviation kinds × steps + distinct unmapped touchpoints + groups +
/// touchpoints × channels), plus the durations of mapped transitions (8 bytes each) for exact
/// medians, plus the touchpoint variants when collected.
public struct ConformanceSummary: Sendable, Equatable {
    public var figures = KeyFigures()
    /// Customers per fitness value (exact quantiles, mergeable).
    public var fitnessCounts: [Double: Int] = [:]
    /// Per deviation (type and detail): occurrences and customers.
    public var deviationsByStep: [Deviation: DeviationTally] = [:]
    /// Every step-to-step transition taken, designed or not.
    public var transitions: [StepPair: TransitionTally] = [:]
    /// Per stage id.
    public var stages: [String: StageTally] = [:]
    /// Customers reaching each step (step id).
    public var stepCustomers: [String: Int] = [:]
    /// Events mapped to each step (step id).
    public var stepEvents: [String: Int] = [:]
    /// Per step id: time since the previous mapped event for each of its events (µs); the first
    /// mapped event of a trace has none. Derived from `transitions` (the durations of the
    /// transitions into the step), so it costs no memory of its own.
    public var stepWaits: [String: DurationSketch] {
        var waits: [String: DurationSketch] = [:]
        for (pair, tally) in transitions { waits[pair.to, default: DurationSketch()].merge(tally.durations) }
        return waits
    }

    /// `stepWaits` of one step.
    public func waits(into step: String) -> DurationSketch {
        var waits = DurationSketch()
        for (pair, tally) in transitions where pair.to == step { waits.merge(tally.durations) }
        return waits
    }
    /// Per step id with a `within` limit: events whose wait (see `stepWaits`) is over the limit.
    /// Counted exactly while checking, so a summary keeps it exact.
    public var stepOverLimit: [String: Int] = [:]
    /// Per moment-of-truth step id.
    public var moments: [String: MomentTally] = [:]
    /// Key figures per value of the `--by` attribute (the customer's first event's value).
    public var groups: [String: KeyFigures] = [:]
    /// Events checked (ignored rows excluded), and ignored rows.
    public var events = 0
    public var ignoredEvents = 0
    /// The end of the log used for outcomes, µs since the Unix epoch.
    public var asOf: Int64
    /// The in-progress window, µs.
    public var inProgressWindow: Int64
    /// Earliest and latest event of the checked customers; nil without customers.
    public var firstEvent: Int64?
    public var lastEvent: Int64?
    /// Per touchpoint and channel (ignored touchpoints excluded): events, customers and
    /// conformant customers — the cards of the report's journey matrix. Filled only with
    /// `CheckOptions.reportDetails`.
    public var cells: [TouchpointCell: CellTally] = [:]
    /// Customers whose first mapped event is each step (step id): where journeys start.
    public var startSteps: [String: Int] = [:]
    /// Conformant customers reaching each step (step id).
    public var stepConformant: [String: Int] = [:]
    /// Per step id: the `CheckOptions.score` values on its events (empty without a score).
    public var stepScores: [String: ScoreTally] = [:]
    /// Customers per touchpoint variant; filled only with `CheckOptions.reportDetails`.
    public var variants = VariantCounts()
    /// Per deviation: up to `exampleLimit` customer ids with it, bytewise smallest first. Filled
    /// only with `CheckOptions.reportDetails`.
    public var deviationExamples: [Deviation: [String]] = [:]

    public init(asOf: Int64, inProgressWindow: Int64) {
        self.asOf = asOf
        self.inProgressWindow = inProgressWindow
    }

    /// Adds a summary of other customers.
    ///
    /// - Throws: `MergeError` when the two were made with a different `asOf` or window
    ///   (their outcomes would not agree).
    ///
    /// With `compactDurations`, merged duration sets larger than `DurationSketch.exactLimit`
    /// become sketches (summary files); without, every duration is kept (a single pass).
    public mutating func merge(_ other: ConformanceSummary, compactDurations: Bool = false) throws(MergeError) {
        guard asOf == other.asOf else {
            throw MergeError(message: "summaries were checked as of different times (\(asOf) and \(other.asOf) µs); use one --as-of for every piece")
        }
        guard inProgressWindow == other.inProgressWindow else {
            throw MergeError(message: "summaries use different --in-progress-window values")
        }
        figures.merge(other.figures)
        fitnessCounts.merge(other.fitnessCounts, uniquingKeysWith: +)
        for (k, v) in other.deviationsByStep {
            deviationsByStep[k, default: DeviationTally()].events += v.events
            deviationsByStep[k, default: DeviationTally()].customers += v.customers
        }
        for (k, v) in other.transitions {
            var t = transitions[k, default: TransitionTally()]
            t.count += v.count
            t.customers += v.customers
            t.durations.merge(v.durations, compactAbove: compactDurations ? DurationSketch.exactLimit : nil)
            transitions[k] = t
        }
        for (k, v) in other.stages {
            stages[k, default: StageTally()].reached += v.reached
            stages[k, default: StageTally()].droppedOut += v.droppedOut
        }
        stepCustomers.merge(other.stepCustomers, uniquingKeysWith: +)
        stepEvents.merge(other.stepEvents, uniquingKeysWith: +)
        stepOverLimit.merge(other.stepOverLimit, uniquingKeysWith: +)
        for (k, v) in other.moments {
            var m = moments[k, default: MomentTally()]
            m.reached += v.reached; m.reachedCompleted += v.reachedCompleted
            m.notReached += v.notReached; m.notReachedCompleted += v.notReachedCompleted
            moments[k] = m
        }
        for (k, v) in other.groups { groups[k, default: KeyFigures()].merge(v) }
        events += other.events
        ignoredEvents += other.ignoredEvents
        if let f = other.firstEvent { firstEvent = min(firstEvent ?? f, f) }
        if let l = other.lastEvent { lastEvent = max(lastEvent ?? l, l) }
        mergeReportAggregates(other)
    }

    /// The `q`-quantile of the customers' fitness (numpy's linear method); nil without customers.
    public func fitnessQuantile(_ q: Double) -> Double? {
        let total = fitnessCounts.values.reduce(0, +)
        guard total > 0 else { return nil }
        let sorted = fitnessCounts.sorted { $0.key < $1.key }
        let (lower, t) = quantileRank(count: total, q)
        func value(at rank: Int) -> Double {
            var seen = 0
            for (v, c) in sorted { seen += c; if rank < seen { return v } }
            return sorted[sorted.count - 1].key
        }
        let a = value(at: lower)
        guard t > 0, lower + 1 < total else { return a }
        return interpolate(a, value(at: lower + 1), t)
    }

    /// The key figures stated by every output, by name (the `--fail-under`/`--baseline` keys).
    public var keyFigures: [(name: String, value: Double)] {
        var list: [(String, Double)] = [
            ("customers", Double(figures.customers)),
            ("conformance", figures.conformanceRate),
            ("fitness", figures.meanFitness),
            ("completion", figures.completionRate),
        ]
        for t in DeviationType.allCases { list.append((t.name, figures.share(of: t))) }
        return list
    }
}

/// Summaries that cannot be merged.
public struct MergeError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
