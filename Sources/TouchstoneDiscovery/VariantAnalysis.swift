import TouchstoneIngest
import TouchstoneTraces

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

/// Groups traces with `TraceVariants` and records each trace's throughput time.
private struct VariantBuilder: TraceWalker {
    let merge: Bool
    var grouping: TraceVariants?
    /// Throughput of each trace, µs.
    var throughput: [Int64]

    init(merge: Bool, traceCount: Int) {
        self.merge = merge
        throughput = [Int64](repeating: 0, count: traceCount)
    }

    mutating func build<ID: NodeIdentifier>(_ column: UnsafeBufferPointer<ID>, _ ts: UnsafeBufferPointer<Int64>, _ bounds: [Int]) {
        grouping = TraceVariants(column: column, traceBounds: bounds, mergeRuns: merge)
        for t in 0..<(bounds.count - 1) where bounds[t] < bounds[t + 1] {
            throughput[t] = ts[bounds[t + 1] - 1] &- ts[bounds[t]]
        }
    }

    /// All variants in report order, with median throughput per variant.
    mutating func finish() -> [VariantAnalysis.Variant] {
        guard let grouping else { return [] }
        let variantCount = grouping.count
        let traceCount = grouping.variantOfTrace.count
        let counts = grouping.customers
        // Counting sort of throughput times by variant.
        var starts = [Int](repeating: 0, count: variantCount)
        var offset = 0
        for v in 0..<variantCount { starts[v] = offset; offset += counts[v] }
        var next = starts
        var grouped = [Int64](repeating: 0, count: traceCount)
        for t in 0..<traceCount {
            let v = grouping.variantOfTrace[t].index
            grouped[next[v]] = throughput[t]
            next[v] += 1
        }
        throughput = []
        var result: [VariantAnalysis.Variant] = []
        result.reserveCapacity(variantCount)
        var cumulative = 0
        let total = Double(traceCount)
        grouped.withUnsafeMutableBufferPointer { all in
            for id in grouping.byFrequency {
                let v = id.index
                cumulative += counts[v]
                let median = percentile(UnsafeMutableBufferPointer(rebasing: all[starts[v]..<(starts[v] + counts[v])]), 0.5) ?? 0
                result.append(.init(steps: Array(grouping.sequence(id)), customers: counts[v],
                                    share: Double(counts[v]) / total, cumulativeShare: Double(cumulative) / total,
                                    medianThroughput: median, firstTrace: grouping.representative[v].index))
            }
        }
        return result
    }
}
