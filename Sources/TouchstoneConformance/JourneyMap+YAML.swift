import TouchstoneTraces
import Yams

extension JourneyMap {
    /// Reads and validates a journey map written in YAML (the format is in docs/journey-map.md).
    ///
    /// The text is composed to a `Yams.Node` tree (never decoded through `Codable`), so every
    /// element keeps its 1-based line and column. Validation runs in one pass and collects every
    /// problem it finds — syntax, types, missing and unknown keys, ids, flow, rules, durations,
    /// patterns, reachability — like a compiler.
    ///
    /// - Parameters:
    ///   - yaml: the file's text.
    ///   - file: the name used in diagnostics and kept in `JourneyMap.file`.
    /// - Throws: `MapErrors` with every diagnostic, sorted by line and column.
    /// - Complexity: O(size of the file + steps × (steps + flow entries)).
    public init(yaml: String, file: String) throws(MapErrors) {
        var parser = MapParser(file: file)
        let parsed = parser.parse(yaml)
        if !parser.diagnostics.isEmpty { throw MapErrors(parser.sortedDiagnostics) }
        guard var map = parsed else {
            throw MapErrors([MapDiagnostic(file: file, line: 1, column: 1, message: "the journey map could not be read")])
        }
        map.file = file
        self = map
    }
}

/// A key of a YAML mapping with its value, both with their positions.
private struct MapEntry {
    var key: String
    var keyNode: Node
    var value: Node
}

/// One pass over the composed YAML tree: builds the map's parts and collects diagnostics.
///
/// Each `read…` function reports what is wrong with its node and returns what it could read
/// (or `nil`), so validation goes on after an error and every problem is reported once.
private struct MapParser {
    let file: String
    private(set) var diagnostics: [MapDiagnostic] = []

    init(file: String) { self.file = file }

    /// Diagnostics ordered by line, then column (stable for equal positions).
    var sortedDiagnostics: [MapDiagnostic] {
        diagnostics.enumerated().sorted { a, b in
            (a.element.line, a.element.column, a.offset) < (b.element.line, b.element.column, b.offset)
        }.map(\.element)
    }

    // MARK: Keys of each mapping

    static let topKeys = ["journey", "version", "owner", "description", "segment", "stages", "flow", "ignore", "rules"]
    static let stageKeys = ["id", "name", "within", "steps"]
    static let stepKeys = ["id", "name", "touchpoints", "repeatable", "optional", "moment_of_truth", "goal", "within"]
    static let ruleKinds = ["never", "response", "precedence", "at_most"]

    /// What an id names, for the shared stage/step namespace.
    private enum IDKind { case stage, step }

    /// Every stage and step id, with what it names (its index in `stages` or `steps`) and
    /// where it was first defined.
    private var ids: [String: (kind: IDKind, index: Int, location: MapLocation)] = [:]
    /// Step ids in file order (for did-you-mean).
    private var stepIDs: [String] = []

    // MARK: Document

    mutating func parse(_ yaml: String) -> JourneyMap? {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            report(error, in: yaml)
            return nil
        } catch {
            self.error("invalid YAML: \(error)", at: MapLocation(line: 1, column: 1))
            return nil
        }
        guard let root, !isNull(root) else {
            error("the journey map is empty; it needs at least 'journey' and 'stages'", at: MapLocation(line: 1, column: 1))
            return nil
        }
        guard let top = fields(root, of: "the journey map", allowed: Self.topKeys, required: ["journey", "stages"]) else { return nil }

        let name = top["journey"].flatMap { text($0, nonEmpty: true) }
        let version = top["version"].flatMap { text($0) }
        let owner = top["owner"].flatMap { text($0) }
        let description = top["description"].flatMap { text($0) }
        let segment = top["segment"].map { readSegment($0) } ?? []

        var stages: [JourneyMap.Stage] = []
        var steps: [JourneyMap.Step] = []
        let errorsBeforeStages = diagnostics.count
        if let entry = top["stages"] { readStages(entry, into: &stages, &steps) }
        let stagesAreSound = diagnostics.count == errorsBeforeStages && !steps.isEmpty

        let errorsBeforeFlow = diagnostics.count
        var successors = (0..<steps.count).map { $0 + 1 < steps.count ? [$0 + 1] : [] }
        var explicit = Array(repeating: false, count: steps.count)
        if let entry = top["flow"] { readFlow(entry, steps: steps, successors: &successors, explicit: &explicit) }
        let flowIsSound = diagnostics.count == errorsBeforeFlow

