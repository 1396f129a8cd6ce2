/// A nightly-job limit on a key figure: `--fail-under conformance=0.85`, `--fail-over
/// skipped_step=0.05`.
public struct Threshold: Sendable, Equatable, CustomStringConvertible {
    public enum Direction: Sendable, Equatable {
        /// Fails when the value is strictly below the limit.
        case under
        /// Fails when the value is strictly above the limit.
        case over
    }

    /// Figures `--fail-under` accepts.
    public static let underFigures = ["conformance", "fitness", "completion"]

    public var direction: Direction
    /// `conformance`, `fitness`, `completion`, or a deviation type (share of customers with it).
    public var figure: String
    public var limit: Double

    /// Parses `NAME=VALUE` for `direction`.
    public init(parsing text: String, _ direction: Direction) throws(ThresholdError) {
        let flag = direction == .under ? "--fail-under" : "--fail-over"
        guard let eq = text.firstIndex(of: "=") else { throw ThresholdError(message: "\(flag) expects NAME=VALUE, got '\(text)'") }
        let name = String(text[..<eq])
        let valueText = String(text[text.index(after: eq)...])
        guard let value = Double(valueText), value.isFinite, value >= 0, value <= 1 else {
            throw ThresholdError(message: "\(flag) \(name): the limit must be a share between 0 and 1, got '\(valueText)'")
        }
        let allowed = direction == .under ? Threshold.underFigures : DeviationType.allCases.map(\.name)
        guard allowed.contains(name) else {
            throw ThresholdError(message: "\(flag): unknown figure '\(name)'; use one of \(allowed.joined(separator: ", "))")
        }
        self.direction = direction
        self.figure = name
        self.limit = value
    }

    public var description: String { "\(direction == .under ? "--fail-under" : "--fail-over") \(figure)=\(limit)" }

    /// The figure's value in `figures`.
    public func value(in figures: KeyFigures) -> Double {
        switch figure {
        case "conformance": return figures.conformanceRate
        case "fitness": return figures.meanFitness
        case "completion": return figures.completionRate
        default: return DeviationType(name: figure).map { figures.share(of: $0) } ?? 0
        }
    }

    /// Whether `figures` break this limit (strictly beyond it).
    public func fails(_ figures: KeyFigures) -> Bool {
        let v = value(in: figures)
        return direction == .under ? v < limit : v > limit
    }
}

/// A threshold that could not be read.
public struct ThresholdError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// The change of each key figure against a previous run's JSON output.
public struct BaselineComparison: Sendable, Equatable {
    public struct Change: Sendable, Equatable {
        public var figure: String
        public var previous: Double
        public var current: Double
        public var delta: Double { current - previous }
        /// Worse than before: lower conformance, fitness or completion; more customers with a
        /// deviation type. Customers is never a regression.
        public var isRegression: Bool
    }

    public var changes: [Change]
    public var regressions: [Change] { changes.filter(\.isRegression) }

    /// Compares `summary`'s key figures with `previous` (figure name → value, as read from the
    /// previous JSON's top-level keys); figures missing there are skipped.
    public init(current summary: ConformanceSummary, previous: [String: Double]) {
        var list: [Change] = []
        for (name, value) in summary.keyFigures {
            guard let before = previous[name] else { continue }
            let worse: Bool
            switch name {
            case "customers": worse = false
            case "conformance", "fitness", "completion": worse = value < before - 1e-12
            default: worse = value > before + 1e-12
            }
            list.append(Change(figure: name, previous: before, current: value, isRegression: worse))
        }
        changes = list
    }
}
