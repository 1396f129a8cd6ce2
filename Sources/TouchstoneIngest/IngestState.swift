/// The mutable state of one ingest, reached from libcsv's callbacks through a raw pointer.
///
/// Field callbacks copy only mapped fields into `scratch`; the record callback validates the
/// row, parses its timestamp and appends ids to the table, or rejects it.
///
/// `~Copyable`: it owns manually managed storage (`scratch`), so it lives in exactly one place
/// (the ingester's pointer) and is freed once, when that pointer is deinitialized.
struct IngestState: ~Copyable {
    // Settings.
    let selection: ColumnSelection
    let hasHeader: Bool
    let maxFieldBytes: Int
    let detectionSampleLimit: Int
    let timeZone: TimeZoneSpec
    let expectedFieldCount: Int?
    let onRejection: ((Rejection) -> Void)?

    var table = EventTable()
    var report = IngestReport()
    var fatal: IngestError?

    // The current input.
    var sourceIndex = -1
    var sourceName = ""
    var lineEnd: UInt8 = 0x0A
    /// The input's field delimiter (to find the column of a quote that never closes).
    var delimiter = UInt8(ascii: ",")
    /// 1-based line the next slice starts on.
    var line = 1
    /// Data records seen in the current input.
    var record = 0
    var expectingHeader = true
    var mapping: ColumnMapping?
    /// How full each column is in the current input's first rows (for column detection).
    var columnFill = ColumnFillSample()
    /// Slot of each column (-1: not kept). Slots: 0 case, 1 touchpoint, 2 timestamp, 3 stage,
    /// 4 channel, 5… attributes.
    var slotOfColumn = IntSlots(count: 0)
    var columnOfSlot = IntSlots(count: 0)
    /// The current input's field count once its mapping is known (`Int.max` before).
    var fieldCountLimit = Int.max

    // The record in progress.
    var fieldIndex = 0
    var scratch = ByteBuffer(capacity: 4096)
    var slotStart = IntSlots(count: 0)
    var slotLength = IntSlots(count: 0)
    var tooLargeColumn = -1
    var tooLargeLength = 0
    var capturing = false
    var captured: [[UInt8]] = []

    // Where the record in progress is in the input.
    /// The bytes `Ingester.process` is parsing, borrowed for that call only (empty outside it:
    /// `forgetChunk()` runs on every exit). Bytes that must outlive the call are copied into
    /// `pending`.
    var chunk = UnsafeRawBufferPointer(start: nil, count: 0)
    var chunkRecordStart = 0
    var sliceEnd = 0
    /// Bytes of the open record from earlier chunks.
    var pending: [UInt8] = []
    var recordOpen = false
    var recordLine = 1
    /// Whether the next slice starts a physical line.
    var atLineStart = true
    /// Whether a record was open when the current physical line started.
    var lineStartedInRecord = false
    /// Records that ended on the current physical line.
    var recordsEndedInLine = 0
    /// A record rejected for bad quoting whose line has not ended yet: its remaining bytes
    /// are skipped, then it is reported with its whole raw text.
    var discardingLine = false
    var discardedColumn = 0
    var discardedErrorLine = 0
    /// Raw bytes to use instead of the input position (when replaying buffered records).
    var rawOverride: [UInt8]?
    /// A row with a field over `maxFieldBytes`, found while reading: the rest of the row is
    /// skipped without parsing, keeping at most `lookBackBytes` of it, and the row is rejected
    /// once when it ends.
    var skippingOversizedRow = false
    /// Whether the skip is inside quotes: the parity of the row's quotes so far (each quote
    /// toggles it); the row ends at a line end outside quotes.
    var skipInQuote = false
    var skipColumn = 0
    /// Why the row is skipped: a field over the limit, or more fields than the header.
    var skipReason = RejectionReason.fieldTooLarge
    /// Bytes of the oversized row seen so far (kept or not).
    var skipRowBytes = 0
    /// Whether `pending` lost bytes of the oversized row (it holds only the first
    /// `lookBackBytes`), so the row cannot be read again.
    var pendingTruncated = false
    /// Most bytes of one row kept while it is skipped, and most bytes read before the first
    /// line end is known: memory is bounded by the field limit, never by the input.
    let lookBackBytes: Int

    // Validated rows go in blocks to the interning thread (created with the first mapping).
    var worker: InternWorker?
    /// Splitting: where every row's raw bytes go; no events are kept then.
    var router: PieceRouter?
    /// Intern on the parsing thread (see `InternWorker.init(template:threaded:)`).
    var internOnParsingThread = false
    var block: RowBlock?

    // Timestamps.
    var timestampParser: TimestampParser?
    /// The format `timestampParser` parses.
    var currentFormat: TimestampFormat?
    var detector = TimestampFormatDetector()
    /// Whether `--timestamp-format` gave the format (else it is detected per input).
    let formatGiven: Bool
    /// The first input whose timestamps the current detection decides (an input that does
    /// not decide its format shares the detection of the inputs after it).
    var detectionStart = 0
    /// The format most recently decided, for an input whose own values decide none.
    var lastDecidedFormat: TimestampFormat?
    /// `report.rowsRead` when the current input began.
    var rowsAtSourceStart = 0
    var buffered: [BufferedItem] = []

    init(options: IngestOptions, onRejection: ((Rejection) -> Void)?) {
        selection = options.columns
        hasHeader = options.hasHeader
        maxFieldBytes = options.maxFieldBytes
        lookBackBytes = IngestState.lookBack(maxFieldBytes: options.maxFieldBytes)
        detectionSampleLimit = options.detectionSampleLimit
        timeZone = options.timeZone
        expectedFieldCount = options.expectedFieldCount
        self.onRejection = onRejection
        report.timeZone = options.timeZone
        formatGiven = options.timestampFormat != nil
        if let format = options.timestampFormat {
            timestampParser = TimestampParser(format: format, zone: options.timeZone)
            currentFormat = format
            report.timestampFormat = format
        }
    }

    var detecting: Bool { timestampParser == nil }

    /// Four times the field limit, at least 1 MiB (saturating).
    static func lookBack(maxFieldBytes: Int) -> Int {
        let (four, overflow) = maxFieldBytes.multipliedReportingOverflow(by: 4)
        return overflow ? Int.max : max(four, 1 << 20)
    }
}
