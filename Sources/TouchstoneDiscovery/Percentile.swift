#if canImport(Glibc)
import Glibc  // libm for `rounded`, linked automatically in debug builds
#elseif canImport(Musl)
import Musl
#endif

import TouchstoneIngest

// Order statistics on raw duration buffers, without sorting.

/// The `q`-quantile (0 ≤ q ≤ 1) of `values`, interpolating linearly between closest ranks
/// (numpy's default `linear` method: position `(n - 1) * q` in the sorted values).
///
/// Reorders `values` in place (quickselect). Cost: expected O(n) time, no allocation.
/// Returns `nil` for an empty buffer.
func percentile(_ values: UnsafeMutableBufferPointer<Int64>, _ q: Double) -> Double? {
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
func select(_ a: UnsafeMutableBufferPointer<Int64>, _ k: Int) {
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
