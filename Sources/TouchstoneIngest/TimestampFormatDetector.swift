/// Decides a column's format once from its first values.
///
/// Rules, applied to each trimmed sample in turn:
/// 1. A value in the ISO grammar (`TimestampFormat.iso8601`) decides `.iso8601`.
/// 2. A compact date: exactly 8 digits that read as a valid `YYYYMMDD` with the year in
///    1900–2099 (`20240315`) decides `%Y%m%d`; exactly 14 digits that read as a valid
///    `YYYYMMDDhhmmss` with such a year decides `%Y%m%d%H%M%S`. (As epoch seconds, 8 digits
///    from 19000101 to 20991231 are instants in August 1970; 14 digits as epoch milliseconds
///    are after the year 2286.)
/// 3. Any other all-digit value (optional `-`, optional `.fraction`) decides epoch by its number of
///    integer digits: ≤ 11 seconds, 12–14 milliseconds, 15–17 microseconds (a fraction is only
///    accepted for seconds).
/// 4. `D{1,2}<sep>D{1,2}<sep>YYYY` with `sep` one of `.` `/` `-`, optionally followed by `' '`
///    or `T` and `H{1,2}:MM[:SS[.f]]` and an optional ` AM`/` PM` (then `%I` … `%p`), becomes a
///    `.pattern`. The first value with a field > 12 decides the order (first field > 12: day
///    first; second field > 12: month first). While every such value has both fields ≤ 12 the
///    detector stays undecided and `finish()` reports the ambiguity.
/// 5. `YYYY/MM/DD` with the same optional time part becomes a `.pattern`.
///
/// Other values are counted but otherwise ignored (they become row rejections when parsed).
/// Every candidate pattern is checked by parsing the value that produced it, so a decided
/// format always accepts its deciding value. Uses `String` internally; cost O(length) per sample.
public struct TimestampFormatDetector: Sendable {
    /// The decision, once made.
    private var decided: TimestampFormat?
    /// Number of samples observed.
    public private(set) var samplesSeen = 0
    /// Day/month values seen with both fields ≤ 12, while undecided.
    private var ambiguousCount = 0
    /// The first ambiguous value and its shape, for the error message.
    private var firstAmbiguous: (text: String, shape: DateTimeShape)?
    /// Up to three values that matched no shape, for the error message.
    private var unrecognised: [String] = []

    /// Creates a detector that has seen nothing.
    public init() {}

    /// Feeds the next non-empty sample value; returns the format as soon as it is decided.
    ///
    /// After a decision, further samples are only counted and the decision is returned again.
    public mutating func observe(_ bytes: UnsafeRawBufferPointer) -> TimestampFormat? {
        samplesSeen += 1
        if let decided { return decided }
        var value = Array(bytes)
        while value.last == UInt8(ascii: " ") { value.removeLast() }
        if let start = value.firstIndex(where: { $0 != UInt8(ascii: " ") }) {
            value.removeFirst(start)
        } else {
            value.removeAll()
        }
        if value.isEmpty { return nil }

        if Self.accepts(.iso8601, value) {
            decided = .iso8601
        } else if let format = Self.compactDate(value) {
            decided = format
        } else if let unit = Self.epochUnit(value), Self.accepts(.epoch(unit), value) {
            decided = .epoch(unit)
        } else if let (first, second, shape) = Self.dayMonthShape(value) {
            if first > 12 || second > 12 {
                if let format = shape.format(dayFirst: first > 12), Self.accepts(format, value) {
                    decided = format
                } else {
                    remember(value)
                }
            } else if let format = shape.format(dayFirst: true), Self.accepts(format, value) {
                ambiguousCount += 1
                if firstAmbiguous == nil { firstAmbiguous = (Self.quote(value), shape) }
            } else {
                remember(value)
            }
        } else if let shape = Self.yearFirstShape(value), let format = shape.format(dayFirst: false),
                  Self.accepts(format, value) {
            decided = format
        } else {
            remember(value)
        }
        return decided
    }

