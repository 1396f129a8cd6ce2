/// How a journey step relates to the designed happy path; counted in the statistics.
enum TransitionKind: Int, CaseIterable {
    /// The next step of the designed journey (or one of its designed alternatives).
    case forward
    /// Jumps over one or more designed steps.
    case skippedStep
    /// The same touchpoint again (a repeat visit, a retry, a reminder loop).
    case repeatVisit
    /// Back to a touchpoint earlier in the journey (often an earlier stage).
    case backtracked
    /// The customer leaves without reaching the goal.
    case droppedOut
    /// The journey ends after reaching its goal.
    case completed

    /// The name used in `--stats`.
    var label: String {
        switch self {
        case .forward: "forward"
        case .skippedStep: "skipped_step"
        case .repeatVisit: "repeat_visit"
        case .backtracked: "backtracked"
        case .droppedOut: "dropped_out"
        case .completed: "completed"
        }
    }
}

/// When in the (local) day a touchpoint can happen; times outside are moved forward.
enum StepTiming {
    /// Any time (system e-mails, payment confirmations).
    case anytime
    /// Mostly 07:00–24:00: 85% of night-time events move into the next waking hours.
    case wakingHours
    /// Monday–Friday 08:00–18:00 (meetings, calls, back office).
    case businessHours
}

/// A log-normal-ish delay before a step: `median × e^(sigma·z)`, z ~ approximately N(0, 1).
struct DelaySpec {
    /// The median delay, in seconds.
    var medianSeconds: Int64
    /// The spread of the natural logarithm of the delay.
    var sigma: Double

    static func minutes(_ value: Int64, sigma: Double = 1.0) -> DelaySpec {
        DelaySpec(medianSeconds: value * 60, sigma: sigma)
    }

    static func hours(_ value: Int64, sigma: Double = 1.0) -> DelaySpec {
        DelaySpec(medianSeconds: value * 3600, sigma: sigma)
    }

    static func days(_ value: Int64, sigma: Double = 0.8) -> DelaySpec {
        DelaySpec(medianSeconds: value * 86_400, sigma: sigma)
    }
}

/// One channel a touchpoint can happen in.
struct ChannelChoice {
    var name: String
    var weight: Double
    /// Offline channels (branch, on-site, phone) get three times the weight for customers
    /// whose attributes prefer offline contact.
    var isOffline: Bool = false

    static func online(_ name: String, _ weight: Double = 1) -> ChannelChoice {
        ChannelChoice(name: name, weight: weight)
    }

    static func offline(_ name: String, _ weight: Double = 1) -> ChannelChoice {
        ChannelChoice(name: name, weight: weight, isOffline: true)
    }
}

/// One outgoing edge of the Markov-like journey model.
struct TransitionSpec {
    /// The next step's name, or `nil` when the journey ends.
    var target: String?
    /// Relative weight among the step's transitions.
    var weight: Double
    var kind: TransitionKind

    static func to(_ target: String, _ weight: Double, _ kind: TransitionKind = .forward) -> TransitionSpec {
        TransitionSpec(target: target, weight: weight, kind: kind)
    }

    static func dropOut(_ weight: Double) -> TransitionSpec {
        TransitionSpec(target: nil, weight: weight, kind: .droppedOut)
    }

    static func complete(_ weight: Double) -> TransitionSpec {
        TransitionSpec(target: nil, weight: weight, kind: .completed)
    }
}

/// One touchpoint of a scenario.
struct StepSpec {
    /// The touchpoint's name in each of the scenario's languages (index = language).
    /// The first name is the step's key in transitions.
    var names: [String]
    var stage: String
    var channels: [ChannelChoice]
    /// The delay from the customer's previous event to this one.
    var delay: DelaySpec
    var timing: StepTiming
    var next: [TransitionSpec]

    init(
        _ names: String...,
        stage: String,
        channels: [ChannelChoice],
        delay: DelaySpec,
        timing: StepTiming,
        next: [TransitionSpec]
    ) {
        self.names = names
        self.stage = stage
        self.channels = channels
        self.delay = delay
        self.timing = timing
        self.next = next
    }
}

/// One value of a per-customer attribute column (segment, region, age band, country …).
struct AttributeValueSpec {
    var name: String
    var weight: Double
    /// Customers with this value prefer offline channels.
    var prefersOffline = false
    /// Scales every delay of the customer's journey, in percent.
    var delayPercent: Int64 = 100
    /// UTC offsets (minutes) of the customer's local time, one picked per customer; used for
    /// business hours and for ISO timestamps written by offline/CRM channels.
    var utcOffsetsMinutes: [Int] = [0]
    /// The index into `StepSpec.names` for customers with this value.
    var language = 0
}

/// Everything that defines one `--scenario`.
struct ScenarioSpec {
    /// The header row's column names.
    var header: [String]
    var delimiter: UInt8
    var timestampStyle: TimestampStyle
    var customerIDStyle: CustomerIDStyle
    /// Stage names in journey order.
    var stages: [String]
    /// The first touchpoint of a journey, weighted.
    var entries: [(step: String, weight: Double)]
    var steps: [StepSpec]
    /// The columns after `channel`, each with its weighted values (none, one or two columns).
    var attributes: [[AttributeValueSpec]]
    /// Channels whose ISO timestamps carry the customer's local offset instead of `Z`
    /// (rows synced from a CRM rather than the marketing system).
    var localOffsetChannels: Set<String> = []
    /// Share of steps that take 4–15 times their usual delay.
    var slowStepRate: Double
    /// No journey is longer than this many events.
    var maxEventsPerCustomer: Int
    var defaultBadRowRate: Double
    var defaultOutOfOrderRate: Double
    /// The longest late-sync lag of an out-of-order row after the row it should precede.
    var maxOutOfOrderLagSeconds: Int64
    /// Unparseable values written into the timestamp column of bad rows.
    var garbageTimestamps: [String]
    /// Values appended as an extra field by bad rows.
    var extraFieldValues: [String]
}

/// How case ids are written. Ids come from a bijection of the customer's arrival number,
/// so they are unique without a set of used ids.
enum CustomerIDStyle {
    /// `prefix` + 8 hexadecimal digits, e.g. `ACC-3f9a01c2`.
    case hexadecimal(prefix: String)
    /// `prefix` + 10 decimal digits, e.g. `CT0412339018`.
    case decimal(prefix: String)
    /// A customer number counting up from `base`, e.g. `10004711`.
    case sequential(base: UInt64)
}

/// The `--scenario` values.
enum Scenario: String, CaseIterable {
    case b2b
    case bank
    case support
    case web

    /// The scenario's model.
    var spec: ScenarioSpec {
        switch self {
        case .b2b: .b2bSoftwarePurchase
        case .bank: .retailBankOnboarding
        case .support: .supportEU
        case .web: .webShop
        }
    }
}
