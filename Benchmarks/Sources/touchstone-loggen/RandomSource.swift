/// SplitMix64, used to expand a 64-bit seed into the state of `RandomSource`.
///
/// Pure integer arithmetic, so the sequence is the same on every machine and compiler.
struct SplitMix64 {
    /// The running 64-bit state.
    private var state: UInt64

    /// Creates a generator whose first output depends only on `seed`.
    init(seed: UInt64) {
        state = seed
    }

    /// Returns the next 64 pseudo-random bits.
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The generator's pseudo-random source: xoshiro256** seeded through SplitMix64.
///
/// Every draw is integer arithmetic or an exact conversion, so a seed gives byte-identical
/// logs on every platform. Doubles are built from the top 53 bits and are exact multiples
/// of 2^-53 in `[0, 1)`; no libm function is ever called on a random value.
struct RandomSource {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// Creates a source for one named stream of a seed.
    ///
    /// - Parameters:
    ///   - seed: the user's `--seed`.
    ///   - stream: a constant per use (journeys, bad rows, pilot run), so that adding draws
    ///     to one stream never shifts another.
    init(seed: UInt64, stream: UInt64) {
        var mixer = SplitMix64(seed: seed ^ (stream &* 0xD1B5_4A32_D192_ED03))
        s0 = mixer.next()
        s1 = mixer.next()
        s2 = mixer.next()
        s3 = mixer.next()
        if s0 | s1 | s2 | s3 == 0 {
            s0 = 1  // xoshiro must not start from the all-zero state
        }
    }

    /// Returns the next 64 pseudo-random bits.
    @inline(__always)
    mutating func next() -> UInt64 {
        let result = rotateLeft(s1 &* 5, by: 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotateLeft(s3, by: 45)
        return result
    }

    /// Returns a double in `[0, 1)`, an exact multiple of 2^-53.
    @inline(__always)
    mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Returns `true` with probability `probability`.
    @inline(__always)
    mutating func chance(_ probability: Double) -> Bool {
        unit() < probability
    }

    /// Returns an integer in `0..<bound` (`bound` > 0), using Lemire's multiply-shift.
    ///
    /// The tiny bias for bounds that do not divide 2^64 is irrelevant for synthetic logs and
    /// keeps the draw count per call fixed, which keeps streams aligned.
    @inline(__always)
    mutating func below(_ bound: Int64) -> Int64 {
        Int64(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    /// Returns an integer in `range`.
    @inline(__always)
    mutating func inRange(_ range: ClosedRange<Int64>) -> Int64 {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    @inline(__always)
    private func rotateLeft(_ x: UInt64, by k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }
}

/// Fixed stream numbers for `RandomSource(seed:stream:)`.
enum RandomStream {
    /// Arrivals, customer attributes, journeys, out-of-order delays.
    static let journeys: UInt64 = 1
    /// The pilot run that estimates the mean journey length.
    static let pilot: UInt64 = 2
    /// Which rows are damaged and how.
    static let badRows: UInt64 = 3
}
