/// Unit of an integer epoch timestamp.
public enum EpochUnit: Sendable, Equatable {
    /// Seconds since the Unix epoch; may carry a fraction (`1710498600.25`).
    case seconds
    /// Milliseconds since the Unix epoch; integer only.
    case milliseconds
    /// Microseconds since the Unix epoch; integer only.
    case microseconds
}

/// The textual format of one timestamp column.
///
/// Decided once per column (by `TimestampFormatDetector` or from `--timestamp-format`) and then
/// applied to every value by `TimestampParser`; values are never guessed one by one.
public enum TimestampFormat: Sendable, Equatable, CustomStringConvertible {
    /// ISO 8601 / RFC 3339 subset, one grammar:
    /// `YYYY-MM-DD[(T|' ')hh:mm[:ss[(.|,)f{1,9}]]][Z|±hh:mm|±hhmm|±hh]`.
    case iso8601
    /// Integer digits with an optional leading `-`; `.seconds` may carry a `.fraction`.
    case epoch(EpochUnit)
    /// An explicit strftime-like pattern.
    case pattern(TimestampPattern)

    /// "ISO 8601", "epoch seconds", "epoch milliseconds", "epoch microseconds", or the pattern text.
    public var description: String {
        switch self {
        case .iso8601: return "ISO 8601"
        case .epoch(.seconds): return "epoch seconds"
        case .epoch(.milliseconds): return "epoch milliseconds"
        case .epoch(.microseconds): return "epoch microseconds"
        case .pattern(let pattern): return pattern.spec
        }
    }
}
