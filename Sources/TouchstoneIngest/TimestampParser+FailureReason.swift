extension TimestampParser {
    /// Why `bytes`, which `parse(_:)` refused, has the format's shape but is still not a
    /// usable instant; nil when the value simply does not fit the format.
    ///
    /// Two reasons: an epoch value whose microseconds overflow `Int64`, and an instant whose
    /// year in UTC (after its offset or zone) is outside 0000–9999 (`supportedRange`). Called
    /// only for rejected values, so it may redo the parse.
    mutating func failureReason(_ bytes: UnsafeRawBufferPointer) -> String? {
        guard let (lo, hi) = Self.trimmedSpaces(bytes) else { return nil }
        switch format {
        case .iso8601:
            guard let fields = Self.scanISO(bytes, lo, hi) else { return nil }
            return rangeReason(fields)
        case .pattern:
            guard let fields = Self.scanPattern(steps, bytes, lo, hi) else { return nil }
            return rangeReason(fields)
        case .epoch(let unit):
            return Self.epochReason(bytes, lo, hi, unit)
        }
    }

    /// The year in UTC of well-formed `f` when it leaves 0000–9999, as a sentence.
    private mutating func rangeReason(_ f: Fields) -> String? {
        let days = TimestampCivil.daysFromCivil(year: f.year, month: f.month, day: f.day)
        let local = Int64(days) * 86_400 + Int64(f.hour * 3600 + f.minute * 60 + f.second)
        let utc: Int64
        let shift: String
        if f.hasOffset {
            utc = local - Int64(f.offsetSeconds)
            shift = "the offset " + Self.offsetText(f.offsetSeconds)
        } else {
            guard let converted = resolver.utcSeconds(fromLocal: local) else { return nil }
            utc = converted
            shift = "the time zone " + zone.description
        }
        var day = utc / 86_400
        if utc % 86_400 < 0 { day -= 1 }
        let year = TimestampCivil.year(ofDay: Int(day))
        guard year < 0 || year > 9999 else { return nil }
        return "year \(year) in UTC (after \(shift)) is outside 0000-9999"
    }

    /// `±hh:mm` for an offset in seconds east of UTC.
    private static func offsetText(_ seconds: Int) -> String {
        let magnitude = abs(seconds)
        let hours = magnitude / 3600, minutes = magnitude / 60 % 60
        return (seconds < 0 ? "-" : "+") + (hours < 10 ? "0" : "") + String(hours) + ":" + (minutes < 10 ? "0" : "") + String(minutes)
    }

    /// Overflow or range reason for a value with the epoch shape (sign, digits, and for
    /// seconds an optional fraction of 1–9 digits).
    private static func epochReason(_ b: UnsafeRawBufferPointer, _ lo: Int, _ hi: Int, _ unit: EpochUnit) -> String? {
        var i = lo
        if b[i] == UInt8(ascii: "-") { i += 1 }
        let start = i
        while i < hi, digit(b, i) != nil { i += 1 }
        let integerEnd = i
        guard integerEnd > start else { return nil }
        if unit == .seconds && i < hi && b[i] == UInt8(ascii: ".") {
            i += 1
            guard fraction(b, &i, hi) != nil else { return nil }
        }
        guard i == hi else { return nil }
        // The shape is right, so `scanEpoch` refused it for its size: either it overflows
        // 64-bit microseconds or it is outside the supported years.
        let unitName: String
        switch unit {
        case .seconds: unitName = "seconds"
        case .milliseconds: unitName = "milliseconds"
        case .microseconds: unitName = "microseconds"
        }
        if integerEnd - start > 18 || !fitsMicroseconds(b, start, integerEnd, unit) {
            return "\(integerEnd - start)-digit epoch \(unitName) overflow 64-bit microseconds"
        }
        return "epoch \(unitName) outside the years 0000-9999"
    }

    /// Whether the unsigned integer digits `lo..<hi` (at most 18) scaled to microseconds fit in `Int64`.
    private static func fitsMicroseconds(_ b: UnsafeRawBufferPointer, _ lo: Int, _ hi: Int, _ unit: EpochUnit) -> Bool {
        var value: Int64 = 0
        for k in lo..<hi { value = value * 10 + Int64(b[k] &- UInt8(ascii: "0")) }
        let scale: Int64
        switch unit {
        case .seconds: scale = 1_000_000
        case .milliseconds: scale = 1_000
        case .microseconds: scale = 1
        }
        let (scaled, overflow) = value.multipliedReportingOverflow(by: scale)
        return !overflow && scaled < Int64.max - 999_999
    }
}
