import Dispatch

/// Interns byte strings to dense `UInt32` ids (0, 1, 2, … in order of first appearance).
///
/// Storage is one byte arena plus an end offset per symbol, and an open-addressing table of
/// ids keyed by a hash of the raw bytes (the layout of swift-collections' `OrderedSet`). No
/// `String` is created while interning; `name(_:)` decodes one on demand.
///
/// The hash is keyed with a random `HashSeed` drawn once per table, so input crafted to make
/// names collide (hash flooding) cannot be prepared in advance: ids still follow first
/// appearance, so results never depend on the seed.
///
/// Cost: `intern` is O(length) expected (linear probing, load ≤ 3/4); memory is the distinct
/// bytes, 8 bytes of offset per symbol, and 32-byte slots for 4/3 to 8/3 slots per symbol.
public struct SymbolTable: Sendable {
    /// The keys of this table's hash.
    let seed: HashSeed
    /// All distinct symbols' bytes, back to back.
    private var arena: [UInt8] = []
    /// `ends[i]` is the end offset of symbol `i` in `arena`; symbol `i` starts at `ends[i-1]` (or 0).
    private var ends: [Int] = []
    /// Open addressing table. A slot holds the hash and id, and the symbol's bytes themselves
    /// when they fit (≤ 23 bytes, the common case for ids and names), so most lookups touch
    /// one cache line.
    private var slots: [Slot] = Array(repeating: Slot(), count: 64)
    private var mask: Int = 63
    /// False after `dropIndex` or `append(unindexed:)`: `slots` is empty, `lookup` scans the
    /// names, and the next `intern` builds the index again first.
    private var indexed = true
    /// Whether the empty name stands for a missing value (stage and channel tables): it is
    /// named `(none)`, and a name that is literally `(none)` in the data is named `"(none)"`
    /// (with double quotes) so that the two stay apart. `lookup(_:)` with a `String` reads
    /// names the same way. Interning works on the raw bytes either way.
    public internal(set) var emptyMeansNone = false

    /// The name of the missing value in a table where `emptyMeansNone`.
    public static let noneName = "(none)"
    /// The name of a value that is literally `(none)` in such a table.
    public static let literalNoneName = "\"(none)\""

    struct Slot {
        /// 0 when empty, otherwise `hash << 32 | (id + 1)`.
        var tag: UInt64 = 0
        /// Up to 23 key bytes, zero-padded; the last byte is the length, or 0xFF when the key
        /// is longer and lives only in the arena.
        var key: Key = Key()
    }

    struct Key: Equatable {
        var w0: UInt64 = 0, w1: UInt64 = 0, w2: UInt64 = 0

        static let inlineCapacity = 23

        /// Packs `bytes` when they fit inline, else marks the key as out of line.
        ///
        /// Words are assembled from whole-word loads (no byte-wise copy into memory that is
        /// then read back as words, which stalls store forwarding).
        @inline(__always)
        init(_ bytes: UnsafeRawBufferPointer) {
            let n = bytes.count
            guard n <= Key.inlineCapacity, let p = bytes.baseAddress else {
                w2 = n == 0 ? 0 : 0xFF << 56
                return
            }
            w0 = Key.word(p, min(n, 8))
            w1 = n > 8 ? Key.word(p + 8, min(n - 8, 8)) : 0
            w2 = (n > 16 ? Key.word(p + 16, n - 16) : 0) | UInt64(n) << 56
        }

        /// The first `n` (0…8) bytes at `p` as a little-endian word, zero-padded.
        @inline(__always)
        static func word(_ p: UnsafeRawPointer, _ n: Int) -> UInt64 {
            if n >= 8 { return UInt64(littleEndian: p.loadUnaligned(as: UInt64.self)) }
            var w: UInt64 = 0
            var offset = 0
            if n & 4 != 0 {
                w = UInt64(UInt32(littleEndian: p.loadUnaligned(as: UInt32.self)))
                offset = 4
            }
            if n & 2 != 0 {
                w |= UInt64(UInt16(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt16.self))) << UInt64(offset * 8)
                offset += 2
            }
            if n & 1 != 0 {
                w |= UInt64(p.load(fromByteOffset: offset, as: UInt8.self)) << UInt64(offset * 8)
            }
            return w
        }

        init() {}

