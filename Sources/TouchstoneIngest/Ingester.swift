#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns CSV bytes into an `EventTable`, streaming: bytes are read into one reused buffer and
/// handed to libcsv; only mapped fields are kept, as bytes, interned to ids.
///
/// Every data record is either used or rejected (`IngestReport.rowsRead == rowsUsed +
/// rowsRejected`); rejections go to `onRejection` as they happen and are counted in the report.
///
/// Use `ingest(_:)` for files, or `begin(source:)` / `consume(_:)` / `endSource()` /
/// `finish()` to push bytes in chunks of any size (the result never depends on chunking).
/// Pushed bytes are taken as UTF-8 (checked: `InputReport.firstInvalidUTF8Line`); `ingest(_:)`
/// also detects UTF-16 and transcodes `IngestOptions.encoding` (see `ByteSource`).
///
/// Cost: O(bytes) time; memory is the event columns (20 bytes per event plus 4 per optional
/// column) plus the distinct names, plus the read buffer.
public final class Ingester {
    let options: IngestOptions
    let state: UnsafeMutablePointer<IngestState>
    var parser: CSVParser?
    private var sourceOpen = false
    /// Bytes of the current input before its first line end and first rows are known
    /// (delimiter detection, `ColumnFillSample`).
    private var preamble: [UInt8] = []
    /// Looks for bytes that are not valid UTF-8 in the current input (off when it was
    /// transcoded, since the transcoder's output is valid).
    private var validator = UTF8Validator()
    var validatesUTF8 = true
    /// Bytes of the current input consumed so far (offsets for the line of an invalid byte).
    private var consumedBytes = 0
    /// The column sample of the next input, when already known (the two-halves path gives
    /// the probe's, so that the first half need not wait for the rows it may not hold).
    var givenColumnFill: ColumnFillSample?
    /// How far the search for the end of the column sample got in `preamble`.
    private var sampleProgress = ColumnFillSample.Progress()

    /// - Parameters:
    ///   - onRejection: called once per rejected row, in input order.
    ///   - router: splitting: every row's raw bytes go to the piece of its customer (see
    ///     `PieceRouter`); rows are validated and counted as usual, but no events are kept (the
    ///     returned table is empty) and every input is read front to back.
    public init(options: IngestOptions, onRejection: ((Rejection) -> Void)? = nil, router: PieceRouter? = nil) {
        self.options = options
        state = .allocate(capacity: 1)
        state.initialize(to: IngestState(options: options, onRejection: onRejection))
        state.pointee.router = router
    }

    deinit {
        state.pointee.release()
        state.deinitialize(count: 1)
        state.deallocate()
    }

