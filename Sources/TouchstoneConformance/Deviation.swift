/// The kinds of deviation, in report order (journey-semantics point 13).
public enum DeviationType: Int, Sendable, CaseIterable, Comparable, Hashable {
    /// A required step the walk passed over.
    case skippedStep
    /// A mapped event the walk could not take, at a step not yet taken and not behind it.
    case unexpectedTouchpoint
    /// A mapped event whose step's stage comes before the furthest stage reached.
    case backtracked
    /// A mapped event at a step the walk already took, that the flow does not allow again.
    case repeatedStep
    /// An event no step matches.
    case unmappedTouchpoint
    /// A `within` limit of a step or stage broken.
    case tooSlow
    /// A rule broken.
    case ruleViolated
    /// The journey ended without reaching a goal.
    case droppedOut

    /// The name used in outputs: `skipped_step`, `unexpected_touchpoint`, ….
    public var name: String {
        switch self {
        case .skippedStep: "skipped_step"
        case .unexpectedTouchpoint: "unexpected_touchpoint"
        case .backtracked: "backtracked"
        case .repeatedStep: "repeated_step"
        case .unmappedTouchpoint: "unmapped_touchpoint"
        case .tooSlow: "too_slow"
        case .ruleViolated: "rule_violated"
        case .droppedOut: "dropped_out"
        }
    }

    /// The type named `name`, if any.
    public init?(name: String) {
        guard let t = DeviationType.allCases.first(where: { $0.name == name }) else { return nil }
        self = t
    }

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// One deviation of one customer: its type and what it concerns (a step or stage id, a
/// touchpoint, a rule kind, or `-`).
public struct Deviation: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var type: DeviationType
    public var detail: String
    public init(_ type: DeviationType, _ detail: String) { self.type = type; self.detail = detail }

    /// `type:detail`, as in the per-customer CSV.
    public var description: String { type.name + ":" + detail }

    /// By type (report order), then detail bytewise.
    public static func < (a: Self, b: Self) -> Bool {
        a.type != b.type ? a.type < b.type : a.detail.utf8.lexicographicallyPrecedes(b.detail.utf8)
    }
}

/// What a deviation concerns, as an id while checking (names are resolved once at the end).
enum DeviationSubject: Hashable, Sendable {
    case step(Int)
    case stage(Int)
    case touchpoint(UInt32)
    case rule(String)
    case none
}

/// A deviation while checking: type and subject packed in one integer.
///
/// Layout: type (8 bits) | subject kind (8 bits) | value (32 bits). Rule kinds are numbered
/// by `ruleKinds`.
struct DeviationKey: Hashable, Comparable, Sendable {
    var raw: UInt64

    static let ruleKinds = ["never", "response", "precedence", "at_most"]

    init(_ type: DeviationType, _ subject: DeviationSubject) {
        let (kind, value): (UInt64, UInt64)
        switch subject {
        case .step(let s): (kind, value) = (0, UInt64(s))
        case .stage(let s): (kind, value) = (1, UInt64(s))
        case .touchpoint(let a): (kind, value) = (2, UInt64(a))
        case .rule(let r): (kind, value) = (3, UInt64(DeviationKey.ruleKinds.firstIndex(of: r) ?? 0))
        case .none: (kind, value) = (4, 0)
        }
        raw = UInt64(type.rawValue) << 48 | kind << 32 | value
    }

    var type: DeviationType { DeviationType(rawValue: Int(raw >> 48)) ?? .skippedStep }

    var subject: DeviationSubject {
        let value = Int(raw & 0xFFFF_FFFF)
        switch (raw >> 32) & 0xFF {
        case 0: return .step(value)
        case 1: return .stage(value)
        case 2: return .touchpoint(UInt32(value))
        case 3: return .rule(DeviationKey.ruleKinds[min(value, DeviationKey.ruleKinds.count - 1)])
        default: return .none
        }
    }

    static func < (a: Self, b: Self) -> Bool { a.raw < b.raw }
}
