/// Why a timestamp format, pattern or zone could not be used.
///
/// Raised for configuration problems (an unknown pattern directive, an unknown zone name) and by
/// `TimestampFormatDetector.finish()` when no format could be decided. A value that does not
/// parse is not an error: `TimestampParser.parse(_:)` returns `nil` and the ingester records a
/// rejection for that row.
public struct TimestampError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Human-readable explanation, suitable for printing after `error: `.
    public let message: String

    /// The message.
    public var description: String { message }

    /// Creates an error with `message`.
    public init(_ message: String) {
        self.message = message
    }
}
