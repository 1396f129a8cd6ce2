/// Converts UTF-16 (LE/BE), Windows-1252 or ISO-8859-1 bytes to UTF-8, chunk by chunk.
///
/// `decode` consumes whole code units only: a UTF-16 unit or surrogate pair cut by the end of
/// a chunk is left unconsumed, to be passed again with the next bytes, so the result never
/// depends on chunking. Single-byte encodings go through a 256-entry table (no allocation, no
/// branch per ASCII byte beyond one compare). Undecodable UTF-16 (a lone surrogate, an odd
/// last byte) becomes U+FFFD and is counted in `replacements`.
struct Transcoder {
    let encoding: TextEncoding
    /// Code units read as U+FFFD because they are not valid in `encoding`.
    private(set) var replacements = 0

    init(encoding: TextEncoding) {
        self.encoding = encoding
    }

    /// Decodes from the start of `input` into `output` until the input is used up (except an
    /// incomplete unit when not `atEnd`) or fewer than 4 bytes of output are free.
    mutating func decode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer,
                         atEnd: Bool) -> (consumed: Int, produced: Int) {
        guard let src = input.baseAddress?.assumingMemoryBound(to: UInt8.self),
              let dst = output.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return (0, 0) }
        switch encoding {
        case .windows1252:
            return Transcoder.windows1252Table.withUnsafeBufferPointer { table in
                Transcoder.singleByte(src, input.count, dst, output.count, table)
            }
        case .latin1:
            return Transcoder.latin1Table.withUnsafeBufferPointer { table in
                Transcoder.singleByte(src, input.count, dst, output.count, table)
            }
        case .utf16LittleEndian, .utf16, .utf16BigEndian:
            return utf16(src, input.count, dst, output.count, bigEndian: encoding == .utf16BigEndian, atEnd: atEnd)
        case .utf8:
            let n = min(input.count, output.count)
            UnsafeMutableRawPointer(dst).copyMemory(from: src, byteCount: n)
            return (n, n)
        }
    }

    /// Each table entry: up to 3 UTF-8 bytes in the low 24 bits, their count in the top byte.
    @inline(__always)
    private static func singleByte(_ src: UnsafePointer<UInt8>, _ n: Int, _ dst: UnsafeMutablePointer<UInt8>, _ room: Int,
                                   _ table: UnsafeBufferPointer<UInt32>) -> (consumed: Int, produced: Int) {
        var i = 0, o = 0
        let limit = room - 3
        while i < n && o <= limit {
            let c = src[i]
            i += 1
            if c < 0x80 {
                dst[o] = c
                o += 1
                continue
            }
            let e = table[Int(c)]
            dst[o] = UInt8(truncatingIfNeeded: e)
            dst[o + 1] = UInt8(truncatingIfNeeded: e >> 8)
            dst[o + 2] = UInt8(truncatingIfNeeded: e >> 16)
            o += Int(e >> 24)
        }
        return (i, o)
    }

    private mutating func utf16(_ src: UnsafePointer<UInt8>, _ n: Int, _ dst: UnsafeMutablePointer<UInt8>, _ room: Int,
                                bigEndian: Bool, atEnd: Bool) -> (consumed: Int, produced: Int) {
        @inline(__always) func unit(_ i: Int) -> UInt32 {
            bigEndian ? UInt32(src[i]) << 8 | UInt32(src[i + 1]) : UInt32(src[i]) | UInt32(src[i + 1]) << 8
        }
        var i = 0, o = 0
        let limit = room - 4
        while i + 1 < n && o <= limit {
            let u = unit(i)
            var scalar = u
            var width = 2
            if u >= 0xD800 && u < 0xDC00 {
                if i + 3 < n {
                    let low = unit(i + 2)
                    if low >= 0xDC00 && low < 0xE000 {
                        scalar = 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00)
                        width = 4
                    } else {
                        scalar = 0xFFFD
                        replacements += 1
                    }
                } else if atEnd {
                    scalar = 0xFFFD
                    replacements += 1
                } else {
                    break  // the low surrogate comes with the next bytes
                }
            } else if u >= 0xDC00 && u < 0xE000 {
                scalar = 0xFFFD
                replacements += 1
            }
            i += width
            o += Transcoder.encodeUTF8(scalar, dst + o)
        }
        if atEnd && i + 1 == n && o <= limit {
            // An odd last byte is half a code unit.
            i += 1
            replacements += 1
            o += Transcoder.encodeUTF8(0xFFFD, dst + o)
        }
        return (i, o)
    }

    @inline(__always)
    private static func encodeUTF8(_ scalar: UInt32, _ p: UnsafeMutablePointer<UInt8>) -> Int {
        switch scalar {
        case ..<0x80:
            p[0] = UInt8(scalar)
            return 1
        case ..<0x800:
            p[0] = UInt8(0xC0 | scalar >> 6)
            p[1] = UInt8(0x80 | scalar & 0x3F)
            return 2
        case ..<0x10000:
            p[0] = UInt8(0xE0 | scalar >> 12)
            p[1] = UInt8(0x80 | (scalar >> 6) & 0x3F)
            p[2] = UInt8(0x80 | scalar & 0x3F)
            return 3
        default:
            p[0] = UInt8(0xF0 | scalar >> 18)
            p[1] = UInt8(0x80 | (scalar >> 12) & 0x3F)
            p[2] = UInt8(0x80 | (scalar >> 6) & 0x3F)
            p[3] = UInt8(0x80 | scalar & 0x3F)
            return 4
        }
    }

    /// The table entry for `scalar` (below U+10000).
    private static func entry(_ scalar: UInt32) -> UInt32 {
        var bytes: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
        let count = withUnsafeMutableBytes(of: &bytes) { raw in
            guard let b = raw.baseAddress else { return 0 }
            return encodeUTF8(scalar, b.assumingMemoryBound(to: UInt8.self))
        }
        return UInt32(bytes.0) | UInt32(bytes.1) << 8 | UInt32(bytes.2) << 16 | UInt32(count) << 24
    }

    static let latin1Table: [UInt32] = (0..<256).map { entry(UInt32($0)) }

    /// Windows-1252 as the WHATWG Encoding Standard defines it: 0x80–0x9F are `€`, `‚`, `ƒ`,
    /// smart quotes, dashes …; the five bytes it leaves undefined (0x81, 0x8D, 0x8F, 0x90,
    /// 0x9D) map to the C1 controls of the same value, as in Latin-1.
    static let windows1252Table: [UInt32] = {
        let high: [UInt32] = [
            0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
            0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
            0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
            0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
        ]
        return (0..<256).map { b in entry(b >= 0x80 && b < 0xA0 ? high[b - 0x80] : UInt32(b)) }
    }()
}

