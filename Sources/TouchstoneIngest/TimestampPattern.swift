/// A compiled strftime-style timestamp pattern, e.g. `%d.%m.%Y %H:%M:%S`.
///
/// Directives:
/// - `%Y` 4-digit year; `%y` 2-digit year (`69`–`99` → 19xx, `00`–`68` → 20xx).
/// - `%m` month, `%d` day, `%e` day (one optional leading space), `%H` hour 0–23,
///   `%I` hour 1–12, `%M` minute: two digits, or one digit when the next directive is not
///   another numeric field (so `%d.%m.%Y` accepts `3.4.2024`, while `%Y%m%d` needs `20240304`).
/// - `%S` second, always two digits (0–59; leap second 60 is rejected).
/// - `%f` fraction of a second, 1–9 digits (digits past microseconds are truncated).
/// - `%p` `AM`/`PM`, case-insensitive (12 AM = hour 0, 12 PM = hour 12).
/// - `%z` UTC offset: `Z`, `±hh:mm`, `±hhmm` or `±hh`.
/// - `%b` English month abbreviation (`Jan` … `Dec`), case-insensitive.
/// - `%T` = `%H:%M:%S`, `%F` = `%Y-%m-%d`, `%%` = a literal `%`.
/// - Any other character matches itself exactly.
///
/// A pattern must contain a year, a month and a day, each once; `%I` and `%p` go together.
public struct TimestampPattern: Sendable, Equatable {
    /// The pattern text as given.
    public let spec: String
    /// Compiled steps, matched left to right.
    let steps: [Step]

    /// One compiled matching step.
    enum Step: Sendable, Equatable {
        case year4
        case year2
        /// `%m`, `%d`, `%e`, `%H`, `%I`, `%M`, `%S`; `flexible` allows one digit.
        case number(Field, flexible: Bool)
        case fraction
        case meridiem
        case offset
        case monthName
        case literal(UInt8)
    }

    /// A two-digit numeric field.
    enum Field: Sendable, Equatable {
        case month, day, spaceDay, hour24, hour12, minute, second
    }

    /// Compiles `spec`.
    ///
    /// - Throws: `TimestampError` naming an unknown directive, a trailing `%`, a repeated or
    ///   missing date field, or `%I` without `%p` (or the reverse).
    public init(_ spec: String) throws(TimestampError) {
        enum Raw: Equatable { case year4, year2, month, day, spaceDay, hour24, hour12, minute, second, fraction, meridiem, offset, monthName, literal(UInt8) }
        var raw: [Raw] = []
        let bytes = Array(spec.utf8)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            guard b == UInt8(ascii: "%") else {
                raw.append(.literal(b))
                i += 1
                continue
            }
            guard i + 1 < bytes.count else {
                throw TimestampError("timestamp pattern '\(spec)' ends with a lone '%'; write '%%' for a literal percent sign")
            }
            let directive = bytes[i + 1]
            i += 2
            switch directive {
            case UInt8(ascii: "Y"): raw.append(.year4)
            case UInt8(ascii: "y"): raw.append(.year2)
            case UInt8(ascii: "m"): raw.append(.month)
            case UInt8(ascii: "d"): raw.append(.day)
            case UInt8(ascii: "e"): raw.append(.spaceDay)
            case UInt8(ascii: "H"): raw.append(.hour24)
            case UInt8(ascii: "I"): raw.append(.hour12)
            case UInt8(ascii: "M"): raw.append(.minute)
            case UInt8(ascii: "S"): raw.append(.second)
            case UInt8(ascii: "f"): raw.append(.fraction)
            case UInt8(ascii: "p"): raw.append(.meridiem)
            case UInt8(ascii: "z"): raw.append(.offset)
            case UInt8(ascii: "b"): raw.append(.monthName)
            case UInt8(ascii: "T"): raw += [.hour24, .literal(UInt8(ascii: ":")), .minute, .literal(UInt8(ascii: ":")), .second]
            case UInt8(ascii: "F"): raw += [.year4, .literal(UInt8(ascii: "-")), .month, .literal(UInt8(ascii: "-")), .day]
            case UInt8(ascii: "%"): raw.append(.literal(UInt8(ascii: "%")))
            default:
                // Name the directive including a multi-byte UTF-8 character after '%'.
                var end = i
                while end < bytes.count && bytes[end] & 0xC0 == 0x80 { end += 1 }
                let name = String(decoding: bytes[(i - 2)..<end], as: UTF8.self)
                throw TimestampError("unknown directive '\(name)' in timestamp pattern '\(spec)'; supported: %Y %y %m %d %e %H %I %M %S %f %p %z %b %T %F %%")
            }
        }

        func count(_ kinds: [Raw]) -> Int { raw.filter { kinds.contains($0) }.count }
        let groups: [(String, [Raw], Bool)] = [
            ("year (%Y or %y)", [.year4, .year2], true),
            ("month (%m or %b)", [.month, .monthName], true),
            ("day (%d or %e)", [.day, .spaceDay], true),
            ("hour (%H or %I)", [.hour24, .hour12], false),
            ("minute (%M)", [.minute], false),
            ("second (%S)", [.second], false),
            ("fraction (%f)", [.fraction], false),
            ("AM/PM marker (%p)", [.meridiem], false),
            ("UTC offset (%z)", [.offset], false),
        ]
        for (name, kinds, required) in groups {
            let n = count(kinds)
            if n > 1 { throw TimestampError("timestamp pattern '\(spec)' has more than one \(name)") }
            if n == 0 && required { throw TimestampError("timestamp pattern '\(spec)' has no \(name)") }
        }
        if count([.hour12]) != count([.meridiem]) {
            throw TimestampError("timestamp pattern '\(spec)': %I (12-hour clock) and %p (AM/PM) must be used together")
        }

        func isNumeric(_ r: Raw?) -> Bool {
            switch r {
            case .year4, .year2, .month, .day, .spaceDay, .hour24, .hour12, .minute, .second, .fraction: return true
            default: return false
            }
        }
        var steps: [Step] = []
        steps.reserveCapacity(raw.count)
        for (k, r) in raw.enumerated() {
            let flexible = !isNumeric(k + 1 < raw.count ? raw[k + 1] : nil)
            switch r {
            case .year4: steps.append(.year4)
            case .year2: steps.append(.year2)
            case .month: steps.append(.number(.month, flexible: flexible))
            case .day: steps.append(.number(.day, flexible: flexible))
            case .spaceDay: steps.append(.number(.spaceDay, flexible: flexible))
            case .hour24: steps.append(.number(.hour24, flexible: flexible))
            case .hour12: steps.append(.number(.hour12, flexible: flexible))
            case .minute: steps.append(.number(.minute, flexible: flexible))
            case .second: steps.append(.number(.second, flexible: false))
            case .fraction: steps.append(.fraction)
            case .meridiem: steps.append(.meridiem)
            case .offset: steps.append(.offset)
            case .monthName: steps.append(.monthName)
            case .literal(let b): steps.append(.literal(b))
            }
        }
        self.spec = spec
        self.steps = steps
    }
}
