import TouchstoneIngest

/// 0-based index of a distinct sequence in a `TraceVariants`, in order of first appearance.
public struct VariantID: Hashable, Comparable, Sendable {
    public var rawValue: UInt32
    @inlinable public init(rawValue: UInt32) { self.rawValue = rawValue }
    @inlinable public init(_ index: Int) { self.rawValue = UInt32(truncatingIfNeeded: index) }
    @inlinable public var index: Int { Int(rawValue) }
    @inlinable public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// The grouping of traces into distinct sequences: trace → variant, one representative each.
///
/// The sequence of a trace is its node ids in order (touchpoints, stages or channels); with
/// `mergeRuns` consecutive equal ids count once (a stage *visit*). Discovery's variant
/// analysis and the conformance checker share it: everything that depends only on the
/// sequence is computed once per variant.
///
/// Sequences are hashed as id arrays (64-bit hash keyed with a random key per table, so crafted
/// sequences cannot be made to collide; open addressing; collisions are resolved by
/// comparing sequences). Cost: one pass over the events. Memory: 4 bytes per trace plus the
/// distinct sequences (4 bytes per id of each) and 24 bytes per variant.
public struct TraceVariants: Sendable {
    /// Variant of each trace, indexed by trace.
    public let variantOfTrace: [VariantID]
    /// Traces with each variant's sequence.
    public let customers: [Int]
    /// The first trace (lowest index) with each variant's sequence.
    public let representative: [TraceID]
    /// All sequences back to back; variant v is `arena[ends[v-1] ..< ends[v]]`.
    private let arena: [UInt32]
    private let ends: [Int]

    /// Number of distinct sequences.
    public var count: Int { customers.count }

    /// The node ids of variant `v`, in order.
    public func sequence(_ v: VariantID) -> ArraySlice<UInt32> {
        arena[(v.index == 0 ? 0 : ends[v.index - 1])..<ends[v.index]]
    }

    /// The ids of variant `v` as typed ids of the column it was built from (`ActivityID` for
    /// `init(touchpointsOf:)`).
    public func sequence<ID: NodeIdentifier>(_ v: VariantID, as _: ID.Type) -> [ID] {
        sequence(v).map { ID(rawValue: $0) }
    }

    /// Variants by customers descending, ties by first appearance (report order).
    public var byFrequency: [VariantID] {
        (0..<count).sorted { a, b in customers[a] != customers[b] ? customers[a] > customers[b] : a < b }.map(VariantID.init)
    }

    /// Groups the traces of `log` by their sequence of touchpoints.
    public init(touchpointsOf log: EventLog) {
        self = log.events.activities.withUnsafeBufferPointer { TraceVariants(column: $0, traceBounds: log.traceBounds, mergeRuns: false) }
    }

    /// Groups traces by the sequence of ids in `column`.
    ///
    /// - Parameters:
    ///   - column: one id per event, in trace order.
    ///   - traceBounds: trace `t` is `column[traceBounds[t] ..< traceBounds[t + 1]]`.
    ///   - mergeRuns: count consecutive equal ids once.
    public init<ID: NodeIdentifier>(column: UnsafeBufferPointer<ID>, traceBounds bounds: [Int], mergeRuns merge: Bool) {
        var table = SequenceTable()
        // A random key per table: sequences crafted to collide cannot be prepared in a log.
        // Variant ids follow first appearance, so results do not depend on it.
        var generator = SystemRandomNumberGenerator()
        let key: (UInt64, UInt64) = (generator.next(), generator.next() | 1)
        let traceCount = bounds.count - 1
        var variantOfTrace = [VariantID](repeating: VariantID(rawValue: 0), count: max(0, traceCount))
        var scratch: [UInt32] = []
        for t in 0..<max(0, traceCount) {
            let lo = bounds[t], hi = bounds[t + 1]
            scratch.removeAll(keepingCapacity: true)
            var h = key.0
            var previous = UInt32.max
            var i = lo
            while i < hi {
                let node = column[i].rawValue
                i += 1
                if merge && node == previous && i > lo + 1 { continue }
                scratch.append(node)
                h = Self.fold(h ^ UInt64(node), key.1)
                previous = node
            }
            h = Self.fold(h ^ UInt64(scratch.count), key.1)
            variantOfTrace[t] = VariantID(table.lookup(h, scratch, trace: t))
        }
        self.variantOfTrace = variantOfTrace
        self.customers = table.counts
        self.representative = table.firstTrace.map(TraceID.init)
        self.arena = table.arena
        self.ends = table.ends
    }
}

extension TraceVariants {
    /// `a × b` as a 128-bit product, its halves xored (a keyed mixing step; see `SymbolTable`).
    @inline(__always)
    static func fold(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let product = a.multipliedFullWidth(by: b)
        return product.high ^ product.low
    }
}

/// Open-addressing table of distinct id sequences.
private struct SequenceTable {
    var arena: [UInt32] = []
    var ends: [Int] = []
    var hashes: [UInt64] = []
    var counts: [Int] = []
    var firstTrace: [Int] = []
    /// Variant + 1, 0 = empty.
    var slots = [UInt32](repeating: 0, count: 1024)
    var mask = 1023

    mutating func lookup(_ h: UInt64, _ steps: [UInt32], trace: Int) -> Int {
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let s = slots[i]
            if s == 0 { break }
            let v = Int(s) - 1
            if hashes[v] == h && sameSteps(v, steps) { counts[v] += 1; return v }
            i = (i &+ 1) & mask
        }
        let v = counts.count
        arena.append(contentsOf: steps)
        ends.append(arena.count)
        hashes.append(h)
        counts.append(1)
        firstTrace.append(trace)
        slots[i] = UInt32(v + 1)
        if counts.count * 2 > mask + 1 { grow() }
        return v
    }

    private func sameSteps(_ v: Int, _ steps: [UInt32]) -> Bool {
        let start = v == 0 ? 0 : ends[v - 1]
        guard ends[v] - start == steps.count else { return false }
        var k = 0
        while k < steps.count { if arena[start + k] != steps[k] { return false }; k += 1 }
        return true
    }

    private mutating func grow() {
        let capacity = (mask + 1) * 2
        let newMask = capacity - 1
        var fresh = [UInt32](repeating: 0, count: capacity)
        for v in 0..<hashes.count {
            var i = Int(truncatingIfNeeded: hashes[v]) & newMask
            while fresh[i] != 0 { i = (i &+ 1) & newMask }
            fresh[i] = UInt32(v + 1)
        }
        slots = fresh
        mask = newMask
    }
}