/// Finds the first byte that is not valid UTF-8 in an input fed in chunks, by its offset from
/// the input's start (the ingester turns it into a line). Stops looking once one is found.
///
/// ASCII is skipped 8 bytes at a time.
struct UTF8Validator {
    /// Continuation bytes still expected, and the range the next one must be in (overlongs,
    /// surrogates and code points over U+10FFFF are invalid, as in Unicode table 3-7).
    private var need = 0
    private var lower: UInt8 = 0x80
    private var upper: UInt8 = 0xBF
    /// Bytes scanned before the current chunk.
    private var scanned = 0
    /// Offset from the input's start of the first byte found invalid (for a sequence cut by
    /// the end of input: the input's size).
    private(set) var invalidOffset: Int?

    mutating func scan(_ bytes: UnsafeRawBufferPointer) {
        defer { scanned += bytes.count }
        guard invalidOffset == nil, let base = bytes.baseAddress else { return }
        let p = base.assumingMemoryBound(to: UInt8.self)
        let n = bytes.count
        var i = 0
        while i < n {
            if need > 0 {
                let c = p[i]
                guard c >= lower && c <= upper else { invalidOffset = scanned + i; return }
                lower = 0x80
                upper = 0xBF
                need -= 1
                i += 1
                continue
            }
            while i + 8 <= n && (base + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 { i += 8 }
            if i >= n { break }
            let c = p[i]
            switch c {
            case ..<0x80: break
            case 0xC2...0xDF: need = 1
            case 0xE0: need = 2; lower = 0xA0
            case 0xE1...0xEC, 0xEE, 0xEF: need = 2
            case 0xED: need = 2; upper = 0x9F
            case 0xF0: need = 3; lower = 0x90
            case 0xF1...0xF3: need = 3
            case 0xF4: need = 3; upper = 0x8F
            default: invalidOffset = scanned + i; return
            }
            i += 1
        }
    }

    /// The end of the input: a sequence it cuts short is invalid.
    mutating func finish() {
        if need > 0 && invalidOffset == nil { invalidOffset = scanned }
    }
}
