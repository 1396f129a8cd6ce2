/// Calendar arithmetic on seconds since the Unix epoch, in integers only.
///
/// Howard Hinnant's `civil_from_days`: proleptic Gregorian, valid far beyond the years the
/// generator uses. No `Date`, `Calendar` or `DateFormatter`, so formatting is fast and the
/// same everywhere.
enum CivilTime {
    /// Seconds in a day.
    static let secondsPerDay: Int64 = 86_400

    /// 2025-01-01T00:00:00Z in seconds since the Unix epoch: the start of every log.
    static let logStart: Int64 = 1_735_689_600

    /// 2026-07-01T00:00:00Z: the export date. Customers arrive during 2025; journeys still
    /// running at the export date end there, as in a real extract.
    static let exportEnd: Int64 = logStart + (365 + 181) * secondsPerDay

    /// Splits seconds since the epoch into whole days (floor) and the second of that day.
    @inline(__always)
    static func split(_ seconds: Int64) -> (day: Int64, secondOfDay: Int64) {
        var day = seconds / secondsPerDay
        var second = seconds - day * secondsPerDay
        if second < 0 {
            day -= 1
            second += secondsPerDay
        }
        return (day, second)
    }

    /// The weekday of a day since the epoch: 0 = Monday … 6 = Sunday.
    @inline(__always)
    static func weekday(ofDay day: Int64) -> Int64 {
        let shifted = (day + 3) % 7  // 1970-01-01 was a Thursday
        return shifted < 0 ? shifted + 7 : shifted
    }

    /// The civil date of a day since the epoch.
    @inline(__always)
    static func date(ofDay day: Int64) -> (year: Int, month: Int, day: Int) {
        let z = day + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let dayOfMonth = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(dayOfMonth))
    }
}

/// How a scenario writes its timestamp column.
enum TimestampStyle {
    /// `2025-03-04T09:15:22Z`, or local time with an offset (`2025-03-04T10:15:22+01:00`).
    case iso8601
    /// `2025-03-04 09:15:22`, wall-clock time without a zone.
    case sqlDateTime
    /// `04.03.2025 09:15:22` (`dd.MM.yyyy HH:mm:ss`), wall-clock time without a zone.
    case europeanDotted
}

extension ByteWriter {
    /// Appends a timestamp.
    ///
    /// - Parameters:
    ///   - seconds: the instant, seconds since the Unix epoch (UTC).
    ///   - style: the column's format.
    ///   - offsetMinutes: for `.iso8601`, the local UTC offset to print, or `nil` for `Z`;
    ///     ignored by the zone-less styles.
    @inline(__always)
    func appendTimestamp(_ seconds: Int64, style: TimestampStyle, offsetMinutes: Int?) {
        let local = seconds + Int64(offsetMinutes ?? 0) * 60
        let (day, secondOfDay) = CivilTime.split(local)
        let date = CivilTime.date(ofDay: day)
        let second = Int(secondOfDay)
        switch style {
        case .iso8601, .sqlDateTime:
            appendFourDigits(date.year)
            append(UInt8(ascii: "-"))
            appendTwoDigits(date.month)
            append(UInt8(ascii: "-"))
            appendTwoDigits(date.day)
            append(style == .iso8601 ? UInt8(ascii: "T") : UInt8(ascii: " "))
        case .europeanDotted:
            appendTwoDigits(date.day)
            append(UInt8(ascii: "."))
            appendTwoDigits(date.month)
            append(UInt8(ascii: "."))
            appendFourDigits(date.year)
            append(UInt8(ascii: " "))
        }
        appendTwoDigits(second / 3600)
        append(UInt8(ascii: ":"))
        appendTwoDigits(second / 60 % 60)
        append(UInt8(ascii: ":"))
        appendTwoDigits(second % 60)
        guard style == .iso8601 else { return }
        if let offset = offsetMinutes {
            append(offset < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
            let magnitude = abs(offset)
            appendTwoDigits(magnitude / 60)
            append(UInt8(ascii: ":"))
            appendTwoDigits(magnitude % 60)
        } else {
            append(UInt8(ascii: "Z"))
        }
    }
}