    /// No more samples: the decision, or an error saying why none was made
    /// (no recognisable value among the samples, or day/month order still ambiguous —
    /// e.g. "day/month order is ambiguous: all 37 values like '03/04/2024 10:00' have both fields ≤ 12; pass --timestamp-format '%d/%m/%Y %H:%M' or '%m/%d/%Y %H:%M'").
    public func finish() -> Result<TimestampFormat, TimestampError> {
        if let decided { return .success(decided) }
        if let (text, shape) = firstAmbiguous {
            let dayFirst = shape.spec(dayFirst: true), monthFirst = shape.spec(dayFirst: false)
            let values = ambiguousCount == 1 ? "the only value" : "all \(ambiguousCount) values like"
            return .failure(TimestampError(
                "day/month order is ambiguous: \(values) '\(text)' \(ambiguousCount == 1 ? "has" : "have") both fields ≤ 12; pass --timestamp-format '\(dayFirst)' or '\(monthFirst)'"))
        }
        if samplesSeen == 0 || unrecognised.isEmpty {
            return .failure(TimestampError("no timestamp values to detect the format from; pass --timestamp-format"))
        }
        let examples = unrecognised.map { "'\($0)'" }.joined(separator: ", ")
        return .failure(TimestampError(
            "no recognisable timestamp among \(samplesSeen) value\(samplesSeen == 1 ? "" : "s") (e.g. \(examples)); expected ISO 8601, epoch seconds/milliseconds/microseconds, or day.month.year; pass --timestamp-format"))
    }
}

extension TimestampFormatDetector {
    /// The parts of a date-time shape that determine its pattern.
    struct DateTimeShape: Sendable {
        /// True for `YYYY/MM/DD`, false for `D/M/YYYY`.
        var yearFirst = false
        var separator: UInt8 = UInt8(ascii: "/")
        /// `' '` or `T` before the time, or nil for a date only.
        var timeSeparator: UInt8?
        var hasSeconds = false
        var hasFraction = false
        var hasMeridiem = false

        /// The pattern text; `dayFirst` is ignored when `yearFirst`.
        func spec(dayFirst: Bool) -> String {
            let sep = String(UnicodeScalar(separator))
            var text = yearFirst ? "%Y\(sep)%m\(sep)%d"
                : dayFirst ? "%d\(sep)%m\(sep)%Y" : "%m\(sep)%d\(sep)%Y"
            if let timeSeparator {
                text += String(UnicodeScalar(timeSeparator)) + (hasMeridiem ? "%I" : "%H") + ":%M"
                if hasSeconds { text += ":%S" }
                if hasFraction { text += ".%f" }
                if hasMeridiem { text += " %p" }
            }
            return text
        }

        /// The compiled pattern, or nil if it does not compile (not expected).
        func format(dayFirst: Bool) -> TimestampFormat? {
            guard let pattern = try? TimestampPattern(spec(dayFirst: dayFirst)) else { return nil }
            return .pattern(pattern)
        }
    }

    /// Whether `format` parses `value` (zone UTC).
    static func accepts(_ format: TimestampFormat, _ value: [UInt8]) -> Bool {
        var parser = TimestampParser(format: format, zone: .utc)
        return value.withUnsafeBytes { parser.parse($0) } != nil
    }

    /// `%Y%m%d` for 8 digits, `%Y%m%d%H%M%S` for 14, when the value is a valid date (and
    /// time) in that pattern with a year in 1900–2099; nil otherwise.
    static func compactDate(_ value: [UInt8]) -> TimestampFormat? {
        guard value.count == 8 || value.count == 14, value.allSatisfy(isDigit) else { return nil }
        let year = value[0..<4].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        guard (1900...2099).contains(year) else { return nil }
        guard let pattern = try? TimestampPattern(value.count == 8 ? "%Y%m%d" : "%Y%m%d%H%M%S") else { return nil }
        let format = TimestampFormat.pattern(pattern)
        return accepts(format, value) ? format : nil
    }