    /// Reads all `inputs` as one log.
    public func ingest(_ inputs: [InputSource]) throws(IngestError) -> (EventTable, IngestReport) {
        let capacity = max(options.bufferBytes, 4096)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
        defer { buffer.deallocate() }
        var sources: [ByteSource] = []
        for input in inputs {
            sources.append(try ByteSource(input, maxExpansion: options.maxExpansion, encoding: options.encoding))
        }
        if sources.count == 1, state.pointee.router == nil, case .file(let path) = inputs[0], let threshold = options.parallelThresholdBytes,
           let size = sources[0].plainSize, size >= threshold {
            try sources[0].decideEncoding()
            if !sources[0].transcodes, var result = try ingestInTwoHalves(path: path, size: size) {
                result.1.inputs[0].encoding = sources[0].encoding
                result.1.inputs[0].encodingEvidence = sources[0].evidence
                return result
            }
        }
        let knownSize = sources.reduce(0) { $0 + ($1.plainSize ?? 0) }
        for source in sources {
            try begin(source: source.name)
            try source.decideEncoding()
            let index = state.pointee.sourceIndex
            state.pointee.report.inputs[index].encoding = source.encoding
            state.pointee.report.inputs[index].encodingEvidence = source.evidence
            if source.transcodes {
                validatesUTF8 = false
                state.pointee.report.inputs[index].byteOrderMark = source.evidence == .byteOrderMark
            }
            var reserved = false
            while true {
                let n = try source.read(into: buffer)
                if n == 0 { break }
                try consume(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
                if !reserved && knownSize > 0 && state.pointee.report.bytesRead > 0 {
                    reserved = true
                    state.pointee.reserveEstimate(totalBytes: knownSize)
                }
            }
            state.pointee.report.inputs[index].replacedCharacters = source.replacements
            try endSource()
        }
        return try finish()
    }

    /// Starts a new input named `name` (its header comes first unless `hasHeader` is off).
    public func begin(source name: String) throws(IngestError) {
        if sourceOpen { try endSource() }
        guard state.pointee.table.sources.count < Int(UInt16.max) else {
            throw IngestError(source: name, message: "too many inputs (at most \(UInt16.max - 1))")
        }
        state.pointee.beginSource(name)
        validator = UTF8Validator()
        validatesUTF8 = true
        consumedBytes = 0
        preamble.removeAll(keepingCapacity: true)
        sampleProgress = ColumnFillSample.Progress()
        parser = nil
        sourceOpen = true
    }

    /// Feeds the next bytes of the current input.
    public func consume(_ bytes: UnsafeRawBufferPointer) throws(IngestError) {
        guard sourceOpen else { throw IngestError(message: "consume called without begin(source:)") }
        state.pointee.report.bytesRead += bytes.count
        if validatesUTF8 { validator.scan(bytes) }
        let offset = consumedBytes
        consumedBytes += bytes.count
        if parser == nil {
            preamble.append(contentsOf: bytes)
            if let known = options.knownDialect {
                sampleColumns(known)
                try startParsing(known)
                return
            }
            // A first line longer than the look-back (a huge header) is sniffed from its start,
            // so that the field limit is checked while it is parsed.
            let enough = preamble.count >= state.pointee.lookBackBytes
            guard let sniff = Dialect.sniff(preamble, atEnd: enough, forced: options.delimiter) else { return }
            // With a header, wait for the first rows too: detection looks at how full the
            // candidate columns are.
            if options.hasHeader && options.samplesColumnFill && !enough && givenColumnFill == nil
                && !ColumnFillSample.isComplete(preamble, from: sniff.bomLength, lineEnd: sniff.lineEnd, progress: &sampleProgress) { return }
            sampleColumns(sniff)
            try startParsing(sniff)
            return
        }
        try process(bytes, at: offset)
        if let failure = state.pointee.router?.failure { throw failure }
    }

    /// Ends the current input, flushing a last record without a line terminator.
    public func endSource() throws(IngestError) {
        guard sourceOpen else { return }
        if parser == nil {
            let sniff = options.knownDialect ?? Dialect.sniff(preamble, atEnd: true, forced: options.delimiter)
                ?? Dialect(delimiter: options.delimiter ?? UInt8(ascii: ","), lineEnd: 0x0A, bomLength: 0)
            sampleColumns(sniff)
            try startParsing(sniff)
        }
        guard let p = parser else { return }
        // An open quote at the end of input: reject its first line, read the rest again.
        // An oversized quoted field that never closes is read again the same way when all its
        // bytes were kept; otherwise it is one row up to the end of the input.
        while true {
            if state.pointee.skippingOversizedRow {
                if state.pointee.skipInQuote && !state.pointee.pendingTruncated {
                    if state.pointee.skipReason == .fieldTooLarge {
                        try recoverFromOpenQuote(p, reason: .fieldTooLarge,
                                                 detail: "over the limit of \(options.maxFieldBytes) bytes, in a row whose quotes never close (a stray quote?)")
                    } else {
                        try recoverFromOpenQuote(p, reason: .unterminatedQuote,
                                                 detail: "quoted field is never closed before the end of input")
                    }
                } else {
                    state.pointee.finishOversizedRow(atEnd: true)
                }
            } else if p.isInOpenQuote {
                try recoverFromOpenQuote(p, reason: .unterminatedQuote,
                                         detail: "quoted field is never closed before the end of input")
            } else {
                break
            }
            if let error = state.pointee.fatal { throw error }
        }
        state.pointee.beginFinalRecord()
        try p.finish(context: UnsafeMutableRawPointer(state), field: fieldCallback, record: recordCallback)
        if validatesUTF8 && validator.invalidOffset == nil {
            // A sequence cut short by the end of the input is on its last line.
            validator.finish()
            if validator.invalidOffset != nil { noteInvalidUTF8(line: state.pointee.atLineStart ? max(1, state.pointee.line - 1) : state.pointee.line) }
        }
        try state.pointee.endSource()
        if let error = state.pointee.fatal { throw error }
        if let router = state.pointee.router {
            router.endInput()
            if let failure = router.failure { throw failure }
        }
        parser = nil
        sourceOpen = false
    }

    /// Ends the last input and returns the table and the report.
    public func finish() throws(IngestError) -> (EventTable, IngestReport) {
        if sourceOpen { try endSource() }
        try state.pointee.finishDetection()
        if let error = state.pointee.fatal { throw error }
        state.pointee.finishInterning()
        // Move the table out, so that the caller holds its only reference.
        let result = (state.pointee.table, state.pointee.report)
        state.pointee.table = EventTable()
        return result
    }

    /// Counts how full each column is in the first rows, for column detection.
    private func sampleColumns(_ dialect: Dialect) {
        if let given = givenColumnFill {
            state.pointee.columnFill = given
            givenColumnFill = nil
        } else if options.hasHeader && options.samplesColumnFill {
            state.pointee.columnFill = ColumnFillSample(preamble, from: dialect.bomLength, dialect: dialect)
        } else {
            state.pointee.columnFill = ColumnFillSample()
        }
    }

    private func startParsing(_ dialect: Dialect) throws(IngestError) {
        parser = try CSVParser(delimiter: dialect.delimiter, lineEnd: dialect.lineEnd)
        state.pointee.lineEnd = dialect.lineEnd
        state.pointee.delimiter = dialect.delimiter
        state.pointee.report.delimiters.append(dialect.delimiter)
        let index = state.pointee.sourceIndex
        state.pointee.report.inputs[index].delimiter = dialect.delimiter
        state.pointee.report.inputs[index].lineEnd = dialect.lineEnd == 0x0D ? .cr : dialect.crlf ? .crlf : .lf
        if dialect.bomLength > 0 { state.pointee.report.inputs[index].byteOrderMark = true }
        state.pointee.router?.beginInput(index, lineEnd: dialect.lineEnd == 0x0D ? [0x0D] : dialect.crlf ? [0x0D, 0x0A] : [0x0A],
                                         byteOrderMark: dialect.bomLength > 0)
        let bytes = preamble
        preamble = []
        // The preamble is the input's start.
        let offset = dialect.bomLength
        try withBytes(bytes, from: dialect.bomLength) { (raw) throws(IngestError) in try process(raw, at: offset) }
    }

    /// Hands `chunk` to libcsv one line at a time, so that each record's first line and raw
    /// bytes are known exactly; libcsv keeps its state across lines (quoted newlines).
    /// - Parameter at: the chunk's offset in the input (nil when bytes are read again), to
    ///   give the first byte that is not valid UTF-8 its line.
    private func process(_ chunk: UnsafeRawBufferPointer, at chunkStart: Int? = nil) throws(IngestError) {
        guard let p = parser, let base = chunk.baseAddress else { return }
        // The first invalid UTF-8 byte, when it is in this chunk: its index here.
        var invalidAt = -1
        if let chunkStart, let offset = validator.invalidOffset, offset >= chunkStart, offset < chunkStart + chunk.count,
           state.pointee.report.inputs[state.pointee.sourceIndex].firstInvalidUTF8Line == nil {
            invalidAt = offset - chunkStart
        }
        let s = state
        let lineEnd = Int32(s.pointee.lineEnd)
        let context = UnsafeMutableRawPointer(s)
        var pos = 0
        // The chunk is borrowed for this call only: the state may read it while libcsv's
        // callbacks run, and it is forgotten on every exit, also when parsing throws.
        s.pointee.chunk = chunk
        s.pointee.chunkRecordStart = 0
        defer { s.pointee.forgetChunk() }
        while pos < chunk.count {
            let found: UnsafeMutableRawPointer? = memchr(base + pos, lineEnd, chunk.count - pos)
            var end = chunk.count
            if let found { end = UnsafeRawPointer(found) - base + 1 }
            s.pointee.beginSlice(at: pos, end: end)
            if invalidAt >= pos && invalidAt < end {
                noteInvalidUTF8(line: s.pointee.line)
                invalidAt = -1
            }
            let terminated = found != nil
            if s.pointee.discardingLine {
                if terminated { s.pointee.line += 1; s.pointee.report.linesRead += 1 }
                s.pointee.skipDiscardedSlice(terminated: terminated)
                pos = end
                continue
            }
            if s.pointee.skippingOversizedRow {
                if terminated { s.pointee.line += 1; s.pointee.report.linesRead += 1 }
                s.pointee.skipOversizedSlice(from: pos, terminated: terminated)
                pos = end
                continue
            }
            let outcome = try p.parse(UnsafeRawBufferPointer(rebasing: chunk[pos..<end]), context: context,
                                      field: fieldCallback, record: recordCallback)
            if let error = s.pointee.fatal { throw error }
            if terminated { s.pointee.line += 1; s.pointee.report.linesRead += 1 }
            // A field over the limit makes the row one rejection, whether libcsv is still inside
            // the field (small chunks) or has already read past it (large chunks: the field
            // callback noted it); so do more fields than the header's. Bad quoting later in a
            // row that is already over a limit does not change that, and of the two limits the
            // one crossed first in the bytes wins (`overLimitReason`), as it would if the input
            // came byte by byte.
            let overLimit = s.pointee.overLimitReason(pendingFieldTooLarge: p.pendingFieldBytes > options.maxFieldBytes)
            switch outcome {
            case .parsed:
                s.pointee.endSlice(betweenRecords: p.isBetweenRecords, terminated: terminated)
                // Checked after every line (or buffer), so that a field never grows far past the
                // limit and a row never far past its field count: the row is skipped from here,
                // without libcsv, and rejected once.
                if !p.isBetweenRecords, let reason = overLimit {
                    try p.reset()
                    s.pointee.beginOversizedRow(reason: reason)
                    if terminated && !s.pointee.skipInQuote && s.pointee.fatal == nil { s.pointee.finishOversizedRow(atEnd: false) }
                } else if s.pointee.capturing && s.pointee.openRecordBytes > s.pointee.lookBackBytes && !p.isBetweenRecords {
                    s.pointee.failOversizedFirstRecord()
                }
            case .badQuoting where overLimit != nil:
                try p.reset()
                s.pointee.endSlice(betweenRecords: false, terminated: terminated)
                s.pointee.beginOversizedRow(reason: overLimit ?? .fieldTooLarge)
                if terminated && !s.pointee.skipInQuote && s.pointee.fatal == nil { s.pointee.finishOversizedRow(atEnd: false) }
            case .badQuoting:
                try p.reset()
                s.pointee.rejectBadQuoting(terminated: terminated)
            }
            if let error = s.pointee.fatal { throw error }
            pos = end
        }
        s.pointee.endChunk()
    }

    private func noteInvalidUTF8(line: Int) {
        let index = state.pointee.sourceIndex
        if state.pointee.report.inputs[index].firstInvalidUTF8Line == nil {
            state.pointee.report.inputs[index].firstInvalidUTF8Line = line
        }
    }

    /// Rejects the first line of the open record and parses its remaining lines again.
    private func recoverFromOpenQuote(_ p: CSVParser, reason: RejectionReason, detail: String) throws(IngestError) {
        let rest = state.pointee.rejectOpenRecordFirstLine(reason: reason, detail: detail)
        try p.reset()
        try withBytes(rest, from: 0) { (raw) throws(IngestError) in try process(raw) }
    }
}

/// Calls `body` with the bytes of `array` from `start` (typed throws through a closure).
func withBytes(_ array: [UInt8], from start: Int,
                       _ body: (UnsafeRawBufferPointer) throws(IngestError) -> Void) throws(IngestError) {
    var failure: IngestError?
    array.withUnsafeBytes { raw in
        do throws(IngestError) {
            try body(UnsafeRawBufferPointer(rebasing: raw[min(start, raw.count)...]))
        } catch {
            failure = error
        }
    }
    if let failure { throw failure }
}

private let fieldCallback: CSVParser.FieldCallback = { field, length, context in
    guard let context else { return }
    context.assumingMemoryBound(to: IngestState.self).pointee.field(UnsafeRawPointer(field), length)
}

private let recordCallback: CSVParser.RecordCallback = { _, context in
    guard let context else { return }
    context.assumingMemoryBound(to: IngestState.self).pointee.endRecord()
}

/// The dialect of one input, sniffed from its first line.
struct Dialect {
    var delimiter: UInt8
    /// `\n`, or `\r` for files with old Mac line ends.
    var lineEnd: UInt8
    var bomLength: Int
    /// Whether the first line ends with CR LF.
    var crlf = false

