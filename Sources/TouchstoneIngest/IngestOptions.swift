/// Where a log comes from.
public enum InputSource: Sendable, Equatable, CustomStringConvertible {
    /// A file; `.gz` content (by magic bytes) is decompressed as a stream.
    case file(String)
    /// Standard input (plain or gzip).
    case standardInput

    /// `-` means standard input.
    public init(argument: String) {
        self = argument == "-" ? .standardInput : .file(argument)
    }

    public var description: String {
        switch self {
        case .file(let path): path
        case .standardInput: "-"
        }
    }
}

/// Everything that decides how inputs become an `EventTable`.
public struct IngestOptions: Sendable {
    public var columns = ColumnSelection()
    /// Field delimiter; nil detects one of `,` `;` tab `|` from the header line.
    public var delimiter: UInt8?
    /// Character encoding of every input; nil detects it per input (a UTF-8 or UTF-16 BOM,
    /// UTF-16's NUL bytes, else UTF-8). Other encodings are transcoded to UTF-8 as read.
    public var encoding: TextEncoding?
    /// Whether the first record of each input is a header.
    public var hasHeader = true
    /// Timestamp format; nil detects it once from the first values.
    public var timestampFormat: TimestampFormat?
    /// Zone for timestamps written without an offset.
    public var timeZone: TimeZoneSpec = .utc
    /// Longest field accepted, in bytes; longer fields reject their row.
    public var maxFieldBytes = 128 * 1024
    /// Most bytes a gzip input may decompress to per compressed byte, so that a gzip bomb
    /// stops with an error instead of using all memory; nil: no limit. Plain input has none.
    public var maxExpansion: Int? = 1000
    /// How many timestamp values detection may look at before giving up.
    public var detectionSampleLimit = 100_000
    /// Size of the reused read buffer, in bytes.
    public var bufferBytes = 1 << 20
    /// A single plain file at least this large is parsed as two halves at the same time
    /// (the result is identical); nil reads every input front to back.
    public var parallelThresholdBytes: Int? = 32 << 20
    /// Each half is read in pieces of about this many bytes (at least 1/32 of it), so that
    /// the thread done first can take the other's last pieces (see `Ingester`).
    var parallelPieceBytes = 4 << 20
    /// The dialect of a later part of a file, as the file's start showed it (nil: sniffed
    /// from the input's first line, which in a part may be any line).
    var knownDialect: Dialect?
    /// For tests: each half's own thread stops after this many of its own pieces (the first
    /// at least one), so that the other thread reads the rest (nil: they share them as they
    /// finish).
    var parallelPiecesForFirstThread: Int?
    var parallelPiecesForSecondThread: Int?
    /// For tests and the fuzzer: false detects columns from the header's names alone, without
    /// the fill sample (`ColumnFillSample`). With the sample an input's first 101 lines (or
    /// 1 MiB) are held back and parsed in one piece, so a small input read in small chunks
    /// would reach the parser whole, and a test of chunking would test nothing.
    var samplesColumnFill = true
    /// Without a header: the number of fields every row must have (nil: the first row's).
    public var expectedFieldCount: Int?

    public init() {}
}
