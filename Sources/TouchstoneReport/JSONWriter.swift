#if canImport(Glibc)
import Glibc  // libm for `rounded`, linked automatically in debug builds
#elseif canImport(Musl)
import Musl
#endif

/// Writes pretty-printed JSON (2-space indent) with keys in the order they are written.
///
/// A streaming writer: call `beginObject`/`key`/values/`endObject` in document order. The
/// document is written as UTF-8 bytes into a buffer; with a `sink`, every full 64 KiB of it is
/// handed to the sink as it is written (and the rest by `flush()`), so a document of any size
/// needs about 64 KiB plus its longest string; without one, read `output` or `bytes` at the
/// end. Strings are escaped per RFC 8259 (quote, backslash and control characters; non-ASCII
/// passes through as UTF-8). Numbers never use exponent notation; non-finite doubles become
/// `null`. Cost: O(output size); plain ASCII runs of strings are copied whole, integers written
/// digit by digit, and only a fractional double formats a temporary `String`.
public struct JSONWriter {
    /// Receives the document in order, in pieces of about `chunkSize` bytes.
    public typealias Sink = (UnsafeRawBufferPointer) -> Void

    /// Bytes handed to a sink at a time.
    public static let chunkSize = 1 << 16

    /// The document written so far (only what has not yet been handed to the sink).
    public private(set) var bytes: [UInt8] = []
    private let sink: Sink?
    private let indentWidth: Int
    /// Per open container: whether it is an object, and how many members it has so far.
    private var stack: [(isObject: Bool, count: Int)] = []
    private var afterKey = false

    /// - Parameter sink: receives the bytes as they are written; `nil` keeps them in `bytes`.
    public init(indent: Int = 2, sink: Sink? = nil) {
        indentWidth = indent
        self.sink = sink
        bytes.reserveCapacity(sink == nil ? 4096 : JSONWriter.chunkSize + 4096)
    }

    /// The document written so far, as text (without a sink: the whole document).
    public var output: String { String(decoding: bytes, as: UTF8.self) }

    /// Hands everything still buffered to the sink (no effect without one).
    public mutating func flush() {
        guard let sink, !bytes.isEmpty else { return }
        bytes.withUnsafeBytes { sink($0) }
        bytes.removeAll(keepingCapacity: true)
    }

    @inline(__always) private mutating func spill() {
        if sink != nil && bytes.count >= JSONWriter.chunkSize { flush() }
    }

    public mutating func beginObject() { openValue(); bytes.append(UInt8(ascii: "{")); stack.append((true, 0)) }
    public mutating func endObject() { close(UInt8(ascii: "}")) }
    public mutating func beginArray() { openValue(); bytes.append(UInt8(ascii: "[")); stack.append((false, 0)) }
    public mutating func endArray() { close(UInt8(ascii: "]")) }

