/// Maps a directed pair of node ids to a dense edge index (0, 1, 2, … in order of first insertion).
///
/// A flat `from * n + to` matrix when `n ≤ matrixLimit`, otherwise open addressing on the packed
/// key `UInt64(from) << 32 | to`. Memory: 4·n² bytes (matrix) or about 32 bytes per edge (hash, load ≤ 0.5).
///
/// Node ids follow the order names first appear in the log, so a log can choose its edges'
/// keys: the hash is keyed with a random key per table (as `SymbolTable`'s is), so edges
/// cannot be crafted to collide. Indices follow first insertion, whatever the key.
struct EdgeIndexTable {
    static let matrixLimit = 1024

    private let nodeCount: Int
    private let useMatrix: Bool
    /// Matrix cells: edge index + 1, 0 when absent.
    private var cells: [UInt32]
    /// Hash slot: packed key and edge index + 1 (0 = empty), together in one cache line.
    private struct Slot { var key: UInt64 = 0; var value: UInt32 = 0 }
    private var slots: [Slot]
    private var mask: Int
    /// Random keys of the slot hash.
    private let key0: UInt64, key1: UInt64
    private(set) var count = 0

    init(nodeCount: Int) {
        self.nodeCount = nodeCount
        var generator = SystemRandomNumberGenerator()
        key0 = generator.next()
        key1 = generator.next() | 1
        useMatrix = nodeCount <= EdgeIndexTable.matrixLimit
        if useMatrix {
            cells = [UInt32](repeating: 0, count: nodeCount * nodeCount)
            slots = []
            mask = 0
        } else {
            cells = []
            slots = [Slot](repeating: Slot(), count: 1024)
            mask = 1023
        }
    }

    /// Whether the matrix representation is in use (for tests).
    var isMatrix: Bool { useMatrix }

    /// The home slot of `key`: one keyed 64 × 64 → 128-bit multiply, halves xored.
    @inline(__always)
    private func slot(_ key: UInt64, _ mask: Int) -> Int {
        let product = (key ^ key0).multipliedFullWidth(by: key1)
        let h = product.high ^ product.low
        return Int(truncatingIfNeeded: h ^ (h >> 32)) & mask
    }

    /// The index of the edge `from → to`, adding it when new; `isNew` tells which.
    @inline(__always)
    mutating func index(_ from: UInt32, _ to: UInt32) -> (index: Int, isNew: Bool) {
        if useMatrix {
            let c = Int(from) * nodeCount + Int(to)
            let v = cells[c]
            if v != 0 { return (Int(v) - 1, false) }
            count += 1
            cells[c] = UInt32(count)
            return (count - 1, true)
        }
        let key = UInt64(from) << 32 | UInt64(to)
        var i = slot(key, mask)
        while true {
            let s = slots[i]
            if s.value == 0 { break }
            if s.key == key { return (Int(s.value) - 1, false) }
            i = (i &+ 1) & mask
        }
        count += 1
        slots[i] = Slot(key: key, value: UInt32(count))
        if count * 2 > mask + 1 { grow() }
        return (count - 1, true)
    }

    /// The index of an edge known to exist.
    @inline(__always)
    func existing(_ from: UInt32, _ to: UInt32) -> Int {
        if useMatrix { return Int(cells[Int(from) * nodeCount + Int(to)]) - 1 }
        let key = UInt64(from) << 32 | UInt64(to)
        var i = slot(key, mask)
        while slots[i].value != 0 && slots[i].key != key { i = (i &+ 1) & mask }
        return Int(slots[i].value) - 1
    }

    private mutating func grow() {
        let capacity = (mask + 1) * 2
        let newMask = capacity - 1
        var newSlots = [Slot](repeating: Slot(), count: capacity)
        for s in slots where s.value != 0 {
            var j = slot(s.key, newMask)
            while newSlots[j].value != 0 { j = (j &+ 1) & newMask }
            newSlots[j] = s
        }
        slots = newSlots
        mask = newMask
    }
}
