import TouchstoneIngest

/// Distinct journeys: traces with the same sequence of visits form one variant.
///
/// At touchpoint level a variant is the sequence of touchpoints (pm4py `get_variants`); at stage
/// and channel level it is the sequence of visits (consecutive equal stages merged).
/// Sequences are hashed as id arrays (64-bit hash, collisions resolved by comparing sequences).
///
/// Cost: one pass over the events plus O(customers) to group throughput times; memory
/// 12 bytes per customer plus the distinct sequences (4 bytes per step of each variant).
public struct VariantAnalysis: Sendable {
    /// One distinct sequence.
    public struct Variant: Sendable, Equatable {
        /// Node ids at the analysis level (`ActivityID`/`StageID`/`ChannelID` raw values).
        public var steps: [UInt32]
        /// Customers (traces) with exactly this sequence.
        public var customers: Int
        /// `customers` divided by all customers, 0…1.
        public var share: Double
        /// Share of all customers covered by this and every more frequent variant, 0…1.
        public var cumulativeShare: Double
        /// Median over the variant's traces of last event time − first event time, µs.
        public var medianThroughput: Double
        /// Trace index (in the analysed log) of the first trace with this sequence.
        public var firstTrace: Int
    }

    public let level: DiscoveryLevel
    /// Kept variants, by `customers` descending, ties by first appearance.
    public let variants: [Variant]
    /// Distinct variants in the log, before `limit` and `coverage` were applied.
    public let variantCount: Int
    /// Customers in the log.
    public let customers: Int
    /// Names of all node ids at `level`, indexed by id.
    public let nodeNames: [String]

    /// Analyses the variants of `log`.
    ///
    /// - Parameters:
    ///   - limit: keep at most this many variants (the most frequent).
    ///   - coverage: keep the smallest prefix whose cumulative share is ≥ `coverage` (0…1).
    ///   Both may be given; the shorter prefix wins.
    public init(_ log: EventLog, level: DiscoveryLevel = .touchpoint, limit: Int? = nil, coverage: Double? = nil) throws(DiscoveryError) {
        try log.requireLevel(level)
        var builder = VariantBuilder(merge: level.mergesVisits, traceCount: log.traceCount)
        log.walk(level, &builder)
        self.level = level
        self.customers = log.traceCount
        self.nodeNames = log.nodeNames(level).names
        let all = builder.finish()
        self.variantCount = all.count
        var keep = all.count
        if let limit { keep = min(keep, max(0, limit)) }
        if let coverage, let i = all.firstIndex(where: { $0.cumulativeShare >= coverage }) { keep = min(keep, i + 1) }
        self.variants = Array(all.prefix(keep))
    }

    /// The names of the steps of `variant`.
    public func names(_ variant: Variant) -> [String] { variant.steps.map { nodeNames[Int($0)] } }
}

private struct VariantBuilder: TraceWalker {
    let merge: Bool
    /// Variant of each trace.
    var variantOfTrace: [UInt32]
    /// Throughput of each trace, µs.
    var throughput: [Int64]
    /// All variants' steps back to back; variant v is `arena[ends[v-1] ..< ends[v]]`.
    var arena: [UInt32] = []
    var ends: [Int] = []
    var hashes: [UInt64] = []
    var counts: [Int] = []
    var firstTrace: [Int] = []
    /// Open addressing: variant + 1, 0 = empty.
    var slots = [UInt32](repeating: 0, count: 1024)
    var mask = 1023

    init(merge: Bool, traceCount: Int) {
        self.merge = merge
        variantOfTrace = [UInt32](repeating: 0, count: traceCount)
        throughput = [Int64](repeating: 0, count: traceCount)
    }

    mutating func build<ID: NodeIdentifier>(_ column: UnsafeBufferPointer<ID>, _ ts: UnsafeBufferPointer<Int64>, _ bounds: [Int]) {
        var scratch: [UInt32] = []
        for t in 0..<(bounds.count - 1) {
            let lo = bounds[t], hi = bounds[t + 1]
            if lo >= hi { continue }
            scratch.removeAll(keepingCapacity: true)
            var h: UInt64 = 0xCBF2_9CE4_8422_2325
            var previous = UInt32.max
            for i in lo..<hi {
                let node = column[i].rawValue
                if merge && node == previous && i > lo { continue }
                scratch.append(node)
                h = (h ^ UInt64(node)) &* 0x0000_0100_0000_01B3
                h ^= h >> 29
                previous = node
            }
            h = (h ^ UInt64(scratch.count)) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 32
            variantOfTrace[t] = UInt32(lookup(h, scratch, trace: t))
            throughput[t] = ts[hi - 1] &- ts[lo]
        }
    }

    private mutating func lookup(_ h: UInt64, _ steps: [UInt32], trace: Int) -> Int {
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

    /// All variants in report order, with median throughput per variant.
    mutating func finish() -> [VariantAnalysis.Variant] {
        let variantCount = counts.count
        let traceCount = variantOfTrace.count
        // Counting sort of throughput times by variant.
        var next = [Int](repeating: 0, count: variantCount)
        var offset = 0
        for v in 0..<variantCount { next[v] = offset; offset += counts[v] }
        var grouped = [Int64](repeating: 0, count: traceCount)
        for t in 0..<traceCount {
            let v = Int(variantOfTrace[t])
            grouped[next[v]] = throughput[t]
            next[v] += 1
        }
        variantOfTrace = []
        throughput = []
        let counts = self.counts
        let order = (0..<variantCount).sorted { a, b in
            counts[a] != counts[b] ? counts[a] > counts[b] : a < b
        }
        var result: [VariantAnalysis.Variant] = []
        result.reserveCapacity(variantCount)
        var cumulative = 0
        let total = Double(traceCount)
        grouped.withUnsafeMutableBufferPointer { all in
            var starts = [Int](repeating: 0, count: variantCount)
            var o = 0
            for v in 0..<variantCount { starts[v] = o; o += counts[v] }
            for v in order {
                cumulative += counts[v]
                let begin = v == 0 ? 0 : ends[v - 1]
                let median = percentile(UnsafeMutableBufferPointer(rebasing: all[starts[v]..<(starts[v] + counts[v])]), 0.5) ?? 0
                result.append(.init(steps: Array(arena[begin..<ends[v]]), customers: counts[v],
                                    share: Double(counts[v]) / total, cumulativeShare: Double(cumulative) / total,
                                    medianThroughput: median, firstTrace: firstTrace[v]))
            }
        }
        return result
    }
}
