import Foundation
import Testing
@testable import TouchstoneIngest

/// Crafted names cannot flood a `SymbolTable`: with a known seed we can make thousands of ids
/// land in one slot (the attack), with the real random seed the same ids spread out.
@Suite struct HashFloodingTests {
    /// `"FLOODING"` as a little-endian word: keys whose bytes 8..<16 equal `k1` zero one operand
    /// of the first multiplication, so their hash no longer depends on bytes 0..<8.
    static let flood = UInt64(littleEndian: Array("FLOODING".utf8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
    static let knownSeed = HashSeed(k0: 0x0123_4567_89AB_CDEF, k1: flood, k2: 0x0F1E_2D3C_4B5A_6978, k3: 0x9E37_79B9_7F4A_7C15)

    /// `count` distinct ids of `length` bytes (16, inline, or 40, hashed from the arena) that
    /// all collide under `knownSeed`: 8 varying bytes, then `FLOODING`, then a fixed tail.
    static func craftedIDs(_ count: Int, length: Int) -> [[UInt8]] {
        (0..<count).map { i in
            let head = Array(String(format: "%08d", i).utf8)
            let tail = [UInt8](repeating: UInt8(ascii: "x"), count: length - 16)
            return head + Array("FLOODING".utf8) + tail
        }
    }

    /// Interns `ids` and returns the table, the mean probe length of looking each up, and the seconds taken.
    static func intern(_ ids: [[UInt8]], into table: SymbolTable) -> (SymbolTable, Double, Double) {
        var table = table
        let start = Date()
        for (i, id) in ids.enumerated() {
            let assigned = id.withUnsafeBytes { table.intern($0) }
            precondition(assigned == UInt32(i))
        }
        let seconds = Date().timeIntervalSince(start)
        let probes = ids.reduce(0) { sum, id in sum + id.withUnsafeBytes { table.probeLength($0) } }
        return (table, Double(probes) / Double(ids.count), seconds)
    }

    @Test(arguments: [16, 40])
    func craftedIDsCollideUnderTheKnownSeed(length: Int) {
        let ids = Self.craftedIDs(1000, length: length)
        let first = ids[0].withUnsafeBytes { SymbolTable(seed: Self.knownSeed).hashAndKey($0).0 }
        for id in ids.prefix(100) {
            #expect(id.withUnsafeBytes { SymbolTable(seed: Self.knownSeed).hashAndKey($0).0 } == first)
        }
        // One cluster: looking up the n-th id walks past the n-1 before it.
        let (table, meanProbes, _) = Self.intern(ids, into: SymbolTable(seed: Self.knownSeed))
        #expect(table.count == ids.count)
        #expect(meanProbes > 400, "mean probe length \(meanProbes)")
    }

    @Test(arguments: [16, 40])
    func craftedIDsStayNearLinearWithTheRandomSeed(length: Int) {
        let ids = Self.craftedIDs(100_000, length: length)
        let (table, meanProbes, seconds) = Self.intern(ids, into: SymbolTable())
        #expect(table.count == ids.count)
        // Linear probing at load ≤ 3/4 averages about 2.5 probes for a hit.
        #expect(meanProbes < 4, "mean probe length \(meanProbes)")
        #expect(seconds < 1, "\(seconds) s for 100k crafted ids")
        // Ids are in first-appearance order, whatever the seed.
        #expect(table.bytes(12_345).elementsEqual(ids[12_345]))
    }

    @Test func idsDoNotDependOnTheSeed() {
        let names = (0..<5000).map { Array("customer-\($0 % 3001)".utf8) }
        var a = SymbolTable(seed: Self.knownSeed), b = SymbolTable()
        for name in names {
            let x = name.withUnsafeBytes { a.intern($0) }, y = name.withUnsafeBytes { b.intern($0) }
            #expect(x == y)
        }
        #expect(a.names == b.names)
    }

    @Test func everyTableDrawsItsOwnSeed() {
        #expect(SymbolTable().seed != SymbolTable().seed)
    }
}