        var isInline: Bool { w2 >> 56 != 0xFF }
    }

    /// An empty table with a fresh random hash seed.
    public init() {
        seed = HashSeed.random()
    }

    /// An empty table whose empty name stands for a missing value (see `emptyMeansNone`).
    public init(emptyMeansNone: Bool) {
        seed = HashSeed.random()
        self.emptyMeansNone = emptyMeansNone
    }

    /// An empty table hashing with `seed` (tests use a known one to craft collisions).
    init(seed: HashSeed) {
        self.seed = seed
    }

    /// Number of distinct symbols.
    public var count: Int { ends.count }

    /// Total bytes of all distinct symbols.
    public var byteCount: Int { arena.count }

    /// Returns the id of `bytes`, adding it when new.
    public mutating func intern(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        if !indexed { rebuildIndexFromNames() }
        let (h, key) = hashAndKey(bytes)
        return intern(bytes, hash: h, key: key)
    }

    /// Interns many symbols, stored back to back in `bytes` with `ends[i]` the end of symbol
    /// `i`, calling `body` with each id in order.
    ///
    /// Reads every symbol's slot before interning any, so the cache misses of a large table
    /// overlap instead of queueing (the ids are the same as interning one by one).
    mutating func intern(batch bytes: UnsafeRawBufferPointer, ends: UnsafeBufferPointer<Int>,
                                hashes: inout [UInt32], keys: inout [Key], _ body: (UInt32) -> Void) {
        if !indexed { rebuildIndexFromNames() }
        hashes.removeAll(keepingCapacity: true)
        keys.removeAll(keepingCapacity: true)
        var start = 0
        for end in ends {
            let (h, key) = hashAndKey(UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
            hashes.append(h)
            keys.append(key)
            start = end
        }
        // In groups small enough to stay in the L1/L2 cache: read every slot of the group
        // (both cache lines a 32-byte slot may span), then intern the group.
        let group = 256
        var first = 0
        start = 0
        while first < ends.count {
            let last = min(first + group, ends.count)
            var touched: UInt64 = 0
            let mask = self.mask
            slots.withUnsafeBufferPointer { slots in
                for i in first..<last {
                    let s = slots[Int(hashes[i]) & mask]
                    touched &+= s.tag &+ s.key.w2
                }
            }
            if touched == 1 { hashes.append(0); hashes.removeLast() }  // keeps the loads alive
            for i in first..<last {
                let end = ends[i]
                body(intern(UnsafeRawBufferPointer(rebasing: bytes[start..<end]), hash: hashes[i], key: keys[i]))
                start = end
            }
            first = last
        }
    }

    /// Interns every symbol of `other` in its id order, calling `body` with each one's id
    /// here and its bytes.
    ///
    /// The index grows once, up front, to its final size, and symbols go through
    /// `intern(batch:)` a few thousand at a time, so the cache misses of a large table overlap.
    mutating func intern(allOf other: SymbolTable, _ body: (UInt32, UnsafeRawBufferPointer) -> Void) {
        if !indexed { rebuildIndexFromNames() }
        reserveIndex(for: count + other.count)
        arena.reserveCapacity(arena.count + other.arena.count)
        ends.reserveCapacity(count + other.count)
        var hashes: [UInt32] = [], keys: [Key] = [], chunkEnds: [Int] = []
        let chunk = 4096
        other.arena.withUnsafeBytes { bytes in
            var first = 0
            while first < other.count {
                let last = min(first + chunk, other.count)
                let base = first == 0 ? 0 : other.ends[first - 1]
                chunkEnds.removeAll(keepingCapacity: true)
                for i in first..<last { chunkEnds.append(other.ends[i] - base) }
                let chunkBytes = UnsafeRawBufferPointer(rebasing: bytes[base..<other.ends[last - 1]])
                var start = 0, index = 0
                chunkEnds.withUnsafeBufferPointer { ends in
                    intern(batch: chunkBytes, ends: ends, hashes: &hashes, keys: &keys) { id in
                        body(id, UnsafeRawBufferPointer(rebasing: chunkBytes[start..<ends[index]]))
                        start = ends[index]
                        index += 1
                    }
                }
                first = last
            }
        }
    }

    /// Grows the index once so that `total` symbols fit without growing again.
    private mutating func reserveIndex(for total: Int) {
        var capacity = mask + 1
        while total * 4 > capacity * 3 { capacity *= 2 }
        if capacity > mask + 1 { rebuildIndex(capacity: capacity) }
    }

    @inline(__always)
    private mutating func intern(_ bytes: UnsafeRawBufferPointer, hash h: UInt32, key: Key) -> UInt32 {
        let (found, slot) = probe(bytes, h, key)
        if let found { return found }
        let id = ends.count
        arena.append(contentsOf: bytes)
        ends.append(arena.count)
        slots[slot] = Slot(tag: UInt64(h) << 32 | UInt64(id + 1), key: key)
        if ends.count * 4 > (mask + 1) * 3 { grow() }
        return UInt32(id)
    }

    /// Returns the id of `bytes` when it was interned before.
    public func lookup(_ bytes: UnsafeRawBufferPointer) -> UInt32? {
        guard indexed else {
            // No index (a table only read from here on): O(names), still the right answer.
            for id in 0..<count where matchesArena(id, bytes) { return UInt32(id) }
            return nil
        }
        let (h, key) = hashAndKey(bytes)
        return probe(bytes, h, key).found
    }

    /// Adds the symbols of `other` that this table lacks, in `other`'s id order, without
    /// adding them to the index: the index is dropped (see `dropIndex`). Returns the id here of
    /// each of `other`'s ids, and calls `isNew` with the bytes of each added symbol.
    ///
    /// The look-ups, the costly part (a cache miss each in a large table), run on two threads
    /// for a large `other`; adding is copying bytes. For a table that is only read afterwards
    /// (the customer ids of a log), this saves building an index no one uses.
    mutating func append(unindexed other: SymbolTable, _ isNew: (UnsafeRawBufferPointer) -> Void) -> [UInt32] {
        if !indexed { rebuildIndexFromNames() }
        let n = other.count
        var map = [UInt32](repeating: 0, count: n)
        let absent = UInt32.max
        map.withUnsafeMutableBufferPointer { map in
            let job = LookupJob(table: self, other: other, map: map)
            if n < 1 << 16 {
                job.run(0..<n)
            } else {
                DispatchQueue.concurrentPerform(iterations: 2) { part in job.run((part * n / 2)..<((part + 1) * n / 2)) }
            }
        }
        arena.reserveCapacity(arena.count + other.arena.count)
        ends.reserveCapacity(count + n)
        other.arena.withUnsafeBytes { bytes in
            var start = 0
            for i in 0..<n {
                let end = other.ends[i]
                if map[i] == absent {
                    let name = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
                    map[i] = UInt32(ends.count)
                    arena.append(contentsOf: name)
                    ends.append(arena.count)
                    isNew(name)
                }
                start = end
            }
        }
        dropIndex()
        return map
    }

    /// Looks up the names of one table in another, writing each id (or `UInt32.max`) to `map`.
    private struct LookupJob: @unchecked Sendable {
        let table: SymbolTable
        let other: SymbolTable
        let map: UnsafeMutableBufferPointer<UInt32>

        /// In groups of 32: every name's hash first and its home slot read, so that the
        /// cache misses of a large table overlap, then the probes.
        func run(_ ids: Range<Int>) {
            guard table.indexed else {
                other.arena.withUnsafeBytes { bytes in
                    for i in ids {
                        let start = i == 0 ? 0 : other.ends[i - 1]
                        map[i] = table.lookup(UnsafeRawBufferPointer(rebasing: bytes[start..<other.ends[i]])) ?? .max
                    }
                }
                return
            }
            let group = 32
            var hashes = [UInt32](repeating: 0, count: group)
            var keys = [Key](repeating: Key(), count: group)
            other.arena.withUnsafeBytes { bytes in
                other.ends.withUnsafeBufferPointer { ends in
                    table.slots.withUnsafeBufferPointer { slots in
                        var first = ids.lowerBound
                        while first < ids.upperBound {
                            let last = min(first + group, ids.upperBound)
                            var touched: UInt64 = 0
                            for i in first..<last {
                                let start = i == 0 ? 0 : ends[i - 1]
                                let (h, key) = table.hashAndKey(UnsafeRawBufferPointer(rebasing: bytes[start..<ends[i]]))
                                hashes[i - first] = h
                                keys[i - first] = key
                                touched &+= slots[Int(h) & table.mask].tag
                            }
                            if touched == 1 { hashes[0] &+= 0 }  // keeps the loads alive
                            for i in first..<last {
                                let start = i == 0 ? 0 : ends[i - 1]
                                let name = UnsafeRawBufferPointer(rebasing: bytes[start..<ends[i]])
                                map[i] = table.probe(name, hashes[i - first], keys[i - first]).found ?? .max
                            }
                            first = last
                        }
                    }
                }
            }
        }
    }

    /// The id of `bytes` if present, else the empty slot where it belongs.
    @inline(__always)
    private func probe(_ bytes: UnsafeRawBufferPointer, _ h: UInt32, _ key: Key) -> (found: UInt32?, slot: Int) {
        slots.withUnsafeBufferPointer { slots in
            var i = Int(h) & mask
            while true {
                let s = slots[i]
                if s.tag == 0 { return (nil, i) }
                if UInt32(truncatingIfNeeded: s.tag >> 32) == h && s.key == key {
                    let id = Int(UInt32(truncatingIfNeeded: s.tag)) &- 1
                    if key.isInline || matchesArena(id, bytes) { return (UInt32(id), i) }
                }
                i = (i &+ 1) & mask
            }
        }
    }

    private func matchesArena(_ id: Int, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let start = id == 0 ? 0 : ends[id - 1]
        let length = ends[id] - start
        guard length == bytes.count else { return false }
        return arena.withUnsafeBytes { arena in
            guard let a = arena.baseAddress, let b = bytes.baseAddress else { return length == 0 }
            return memcmpBytes(a + start, b, length)
        }
    }

    /// Returns the id of a name when it was interned before (where `emptyMeansNone`, `(none)`
    /// finds the missing value and `"(none)"` a value literally named `(none)`).
    public func lookup(_ name: String) -> UInt32? {
        var name = name
        if emptyMeansNone {
            if name == SymbolTable.noneName { name = "" } else if name == SymbolTable.literalNoneName { name = SymbolTable.noneName }
        }
        return name.withUTF8 { lookup(UnsafeRawBufferPointer($0)) }
    }

    /// Adds `name` when new and returns its id.
    public mutating func intern(_ name: String) -> UInt32 {
        var name = name
        return name.withUTF8 { intern(UnsafeRawBufferPointer($0)) }
    }

    /// The raw bytes of symbol `id`.
    public func bytes(_ id: UInt32) -> ArraySlice<UInt8> {
        let i = Int(id)
        let start = i == 0 ? 0 : ends[i - 1]
        return arena[start..<ends[i]]
    }

    /// Per id, the symbol's first 8 bytes as a big-endian number, zero-padded: a strictly
    /// smaller prefix means a bytewise smaller symbol (equal prefixes decide nothing).
    public func bigEndianPrefixes() -> [UInt64] {
        arena.withUnsafeBytes { arena in
            var start = 0
            return ends.map { end in
                var p: UInt64 = 0
                if end - start >= 8, let base = arena.baseAddress {
                    p = UInt64(bigEndian: base.loadUnaligned(fromByteOffset: start, as: UInt64.self))
                } else {
                    for i in start..<end { p = p << 8 | UInt64(arena[i]) }
                    p <<= 8 * UInt64(8 - (end - start))
                }
                start = end
                return p
            }
        }
    }

    /// The name of symbol `id`, decoded as UTF-8 (invalid bytes become U+FFFD); where
    /// `emptyMeansNone`, `(none)` for the missing value and `"(none)"` for a literal `(none)`.
    public func name(_ id: UInt32) -> String {
        let raw = bytes(id)
        if emptyMeansNone {
            if raw.isEmpty { return SymbolTable.noneName }
            if raw.elementsEqual(SymbolTable.noneName.utf8) { return SymbolTable.literalNoneName }
        }
        return String(decoding: raw, as: UTF8.self)
    }

    /// The id of the missing value (the empty name) when it occurs.
    public var noneID: UInt32? {
        lookup(UnsafeRawBufferPointer(start: nil, count: 0))
    }

    /// All names in id order.
    public var names: [String] { (0..<count).map { name(UInt32($0)) } }

    /// Frees the lookup index, keeping the names: for a table that is only read from here on.
    /// Lookups then scan the names; the next `intern` builds the index again.
    mutating func dropIndex() {
        slots = []
        mask = -1
        indexed = false
    }

    /// Builds the index of every name (after `dropIndex`).
    private mutating func rebuildIndexFromNames() {
        var capacity = 64
        while count * 4 > capacity * 3 { capacity *= 2 }
        slots = Array(repeating: Slot(), count: capacity)
        mask = capacity - 1
        indexed = true
        arena.withUnsafeBytes { bytes in
            var start = 0
            for id in 0..<count {
                let name = UnsafeRawBufferPointer(rebasing: bytes[start..<ends[id]])
                let (h, key) = hashAndKey(name)
                var i = Int(h) & mask
                while slots[i].tag != 0 { i = (i &+ 1) & mask }
                slots[i] = Slot(tag: UInt64(h) << 32 | UInt64(id + 1), key: key)
                start = ends[id]
            }
        }
    }

    private mutating func grow() {
        rebuildIndex(capacity: (mask + 1) * 2)
    }

    private mutating func rebuildIndex(capacity: Int) {
        var fresh = [Slot](repeating: Slot(), count: capacity)
        let newMask = capacity - 1
        for s in slots where s.tag != 0 {
            var i = Int(s.tag >> 32) & newMask
            while fresh[i].tag != 0 { i = (i &+ 1) & newMask }
            fresh[i] = s
        }
        slots = fresh
        mask = newMask
    }

    /// The hash and packed key of `bytes`: keys that fit inline hash their three words (two
    /// folded multiplications), longer ones hash their bytes 16 at a time.
    @inline(__always)
    func hashAndKey(_ bytes: UnsafeRawBufferPointer) -> (UInt32, Key) {
        let key = Key(bytes)
        guard key.isInline else { return (hash(bytes), key) }
        var h = HashSeed.fold(key.w0 ^ seed.k0, key.w1 ^ seed.k1)
        h = HashSeed.fold(h ^ key.w2 ^ seed.k2, seed.k3)
        return (UInt32(truncatingIfNeeded: h ^ (h >> 32)), key)
    }

    /// A keyed 32-bit hash of raw bytes: 16 bytes at a time folded into the state with one
    /// 64 × 64 → 128-bit multiplication, the length in the initial state.
    @inline(__always)
    func hash(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        let n = bytes.count
        var h = seed.k2 ^ UInt64(n)
        guard let p = bytes.baseAddress else { return UInt32(truncatingIfNeeded: h) }
        var offset = 0
        while offset + 16 <= n {
            let a = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            let b = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self))
            h = HashSeed.fold(a ^ seed.k0 ^ h, b ^ seed.k1)
            offset += 16
        }
        if offset < n {
            let rest = n - offset
            let a = Key.word(p + offset, min(rest, 8))
            let b = rest > 8 ? Key.word(p + offset + 8, rest - 8) : 0
            h = HashSeed.fold(a ^ seed.k0 ^ h, b ^ seed.k1)
        }
        h = HashSeed.fold(h ^ seed.k2, seed.k3)
        return UInt32(truncatingIfNeeded: h ^ (h >> 32))
    }

    /// Number of slots a lookup of `bytes` examines (1 when it sits in its home slot, or when
    /// that slot is empty): the measure of clustering the hash-flooding tests check.
    func probeLength(_ bytes: UnsafeRawBufferPointer) -> Int {
        let (h, key) = hashAndKey(bytes)
        var i = Int(h) & mask
        var length = 1
        while slots[i].tag != 0 {
            let s = slots[i]
            if UInt32(truncatingIfNeeded: s.tag >> 32) == h && s.key == key {
                let id = Int(UInt32(truncatingIfNeeded: s.tag)) &- 1
                if key.isInline || matchesArena(id, bytes) { return length }
            }
            i = (i &+ 1) & mask
            length += 1
        }
        return length
    }
}

