/// Interns byte strings to dense `UInt32` ids (0, 1, 2, … in order of first appearance).
///
/// Storage is one byte arena plus an end offset per symbol, and an open-addressing table of
/// ids keyed by a hash of the raw bytes (the layout of swift-collections' `OrderedSet`). No
/// `String` is created while interning; `name(_:)` decodes one on demand.
///
/// Cost: `intern` is O(length) expected; memory is the distinct bytes plus about 12 bytes per
/// distinct symbol (8 for offsets and hash, 4–8 for the index table at load ≤ 0.5).
public struct SymbolTable: Sendable {
    /// All distinct symbols' bytes, back to back.
    private var arena: [UInt8] = []
    /// `ends[i]` is the end offset of symbol `i` in `arena`; symbol `i` starts at `ends[i-1]` (or 0).
    private var ends: [Int] = []
    /// Full hash of each symbol, kept so that growing the index never rehashes bytes.
    private var hashes: [UInt32] = []
    /// Open addressing: 0 is empty, otherwise symbol id + 1.
    private var slots: [UInt32] = Array(repeating: 0, count: 64)
    private var mask: Int = 63

    public init() {}

    /// Number of distinct symbols.
    public var count: Int { ends.count }

    /// Total bytes of all distinct symbols.
    public var byteCount: Int { arena.count }

    /// Returns the id of `bytes`, adding it when new.
    public mutating func intern(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        let h = SymbolTable.hash(bytes)
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let s = slots[i]
            if s == 0 { break }
            let id = Int(s &- 1)
            if hashes[id] == h && equals(id, bytes) { return UInt32(id) }
            i = (i &+ 1) & mask
        }
        let id = ends.count
        arena.append(contentsOf: bytes)
        ends.append(arena.count)
        hashes.append(h)
        slots[i] = UInt32(id + 1)
        if ends.count * 2 > mask + 1 { grow() }
        return UInt32(id)
    }

    /// Returns the id of `bytes` when it was interned before.
    public func lookup(_ bytes: UnsafeRawBufferPointer) -> UInt32? {
        let h = SymbolTable.hash(bytes)
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let s = slots[i]
            if s == 0 { return nil }
            let id = Int(s &- 1)
            if hashes[id] == h && equals(id, bytes) { return UInt32(id) }
            i = (i &+ 1) & mask
        }
    }

    /// Returns the id of a name when it was interned before.
    public func lookup(_ name: String) -> UInt32? {
        var name = name
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

    /// The name of symbol `id`, decoded as UTF-8 (invalid bytes become U+FFFD).
    public func name(_ id: UInt32) -> String {
        String(decoding: bytes(id), as: UTF8.self)
    }

    /// All names in id order.
    public var names: [String] { (0..<count).map { name(UInt32($0)) } }

    private func equals(_ id: Int, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let start = id == 0 ? 0 : ends[id - 1]
        let length = ends[id] - start
        guard length == bytes.count else { return false }
        if length == 0 { return true }
        return arena.withUnsafeBytes { a in
            memcmpBytes(a.baseAddress! + start, bytes.baseAddress!, length)
        }
    }

    private mutating func grow() {
        let capacity = (mask + 1) * 2
        var fresh = [UInt32](repeating: 0, count: capacity)
        let newMask = capacity - 1
        for id in 0..<hashes.count {
            var i = Int(hashes[id]) & newMask
            while fresh[i] != 0 { i = (i &+ 1) & newMask }
            fresh[i] = UInt32(id + 1)
        }
        slots = fresh
        mask = newMask
    }

    /// A fast 32-bit hash of raw bytes (8 bytes at a time, multiply-xorshift mixing).
    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        var offset = 0
        let n = bytes.count
        while offset + 8 <= n {
            let w = bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            h = (h ^ w) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 32
            offset += 8
        }
        if offset < n {
            var w: UInt64 = 0
            var shift: UInt64 = 0
            while offset < n {
                w |= UInt64(bytes[offset]) << shift
                shift += 8
                offset += 1
            }
            h = (h ^ w) &* 0xC4CE_B9FE_1A85_EC53
        }
        h ^= h >> 29
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 32
        return UInt32(truncatingIfNeeded: h)
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
