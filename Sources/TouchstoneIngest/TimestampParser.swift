/// Parses timestamp values of one known format from raw bytes.
///
/// Built once per column; `parse(_:)` then runs for every row. It reads ASCII digits straight
/// from the bytes and converts the civil date with integer arithmetic (`TimestampCivil`): no
/// `String`, `Date` or formatter, and no allocation per call. Cost: O(length of the value);
/// a `.named` zone additionally asks Foundation for offsets once per distinct local hour
/// (see `TimeZoneSpec`).
///
/// A value type; `parse` is `mutating` only so a named zone can cache its offsets.
public struct TimestampParser: Sendable {
    /// The format every value is expected in.
    public let format: TimestampFormat
    /// Zone applied to values that carry no UTC offset of their own.
    public let zone: TimeZoneSpec
    /// Converts local wall-clock seconds to UTC for values without an offset.
    var resolver: TimestampZoneResolver
    /// Compiled steps when `format` is `.pattern`, else empty.
    let steps: [TimestampPattern.Step]

    /// Creates a parser for `format`, interpreting offset-less values in `zone`.
    ///
    /// A `.named` zone whose identifier Foundation does not know makes every offset-less value
    /// fail to parse (validate names with `TimeZoneSpec(parsing:)` first); it never silently
    /// becomes UTC.
    public init(format: TimestampFormat, zone: TimeZoneSpec) {
        self.format = format
        self.zone = zone
        self.resolver = TimestampZoneResolver(zone)
        if case .pattern(let pattern) = format {
            self.steps = pattern.steps
        } else {
            self.steps = []
        }
    }

    /// The bounds of `bytes` without leading and trailing ASCII spaces; nil when nothing is left.
    @inline(__always)
    static func trimmedSpaces(_ bytes: UnsafeRawBufferPointer) -> (Int, Int)? {
        var lo = 0
        var hi = bytes.count
        while lo < hi && bytes[lo] == UInt8(ascii: " ") { lo += 1 }
        while hi > lo && bytes[hi - 1] == UInt8(ascii: " ") { hi -= 1 }
        return lo < hi ? (lo, hi) : nil
    }

    /// Microseconds since the Unix epoch (UTC), or nil when `bytes` is not a valid value of the format
    /// (wrong shape, trailing garbage, month 13, Feb 29 in a non-leap year, hour 25, minute 60, ...).
    /// Leading/trailing ASCII spaces are tolerated.
    public mutating func parse(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        guard let (lo, hi) = Self.trimmedSpaces(bytes) else { return nil }
        switch format {
        case .iso8601:
            guard let fields = Self.scanISO(bytes, lo, hi) else { return nil }
            return instant(fields)
        case .epoch(let unit):
            return Self.scanEpoch(bytes, lo, hi, unit)
        case .pattern:
            guard let fields = Self.scanPattern(steps, bytes, lo, hi) else { return nil }
            return instant(fields)
        }
    }

    /// Converts validated fields to microseconds since the epoch, applying the zone.
    @inline(__always)
    mutating func instant(_ f: Fields) -> Int64? {
        let days = TimestampCivil.daysFromCivil(year: f.year, month: f.month, day: f.day)
        let local = Int64(days) * 86_400 + Int64(f.hour * 3600 + f.minute * 60 + f.second)
        let utc: Int64
        if f.hasOffset {
            utc = local - Int64(f.offsetSeconds)
        } else {
            guard let converted = resolver.utcSeconds(fromLocal: local) else { return nil }
            utc = converted
        }
        // Only an absurd `.fixed` offset could overflow; report it as unparseable, never trap.
        let (scaled, overflow) = utc.multipliedReportingOverflow(by: 1_000_000)
        guard !overflow else { return nil }
        let micros = scaled + Int64(f.microseconds)
        return Self.supportedRange.contains(micros) ? micros : nil
    }

    /// The instants a parsed value may have: `0000-01-01T00:00:00Z` through
    /// `9999-12-31T23:59:59.999999Z`, in microseconds since the Unix epoch.
    ///
    /// Every accepted timestamp has a four-digit year in UTC, and the difference of any two
    /// (about 3.2 × 10¹⁷ µs at most) fits in `Int64`, so durations never overflow.
    public static let supportedRange: ClosedRange<Int64> = {
        let first = Int64(TimestampCivil.daysFromCivil(year: 0, month: 1, day: 1)) * 86_400_000_000
        let end = Int64(TimestampCivil.daysFromCivil(year: 10_000, month: 1, day: 1)) * 86_400_000_000
        return first...(end - 1)
    }()
}

extension TimestampParser {
    /// Date and time fields read from one value, before zone conversion.
    struct Fields {
        var year = 0
        var month = 1
        var day = 1
        var hour = 0
        var minute = 0
        var second = 0
        /// Fraction of the second, 0...999_999.
        var microseconds = 0
        var hasOffset = false
        /// UTC offset in seconds east of Greenwich, when `hasOffset`.
        var offsetSeconds = 0

