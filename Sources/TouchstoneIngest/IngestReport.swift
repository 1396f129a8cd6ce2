/// What happened while reading the inputs: counts that reconcile, mapping and format used.
public struct IngestReport: Sendable {
    /// Data records read (header and blank lines not counted): `rowsUsed + rowsRejected`.
    public internal(set) var rowsRead = 0
    /// Records that became events.
    public internal(set) var rowsUsed = 0
    /// Records rejected, for any reason.
    public var rowsRejected: Int { rejectionCounts.values.reduce(0, +) }
    /// Number of rejections per reason.
    public internal(set) var rejectionCounts: [RejectionReason: Int] = [:]
    /// The first rejections (at most `sampleLimit`), for display.
    public internal(set) var sampleRejections: [Rejection] = []
    /// Lines holding no record (empty or only spaces), skipped.
    public internal(set) var blankLines = 0
    /// Physical lines read, in all inputs.
    public internal(set) var linesRead = 0
    /// Bytes read, after decompression.
    public internal(set) var bytesRead = 0
    /// Per input: its column mapping (in input order).
    public internal(set) var mappings: [ColumnMapping] = []
    /// Delimiter used per input.
    public internal(set) var delimiters: [UInt8] = []
    /// The timestamp format used, and whether it was detected.
    public internal(set) var timestampFormat: TimestampFormat?
    public internal(set) var timestampFormatDetected = false
    public internal(set) var timeZone: TimeZoneSpec = .utc
    /// Distinct names that are not valid UTF-8 (shown with U+FFFD).
    public internal(set) var invalidUTF8Names = 0

    /// Per input, in input order: what was detected (encoding, dialect, timestamp format) and
    /// its row counts.
    public internal(set) var inputs: [InputReport] = []
    /// The first rejection of each reason (for diagnosing a mostly rejected log).
    public internal(set) var firstRejections: [RejectionReason: Rejection] = [:]

    /// Lines after the first of every rejected row that spans several lines: a quote that never
    /// closes makes the rest of a large input one rejected row, and these lines say how much
    /// of the input that row holds (the reject-rate check counts them).
    public internal(set) var rejectedContinuationLines = 0
    /// The rejected row that spans the most lines, when one spans more than one.
    public internal(set) var longestRejectedRow: RejectedSpan?

    /// Whether the input was read as two halves at the same time (see `IngestOptions`).
    public internal(set) var readInTwoHalves = false

    static let sampleLimit = 20

    mutating func count(_ rejection: Rejection) {
        rejectionCounts[rejection.reason, default: 0] += 1
        if sampleRejections.count < IngestReport.sampleLimit { sampleRejections.append(rejection) }
        if firstRejections[rejection.reason] == nil { firstRejections[rejection.reason] = rejection }
        if rejection.source < inputs.count { inputs[rejection.source].rowsRejected += 1 }
    }

    /// A rejected row that spans `lines` physical lines from `line`.
    mutating func countRejectedSpan(source: Int, line: Int, lines: Int) {
        guard lines > 1 else { return }
        rejectedContinuationLines += lines - 1
        if lines > longestRejectedRow?.lines ?? 1 { longestRejectedRow = RejectedSpan(source: source, line: line, lines: lines) }
    }

    /// Adds the row, line and byte counts of a report of the same input's later part
    /// (its rejections are counted one by one with `count`).
    mutating func absorb(_ later: IngestReport, lineOffset: Int) {
        rowsRead += later.rowsRead
        rowsUsed += later.rowsUsed
        blankLines += later.blankLines
        linesRead += later.linesRead
        bytesRead += later.bytesRead
        rejectedContinuationLines += later.rejectedContinuationLines
        if var span = later.longestRejectedRow, span.lines > longestRejectedRow?.lines ?? 1 {
            span.line += lineOffset
            longestRejectedRow = span
        }
        if let first = inputs.indices.first, let other = later.inputs.first {
            inputs[first].rowsRead += other.rowsRead
        }
    }

    /// Share of rows read that were rejected (0 when nothing was read).
    public var rejectionRate: Double { rowsRead == 0 ? 0 : Double(rowsRejected) / Double(rowsRead) }

    /// Share of the log rejected when each line of a multi-line rejected row counts as a row:
    /// (rejected rows + their continuation lines) / (rows read + those lines). Equal to
    /// `rejectionRate` unless a rejected row spans several lines.
    public var rejectedLineRate: Double {
        let total = rowsRead + rejectedContinuationLines
        return total == 0 ? 0 : Double(rowsRejected + rejectedContinuationLines) / Double(total)
    }
}

/// Where a rejected row spanning several lines starts, and how many lines it spans.
public struct RejectedSpan: Sendable, Equatable {
    public var source: Int
    public var line: Int
    public var lines: Int
}
