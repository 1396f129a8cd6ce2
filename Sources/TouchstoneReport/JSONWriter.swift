#if canImport(Glibc)
import Glibc  // libm for `rounded`, linked automatically in debug builds
#elseif canImport(Musl)
import Musl
#endif

/// Writes pretty-printed JSON (2-space indent) with keys in the order they are written.
///
/// A streaming writer: call `beginObject`/`key`/values/`endObject` in document order, then read
/// `output`. Strings are escaped per RFC 8259 (quote, backslash and control characters;
/// non-ASCII passes through as UTF-8). Numbers never use exponent notation; non-finite doubles
/// become `null`. Cost: O(output size).
public struct JSONWriter: Sendable {
    public private(set) var output = ""
    private let indentWidth: Int
    /// Per open container: whether it is an object, and how many members it has so far.
    private var stack: [(isObject: Bool, count: Int)] = []
    private var afterKey = false

    public init(indent: Int = 2) { indentWidth = indent }

    public mutating func beginObject() { openValue(); output += "{"; stack.append((true, 0)) }
    public mutating func endObject() { close("}") }
    public mutating func beginArray() { openValue(); output += "["; stack.append((false, 0)) }
    public mutating func endArray() { close("]") }

    /// Writes an object key; the next call writes its value.
    public mutating func key(_ name: String) {
        separate()
        JSONWriter.appendString(name, to: &output)
        output += ": "
        afterKey = true
    }

    public mutating func string(_ value: String) { openValue(); JSONWriter.appendString(value, to: &output) }
    public mutating func int(_ value: Int) { openValue(); output += String(value) }
    public mutating func int64(_ value: Int64) { openValue(); output += String(value) }
    public mutating func bool(_ value: Bool) { openValue(); output += value ? "true" : "false" }
    public mutating func null() { openValue(); output += "null" }
    /// A number in plain decimal notation (shortest round-trip digits, no exponent).
    public mutating func double(_ value: Double) { openValue(); output += JSONWriter.plainDecimal(value) }
    /// A number given as a ready literal (e.g. `12.5`); the caller guarantees JSON number syntax.
    public mutating func numberLiteral(_ literal: String) { openValue(); output += literal }

    /// `key` followed by a string, or `null` when `value` is nil.
    public mutating func field(_ name: String, _ value: String?) { key(name); if let value { string(value) } else { null() } }
    public mutating func field(_ name: String, _ value: Int) { key(name); int(value) }
    public mutating func field(_ name: String, _ value: Bool) { key(name); bool(value) }
    public mutating func field(_ name: String, _ value: Double?) { key(name); if let value { double(value) } else { null() } }
    /// `key` followed by an array of strings.
    public mutating func field(_ name: String, _ values: [String]) {
        key(name)
        beginArray()
        for v in values { string(v) }
        endArray()
    }

    private mutating func openValue() {
        if afterKey { afterKey = false; return }
        separate()
    }

    private mutating func separate() {
        guard let top = stack.last else { return }
        if top.count > 0 { output += "," }
        output += "\n"
        output += String(repeating: " ", count: stack.count * indentWidth)
        stack[stack.count - 1].count += 1
    }

    private mutating func close(_ bracket: String) {
        guard let top = stack.popLast() else { return }
        if top.count > 0 {
            output += "\n" + String(repeating: " ", count: stack.count * indentWidth)
        }
        output += bracket
        if stack.isEmpty { output += "\n" }
    }

    /// `names` made unique for use as the keys of one object: the first occurrence of a name
    /// keeps it; a later one (two distinct invalid-UTF-8 names both print with U+FFFD) gets
    /// ` #2`, ` #3`, … appended, skipping any key that is itself one of `names` or already
    /// given. Order and count are kept. Cost: O(names) expected.
    public static func uniqueKeys(_ names: [String]) -> [String] {
        let all = Set(names)
        guard all.count < names.count else { return names }
        var used = Set<String>()
        var keys: [String] = []
        keys.reserveCapacity(names.count)
        for name in names {
            if used.insert(name).inserted { keys.append(name); continue }
            var k = 2
            while all.contains("\(name) #\(k)") || used.contains("\(name) #\(k)") { k += 1 }
            used.insert("\(name) #\(k)")
            keys.append("\(name) #\(k)")
        }
        return keys
    }

    /// Appends `s` as a JSON string literal; control, C1 and bidi formatting characters
    /// (`TerminalText.isUnsafe`) and U+2028/U+2029 as `\u` with four hex digits.
    public static func appendString(_ s: String, to out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if TerminalText.isUnsafe(scalar) || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    let hex = String(scalar.value, radix: 16, uppercase: false)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    /// `value` in plain decimal notation: `3`, `0.25`, `0.00001`, `120000000000000000000`;
    /// `null` for NaN and infinities.
    public static func plainDecimal(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == 0 { return "0" }
        if value == value.rounded(), abs(value) < 9.0e15 { return String(Int64(value)) }
        let text = "\(value)"
        guard let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) else { return text }
        // Expand mantissa × 10^exponent without changing the digits.
        guard let exponent = Int(text[text.index(after: e)...]) else { return text }
        var mantissa = String(text[..<e])
        let negative = mantissa.hasPrefix("-")
        if negative { mantissa.removeFirst() }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let intPart = String(parts[0])
        let fracPart = parts.count > 1 ? String(parts[1]) : ""
        var digits = intPart + fracPart
        var point = intPart.count + exponent
        while digits.count > 1 && digits.hasPrefix("0") && point > 1 { digits.removeFirst(); point -= 1 }
        var result: String
        if point <= 0 {
            result = "0." + String(repeating: "0", count: -point) + digits
        } else if point >= digits.count {
            result = digits + String(repeating: "0", count: point - digits.count)
        } else {
            let i = digits.index(digits.startIndex, offsetBy: point)
            result = String(digits[..<i]) + "." + String(digits[i...])
        }
        if result.contains(".") {
            while result.hasSuffix("0") { result.removeLast() }
            if result.hasSuffix(".") { result.removeLast() }
        }
        return negative ? "-" + result : result
    }
}
