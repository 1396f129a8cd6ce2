/// What was detected in one input and what became of its rows. Each input (file) of a run is
/// its own export: its encoding, dialect, header mapping and timestamp format are its own.
public struct InputReport: Sendable {
    /// The input as named on the command line (`-` for standard input).
    public internal(set) var name: String
    /// The encoding read (transcoded to UTF-8 unless it is UTF-8), and how it was decided.
    public internal(set) var encoding = TextEncoding.utf8
    public internal(set) var encodingEvidence = EncodingEvidence.assumed
    /// Code units that are not valid in `encoding` (UTF-16 lone surrogates, an odd last
    /// byte), read as U+FFFD.
    public internal(set) var replacedCharacters = 0
    /// Whether the input starts with a byte-order mark (UTF-8 or UTF-16), which is skipped.
    public internal(set) var byteOrderMark = false
    /// Field delimiter and line ends used (nil before the first line is read).
    public internal(set) var delimiter: UInt8?
    public internal(set) var lineEnd: LineEnd?
    /// The timestamp format used for this input, and whether it was detected.
    public internal(set) var timestampFormat: TimestampFormat?
    public internal(set) var timestampFormatDetected = false
    /// Data records read from this input, and how many of them were rejected.
    public internal(set) var rowsRead = 0
    public internal(set) var rowsRejected = 0
    public var rowsUsed: Int { rowsRead - rowsRejected }
    /// 1-based line of the first bytes that are not valid UTF-8 (inputs read as UTF-8 only).
    /// Such rows are used with their bytes as they are: see docs/ingest.md.
    public internal(set) var firstInvalidUTF8Line: Int?

    init(name: String) {
        self.name = name
    }
}

/// How the lines of an input end.
public enum LineEnd: String, Sendable, Equatable, CustomStringConvertible {
    case lf = "LF"
    case crlf = "CRLF"
    case cr = "CR"

    public var description: String { rawValue }
}
