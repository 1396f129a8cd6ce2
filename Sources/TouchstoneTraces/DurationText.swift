/// Durations written as text: a number with a unit, `s`, `m`, `h`, `d` or `w`, decimals
/// allowed (`90s`, `1.5h`, `30d`, `2w`). Used by journey maps (`within`) and command options.
public enum DurationText {
    /// Microseconds per unit.
    private static func unit(_ c: UInt8) -> Int64? {
        switch c {
        case UInt8(ascii: "s"): 1_000_000
        case UInt8(ascii: "m"): 60_000_000
        case UInt8(ascii: "h"): 3_600_000_000
        case UInt8(ascii: "d"): 86_400_000_000
        case UInt8(ascii: "w"): 604_800_000_000
        default: nil
        }
    }

    /// Parses `text` into microseconds.
    ///
    /// - Throws: `DurationError` naming what is wrong: no unit, an unknown unit, not a number,
    ///   negative, or longer than about 292,000 years (does not fit in 64-bit microseconds).
    public static func parse(_ text: String) throws(DurationError) -> Int64 {
        let bytes = Array(text.utf8)
        guard let last = bytes.last else { throw DurationError(message: "empty duration; write a number and a unit, e.g. 30d") }
        guard let perUnit = unit(last) else {
            if last >= UInt8(ascii: "0") && last <= UInt8(ascii: "9") {
                throw DurationError(message: "duration '\(text)' has no unit; add s, m, h, d or w (e.g. \(text)d)")
            }
            throw DurationError(message: "duration '\(text)' has an unknown unit; use s, m, h, d or w")
        }
        let number = bytes.dropLast()
        var whole: Int64 = 0
        var fraction: Int64 = 0
        var fractionScale: Int64 = 1
        var seenDot = false, digits = 0
        for b in number {
            if b == UInt8(ascii: ".") && !seenDot { seenDot = true; continue }
            guard b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") else {
                throw DurationError(message: "duration '\(text)' is not a number with a unit (e.g. 14d, 1.5h)")
            }
            digits += 1
            let d = Int64(b - UInt8(ascii: "0"))
            if seenDot {
                if fractionScale < 1_000_000_000_000 { fraction = fraction * 10 + d; fractionScale *= 10 }
            } else {
                let (m, o1) = whole.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(d)
                if o1 || o2 { throw DurationError(message: "duration '\(text)' is too long") }
                whole = a
            }
        }
        guard digits > 0 else { throw DurationError(message: "duration '\(text)' is not a number with a unit (e.g. 14d, 1.5h)") }
        let (w, overflow) = whole.multipliedReportingOverflow(by: perUnit)
        guard !overflow else { throw DurationError(message: "duration '\(text)' is too long") }
        // fraction / fractionScale of a unit, rounded to the nearest microsecond.
        let part = (Double(fraction) / Double(fractionScale) * Double(perUnit)).rounded()
        let (total, o) = w.addingReportingOverflow(Int64(part))
        guard !o else { throw DurationError(message: "duration '\(text)' is too long") }
        return total
    }

    /// The shortest exact text for `micros` in the largest whole unit (`48h` → `2d`, `90m`),
    /// falling back to seconds with decimals.
    public static func format(micros: Int64) -> String {
        for (name, size) in [("w", Int64(604_800_000_000)), ("d", 86_400_000_000), ("h", 3_600_000_000), ("m", 60_000_000), ("s", 1_000_000)]
        where micros != 0 && micros % size == 0 {
            return "\(micros / size)\(name)"
        }
        if micros == 0 { return "0s" }
        var fraction = String(micros.magnitude % 1_000_000)
        fraction = String(repeating: "0", count: 6 - fraction.count) + fraction
        while fraction.last == "0" { fraction.removeLast() }
        return "\(micros < 0 ? "-" : "")\(micros.magnitude / 1_000_000).\(fraction)s"
    }
}

/// A duration that could not be read.
public struct DurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