        let ignore = top["ignore"].map { patterns($0, key: "ignore", allowEmpty: true) } ?? []
        let rules = top["rules"].map { readRules($0) } ?? []

        if stagesAreSound && flowIsSound { checkReachability(steps: steps, successors: successors) }

        guard let name, let journey = top["journey"] else { return nil }
        return JourneyMap(name: name, version: version, owner: owner, description: description, segment: segment,
                          stages: stages, steps: steps, successors: successors, flowIsExplicit: explicit,
                          ignore: ignore, rules: rules, location: location(journey.keyNode))
    }

    /// Turns a Yams error into a diagnostic at its mark.
    private mutating func report(_ error: YamlError, in yaml: String) {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            var message = "invalid YAML: \(problem)"
            if let context { message += " (\(context.text) at \(context.mark.line):\(context.mark.column))" }
            self.error(message, at: MapLocation(line: mark.line, column: mark.column))
        case let .reader(problem, offset, _, _):
            self.error("invalid YAML: \(problem)", at: offset.map { Self.location(ofCharacter: $0, in: yaml) } ?? MapLocation(line: 1, column: 1))
        case let .duplicatedKeysInMapping(duplicates, context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            self.error("duplicate key \(keys) in one map", at: MapLocation(line: context.mark.line, column: context.mark.column))
        default:
            self.error("invalid YAML: \(error)", at: MapLocation(line: 1, column: 1))
        }
    }

    /// 1-based line and column of the character at `offset` (in characters) in `text`.
    private static func location(ofCharacter offset: Int, in text: String) -> MapLocation {
        var line = 1, column = 1
        for character in text.prefix(offset) {
            if character == "\n" || character == "\r\n" { line += 1; column = 1 } else { column += character.unicodeScalars.count }
        }
        return MapLocation(line: line, column: column)
    }

    // MARK: Segment

    private mutating func readSegment(_ entry: MapEntry) -> [JourneyMap.SegmentCondition] {
        guard let segment = fields(entry.value, of: "'segment'", allowed: ["where"], required: ["where"]),
              let whereEntry = segment["where"],
              let conditions = entries(whereEntry.value, of: "'segment.where'") else { return [] }
        if conditions.isEmpty {
            error("'segment.where' lists no attribute; write e.g. {where: {persona: IT buyer}} or remove 'segment'", at: whereEntry.value)
        }
        var result: [JourneyMap.SegmentCondition] = []
        for condition in conditions {
            guard let value = text(condition) else { continue }
            result.append(JourneyMap.SegmentCondition(attribute: condition.key, value: value, location: location(condition.keyNode)))
        }
        return result
    }

    // MARK: Stages and steps

    private mutating func readStages(_ entry: MapEntry, into stages: inout [JourneyMap.Stage], _ steps: inout [JourneyMap.Step]) {
        guard let items = list(entry) else { return }
        if items.isEmpty {
            error("the journey has no stages; list at least one under 'stages'", at: entry.value)
            return
        }
        for item in items {
            let stageIndex = stages.count
            guard let stage = fields(item, of: "a stage", allowed: Self.stageKeys, required: ["id", "steps"]) else { continue }
            let id = stage["id"].flatMap { readID($0, kind: .stage, index: stageIndex) } ?? ""
            let name = stage["name"].flatMap { text($0) }
            let within = stage["within"].flatMap { duration($0) }
            let first = steps.count
            if let stepsEntry = stage["steps"], let stepItems = list(stepsEntry) {
                if stepItems.isEmpty {
                    error("\(id.isEmpty ? "this stage" : "stage '\(id)'") has no steps; list at least one under 'steps'", at: stepsEntry.value)
                }
                for stepItem in stepItems {
                    if let step = readStep(stepItem, stage: stageIndex, index: steps.count) { steps.append(step) }
                }
            }
            stages.append(JourneyMap.Stage(id: id, name: name, within: within, steps: first..<steps.count, location: location(item)))
        }
    }

    /// Reads the step that will be `steps[index]`, in stage `stage`.
    private mutating func readStep(_ node: Node, stage: Int, index: Int) -> JourneyMap.Step? {
        guard let step = fields(node, of: "a step", allowed: Self.stepKeys, required: ["id", "touchpoints"]) else { return nil }
        let id = step["id"].flatMap { readID($0, kind: .step, index: index) } ?? ""
        let name = step["name"].flatMap { text($0) }
        let touchpoints = step["touchpoints"].map { patterns($0, key: "touchpoints", allowEmpty: false) } ?? []
        return JourneyMap.Step(
            id: id, name: name, stage: stage, touchpoints: touchpoints,
            isOptional: step["optional"].flatMap { bool($0) } ?? false,
            isRepeatable: step["repeatable"].flatMap { bool($0) } ?? false,
            isGoal: step["goal"].flatMap { bool($0) } ?? false,
            isMomentOfTruth: step["moment_of_truth"].flatMap { bool($0) } ?? false,
            within: step["within"].flatMap { duration($0) },
            location: location(node))
    }

    /// Reads a stage or step id and registers it in the shared namespace.
    private mutating func readID(_ entry: MapEntry, kind: IDKind, index: Int) -> String? {
        let what = kind == .stage ? "stage" : "step"
        guard let id = text(entry) else { return nil }
        guard !id.isEmpty else {
            error("empty \(what) id", at: entry.value)
            return nil
        }
        let here = location(entry.value)
        if let first = ids[id] {
            switch (first.kind, kind) {
            case (.stage, .stage), (.step, .step):
                error("duplicate \(what) id '\(id)' (first defined at \(first.location))", at: here)
            case (.stage, .step), (.step, .stage):
                let other = first.kind == .stage ? "stage" : "step"
                error("'\(id)' is already the id of a \(other) (at \(first.location)); stages and steps share one namespace", at: here)
            }
            return id
        }
        ids[id] = (kind, index, here)
        if kind == .step { stepIDs.append(id) }
        return id
    }

    // MARK: Flow

    private mutating func readFlow(_ entry: MapEntry, steps: [JourneyMap.Step], successors: inout [[Int]], explicit: inout [Bool]) {
        guard let flow = entries(entry.value, of: "'flow'") else { return }
        for item in flow {
            let from = stepReference(item.key, at: item.keyNode, role: "flow")
            guard let targets = scalarList(item, key: "flow of '\(item.key)'") else { continue }
            var next: [Int] = []
            for target in targets {
                guard let name = text(target, key: "flow of '\(item.key)'"),
                      let index = stepReference(name, at: target, role: "flow of '\(item.key)'") else { continue }
                if next.contains(index) {
                    error("flow of '\(item.key)' lists '\(name)' twice", at: target)
                    continue
                }
                next.append(index)
            }
            if let from, from < successors.count {
                successors[from] = next
                explicit[from] = true
            }
        }
    }

    /// Resolves a step id named by `role` (flow, a rule): unknown ids get a did-you-mean,
    /// stage ids an explanation.
    private mutating func stepReference(_ id: String, at node: Node, role: String) -> Int? {
        if let known = ids[id] {
            if known.kind == .stage {
                error("\(role) names stage '\(id)'; name a step (stages are not steps)", at: node)
                return nil
            }
            return known.index
        }
        var message = "\(role) names unknown step '\(id)'"
        if let suggestion = Self.closest(to: id, among: stepIDs) { message += "; did you mean '\(suggestion)'?" }
        error(message, at: node)
        return nil
    }

    // MARK: Rules

    private mutating func readRules(_ entry: MapEntry) -> [JourneyMap.Rule] {
        guard let items = list(entry) else { return [] }
        var rules: [JourneyMap.Rule] = []
        for item in items {
            guard let pairs = entries(item, of: "a rule") else { continue }
            guard pairs.count == 1, let rule = pairs.first else {
                error("a rule is a map with exactly one key (never, response, precedence or at_most); found \(pairs.count)", at: item)
                continue
            }
            let here = location(item)
            switch rule.key {
            case "never":
                guard let text = text(rule) else { continue }
                if let pattern = pattern(text, at: rule.value) { rules.append(.never(pattern, location: here)) }
            case "response":
                guard let f = fields(rule.value, of: "rule 'response'", allowed: ["if", "then", "within"], required: ["if", "then"]) else { continue }
                let a = f["if"].flatMap { ruleStep($0, rule: "response") }
                let b = f["then"].flatMap { ruleStep($0, rule: "response") }
                let within = f["within"].flatMap { duration($0) }
                if let a, let b, f["within"] == nil || within != nil {
                    rules.append(.response(ifStep: a, thenStep: b, within: within, location: here))
                }
            case "precedence":
                guard let f = fields(rule.value, of: "rule 'precedence'", allowed: ["first", "then"], required: ["first", "then"]) else { continue }
                let a = f["first"].flatMap { ruleStep($0, rule: "precedence") }
                let b = f["then"].flatMap { ruleStep($0, rule: "precedence") }
                if let a, let b { rules.append(.precedence(firstStep: a, thenStep: b, location: here)) }
            case "at_most":
                guard let f = fields(rule.value, of: "rule 'at_most'", allowed: ["step", "times"], required: ["step", "times"]) else { continue }
                let s = f["step"].flatMap { ruleStep($0, rule: "at_most") }
                let times = f["times"].flatMap { count($0) }
                if let s, let times { rules.append(.atMost(step: s, times: times, location: here)) }
            default:
                var message = "unknown rule '\(rule.key)'"
                if let suggestion = Self.closest(to: rule.key, among: Self.ruleKinds) {
                    message += "; did you mean '\(suggestion)'?"
                } else {
                    message += "; a rule is one of never, response, precedence, at_most"
                }
                error(message, at: rule.keyNode)
            }
        }
        return rules
    }

    private mutating func ruleStep(_ entry: MapEntry, rule: String) -> Int? {
        guard let id = text(entry) else { return nil }
        return stepReference(id, at: entry.value, role: "rule '\(rule)'")
    }

    /// `times`: a whole number, at least 0.
    private mutating func count(_ entry: MapEntry) -> Int? {
        if case .scalar = entry.value, Self.tagName(entry.value) == .int, let n = entry.value.int, n >= 0 { return n }
        error("'\(entry.key)' must be a whole number of at least 0, found \(Self.describe(entry.value))", at: entry.value)
        return nil
    }

    // MARK: Reachability

    /// Every step must be reachable from the start (the first step), and goal steps above all.
    private mutating func checkReachability(steps: [JourneyMap.Step], successors: [[Int]]) {
        var reached = Array(repeating: false, count: steps.count)
        var stack = [0]
        reached[0] = true
        while let s = stack.popLast() {
            for t in successors[s] where !reached[t] {
                reached[t] = true
                stack.append(t)
            }
        }
        for (i, step) in steps.enumerated() where !reached[i] {
            if step.isGoal {
                error("goal step '\(step.id)' cannot be reached from the start of the journey: no walk through the flow can complete it", at: step.location)
            } else {
                error("step '\(step.id)' cannot be reached from the start of the journey: no flow path leads to it", at: step.location)
            }
        }
    }

    // MARK: Typed values

    /// The entries of a mapping, or `nil` (reported) when `node` is not a mapping.
    private mutating func entries(_ node: Node, of what: String) -> [MapEntry]? {
        guard case .mapping(let mapping) = node else {
            error("expected a map for \(what), found \(Self.describe(node))", at: node)
            return nil
        }
        var result: [MapEntry] = []
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key else {
                error("a key in \(what) must be text, found \(Self.describe(key))", at: key)
                continue
            }
            result.append(MapEntry(key: scalar.string, keyNode: key, value: value))
        }
        return result
    }

    /// The known keys of a mapping; unknown keys and missing required keys are reported.
    private mutating func fields(_ node: Node, of what: String, allowed: [String], required: [String]) -> [String: MapEntry]? {
        guard let all = entries(node, of: what) else { return nil }
        var known: [String: MapEntry] = [:]
        var suggested: Set<String> = []
        for entry in all {
            if allowed.contains(entry.key) {
                known[entry.key] = entry
                continue
            }
            var message = "unknown key '\(entry.key)' in \(what)"
            if let suggestion = Self.closest(to: entry.key, among: allowed.filter { known[$0] == nil }) ?? Self.closest(to: entry.key, among: allowed) {
                message += "; did you mean '\(suggestion)'?"
                suggested.insert(suggestion)
            } else {
                message += " (expected \(allowed.map { "'\($0)'" }.joined(separator: ", ")))"
            }
            error(message, at: entry.keyNode)
        }
        // A misspelt required key is reported once, as the unknown key with its suggestion.
        for key in required where known[key] == nil && !suggested.contains(key) {
            error("\(what) is missing the required key '\(key)'", at: node)
        }
        return known
    }

    /// A sequence's items, or `nil` (reported) when the value is not a list.
    private mutating func list(_ entry: MapEntry) -> [Node]? {
        guard case .sequence(let sequence) = entry.value else {
            error("expected a list for '\(entry.key)', found \(Self.describe(entry.value))", at: entry.value)
            return nil
        }
        return Array(sequence)
    }

    /// A list of scalars, where a single scalar stands for a list of one.
    private mutating func scalarList(_ entry: MapEntry, key: String) -> [Node]? {
        switch entry.value {
        case .sequence(let sequence): return Array(sequence)
        case .scalar where !isNull(entry.value): return [entry.value]
        default:
            error("expected a list of text for \(key), found \(Self.describe(entry.value))", at: entry.value)
            return nil
        }
    }

    /// A scalar's text (numbers and booleans as written); `nil` (reported) for anything else.
    private mutating func text(_ entry: MapEntry, nonEmpty: Bool = false) -> String? {
        guard let value = text(entry.value, key: "'\(entry.key)'") else { return nil }
        if nonEmpty && value.isEmpty {
            error("'\(entry.key)' must not be empty", at: entry.value)
            return nil
        }
        return value
    }

    private mutating func text(_ node: Node, key: String) -> String? {
        guard case .scalar(let scalar) = node, !isNull(node) else {
            error("expected text for \(key), found \(Self.describe(node))", at: node)
            return nil
        }
        return scalar.string
    }

    private mutating func bool(_ entry: MapEntry) -> Bool? {
        if case .scalar = entry.value, Self.tagName(entry.value) == .bool, let value = entry.value.bool { return value }
        error("'\(entry.key)' must be true or false, found \(Self.describe(entry.value))", at: entry.value)
        return nil
    }

    /// A duration in microseconds (`DurationText`), the parse error reported at the value.
    private mutating func duration(_ entry: MapEntry) -> Int64? {
        guard let text = text(entry) else { return nil }
        do {
            return try DurationText.parse(text)
        } catch {
            self.error("bad duration for '\(entry.key)': \(error.message)", at: entry.value)
            return nil
        }
    }

    /// Touchpoint patterns: a list of text, or a single text.
    private mutating func patterns(_ entry: MapEntry, key: String, allowEmpty: Bool) -> [TouchpointPattern] {
        guard let nodes = scalarList(entry, key: "'\(key)'") else { return [] }
        if nodes.isEmpty && !allowEmpty {
            error("'\(key)' is empty; list at least one touchpoint pattern", at: entry.value)
        }
        var result: [TouchpointPattern] = []
        for node in nodes {
            guard let text = text(node, key: "a pattern in '\(key)'") else { continue }
            if let pattern = pattern(text, at: node) { result.append(pattern) }
        }
        return result
    }

    private mutating func pattern(_ text: String, at node: Node) -> TouchpointPattern? {
        if text.isEmpty {
            error("empty touchpoint pattern", at: node)
            return nil
        }
        do {
            return try TouchpointPattern(text, location: location(node))
        } catch {
            self.error(error.message, at: node)
            return nil
        }
    }

    // MARK: Helpers

    /// The node's resolved tag (`str`, `int`, `bool`, `null`, …): explicit, quoted text, or
    /// resolved from the plain text by the default YAML rules.
    static func tagName(_ node: Node) -> Tag.Name { Resolver.default.resolveTag(of: node) }

    private func isNull(_ node: Node) -> Bool {
        if case .scalar = node { return Self.tagName(node) == .null }
        return false
    }

    private func location(_ node: Node) -> MapLocation {
        node.mark.map { MapLocation(line: $0.line, column: $0.column) } ?? MapLocation(line: 1, column: 1)
    }

    private mutating func error(_ message: String, at node: Node) { error(message, at: location(node)) }

    private mutating func error(_ message: String, at location: MapLocation) {
        diagnostics.append(MapDiagnostic(file: file, location: location, message: message))
    }

    /// How a node reads in a message: "a list", "a map", "nothing" or the quoted text.
    static func describe(_ node: Node) -> String {
        switch node {
        case .mapping: return "a map"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar):
            if Self.tagName(node) == .null { return "nothing" }
            return "'\(scalar.string)'"
        }
    }

    /// The candidate nearest to `word` when it is close enough to be a likely typo: at most a
    /// third of the candidate's length (and at least 1) edits apart, and not every character
    /// replaced, after treating `-`, space and `_` alike and ignoring case. Ties go to the
    /// earlier candidate.
    static func closest(to word: String, among candidates: [String]) -> String? {
        func normalized(_ s: String) -> [Character] {
            Array(s.lowercased().map { $0 == "-" || $0 == " " ? "_" : $0 })
        }
        let w = normalized(word)
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let c = normalized(candidate)
            let d = editDistance(w, c)
            guard d <= max(1, c.count / 3), d < max(w.count, c.count) else { continue }
            if best == nil || d < best?.distance ?? Int.max { best = (candidate, d) }
        }
        return best?.candidate
    }

    /// Levenshtein distance (insertions, deletions, substitutions), O(|a|·|b|) time, O(|b|) memory.
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = Array(repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
