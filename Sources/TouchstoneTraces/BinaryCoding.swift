/// Writes the primitives of Touchstone's binary files (summaries): unsigned LEB128 varints,
/// zigzag signed varints, IEEE doubles as 8 little-endian bytes, and length-prefixed UTF-8.
/// See docs/summary-format.md.
public struct BinaryWriter: Sendable {
    public private(set) var bytes: [UInt8] = []
    public init() {}

    public mutating func byte(_ b: UInt8) { bytes.append(b) }
    public mutating func raw<C: Collection>(_ b: C) where C.Element == UInt8 { bytes.append(contentsOf: b) }

    /// Unsigned LEB128.
    public mutating func uvarint(_ v: UInt64) {
        var v = v
        while v >= 0x80 { bytes.append(UInt8(truncatingIfNeeded: v) | 0x80); v >>= 7 }
        bytes.append(UInt8(v))
    }

    /// A count or index (≥ 0).
    public mutating func count(_ n: Int) { uvarint(UInt64(Swift.max(0, n))) }

    /// Zigzag-encoded signed varint.
    public mutating func varint(_ v: Int64) { uvarint(UInt64(bitPattern: (v << 1) ^ (v >> 63))) }

    public mutating func double(_ d: Double) { fixed64(d.bitPattern) }

    public mutating func fixed64(_ v: UInt64) {
        for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) }
    }

    public mutating func fixed32(_ v: UInt32) {
        for i in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt32(i)))) }
    }

    public mutating func bool(_ b: Bool) { bytes.append(b ? 1 : 0) }

    public mutating func string(_ s: String) {
        count(s.utf8.count)
        bytes.append(contentsOf: s.utf8)
    }

    public mutating func optionalVarint(_ v: Int64?) {
        bool(v != nil)
        if let v { varint(v) }
    }

    public mutating func optionalString(_ s: String?) {
        bool(s != nil)
        if let s { string(s) }
    }

    public mutating func sketch(_ s: DurationSketch) {
        count(s.count)
        guard s.count > 0 else { return }
        varint(s.sum.high); fixed64(s.sum.low)
        varint(s.min); varint(s.max)
        if let values = s.values {
            byte(0)
            // Sorted, so that equal sets write equal bytes.
            for v in values.sorted() { varint(v) }
        } else {
            byte(1)
            count(s.zeros)
            for list in [s.positive, s.negative] {
                count(list.count)
                var previous: Int64 = 0
                for b in list {
                    varint(Int64(b.index) - previous)  // deltas: small numbers
                    previous = Int64(b.index)
                    count(b.count)
                }
            }
        }
    }
}

/// A malformed binary file: what was expected, and at which byte offset.
public struct BinaryFormatError: Error, Sendable, Equatable, CustomStringConvertible {
    public var offset: Int
    public var message: String
    public init(offset: Int, message: String) { self.offset = offset; self.message = message }
    public var description: String { "at byte \(offset): \(message)" }
}

/// Reads what `BinaryWriter` writes, checking every length against the bytes left, so a
/// truncated or corrupt file is an error and never a crash or a huge allocation.
public struct BinaryReader: Sendable {
    public let bytes: [UInt8]
    public private(set) var offset: Int
    public let end: Int

    public init(_ bytes: [UInt8], from start: Int = 0, to end: Int? = nil) {
        self.bytes = bytes
        self.offset = start
        self.end = end ?? bytes.count
    }

    public var isAtEnd: Bool { offset >= end }
    public var remaining: Int { end - offset }

    public func fail(_ message: String) -> BinaryFormatError { BinaryFormatError(offset: offset, message: message) }

    public mutating func byte() throws(BinaryFormatError) -> UInt8 {
        guard offset < end else { throw fail("unexpected end of file") }
        defer { offset += 1 }
        return bytes[offset]
    }

    public mutating func raw(_ n: Int) throws(BinaryFormatError) -> ArraySlice<UInt8> {
        guard n >= 0, n <= remaining else { throw fail("unexpected end of file (\(n) bytes wanted, \(remaining) left)") }
        defer { offset += n }
        return bytes[offset..<(offset + n)]
    }

