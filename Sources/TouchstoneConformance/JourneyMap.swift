#if canImport(Foundation)
import Foundation
#endif

/// A position in a journey map file: 1-based line and column.
public struct MapLocation: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public init(line: Int, column: Int) { self.line = line; self.column = column }
    public var description: String { "\(line):\(column)" }
}

/// The designed customer journey, validated: stages of steps, the designed flow between steps,
/// touchpoints to ignore and rules. Every element keeps its position in the YAML file.
///
/// Steps are numbered 0… in file order across all stages; every step index below refers to
/// `steps`. Build it with `JourneyMap(yaml:file:)` (see `JourneyMap+YAML.swift`).
public struct JourneyMap: Sendable {
    /// `journey:` — the journey's name.
    public var name: String
    public var version: String?
    public var owner: String?
    public var description: String?
    /// `segment: {where: {attribute: value, …}}` — only customers with at least one event
    /// carrying every listed attribute value are checked. Empty: every customer.
    public var segment: [SegmentCondition]
    public var stages: [Stage]
    /// All steps in file order.
    public var steps: [Step]
    /// Designed successors of each step (step indices), after applying `flow` defaults.
    public var successors: [[Int]]
    /// Where `successors[s]` came from: an explicit `flow` entry or the file-order default.
    public var flowIsExplicit: [Bool]
    /// `ignore:` patterns; events matching any are removed from traces.
    public var ignore: [TouchpointPattern]
    public var rules: [Rule]
    /// Where `journey:` (the map itself) starts.
    public var location: MapLocation
    /// The file the map was read from, as given to `JourneyMap(yaml:file:)`; used in
    /// diagnostics found later (`file:line:column: error: …`). Empty when built in code.
    public var file: String = ""

    public init(name: String, version: String? = nil, owner: String? = nil, description: String? = nil,
                segment: [SegmentCondition] = [], stages: [Stage], steps: [Step], successors: [[Int]],
                flowIsExplicit: [Bool]? = nil, ignore: [TouchpointPattern] = [], rules: [Rule] = [],
                location: MapLocation = MapLocation(line: 1, column: 1)) {
        self.name = name
        self.version = version
        self.owner = owner
        self.description = description
        self.segment = segment
        self.stages = stages
        self.steps = steps
        self.successors = successors
        self.flowIsExplicit = flowIsExplicit ?? Array(repeating: false, count: steps.count)
        self.ignore = ignore
        self.rules = rules
        self.location = location
    }

    /// Index of the step with id `id`.
    public func stepIndex(_ id: String) -> Int? { steps.firstIndex { $0.id == id } }
    /// Index of the stage with id `id`.
    public func stageIndex(_ id: String) -> Int? { stages.firstIndex { $0.id == id } }
    /// Indices of the goal steps.
    public var goals: [Int] { steps.indices.filter { steps[$0].isGoal } }
}

extension JourneyMap {
    /// `segment.where` entry: an attribute (column) name and the value a customer must show.
    public struct SegmentCondition: Sendable, Equatable {
        public var attribute: String
        public var value: String
        public var location: MapLocation
        public init(attribute: String, value: String, location: MapLocation) {
            self.attribute = attribute; self.value = value; self.location = location
        }
    }

    /// A stage of the journey (awareness, consideration, …).
    public struct Stage: Sendable, Equatable {
        public var id: String
        /// Display name; the id when not given.
        public var name: String
        /// Maximum time of one visit of the stage, µs; `nil`: no limit.
        public var within: Int64?
        /// Its steps, indices into `JourneyMap.steps` (contiguous, in file order).
        public var steps: Range<Int>
        public var location: MapLocation
        public init(id: String, name: String? = nil, within: Int64? = nil, steps: Range<Int>, location: MapLocation = .init(line: 0, column: 0)) {
            self.id = id; self.name = name ?? id; self.within = within; self.steps = steps; self.location = location
        }
    }

    /// A designed step: the touchpoints that count as it and how it may occur.
    public struct Step: Sendable, Equatable {
        public var id: String
        /// Display name; the id when not given.
        public var name: String
        /// Index into `JourneyMap.stages`.
        public var stage: Int
        public var touchpoints: [TouchpointPattern]
        /// Not required: passing over it costs nothing.
        public var isOptional: Bool
        /// May follow itself at no cost.
        public var isRepeatable: Bool
        /// Reaching it completes the journey.
        public var isGoal: Bool
        public var isMomentOfTruth: Bool
        /// Maximum time since the previous mapped event, µs; `nil`: no limit.
        public var within: Int64?
        public var location: MapLocation
        public init(id: String, name: String? = nil, stage: Int, touchpoints: [TouchpointPattern], isOptional: Bool = false,
                    isRepeatable: Bool = false, isGoal: Bool = false, isMomentOfTruth: Bool = false, within: Int64? = nil,
                    location: MapLocation = .init(line: 0, column: 0)) {
            self.id = id; self.name = name ?? id; self.stage = stage; self.touchpoints = touchpoints
            self.isOptional = isOptional; self.isRepeatable = isRepeatable; self.isGoal = isGoal
            self.isMomentOfTruth = isMomentOfTruth; self.within = within; self.location = location
        }
        public var isRequired: Bool { !isOptional }
    }

