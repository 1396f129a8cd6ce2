import Testing
@testable import TouchstoneIngest

@Suite("CustomerHash: XXH64 and Spark's pmod(xxhash64(customer), N)")
struct CustomerHashTests {
    static func xxh64(_ text: String, seed: UInt64) -> UInt64 {
        var text = text
        return text.withUTF8 { CustomerHash.xxh64(UnsafeRawBufferPointer($0), seed: seed) }
    }

    static func spark(_ text: String) -> Int64 {
        var text = text
        return text.withUTF8 { CustomerHash.sparkXXHash64(UnsafeRawBufferPointer($0)) }
    }

    /// Published XXH64 values (seed 0): the xxHash reference's empty input, and the values the
    /// python-xxhash documentation gives.
    @Test func publishedVectors() {
        #expect(Self.xxh64("", seed: 0) == 0xEF46_DB37_51D8_E999)
        #expect(Self.xxh64("a", seed: 0) == 0xD24E_C4F1_A98C_6E5B)
        #expect(Self.xxh64("abc", seed: 0) == 0x44BC_2CF5_AD77_0999)
        #expect(Self.xxh64("Nobody inspects the spammish repetition", seed: 0) == 0xFBCE_A83C_8A37_8BF1)
    }

    /// `xxhash64(c)` and `pmod(xxhash64(c), 7)` as printed by a real Spark (pyspark 4.3.0,
    /// `local[2]`; the script is in docs/scale-out.md): empty, ASCII, non-ASCII (2-, 3- and
    /// 4-byte UTF-8), a space, and lengths past the 8-, 32- and 64-byte stripes.
    static let sparkValues: [(String, Int64, Int)] = [
        ("", -7_444_071_767_201_028_348, 3),
        ("a", -8_582_455_328_737_087_284, 3),
        ("abc", 1_423_657_621_850_124_518, 4),
        ("C000001", 1_439_169_826_391_214_521, 2),
        ("customer-42", -7_330_110_856_932_682_949, 3),
        ("Zoë", 8_109_273_077_974_782_866, 5),
        ("日本語", -619_341_062_884_681_239, 3),
        ("😀", -5_869_505_314_936_196_641, 6),
        (" ", -341_964_750_944_010_104, 6),
        ("0123456789abcdef0123456789abcdef0123456789", -1_423_225_805_886_817_256, 5),
        (String(repeating: "x", count: 100), 365_730_103_971_579_591, 6),
    ]

    @Test func matchesSpark() {
        for (text, hash, piece) in Self.sparkValues {
            #expect(Self.spark(text) == hash, "xxhash64('\(text)')")
            // Spark's null hashes to 42; an empty customer id is treated as none (piece of 42).
            if !text.isEmpty { #expect(CustomerHash.piece(of: text, pieces: 7) == piece, "pmod(xxhash64('\(text)'), 7)") }
        }
        #expect(CustomerHash.sparkXXHash64(nil) == 42)
        #expect(CustomerHash.piece(of: nil as String?, pieces: 7) == 0)  // 42 mod 7
        #expect(CustomerHash.piece(of: "", pieces: 5) == 2)  // 42 mod 5, as Spark puts a null
    }

    /// pmod is never negative: a negative hash lands in 0..<N.
    @Test func pmodIsNonNegative() {
        #expect(Self.spark("a") < 0)
        let h = Self.spark("a")
        for n in [1, 2, 3, 10, 1000] {
            let expected = Int(((h % Int64(n)) + Int64(n)) % Int64(n))
            #expect(CustomerHash.piece(of: "a", pieces: n) == expected)
            #expect((0..<n).contains(CustomerHash.piece(of: "a", pieces: n)))
        }
    }

    /// Every length from 0 to 100 against an independent byte-at-a-time formulation of the
    /// same algorithm (the stripe and tail code paths at every alignment).
    @Test func everyLengthAgreesWithByteWiseReference() {
        let bytes = (0..<100).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        for n in 0...100 {
            let slice = Array(bytes[0..<n])
            let fast = slice.withUnsafeBytes { CustomerHash.xxh64($0, seed: 42) }
            #expect(fast == ReferenceXXH64.hash(slice, seed: 42), "length \(n)")
        }
    }
}

/// XXH64 written from the specification with arrays and explicit little-endian assembly.
enum ReferenceXXH64 {
    static let p1: UInt64 = 11_400_714_785_074_694_791, p2: UInt64 = 14_029_467_366_897_019_727
    static let p3: UInt64 = 1_609_587_929_392_839_161, p4: UInt64 = 9_650_029_242_287_828_579
    static let p5: UInt64 = 2_870_177_450_012_600_261

    static func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 { x << r | x >> (64 - r) }
    static func le(_ b: [UInt8], _ at: Int, _ count: Int) -> UInt64 {
        (0..<count).reduce(UInt64(0)) { $0 | UInt64(b[at + $1]) << (8 * UInt64($1)) }
    }
    static func round(_ acc: UInt64, _ lane: UInt64) -> UInt64 { rotl(acc &+ lane &* p2, 31) &* p1 }

    static func hash(_ b: [UInt8], seed: UInt64) -> UInt64 {
        var h: UInt64
        var i = 0
        if b.count >= 32 {
            var v = [seed &+ p1 &+ p2, seed &+ p2, seed, seed &- p1]
            while i + 32 <= b.count {
                for lane in 0..<4 { v[lane] = round(v[lane], le(b, i + 8 * lane, 8)) }
                i += 32
            }
            h = rotl(v[0], 1) &+ rotl(v[1], 7) &+ rotl(v[2], 12) &+ rotl(v[3], 18)
            for lane in v { h = (h ^ round(0, lane)) &* p1 &+ p4 }
        } else {
            h = seed &+ p5
        }
        h = h &+ UInt64(b.count)
        while i + 8 <= b.count { h = rotl(h ^ round(0, le(b, i, 8)), 27) &* p1 &+ p4; i += 8 }
        if i + 4 <= b.count { h = rotl(h ^ (le(b, i, 4) &* p1), 23) &* p2 &+ p3; i += 4 }
        while i < b.count { h = rotl(h ^ (UInt64(b[i]) &* p5), 11) &* p1; i += 1 }
        h = (h ^ h >> 33) &* p2
        h = (h ^ h >> 29) &* p3
        return h ^ h >> 32
    }
}
