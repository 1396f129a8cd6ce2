#if canImport(Glibc)
import Glibc  // libm for `rounded`, linked automatically in debug builds
#elseif canImport(Musl)
import Musl
#endif

/// Short human-readable durations with the two largest units: `45s`, `12m 5s`, `3h 20m`,
/// `3d 4h`, `2y 14d`; `250ms` below a second; `-` for a missing value.
///
/// Units: y = 365 d, d = 24 h. The value is rounded to the smaller shown unit (carrying into the
/// larger one: 23h 59m 59.9s is `1d`), and a zero second unit is omitted (`3h`).
public enum HumanDuration {
    private static let units: [(name: String, micros: Int64)] = [
        ("y", 365 * 86_400_000_000), ("d", 86_400_000_000), ("h", 3_600_000_000), ("m", 60_000_000), ("s", 1_000_000),
    ]

    /// Formats a duration in microseconds.
    public static func format(micros: Double?) -> String {
        guard let micros, micros.isFinite else { return "-" }
        if micros < 0 { return "-" + format(micros: -micros) }
        if micros < 999_500 {
            if micros == 0 { return "0s" }
            let ms = Int64((micros / 1000).rounded(.toNearestOrAwayFromZero))
            return ms == 0 ? "<1ms" : "\(ms)ms"
        }
        guard micros < 9.0e18 else { return ">292000y" }
        var value = micros
        for _ in 0..<2 {
            // Largest unit not above the value.
            let i = units.firstIndex { Double($0.micros) <= value } ?? units.count - 1
            if i == units.count - 1 {
                let s = Int64((value / 1_000_000).rounded(.toNearestOrAwayFromZero))
                if s < 60 { return "\(s)s" }
                value = Double(s) * 1_000_000
                continue
            }
            let small = units[i + 1].micros
            let n = Int64((value / Double(small)).rounded(.toNearestOrAwayFromZero))
            let rounded = Double(n) * Double(small)
            if i > 0 && rounded >= Double(units[i - 1].micros) { value = rounded; continue }
            let ratio = units[i].micros / small
            let big = n / ratio, rest = n % ratio
            if big == 0 { return "\(rest)\(units[i + 1].name)" }
            return rest == 0 ? "\(big)\(units[i].name)" : "\(big)\(units[i].name) \(rest)\(units[i + 1].name)"
        }
        // Unreachable in practice: a second carry cannot happen; fall back to the largest unit.
        let i = units.firstIndex { Double($0.micros) <= value } ?? 0
        return "\(Int64(value / Double(units[i].micros)))\(units[i].name)"
    }
}