        /// Whether the fields name a real calendar date and wall-clock time.
        @inline(__always)
        var isValid: Bool {
            month >= 1 && month <= 12 && day >= 1
                && day <= TimestampCivil.daysInMonth(year: year, month: month)
                && hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59
                && second >= 0 && second <= 59
        }
    }

    /// The value of the ASCII digit at `i`, or nil.
    @inline(__always)
    static func digit(_ b: UnsafeRawBufferPointer, _ i: Int) -> Int? {
        let d = b[i] &- UInt8(ascii: "0")
        return d < 10 ? Int(d) : nil
    }

    /// Exactly `count` digits starting at `i` (caller ensures `i + count <= hi`).
    @inline(__always)
    static func digits(_ b: UnsafeRawBufferPointer, _ i: Int, _ count: Int) -> Int? {
        var value = 0
        for k in i..<(i + count) {
            guard let d = digit(b, k) else { return nil }
            value = value * 10 + d
        }
        return value
    }

    /// Reads 1...9 fraction digits at `i`, advancing it; returns microseconds (extra digits truncated).
    @inline(__always)
    static func fraction(_ b: UnsafeRawBufferPointer, _ i: inout Int, _ hi: Int) -> Int? {
        var micros = 0
        var n = 0
        while i < hi, let d = digit(b, i) {
            if n < 6 { micros = micros * 10 + d }
            n += 1
            i += 1
        }
        guard n >= 1 && n <= 9 else { return nil }
        var k = n
        while k < 6 { micros *= 10; k += 1 }
        return micros
    }

    /// Reads `Z`, `±hh:mm`, `±hhmm` or `±hh` at `i`, advancing it; returns seconds east of UTC.
    @inline(__always)
    static func offset(_ b: UnsafeRawBufferPointer, _ i: inout Int, _ hi: Int) -> Int? {
        guard i < hi else { return nil }
        let sign = b[i]
        if sign == UInt8(ascii: "Z") || sign == UInt8(ascii: "z") {
            i += 1
            return 0
        }
        guard sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"), i + 3 <= hi,
              let hours = digits(b, i + 1, 2), hours <= 23 else { return nil }
        i += 3
        var minutes = 0
        if i + 3 <= hi && b[i] == UInt8(ascii: ":") {
            guard let m = digits(b, i + 1, 2) else { return nil }
            minutes = m
            i += 3
        } else if i + 2 <= hi, digit(b, i) != nil {
            guard let m = digits(b, i, 2) else { return nil }
            minutes = m
            i += 2
        }
        guard minutes <= 59 else { return nil }
        let seconds = hours * 3600 + minutes * 60
        return sign == UInt8(ascii: "-") ? -seconds : seconds
    }

