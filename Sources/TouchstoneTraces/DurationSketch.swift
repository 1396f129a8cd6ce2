#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A mergeable set of durations (µs): every value while it is small or never compacted, a
/// logarithmic histogram with bounded relative error once compacted.
///
/// A single pass over a log keeps every value (`append` never compacts), so its quantiles are
/// exact. A summary file compacts each set of more than `exactLimit` values into buckets
/// (`compact()`); `merge` compacts when the merged set is larger than `exactLimit` and either
/// side is compacted or `compactMerged` is set. Bucket `i` holds the values `v` with
/// `γ^(i-1) < v ≤ γ^i`, `γ = (1 + α) / (1 − α)`, `α = relativeAccuracy`, and is read as
/// `2γ^i / (γ + 1)`, which is within `α` of every value in it (the DDSketch construction). So a
/// quantile from a compacted sketch is within `α` (0.5%) of the exact quantile, relatively:
/// both ranks that numpy's linear method interpolates are read from their buckets, each within
/// `α`, and a convex combination of the two stays within `α` — and clamped to the exact
/// minimum and maximum. Zero and negative values are counted apart (negatives mirrored).
///
/// Count, sum, minimum and maximum stay exact in both forms; the sum is a 128-bit integer, so
/// means are the same whatever the merge order. Merging is associative and commutative: the
/// bucket of a value does not depend on when it was compacted.
///
/// Size once compacted: O(log_γ(max / min)) buckets — about 2,300 for 1 µs … 1 year — stored
/// sparsely, so at most 12 bytes per occupied bucket.
public struct DurationSketch: Sendable, Equatable {
    /// Relative accuracy of a compacted sketch's quantiles.
    public static let relativeAccuracy = 0.005
    /// Most values a summary keeps exactly per set (above it, `compact()` makes buckets).
    public static let exactLimit = 128