    /// Detects from `bytes` (the input's start) once its first line is complete or at the end.
    static func sniff(_ bytes: [UInt8], atEnd: Bool, forced: UInt8?) -> Dialect? {
        let bom = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        if !atEnd && bytes.count < 3 && [0xEF, 0xBB, 0xBF].starts(with: bytes) { return nil }
        var counts: [UInt8: Int] = [0x2C: 0, 0x3B: 0, 0x09: 0, 0x7C: 0]
        var inQuotes = false
        var lineEnd: UInt8?
        var crlf = false
        var i = bom
        while i < bytes.count {
            let c = bytes[i]
            if c == 0x22 { inQuotes.toggle() } else if !inQuotes {
                if c == 0x0A { lineEnd = 0x0A; break }
                if c == 0x0D {
                    if i + 1 < bytes.count { crlf = bytes[i + 1] == 0x0A; lineEnd = crlf ? 0x0A : 0x0D; break }
                    if atEnd { lineEnd = 0x0D; break }
                    return nil
                }
                if counts[c] != nil { counts[c, default: 0] += 1 }
            }
            i += 1
        }
        if lineEnd == nil && !atEnd { return nil }
        let order: [UInt8] = [0x2C, 0x3B, 0x09, 0x7C]
        var best: UInt8 = 0x2C
        for d in order where counts[d, default: 0] > counts[best, default: 0] { best = d }
        return Dialect(delimiter: forced ?? best, lineEnd: lineEnd ?? 0x0A, bomLength: bom, crlf: crlf)
    }
}
