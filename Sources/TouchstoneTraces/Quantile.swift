#if canImport(Glibc)
import Glibc  // libm for `rounded`, linked automatically in debug builds
#elseif canImport(Musl)
import Musl
#endif

// Quantiles: the one definition every figure in Touchstone uses, on sorted arrays and on raw
// duration buffers (selection, no sort).

/// The `q`-quantile of ascending `values` by linear interpolation between closest ranks
/// (position `(n - 1) * q`, numpy's default); 0 for an empty array.
public func quantile(sorted values: [Double], _ q: Double) -> Double {
    guard !values.isEmpty else { return 0 }
    let (lower, fraction) = quantileRank(count: values.count, q)
    guard fraction > 0, lower + 1 < values.count else { return values[lower] }
    return interpolate(values[lower], values[lower + 1], fraction)
}

/// Where the `q`-quantile (0 ≤ q ≤ 1) of `n` sorted values lies: the lower rank (0-based) and
/// the fraction of the way to the next one (position `(n - 1) * q`, numpy's `linear` method).
/// The one definition every quantile in Touchstone uses.
public func quantileRank(count n: Int, _ q: Double) -> (lower: Int, fraction: Double) {
    let position = Double(n - 1) * q
    let lower = Swift.min(n - 1, Swift.max(0, Int(position.rounded(.down))))
    return (lower, position - Double(lower))
}

/// numpy's `_lerp`: `a + (b - a) * t`, computed from `b` when `t ≥ 0.5` for accuracy.
@inline(__always)
public func interpolate(_ a: Double, _ b: Double, _ t: Double) -> Double {
    let d = b - a
    return t >= 0.5 ? b - d * (1 - t) : a + d * t
}


/// The `q`-quantile (0 ≤ q ≤ 1) of `values`, interpolating linearly between closest ranks
/// (numpy's default `linear` method: position `(n - 1) * q` in the sorted values).
///
/// Reorders `values` in place (quickselect). Cost: expected O(n) time, no allocation.
/// Returns `nil` for an empty buffer.
public func percentile(_ values: UnsafeMutableBufferPointer<Int64>, _ q: Double) -> Double? {
    let n = values.count
    guard n > 0 else { return nil }
    let (lower, t) = quantileRank(count: n, q)
    select(values, lower)
    let a = Double(values[lower])
    guard t > 0, lower + 1 < n else { return a }
    // After selection everything above `lower` is ≥ values[lower]; the next rank is their minimum.
    var next = values[lower + 1]
    var i = lower + 2
    while i < n { if values[i] < next { next = values[i] }; i += 1 }
    return interpolate(a, Double(next), t)
}

/// Moves the `k`-th smallest element to index `k`, smaller-or-equal ones before it and
/// greater-or-equal ones after it (Hoare partitioning, median-of-three pivot).
public func select(_ a: UnsafeMutableBufferPointer<Int64>, _ k: Int) {
    var lo = 0
    var hi = a.count - 1
    while hi > lo {
        let mid = lo + (hi - lo) / 2
        let x = a[lo], y = a[mid], z = a[hi]
        let pivot = max(min(x, y), min(max(x, y), z))
        var i = lo, j = hi
        while i <= j {
            while a[i] < pivot { i += 1 }
            while a[j] > pivot { j -= 1 }
            if i <= j {
                a.swapAt(i, j)
                i += 1
                j -= 1
            }
        }
        if k <= j { hi = j } else if k >= i { lo = i } else { return }
    }
}
