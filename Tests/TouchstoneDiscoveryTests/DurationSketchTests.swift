#if canImport(Glibc)
import Glibc
#endif
import Testing
import TouchstoneTraces

@Suite("DurationSketch and binary coding")
struct DurationSketchTests {
    /// numpy's linear quantile, computed naively on a sorted copy.
    static func naive(_ values: [Int64], _ q: Double) -> Double {
        let s = values.sorted().map(Double.init)
        let pos = Double(s.count - 1) * q
        let lo = Int(pos.rounded(.down))
        let t = pos - Double(lo)
        return lo + 1 < s.count ? s[lo] + (s[lo + 1] - s[lo]) * t : s[lo]
    }

    static func randomValues(seed: UInt64, count: Int, negatives: Bool = false) -> [Int64] {
        var rng = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            // Log-uniform over 1 µs … ~11 days, some zeros, optionally negatives.
            let r = rng.next()
            if r % 17 == 0 { return 0 }
            let v = Int64(exp(Double(rng.next() % 1_000_000) / 1_000_000 * 27.6))
            return negatives && r % 5 == 0 ? -v : v
        }
    }

    @Test("exact while not compacted: quantiles, mean, min, max equal the naive values")
    func exact() {
        let values: [Int64] = [5, 1, 9, 3, 3, 100, 0]
        let s = DurationSketch(values)
        #expect(s.isExact && s.count == 7 && s.min == 0 && s.max == 100)
        for q in [0, 0.1, 0.5, 0.9, 1] { #expect(s.quantile(q) == Self.naive(values, q)) }
        #expect(s.mean == Double(121) / 7)
        #expect(DurationSketch().quantile(0.5) == nil)
    }

    @Test("compacted quantiles stay within the documented relative accuracy", arguments: [1, 2, 3])
    func accuracy(seed: UInt64) {
        let values = Self.randomValues(seed: seed, count: 5_000, negatives: seed == 3)
        var s = DurationSketch(values)
        s.compact()
        #expect(!s.isExact && s.count == values.count)
        #expect(s.sum == DurationSketch(values).sum && s.min == values.min() && s.max == values.max())
        for q in stride(from: 0.0, through: 1.0, by: 0.05) {
            let exact = Self.naive(values, q)
            let approx = s.quantile(q)!
            #expect(abs(approx - exact) <= DurationSketch.relativeAccuracy * abs(exact) + 1e-9, "q=\(q): \(approx) vs \(exact)")
        }
    }

    @Test("merge is order-independent, and small merged sets stay exact")
    func mergeOrder() {
        let values = Self.randomValues(seed: 7, count: 1_000)
        let pieces = stride(from: 0, to: values.count, by: 90).map { Array(values[$0..<min($0 + 90, values.count)]) }
        func merged(_ order: [Int]) -> DurationSketch {
            var s = DurationSketch()
            for i in order {
                var p = DurationSketch(pieces[i])
                p.compact()
                s.merge(p, compactAbove: DurationSketch.exactLimit)
            }
            return s
        }
        let forward = merged(Array(pieces.indices))
        let backward = merged(pieces.indices.reversed())
        var whole = DurationSketch(values)
        whole.compact()
        #expect(forward == backward && forward == whole && !forward.isExact)
        var small = DurationSketch([1, 2])
        small.merge(DurationSketch([3]), compactAbove: DurationSketch.exactLimit)
        #expect(small.isExact && small.quantile(0.5) == 2)
    }

    @Test("sketches and primitives round-trip through the binary coding")
    func roundTrip() throws {
        var compacted = DurationSketch(Self.randomValues(seed: 9, count: 400, negatives: true))
        compacted.compact()
        let sketches = [DurationSketch(), DurationSketch([4, -2, 0, Int64.max]), compacted]
        var w = BinaryWriter()
        w.string("naïve \u{0}name"); w.varint(-5); w.varint(.min); w.uvarint(.max); w.double(-0.25); w.optionalString(nil)
        for s in sketches { w.sketch(s) }
        var r = BinaryReader(w.bytes)
        #expect(try r.string() == "naïve \u{0}name")
        #expect(try r.varint() == -5 && r.varint() == .min && r.uvarint() == .max && r.double() == -0.25)
        #expect(try r.optionalString() == nil)
        for s in sketches { #expect(try r.sketch() == s) }
        #expect(r.isAtEnd)
    }

    @Test("truncated or corrupted bytes are errors, never crashes")
    func corrupt() {
        var compacted = DurationSketch(Self.randomValues(seed: 11, count: 300))
        compacted.compact()
        var w = BinaryWriter()
        w.sketch(compacted); w.sketch(DurationSketch([1, 2, 3])); w.string("abc")
        let good = w.bytes
        func readAll(_ bytes: [UInt8]) throws(BinaryFormatError) {
            var r = BinaryReader(bytes)
            _ = try r.sketch(); _ = try r.sketch(); _ = try r.string()
        }
        for cut in 0..<good.count {
            #expect(throws: BinaryFormatError.self) { try readAll(Array(good[0..<cut])) }
        }
        var rng = SeededGenerator(seed: 5)
        for _ in 0..<2_000 {
            var bad = good
            bad[Int(rng.next() % UInt64(bad.count))] ^= UInt8(truncatingIfNeeded: rng.next() | 1)
            _ = try? readAll(bad)  // must return or throw
        }
        var r = BinaryReader([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])
        #expect(throws: BinaryFormatError.self) { _ = try r.uvarint() }
    }
}
