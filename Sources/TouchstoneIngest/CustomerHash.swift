/// The customer hash that decides which piece a customer's rows go to, the same as Spark SQL's
/// `pmod(xxhash64(customer), N)`, so that `touchstone split` and a Spark job partition alike.
///
/// `xxhash64` in Spark is XXH64 (xxHash, 64-bit) with seed 42 over the string's UTF-8 bytes,
/// read as a signed 64-bit integer; a null gives the seed itself, 42. `pmod` is the remainder
/// that is never negative. Checked against a real Spark in the tests (`CustomerHashTests`) and
/// in docs/scale-out.md.
///
/// Cost: one pass over the bytes, no allocation.
public enum CustomerHash {
    /// Spark's seed for `xxhash64` (and the value it returns for a null).
    public static let sparkSeed: UInt64 = 42

    private static let prime1: UInt64 = 0x9E37_79B1_85EB_CA87
    private static let prime2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    private static let prime3: UInt64 = 0x1656_67B1_9E37_79F9
    private static let prime4: UInt64 = 0x85EB_CA77_C2B2_AE63
    private static let prime5: UInt64 = 0x27D4_EB2F_1656_67C5

    /// XXH64 of `bytes` with `seed` (the reference algorithm, little-endian reads).
    public static func xxh64(_ bytes: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
        let n = bytes.count
        var i = 0
        var h: UInt64
        if n >= 32 {
            var v1 = seed &+ prime1 &+ prime2
            var v2 = seed &+ prime2
            var v3 = seed
            var v4 = seed &- prime1
            while i + 32 <= n {
                v1 = round(v1, word64(bytes, i))
                v2 = round(v2, word64(bytes, i + 8))
                v3 = round(v3, word64(bytes, i + 16))
                v4 = round(v4, word64(bytes, i + 24))
                i += 32
            }
            h = rotate(v1, 1) &+ rotate(v2, 7) &+ rotate(v3, 12) &+ rotate(v4, 18)
            h = mergeRound(h, v1)
            h = mergeRound(h, v2)
            h = mergeRound(h, v3)
            h = mergeRound(h, v4)
        } else {
            h = seed &+ prime5
        }
        h = h &+ UInt64(n)
        while i + 8 <= n {
            h ^= round(0, word64(bytes, i))
            h = rotate(h, 27) &* prime1 &+ prime4
            i += 8
        }
        if i + 4 <= n {
            h ^= UInt64(bytes.loadUnaligned(fromByteOffset: i, as: UInt32.self).littleEndian) &* prime1
            h = rotate(h, 23) &* prime2 &+ prime3
            i += 4
        }
        while i < n {
            h ^= UInt64(bytes[i]) &* prime5
            h = rotate(h, 11) &* prime1
            i += 1
        }
        h ^= h >> 33
        h = h &* prime2
        h ^= h >> 29
        h = h &* prime3
        h ^= h >> 32
        return h
    }

    /// Spark SQL's `xxhash64(customer)` for a customer id given as its UTF-8 bytes; nil (no
    /// customer id: Spark's null) gives 42.
    public static func sparkXXHash64(_ customer: UnsafeRawBufferPointer?) -> Int64 {
        guard let customer else { return Int64(sparkSeed) }
        return Int64(bitPattern: xxh64(customer, seed: sparkSeed))
    }

    /// Spark SQL's `pmod(xxhash64(customer), pieces)`: the piece, 0..<pieces, of a customer id
    /// (nil or empty: no customer id, hashed as Spark hashes a null).
    public static func piece(of customer: UnsafeRawBufferPointer?, pieces: Int) -> Int {
        precondition(pieces > 0, "pieces must be positive")
        let hash = sparkXXHash64(customer.flatMap { $0.isEmpty ? nil : $0 })
        let r = hash % Int64(pieces)
        return Int(r < 0 ? r + Int64(pieces) : r)
    }

    /// `piece(of:pieces:)` for a customer id given as text (tests, scripts).
    public static func piece(of customer: String?, pieces: Int) -> Int {
        guard var text = customer else { return piece(of: nil as UnsafeRawBufferPointer?, pieces: pieces) }
        return text.withUTF8 { piece(of: UnsafeRawBufferPointer($0), pieces: pieces) }
    }

    @inline(__always)
    private static func word64(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt64 {
        bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self).littleEndian
    }

    @inline(__always)
    private static func rotate(_ x: UInt64, _ r: UInt64) -> UInt64 { (x << r) | (x >> (64 - r)) }

    @inline(__always)
    private static func round(_ accumulator: UInt64, _ lane: UInt64) -> UInt64 {
        rotate(accumulator &+ lane &* prime2, 31) &* prime1
    }

    @inline(__always)
    private static func mergeRound(_ h: UInt64, _ v: UInt64) -> UInt64 {
        (h ^ round(0, v)) &* prime1 &+ prime4
    }
}