    /// The epoch unit for an all-digit value, by its number of integer digits.
    static func epochUnit(_ value: [UInt8]) -> EpochUnit? {
        var i = value.first == UInt8(ascii: "-") ? 1 : 0
        let start = i
        while i < value.count && isDigit(value[i]) { i += 1 }
        let integerDigits = i - start
        var hasFraction = false
        if i < value.count && value[i] == UInt8(ascii: ".") {
            hasFraction = true
            i += 1
            let fractionStart = i
            while i < value.count && isDigit(value[i]) { i += 1 }
            if i == fractionStart { return nil }
        }
        guard i == value.count else { return nil }
        switch integerDigits {
        case 1...11: return .seconds
        case 12...14: return hasFraction ? nil : .milliseconds
        case 15...17: return hasFraction ? nil : .microseconds
        default: return nil
        }
    }

    /// `D{1,2}<sep>D{1,2}<sep>YYYY[time]`: the two leading fields and the shape.
    static func dayMonthShape(_ v: [UInt8]) -> (Int, Int, DateTimeShape)? {
        var i = 0
        var shape = DateTimeShape()
        guard let first = number(v, &i, 1...2), i < v.count,
              [UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: "-")].contains(v[i]) else { return nil }
        shape.separator = v[i]
        i += 1
        guard let second = number(v, &i, 1...2), i < v.count, v[i] == shape.separator else { return nil }
        i += 1
        guard number(v, &i, 4...4) != nil, timePart(v, &i, &shape), i == v.count else { return nil }
        return (first, second, shape)
    }

    /// `YYYY/MM/DD[time]`.
    static func yearFirstShape(_ v: [UInt8]) -> DateTimeShape? {
        var i = 0
        var shape = DateTimeShape(yearFirst: true)
        guard number(v, &i, 4...4) != nil, i < v.count, v[i] == UInt8(ascii: "/") else { return nil }
        i += 1
        guard number(v, &i, 1...2) != nil, i < v.count, v[i] == UInt8(ascii: "/") else { return nil }
        i += 1
        guard number(v, &i, 1...2) != nil, timePart(v, &i, &shape), i == v.count else { return nil }
        return shape
    }

    /// Optional `(' '|T)H{1,2}:MM[:SS[.f]][ AM| PM]` at `i`; false if it starts but is malformed.
    static func timePart(_ v: [UInt8], _ i: inout Int, _ shape: inout DateTimeShape) -> Bool {
        guard i < v.count else { return true }
        guard v[i] == UInt8(ascii: " ") || v[i] == UInt8(ascii: "T") else { return false }
        shape.timeSeparator = v[i]
        i += 1
        guard number(v, &i, 1...2) != nil, i < v.count, v[i] == UInt8(ascii: ":") else { return false }
        i += 1
        guard number(v, &i, 2...2) != nil else { return false }
        if i < v.count && v[i] == UInt8(ascii: ":") {
            i += 1
            guard number(v, &i, 2...2) != nil else { return false }
            shape.hasSeconds = true
            if i < v.count && v[i] == UInt8(ascii: ".") {
                i += 1
                guard number(v, &i, 1...9) != nil else { return false }
                shape.hasFraction = true
            }
        }
        if i + 3 == v.count && v[i] == UInt8(ascii: " ") && v[i + 2] | 0x20 == UInt8(ascii: "m")
            && [UInt8(ascii: "a"), UInt8(ascii: "p")].contains(v[i + 1] | 0x20) {
            shape.hasMeridiem = true
            i += 3
        }
        return true
    }

    /// A run of digits at `i` whose length is in `lengths`, advancing `i`.
    static func number(_ v: [UInt8], _ i: inout Int, _ lengths: ClosedRange<Int>) -> Int? {
        var value = 0
        var n = 0
        while i < v.count && isDigit(v[i]) && n < lengths.upperBound + 1 {
            value = value &* 10 &+ Int(v[i] - UInt8(ascii: "0"))
            n += 1
            i += 1
        }
        return lengths.contains(n) ? value : nil
    }

    static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

    /// `value` as text for a message: invalid UTF-8 replaced, at most 40 characters.
    static func quote(_ value: [UInt8]) -> String {
        let text = String(decoding: value, as: UTF8.self)
        return text.count > 40 ? String(text.prefix(40)) + "…" : text
    }

    private mutating func remember(_ value: [UInt8]) {
        if unrecognised.count < 3 { unrecognised.append(Self.quote(value)) }
    }
}