    /// Writes an object key; the next call writes its value.
    public mutating func key(_ name: String) {
        separate()
        JSONWriter.appendString(name, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        bytes.append(UInt8(ascii: " "))
        afterKey = true
    }

    public mutating func string(_ value: String) { openValue(); JSONWriter.appendString(value, to: &bytes); spill() }
    public mutating func int(_ value: Int) { openValue(); JSONWriter.appendInteger(Int64(value), to: &bytes) }
    public mutating func int64(_ value: Int64) { openValue(); JSONWriter.appendInteger(value, to: &bytes) }
    public mutating func bool(_ value: Bool) { openValue(); appendASCII(value ? "true" : "false") }
    public mutating func null() { openValue(); appendASCII("null") }
    /// A number in plain decimal notation (shortest round-trip digits, no exponent).
    public mutating func double(_ value: Double) {
        openValue()
        if value == value.rounded(), abs(value) < 9.0e15 {
            JSONWriter.appendInteger(value == 0 ? 0 : Int64(value), to: &bytes)
            return
        }
        JSONWriter.appendPlainDecimal(value, to: &bytes)
    }
    /// A number given as a ready literal (e.g. `12.5`); the caller guarantees JSON number syntax.
    public mutating func numberLiteral(_ literal: String) { openValue(); appendASCII(literal) }

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

    private mutating func appendASCII(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    private mutating func openValue() {
        if afterKey { afterKey = false; return }
        separate()
    }

    /// A line feed followed by `depth` levels of indentation.
    private mutating func newline(depth: Int) {
        bytes.append(UInt8(ascii: "\n"))
        for _ in 0..<(depth * indentWidth) { bytes.append(UInt8(ascii: " ")) }
    }

    private mutating func separate() {
        guard let top = stack.last else { return }
        if top.count > 0 { bytes.append(UInt8(ascii: ",")) }
        newline(depth: stack.count)
        stack[stack.count - 1].count += 1
        spill()
    }

    private mutating func close(_ bracket: UInt8) {
        guard let top = stack.popLast() else { return }
        if top.count > 0 { newline(depth: stack.count) }
        bytes.append(bracket)
        if stack.isEmpty { bytes.append(UInt8(ascii: "\n")); flush() }
    }

    /// Appends `value` in decimal.
    static func appendInteger(_ value: Int64, to out: inout [UInt8]) {
        if value >= 0 && value < 10 { out.append(UInt8(ascii: "0") &+ UInt8(value)); return }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for 20 digits
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            while magnitude > 0 {
                buffer[23 - count] = UInt8(ascii: "0") &+ UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            }
            if value < 0 { out.append(UInt8(ascii: "-")) }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[(24 - count)...]))
        }
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
        var bytes: [UInt8] = []
        appendString(s, to: &bytes)
        out += String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `s` as a JSON string literal in UTF-8 (same escaping as the `String` variant).
    /// Runs of plain ASCII are copied as they are; only other bytes are looked at per scalar.
    public static func appendString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { utf8 in
            var runStart = 0
            var i = 0
            let n = utf8.count
            while i < n {
                let b = utf8[i]
                if b >= 0x20 && b < 0x7F && b != UInt8(ascii: "\"") && b != UInt8(ascii: "\\") { i += 1; continue }
                if b >= 0xC0 {
                    // Lead byte of a multi-byte scalar: only U+0080…U+009F (C2 80…C2 9F), U+061C
                    // (D8 9C) and U+200E…U+2069 (E2 80 8E…E2 81 A9) can need escaping.
                    if b != 0xC2 && b != 0xD8 && b != 0xE2 { i += 1; continue }
                } else if b >= 0x80 { i += 1; continue }  // continuation byte of a passed scalar
                // Slow path for this scalar.
                let width = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4
                let end = min(n, i + width)
                let scalarText = String(decoding: UnsafeBufferPointer(rebasing: utf8[i..<end]), as: UTF8.self)
                guard let scalar = scalarText.unicodeScalars.first,
                      b < 0x80 || TerminalText.isUnsafe(scalar) || scalar.value == 0x2028 || scalar.value == 0x2029 else {
                    i = end
                    continue
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<i]))
                escape(scalar, to: &out)
                i = end
                runStart = i
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<n]))
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func escape(_ scalar: Unicode.Scalar, to out: inout [UInt8]) {
        func ascii(_ t: StaticString) { out.append(contentsOf: UnsafeBufferPointer(start: t.utf8Start, count: t.utf8CodeUnitCount)) }
        switch scalar {
        case "\"": ascii("\\\"")
        case "\\": ascii("\\\\")
        case "\n": ascii("\\n")
        case "\r": ascii("\\r")
        case "\t": ascii("\\t")
        case "\u{08}": ascii("\\b")
        case "\u{0C}": ascii("\\f")
        default:
            ascii("\\u")
            let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
            for shift in stride(from: 12, through: 0, by: -4) { out.append(hexDigits[Int((scalar.value >> UInt32(shift)) & 0xF)]) }
        }
    }

    /// `value` in plain decimal notation: `3`, `0.25`, `0.00001`, `120000000000000000000`;
    /// `null` for NaN and infinities.
    public static func plainDecimal(_ value: Double) -> String {
        var out: [UInt8] = []
        appendPlainDecimal(value, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `plainDecimal(value)` as UTF-8, working on the bytes of `value.description`.
    static func appendPlainDecimal(_ value: Double, to out: inout [UInt8]) {
        guard value.isFinite else { out.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C]); return }  // null
        if value == value.rounded(), abs(value) < 9.0e15 { appendInteger(value == 0 ? 0 : Int64(value), to: &out); return }
        var text = value.description
        text.withUTF8 { u in
            guard let e = u.firstIndex(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) else {
                out.append(contentsOf: u)
                return
            }
            // Expand mantissa × 10^exponent without changing the digits.
            var k = e + 1
            var negativeExponent = false
            if k < u.count && (u[k] == UInt8(ascii: "-") || u[k] == UInt8(ascii: "+")) { negativeExponent = u[k] == UInt8(ascii: "-"); k += 1 }
            var exponent = 0
            while k < u.count { exponent = exponent * 10 + Int(u[k] &- UInt8(ascii: "0")); k += 1 }
            if negativeExponent { exponent = -exponent }
            let negative = u[0] == UInt8(ascii: "-")
            var digits: [UInt8] = []
            digits.reserveCapacity(24)
            var integerDigits = 0
            var afterPoint = false
            for i in (negative ? 1 : 0)..<e {
                if u[i] == UInt8(ascii: ".") { afterPoint = true; continue }
                digits.append(u[i])
                if !afterPoint { integerDigits += 1 }
            }
            var point = integerDigits + exponent
            var first = 0
            while digits.count - first > 1 && digits[first] == UInt8(ascii: "0") && point > 1 { first += 1; point -= 1 }
            let significant = digits[first...]
            let start = out.count
            if negative { out.append(UInt8(ascii: "-")) }
            if point <= 0 {
                out.append(UInt8(ascii: "0"))
                out.append(UInt8(ascii: "."))
                for _ in 0..<(-point) { out.append(UInt8(ascii: "0")) }
                out.append(contentsOf: significant)
            } else if point >= significant.count {
                out.append(contentsOf: significant)
                for _ in 0..<(point - significant.count) { out.append(UInt8(ascii: "0")) }
                return
            } else {
                out.append(contentsOf: significant.prefix(point))
                out.append(UInt8(ascii: "."))
                out.append(contentsOf: significant.dropFirst(point))
            }
            // A fraction: no trailing zeros, no trailing point.
            while out.count > start && out[out.count - 1] == UInt8(ascii: "0") { out.removeLast() }
            if out.count > start && out[out.count - 1] == UInt8(ascii: ".") { out.removeLast() }
        }
    }
}