    public mutating func uvarint() throws(BinaryFormatError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try byte()
            if shift == 63 && b > 1 { throw fail("varint too long") }
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return result }
            shift += 7
            if shift > 63 { throw fail("varint too long") }
        }
    }

    /// A count or index; at most `limit` (default: the bytes left, since every counted item
    /// takes at least one byte).
    public mutating func count(limit: Int? = nil) throws(BinaryFormatError) -> Int {
        let v = try uvarint()
        let bound = limit ?? remaining
        guard v <= UInt64(Swift.max(0, bound)) else { throw fail("count \(v) is larger than possible here (\(bound))") }
        return Int(v)
    }

    /// A non-negative integer without a structural bound (a total, not a length).
    public mutating func number() throws(BinaryFormatError) -> Int {
        let v = try uvarint()
        guard v <= UInt64(Int.max) else { throw fail("number out of range") }
        return Int(v)
    }

    public mutating func varint() throws(BinaryFormatError) -> Int64 {
        let u = try uvarint()
        return Int64(bitPattern: (u >> 1) ^ (0 &- (u & 1)))
    }

    public mutating func fixed64() throws(BinaryFormatError) -> UInt64 {
        let b = try raw(8)
        var v: UInt64 = 0
        for (i, x) in b.enumerated() { v |= UInt64(x) << (8 * UInt64(i)) }
        return v
    }

    public mutating func fixed32() throws(BinaryFormatError) -> UInt32 {
        let b = try raw(4)
        var v: UInt32 = 0
        for (i, x) in b.enumerated() { v |= UInt32(x) << (8 * UInt32(i)) }
        return v
    }

    public mutating func double() throws(BinaryFormatError) -> Double {
        Double(bitPattern: try fixed64())
    }

    public mutating func bool() throws(BinaryFormatError) -> Bool {
        switch try byte() {
        case 0: return false
        case 1: return true
        case let b: offset -= 1; throw fail("expected 0 or 1, found \(b)")
        }
    }

    public mutating func string() throws(BinaryFormatError) -> String {
        let n = try count()
        let b = try raw(n)
        return String(decoding: b, as: UTF8.self)
    }

    public mutating func optionalVarint() throws(BinaryFormatError) -> Int64? {
        try bool() ? try varint() : nil
    }

    public mutating func optionalString() throws(BinaryFormatError) -> String? {
        try bool() ? try string() : nil
    }

    public mutating func sketch() throws(BinaryFormatError) -> DurationSketch {
        let n = try number()
        guard n > 0 else { return DurationSketch() }
        let sum = WideSum(high: try varint(), low: try fixed64())
        let lo = try varint(), hi = try varint()
        let start = offset
        switch try byte() {
        case 0:
            guard n <= remaining else { throw fail("\(n) values, only \(remaining) bytes left") }
            var values: [Int64] = []
            values.reserveCapacity(n)
            for _ in 0..<n { values.append(try varint()) }
            let s = DurationSketch(values)
            guard s.sum == sum, s.min == lo, s.max == hi else { throw BinaryFormatError(offset: start, message: "duration values do not match their stored sum, minimum or maximum") }
            return s
        case 1:
            let zeros = try number()
            var lists: [[(index: Int32, count: Int)]] = []
            for _ in 0..<2 {
                let k = try count()
                var list: [(index: Int32, count: Int)] = []
                list.reserveCapacity(k)
                var previous: Int64 = 0
                for _ in 0..<k {
                    let index = previous &+ (try varint())
                    guard index >= Int64(Int32.min), index <= Int64(Int32.max) else { throw fail("bucket index out of range") }
                    previous = index
                    list.append((Int32(index), try number()))
                }
                lists.append(list)
            }
            guard let s = DurationSketch.compacted(count: n, sum: sum, min: lo, max: hi, zeros: zeros,
                                                   positive: lists[0], negative: lists[1]) else {
                throw BinaryFormatError(offset: start, message: "duration buckets do not add up to their count, or are out of order")
            }
            return s
        case let k:
            throw BinaryFormatError(offset: start, message: "unknown duration form \(k)")
        }
    }
}