/// The secret keys of a `SymbolTable`'s hash, drawn from the system's random generator.
///
/// The hash folds each 16 bytes of input into its state with a 64 × 64 → 128-bit multiply
/// whose halves are xored (the construction of wyhash and foldhash), with a key xored into
/// each operand. Without the keys, an input cannot be made to collide on purpose: in the
/// multiplication every bit of each operand affects the upper half. (With known keys it
/// can, which the tests use: a word equal to `k1` zeroes one operand.) It is not a
/// cryptographic MAC; it is the per-table random seeding that Go's maps and Rust's
/// hashbrown rely on against flooding.
struct HashSeed: Sendable, Equatable {
    var k0: UInt64, k1: UInt64, k2: UInt64, k3: UInt64

    /// Four keys from `SystemRandomNumberGenerator` (the operating system's generator).
    static func random() -> HashSeed {
        var generator = SystemRandomNumberGenerator()
        return HashSeed(k0: generator.next(), k1: generator.next(), k2: generator.next(), k3: generator.next() | 1)
    }

    /// `a × b` as a 128-bit product, its two halves xored.
    @inline(__always)
    static func fold(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let product = a.multipliedFullWidth(by: b)
        return product.high ^ product.low
    }
}

@inline(__always)
func memcmpBytes(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ n: Int) -> Bool {
    var i = 0
    while i + 8 <= n {
        if a.loadUnaligned(fromByteOffset: i, as: UInt64.self) != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
            return false
        }
        i += 8
    }
    while i < n {
        if a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) { return false }
        i += 1
    }
    return true
}
