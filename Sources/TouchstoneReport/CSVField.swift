#if canImport(Glibc)
import Glibc  // libm for `rounded`, linked automatically in debug builds
#elseif canImport(Musl)
import Musl
#endif

/// Escaping of CSV fields (RFC 4180) that are safe to open in a spreadsheet.
public enum CSVField {
    /// A text field from the log: neutralised when it could be read as a formula, then quoted
    /// when needed.
    ///
    /// A value starting with `=`, `+`, `-`, `@`, tab or carriage return gets a leading `'`
    /// (OWASP CSV-injection advice); control and bidi formatting characters other than tab, CR
    /// and LF (`TerminalText.isUnsafe`) become U+FFFD, so the file is safe to print; a value
    /// containing a comma, quote, CR or LF is wrapped in quotes with inner quotes doubled. Use
    /// `number` for numbers Touchstone writes itself.
    public static func text(_ value: String) -> String {
        var v = value
        if v.unicodeScalars.contains(where: { TerminalText.isUnsafe($0) && $0 != "\t" && $0 != "\r" && $0 != "\n" }) {
            var safe = ""
            for s in v.unicodeScalars {
                safe.unicodeScalars.append(TerminalText.isUnsafe(s) && s != "\t" && s != "\r" && s != "\n" ? "\u{FFFD}" : s)
            }
            v = safe
        }
        if let first = v.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) {
            v = "'" + v
        }
        return quoted(v)
    }

    /// Quotes `value` when it contains a comma, quote, CR or LF; no formula neutralisation.
    public static func quoted(_ value: String) -> String {
        let needsQuotes = value.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }
        guard needsQuotes else { return value }
        var out = "\""
        for ch in value.unicodeScalars {
            if ch == "\"" { out += "\"\"" } else { out.unicodeScalars.append(ch) }
        }
        return out + "\""
    }

    /// A number written by Touchstone (never neutralised, never quoted).
    public static func number(_ value: Int) -> String { String(value) }
}

/// Fixed-point decimal text for durations.
public enum DecimalFormat {
    /// Microseconds as seconds with up to 6 decimals, trailing zeros trimmed: `90000000` →
    /// `90`, `1500000` → `1.5`, `0.4` → `0` (rounded to the nearest microsecond, ties away
    /// from zero). Exact: integer arithmetic after rounding.
    public static func seconds(micros: Double) -> String {
        guard micros.isFinite else { return "" }
        let rounded = micros.rounded(.toNearestOrAwayFromZero)
        guard abs(rounded) < 9.0e18 else { return JSONWriter.plainDecimal(rounded / 1_000_000) }
        let m = Int64(rounded)
        let negative = m < 0
        let magnitude = m.magnitude
        let whole = magnitude / 1_000_000
        var fraction = String(magnitude % 1_000_000)
        var text = String(whole)
        if fraction != "0" {
            fraction = String(repeating: "0", count: 6 - fraction.count) + fraction
            while fraction.hasSuffix("0") { fraction.removeLast() }
            text += "." + fraction
        }
        return negative ? "-" + text : text
    }

    /// A share 0…1 as a percentage with one decimal: `0.4567` → `45.7%`.
    public static func percent(_ share: Double) -> String {
        guard share.isFinite else { return "-" }
        let tenths = Int64((share * 1000).rounded(.toNearestOrAwayFromZero))
        return "\(tenths / 10).\(abs(tenths % 10))%"
    }
}