    /// `YYYY-MM-DD[(T|' ')hh:mm[:ss[(.|,)f{1,9}]]][Z|±hh:mm|±hhmm|±hh]` over `lo..<hi`.
    static func scanISO(_ b: UnsafeRawBufferPointer, _ lo: Int, _ hi: Int) -> Fields? {
        var f = Fields()
        guard hi - lo >= 10, let year = digits(b, lo, 4), b[lo + 4] == UInt8(ascii: "-"),
              let month = digits(b, lo + 5, 2), b[lo + 7] == UInt8(ascii: "-"),
              let day = digits(b, lo + 8, 2) else { return nil }
        f.year = year
        f.month = month
        f.day = day
        var i = lo + 10
        if i < hi {
            let t = b[i]
            if t == UInt8(ascii: "T") || t == UInt8(ascii: "t") || t == UInt8(ascii: " ") {
                guard hi - i >= 6, let hour = digits(b, i + 1, 2), b[i + 3] == UInt8(ascii: ":"),
                      let minute = digits(b, i + 4, 2) else { return nil }
                f.hour = hour
                f.minute = minute
                i += 6
                if i < hi && b[i] == UInt8(ascii: ":") {
                    guard hi - i >= 3, let second = digits(b, i + 1, 2) else { return nil }
                    f.second = second
                    i += 3
                    if i < hi && (b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: ",")) {
                        i += 1
                        guard let micros = fraction(b, &i, hi) else { return nil }
                        f.microseconds = micros
                    }
                }
            }
        }
        if i < hi {
            guard let seconds = offset(b, &i, hi), i == hi else { return nil }
            f.hasOffset = true
            f.offsetSeconds = seconds
        }
        return f.isValid ? f : nil
    }

    /// Optional `-`, 1...18 integer digits, and for seconds an optional `.` plus 1...9 digits.
    static func scanEpoch(_ b: UnsafeRawBufferPointer, _ lo: Int, _ hi: Int, _ unit: EpochUnit) -> Int64? {
        var i = lo
        let negative = b[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        var value: Int64 = 0
        let start = i
        while i < hi, let d = digit(b, i) {
            // 18 digits always fit in Int64; a 19th could overflow.
            guard i - start < 18 else { return nil }
            value = value * 10 + Int64(d)
            i += 1
        }
        guard i > start else { return nil }
        var micros: Int64 = 0
        if unit == .seconds && i < hi && b[i] == UInt8(ascii: ".") {
            i += 1
            guard let m = fraction(b, &i, hi) else { return nil }
            micros = Int64(m)
        }
        guard i == hi else { return nil }
        let scale: Int64
        switch unit {
        case .seconds: scale = 1_000_000
        case .milliseconds: scale = 1_000
        case .microseconds: scale = 1
        }
        let (scaled, overflow) = value.multipliedReportingOverflow(by: scale)
        guard !overflow else { return nil }
        let (magnitude, carry) = scaled.addingReportingOverflow(micros)
        guard !carry else { return nil }
        let signed = negative ? -magnitude : magnitude
        return supportedRange.contains(signed) ? signed : nil
    }

    /// Matches compiled pattern `steps` against `lo..<hi`; the whole range must be consumed.
    static func scanPattern(_ steps: [TimestampPattern.Step], _ b: UnsafeRawBufferPointer, _ lo: Int, _ hi: Int) -> Fields? {
        var f = Fields()
        var i = lo
        var pm: Bool? = nil
        var hour12 = false
        for step in steps {
            switch step {
            case .literal(let byte):
                guard i < hi, b[i] == byte else { return nil }
                i += 1
            case .year4:
                guard hi - i >= 4, let y = digits(b, i, 4) else { return nil }
                f.year = y
                i += 4
            case .year2:
                guard hi - i >= 2, let y = digits(b, i, 2) else { return nil }
                f.year = y < 69 ? 2000 + y : 1900 + y
                i += 2
            case .number(let field, let flexible):
                if field == .spaceDay && i < hi && b[i] == UInt8(ascii: " ") { i += 1 }
                guard i < hi, var value = digit(b, i) else { return nil }
                i += 1
                if i < hi, let d = digit(b, i) {
                    value = value * 10 + d
                    i += 1
                } else if !flexible {
                    return nil
                }
                switch field {
                case .month: f.month = value
                case .day, .spaceDay: f.day = value
                case .hour24: f.hour = value
                case .hour12:
                    guard value >= 1 && value <= 12 else { return nil }
                    f.hour = value
                    hour12 = true
                case .minute: f.minute = value
                case .second: f.second = value
                }
            case .fraction:
                guard let micros = fraction(b, &i, hi) else { return nil }
                f.microseconds = micros
            case .meridiem:
                guard hi - i >= 2 else { return nil }
                let first = b[i] | 0x20, second = b[i + 1] | 0x20
                guard second == UInt8(ascii: "m") else { return nil }
                if first == UInt8(ascii: "a") { pm = false } else if first == UInt8(ascii: "p") { pm = true } else { return nil }
                i += 2
            case .offset:
                guard let seconds = offset(b, &i, hi) else { return nil }
                f.hasOffset = true
                f.offsetSeconds = seconds
            case .monthName:
                guard hi - i >= 3 else { return nil }
                // Lower-case the three letters into one integer key: no String needed.
                let key = Int(b[i] | 0x20) << 16 | Int(b[i + 1] | 0x20) << 8 | Int(b[i + 2] | 0x20)
                guard let month = monthNumber(key) else { return nil }
                f.month = month
                i += 3
            }
        }
        guard i == hi else { return nil }
        if hour12, let pm {
            f.hour = f.hour % 12 + (pm ? 12 : 0)
        }
        return f.isValid ? f : nil
    }

    /// Month 1...12 for a lower-cased three-letter English abbreviation packed as `b0<<16|b1<<8|b2`.
    @inline(__always)
    static func monthNumber(_ key: Int) -> Int? {
        @inline(__always) func pack(_ a: Unicode.Scalar, _ b: Unicode.Scalar, _ c: Unicode.Scalar) -> Int {
            Int(UInt8(ascii: a)) << 16 | Int(UInt8(ascii: b)) << 8 | Int(UInt8(ascii: c))
        }
        switch key {
        case pack("j", "a", "n"): return 1
        case pack("f", "e", "b"): return 2
        case pack("m", "a", "r"): return 3
        case pack("a", "p", "r"): return 4
        case pack("m", "a", "y"): return 5
        case pack("j", "u", "n"): return 6
        case pack("j", "u", "l"): return 7
        case pack("a", "u", "g"): return 8
        case pack("s", "e", "p"): return 9
        case pack("o", "c", "t"): return 10
        case pack("n", "o", "v"): return 11
        case pack("d", "e", "c"): return 12
        default: return nil
        }
    }
}
