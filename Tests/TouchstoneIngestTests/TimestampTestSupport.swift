@testable import TouchstoneIngest

/// Parses `text` once with a fresh parser (expected values are seconds/µs from `date -u -d … +%s`).
func parseTimestamp(_ text: String, _ format: TimestampFormat = .iso8601, zone: TimeZoneSpec = .utc) -> Int64? {
    var parser = TimestampParser(format: format, zone: zone)
    return Array(text.utf8).withUnsafeBytes { parser.parse($0) }
}

/// Compiles `spec`, failing the test if it does not compile.
func pattern(_ spec: String) throws -> TimestampFormat {
    .pattern(try TimestampPattern(spec))
}

/// Microseconds for whole `seconds`.
func micros(_ seconds: Int64, plus fraction: Int64 = 0) -> Int64 { seconds * 1_000_000 + fraction }
