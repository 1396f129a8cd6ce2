import Foundation

/// Time zone applied to timestamps that carry no offset.
///
/// `.utc` and `.fixed` are pure arithmetic. `.named` converts local wall-clock time to UTC with
/// Foundation's `TimeZone` (the system tz database), including daylight saving time:
/// - a local time that occurs twice (the repeated hour when clocks fall back) resolves to the
///   *earlier* instant, i.e. the offset in force before the transition;
/// - a local time that does not exist (the skipped hour when clocks spring forward) is moved
///   forward by the length of the gap, i.e. read with the offset in force before the transition
///   (Europe/Berlin `2024-03-31 02:30` → `01:30Z`, the same instant as `03:30+02:00`).
///
/// This matches `java.time.ZonedDateTime.of` and Python `zoneinfo` with `fold=0`.
public enum TimeZoneSpec: Sendable, Equatable, CustomStringConvertible {
    /// Coordinated Universal Time.
    case utc
    /// A constant offset in seconds east of UTC, e.g. `+01:00` → 3600.
    case fixed(seconds: Int)
    /// An IANA time zone name, e.g. `Europe/Berlin`, with its daylight saving rules.
    case named(String)

    /// Parses "UTC", "Z", "+01:00", "-0530", "+02", or an IANA name (validated via Foundation's TimeZone(identifier:)).
    ///
    /// "UTC", "utc", "Z" and "z" give `.utc`; an offset (hours 0–23, minutes 0–59) gives
    /// `.fixed` even when it is zero; anything else must be a zone identifier Foundation knows.
    public init(parsing text: String) throws(TimestampError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.uppercased() == "UTC" || trimmed == "Z" || trimmed == "z" {
            self = .utc
            return
        }
        if let first = trimmed.utf8.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            let bytes = Array(trimmed.utf8)
            let seconds: Int? = bytes.withUnsafeBytes { raw in
                var i = 0
                guard let s = TimestampParser.offset(raw, &i, raw.count), i == raw.count else { return nil }
                return s
            }
            guard let seconds else {
                throw TimestampError("invalid UTC offset '\(text)'; expected ±hh:mm, ±hhmm or ±hh with hours 0–23 and minutes 0–59")
            }
            self = .fixed(seconds: seconds)
            return
        }
        guard !trimmed.isEmpty, TimeZone(identifier: trimmed) != nil else {
            throw TimestampError("unknown time zone '\(text)'; expected UTC, an offset like +01:00, or an IANA name like Europe/Berlin")
        }
        self = .named(trimmed)
    }

    /// "UTC", "+01:00" / "-05:30" (with ":ss" when not whole minutes), or the IANA name.
    public var description: String {
        switch self {
        case .utc:
            return "UTC"
        case .fixed(let seconds):
            let sign = seconds < 0 ? "-" : "+"
            let m = seconds.magnitude
            func two(_ v: UInt) -> String { v < 10 ? "0\(v)" : "\(v)" }
            var text = "\(sign)\(two(m / 3600)):\(two(m / 60 % 60))"
            if m % 60 != 0 { text += ":\(two(m % 60))" }
            return text
        case .named(let name):
            return name
        }
    }
}

/// Converts local wall-clock seconds to UTC seconds for one `TimeZoneSpec`.
///
/// For `.named` zones the offset is cached per local hour: the last hour hit plus a small
/// dictionary, so a column costs a few Foundation calls per distinct hour and nothing else.
/// Hours that contain a transition are not cached and are resolved value by value.
struct TimestampZoneResolver: Sendable {
    enum Kind: Sendable {
        case fixed(Int64)
        case named(TimeZone)
        /// A `.named` spec Foundation does not know: offset-less values fail.
        case unknown
    }

    let kind: Kind
    /// Local hour (seconds / 3600, floored) of the last cache hit, or `Int64.min`.
    var lastHour: Int64 = .min
    /// Offset in seconds east of UTC for `lastHour`.
    var lastOffset: Int64 = 0
    /// Offsets of transition-free local hours.
    var offsets: [Int64: Int64] = [:]

    /// Most cached hours before the dictionary is emptied (bounds memory at ~100 KiB).
    static let cacheLimit = 4096

    init(_ spec: TimeZoneSpec) {
        switch spec {
        case .utc: kind = .fixed(0)
        case .fixed(let seconds): kind = .fixed(Int64(seconds))
        case .named(let name):
            if let zone = TimeZone(identifier: name) { kind = .named(zone) } else { kind = .unknown }
        }
    }

    /// UTC seconds since the epoch for `local`, wall-clock seconds since 1970-01-01T00:00 in the zone.
    @inline(__always)
    mutating func utcSeconds(fromLocal local: Int64) -> Int64? {
        switch kind {
        case .fixed(let offset):
            let (utc, overflow) = local.subtractingReportingOverflow(offset)
            return overflow ? nil : utc
        case .unknown:
            return nil
        case .named(let zone):
            let hour = local >= 0 ? local / 3600 : (local - 3599) / 3600
            if hour == lastHour { return local - lastOffset }
            if let offset = offsets[hour] {
                lastHour = hour
                lastOffset = offset
                return local - offset
            }
            let start = hour * 3600
            let atStart = Self.resolve(start, in: zone)
            let atEnd = Self.resolve(start + 3599, in: zone)
            if atStart.unique && atEnd.unique && atStart.offset == atEnd.offset {
                if offsets.count >= Self.cacheLimit { offsets.removeAll(keepingCapacity: true) }
                offsets[hour] = atStart.offset
                lastHour = hour
                lastOffset = atStart.offset
                return local - atStart.offset
            }
            return local - Self.resolve(local, in: zone).offset
        }
    }

    /// Offset in seconds east of UTC in force at the instant `utc` (seconds since the epoch).
    static func offset(at utc: Int64, in zone: TimeZone) -> Int64 {
        Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(utc))))
    }

    /// The offset to use for wall-clock time `local`, and whether it was the only valid one.
    ///
    /// Candidates are the offsets a day before and a day after; a candidate `o` is valid when
    /// the zone's offset at `local - o` is `o`. Two valid: repeated hour, take the earlier
    /// instant (larger offset). None: skipped hour, take the offset before the transition.
    static func resolve(_ local: Int64, in zone: TimeZone) -> (offset: Int64, unique: Bool) {
        let before = offset(at: local - 86_400, in: zone)
        let after = offset(at: local + 86_400, in: zone)
        let beforeValid = offset(at: local - before, in: zone) == before
        if before == after {
            if beforeValid { return (before, true) }
            // A transition and its reversal within two days: use the offset at the first guess.
            return (offset(at: local - before, in: zone), false)
        }
        let afterValid = offset(at: local - after, in: zone) == after
        switch (beforeValid, afterValid) {
        case (true, true): return (max(before, after), false)
        case (true, false): return (before, true)
        case (false, true): return (after, true)
        case (false, false): return (before, false)
        }
    }
}
