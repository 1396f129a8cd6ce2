import Testing
@testable import TouchstoneIngest

/// Appending one table's names to another without an index (how the two halves of a large
/// file merge their customer ids) gives the ids interning would, and the table still answers
/// look-ups and interns afterwards.
@Suite("SymbolTable merging")
struct SymbolTableMergeTests {
    static func table(_ names: [[UInt8]]) -> SymbolTable {
        var t = SymbolTable()
        for n in names { _ = n.withUnsafeBytes { t.intern($0) } }
        return t
    }

    static func table(_ names: [String]) -> SymbolTable { table(names.map { Array($0.utf8) }) }

    @Test(arguments: [10, 70_000])  // below and above the size looked up on two threads
    func unindexedAppendMatchesInterning(count: Int) {
        // Overlapping names, long ones (out of line), an empty one and bytes that are not UTF-8.
        let first = (0..<count).map { "c\($0)" } + ["", String(repeating: "long-", count: 10)]
        let second = ((0..<count).map { "c\(count / 2 + $0)" } + [String(repeating: "long-", count: 10), "x"]).map { Array($0.utf8) }
            + [[0xFF, 0x41]]
        var interned = Self.table(first)
        let expected = second.map { name in name.withUnsafeBytes { interned.intern($0) } }

        var merged: SymbolTable = Self.table(first)
        var invalid = 0
        var added: [String] = []
        let ids = merged.append(unindexed: Self.table(second)) { bytes in
            added.append(String(decoding: bytes, as: UTF8.self))
            if !isValidUTF8(bytes) { invalid += 1 }
        }
        #expect(ids == expected)
        #expect(merged.names == interned.names)
        #expect(added == Array(interned.names[first.count...]))
        #expect(invalid == 1)
        // Without an index, look-ups scan; interning builds the index again.
        for i in 0..<interned.count where i % 997 == 0 || i >= interned.count - 5 {
            #expect(Array(interned.bytes(UInt32(i))).withUnsafeBytes { merged.lookup($0) } == UInt32(i))
        }
        #expect(merged.lookup("absent") == nil)
        #expect(merged.intern("c0") == 0)
        #expect(merged.intern("new") == UInt32(interned.count))
        #expect(merged.lookup("new") == UInt32(interned.count))
    }

    @Test func prefixesAreTheFirstEightBytesBigEndian() {
        let names: [[UInt8]] = [[], [0x41], [0x41, 0], [1, 2, 3, 4, 5, 6, 7], [1, 2, 3, 4, 5, 6, 7, 8], [0xFF, 2, 3, 4, 5, 6, 7, 8, 9, 10]]
        let t = Self.table(names)
        let expected = names.map { name -> UInt64 in
            var p: UInt64 = 0
            for k in 0..<8 { p = p << 8 | UInt64(k < name.count ? name[k] : 0) }
            return p
        }
        #expect(t.bigEndianPrefixes() == expected)
    }

    @Test func droppedIndexStillFindsNames() {
        var t = Self.table(["a", "b", ""])
        t.dropIndex()
        #expect(t.lookup("b") == 1)
        #expect(t.lookup("") == 2)
        #expect(t.lookup("z") == nil)
        #expect(t.intern("a") == 0)
        #expect(t.intern("z") == 3)
    }
}
