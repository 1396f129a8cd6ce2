import TouchstoneIngest

/// Times given on the command line (`--since`, `--until`, `--as-of`).
enum TimeArgument {
    /// Parses an ISO 8601 time; without an offset it is read in `zone`.
    static func parse(_ text: String, zone: TimeZoneSpec, flag: String) throws(FrontendError) -> Int64 {
        var parser = TimestampParser(format: .iso8601, zone: zone)
        var bytes = Array(text.utf8)
        let value = bytes.withUnsafeMutableBytes { parser.parse(UnsafeRawBufferPointer($0)) }
        guard let value else {
            throw FrontendError(message: "\(flag) '\(text)' is not an ISO 8601 time (e.g. 2025-03-01 or 2025-03-01T09:00:00Z)")
        }
        return value
    }
}