    static let gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy)
    static let logGamma = log(gamma)

    /// Number of values.
    public private(set) var count = 0
    /// Exact sum of the values.
    public private(set) var sum = WideSum()
    /// Smallest and largest value (`Int64.max` and `.min` while empty).
    public private(set) var min: Int64 = .max
    public private(set) var max: Int64 = .min
    /// The values, while exact (in no particular order); nil once compacted.
    public private(set) var values: [Int64]? = []
    /// Once compacted: values per bucket index (positive values), sorted by index.
    public private(set) var positive: [(index: Int32, count: Int)] = []
    /// Once compacted: values per bucket index of `-v` (negative values), sorted by index.
    public private(set) var negative: [(index: Int32, count: Int)] = []
    /// Once compacted: values equal to 0.
    public private(set) var zeros = 0

    public init() {}

    /// Exact values (in any order).
    public init<S: Sequence>(_ values: S) where S.Element == Int64 {
        self.init(Array(values))
    }

    /// Exact values (in any order): one tight loop, not generic (a summary builds a sketch
    /// from every edge's and every variant's durations).
    public init(_ kept: [Int64]) {
        var total = WideSum(), lo = Int64.max, hi = Int64.min
        for v in kept {
            total.add(v)
            if v < lo { lo = v }
            if v > hi { hi = v }
        }
        count = kept.count
        sum = total
        min = lo
        max = hi
        self.values = kept
    }

    /// Whether quantiles are exact (every value kept).
    public var isExact: Bool { values != nil }

    /// Adds one value (kept exactly, even past `exactLimit`, until `compact()`).
    public mutating func append(_ v: Int64) {
        count += 1
        sum.add(v)
        if v < min { min = v }
        if v > max { max = v }
        if values != nil { values!.append(v) } else { addToBucket(v, 1) }
    }

    /// Turns the values into buckets when there are more than `limit`.
    public mutating func compact(limit: Int = DurationSketch.exactLimit) {
        guard let kept = values, kept.count > limit else { return }
        values = nil
        var pos: [Int32: Int] = [:], neg: [Int32: Int] = [:]
        for v in kept {
            if v > 0 { pos[Self.bucket(v), default: 0] += 1 } else if v < 0 { neg[Self.bucket(v == .min ? .max : -v), default: 0] += 1 } else { zeros += 1 }
        }
        positive = pos.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        negative = neg.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// Adds the values of `other`. The result is compacted (see `compact(limit:)`) when either
    /// side is, or when `compactAbove` is given and the result holds more values.
    public mutating func merge(_ other: DurationSketch, compactAbove limit: Int? = nil) {
        guard other.count > 0 else { return }
        count += other.count
        sum.add(other.sum)
        if other.min < min { min = other.min }
        if other.max > max { max = other.max }
        if var mine = values, let theirs = other.values {
            values = nil  // no copy while appending
            mine += theirs
            values = mine
            if let limit { compact(limit: limit) }
            return
        }
        if values != nil { compact(limit: -1) }
        var b = other
        b.compact(limit: -1)
        positive = Self.add(positive, b.positive)
        negative = Self.add(negative, b.negative)
        zeros += b.zeros
    }

    /// The `q`-quantile (numpy's linear method), exact while exact, else within
    /// `relativeAccuracy`; nil when empty.
    public func quantile(_ q: Double) -> Double? {
        guard count > 0 else { return nil }
        if var v = values {
            return v.withUnsafeMutableBufferPointer { percentile($0, q) }
        }
        let (lower, t) = quantileRank(count: count, q)
        let a = value(atRank: lower)
        guard t > 0, lower + 1 < count else { return a }
        return interpolate(a, value(atRank: lower + 1), t)
    }

    /// Arithmetic mean (exact up to the conversion to `Double`); nil when empty.
    public var mean: Double? { count == 0 ? nil : sum.doubleValue / Double(count) }

    /// The value of rank `r` (0-based, ascending) read from the buckets, clamped to min…max.
    private func value(atRank r: Int) -> Double {
        var seen = 0
        // Negatives, most negative first: descending bucket index.
        for b in negative.reversed() {
            seen += b.count
            if r < seen { return clamp(-Self.representative(b.index)) }
        }
        seen += zeros
        if r < seen { return clamp(0) }
        for b in positive {
            seen += b.count
            if r < seen { return clamp(Self.representative(b.index)) }
        }
        return Double(max)
    }

    private func clamp(_ x: Double) -> Double { Swift.min(Double(max), Swift.max(Double(min), x)) }

    private mutating func addToBucket(_ v: Int64, _ n: Int) {
        if v == 0 { zeros += n; return }
        let index = Self.bucket(v > 0 ? v : (v == .min ? .max : -v))
        if v > 0 { positive = Self.add(positive, [(index, n)]) } else { negative = Self.add(negative, [(index, n)]) }
    }

    /// Bucket index of a positive value: the smallest `i` with `v ≤ γ^i`.
    static func bucket(_ v: Int64) -> Int32 {
        Int32(ceil(log(Double(v)) / logGamma))
    }

    /// The value a bucket stands for: `2γ^i / (γ + 1)`.
    static func representative(_ index: Int32) -> Double {
        2 * exp(Double(index) * logGamma) / (gamma + 1)
    }

    /// Sum of two sorted sparse bucket lists.
    static func add(_ a: [(index: Int32, count: Int)], _ b: [(index: Int32, count: Int)]) -> [(index: Int32, count: Int)] {
        if b.isEmpty { return a }
        if a.isEmpty { return b }
        var out: [(index: Int32, count: Int)] = []
        out.reserveCapacity(a.count + b.count)
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if j == b.count || (i < a.count && a[i].index < b[j].index) { out.append(a[i]); i += 1 }
            else if i == a.count || b[j].index < a[i].index { out.append(b[j]); j += 1 }
            else { out.append((a[i].index, a[i].count + b[j].count)); i += 1; j += 1 }
        }
        return out
    }

    /// Builds a compacted sketch from its stored parts (a summary file); nil when they do not
    /// agree (bucket counts not adding up to `count`, min above max, unsorted buckets).
    public static func compacted(count: Int, sum: WideSum, min: Int64, max: Int64, zeros: Int,
                                 positive: [(index: Int32, count: Int)], negative: [(index: Int32, count: Int)]) -> DurationSketch? {
        guard count > 0, min <= max, zeros >= 0 else { return nil }
        var total = zeros
        for list in [positive, negative] {
            for (k, b) in list.enumerated() {
                guard b.count > 0, k == 0 || list[k - 1].index < b.index else { return nil }
                let (t, o) = total.addingReportingOverflow(b.count)
                guard !o else { return nil }
                total = t
            }
        }
        guard total == count else { return nil }
        var s = DurationSketch()
        s.count = count; s.sum = sum; s.min = min; s.max = max
        s.values = nil; s.zeros = zeros; s.positive = positive; s.negative = negative
        return s
    }

    public static func == (a: Self, b: Self) -> Bool {
        guard a.count == b.count, a.sum == b.sum, a.min == b.min, a.max == b.max else { return false }
        switch (a.values, b.values) {
        case let (x?, y?): return x.sorted() == y.sorted()
        case (nil, nil):
            return a.zeros == b.zeros && a.positive.elementsEqual(b.positive, by: { $0 == $1 })
                && a.negative.elementsEqual(b.negative, by: { $0 == $1 })
        default: return false
        }
    }
}

/// An exact sum of `Int64` values in 128 bits (two's complement), so sums of any size merge
/// exactly and in any order.
public struct WideSum: Sendable, Hashable {
    public private(set) var high: Int64 = 0
    public private(set) var low: UInt64 = 0
    public init() {}
    public init(high: Int64, low: UInt64) { self.high = high; self.low = low }

    public mutating func add(_ v: Int64) {
        let (l, overflow) = low.addingReportingOverflow(UInt64(bitPattern: v))
        low = l
        high = high &+ (v < 0 ? -1 : 0) &+ (overflow ? 1 : 0)
    }

    public mutating func add(_ other: WideSum) {
        let (l, overflow) = low.addingReportingOverflow(other.low)
        low = l
        high = high &+ other.high &+ (overflow ? 1 : 0)
    }

    public var doubleValue: Double { Double(high) * 18446744073709551616.0 + Double(low) }
}