    /// A rule over each customer's trace (see docs/journey-map.md).
    public enum Rule: Sendable, Equatable {
        /// No event may match the pattern.
        case never(TouchpointPattern, location: MapLocation)
        /// Every event of step `ifStep` needs a later event of `thenStep`, at most `within` µs after it.
        case response(ifStep: Int, thenStep: Int, within: Int64?, location: MapLocation)
        /// Every event of `thenStep` needs an earlier event of `firstStep`.
        case precedence(firstStep: Int, thenStep: Int, location: MapLocation)
        /// At most `times` events of `step`.
        case atMost(step: Int, times: Int, location: MapLocation)

        /// The rule's kind as written in the map and in deviations (`rule_violated:<kind>`).
        public var kind: String {
            switch self {
            case .never: "never"
            case .response: "response"
            case .precedence: "precedence"
            case .atMost: "at_most"
            }
        }

        public var location: MapLocation {
            switch self {
            case .never(_, let l), .response(_, _, _, let l), .precedence(_, _, let l), .atMost(_, _, let l): l
            }
        }
    }
}

/// A touchpoint pattern: exact text, a `*` glob over the whole value, or `/regex/` searched in
/// the value. Case-sensitive.
public struct TouchpointPattern: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case exact(String)
        /// The literal pieces between `*`s: the value starts with the first, ends with the last,
        /// and contains the others in order.
        case glob([String])
        /// The expression between the slashes.
        case regex(String)
    }

    public let kind: Kind
    /// The pattern as written in the map.
    public let text: String
    public let location: MapLocation
    private let compiled: CompiledRegex?

    /// Parses a pattern as written in the map.
    ///
    /// - Throws: `PatternError` with a message when a `/regex/` does not compile.
    public init(_ text: String, location: MapLocation = .init(line: 0, column: 0)) throws(PatternError) {
        self.text = text
        self.location = location
        if text.count >= 2, text.hasPrefix("/"), text.hasSuffix("/") {
            let body = String(text.dropFirst().dropLast())
            kind = .regex(body)
            do { compiled = try CompiledRegex(body) } catch { throw PatternError(message: "bad regular expression \(text): \(error.message)") }
        } else if text.contains("*") {
            kind = .glob(text.split(separator: "*", omittingEmptySubsequences: false).map(String.init))
            compiled = nil
        } else {
            kind = .exact(text)
            compiled = nil
        }
    }

    public var description: String { text }

    public static func == (a: TouchpointPattern, b: TouchpointPattern) -> Bool { a.text == b.text }

    /// Whether `value` (a touchpoint name) matches.
    public func matches(_ value: String) -> Bool {
        switch kind {
        case .exact(let s): return value == s
        case .glob(let pieces): return TouchpointPattern.glob(pieces, Array(value.utf8))
        case .regex: return compiled?.search(value) ?? false
        }
    }

    /// Glob match on bytes: `pieces` are the literal parts between `*`s.
    static func glob(_ pieces: [String], _ value: [UInt8]) -> Bool {
        guard let first = pieces.first else { return value.isEmpty }
        let head = Array(first.utf8)
        if pieces.count == 1 { return value == head }
        guard value.count >= head.count, value[0..<head.count].elementsEqual(head) else { return false }
        let tail = Array(pieces[pieces.count - 1].utf8)
        var position = head.count
        for piece in pieces.dropFirst().dropLast() {
            let p = Array(piece.utf8)
            guard let found = find(p, in: value, from: position) else { return false }
            position = found + p.count
        }
        return value.count - position >= tail.count && value[(value.count - tail.count)...].elementsEqual(tail)
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        if needle.isEmpty { return from }
        var i = from
        while i + needle.count <= haystack.count {
            if haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}

/// A touchpoint pattern that could not be used.
public struct PatternError: Error, Sendable, Equatable {
    public var message: String
}

/// A compiled regular expression, searched anywhere in the value.
private struct CompiledRegex: @unchecked Sendable {
    // NSRegularExpression is immutable and documented as thread-safe for matching.
    let expression: NSRegularExpression

    init(_ pattern: String) throws(PatternError) {
        do { expression = try NSRegularExpression(pattern: pattern) } catch {
            // Foundation on Linux says only "The operation could not be completed".
            throw PatternError(message: "it is not a valid regular expression (ICU syntax; check brackets, parentheses and escapes)")
        }
    }

    func search(_ value: String) -> Bool {
        expression.firstMatch(in: value, range: NSRange(value.startIndex..., in: value)) != nil
    }
}
