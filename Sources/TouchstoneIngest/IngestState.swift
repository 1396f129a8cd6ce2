/// The mutable state of one ingest, reached from libcsv's callbacks through a raw pointer.
///
/// Field callbacks copy only mapped fields into `scratch`; the record callback validates the
/// row, parses its timestamp and appends ids to the table, or rejects it.
struct IngestState {
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
    /// 1-based line the next slice starts on.
    var line = 1
    /// Data records seen in the current input.
    var record = 0
    var expectingHeader = true
    var mapping: ColumnMapping?
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
    /// Whether the skip is inside quotes (each quote toggles it; the row ends at a line end
    /// outside quotes). An unquoted oversized field ends its row at the end of its line.
    var skipQuoted = false
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
    var block: RowBlock?

    // Timestamps.
    var timestampParser: TimestampParser?
    var detector = TimestampFormatDetector()
    var buffered: [BufferedItem] = []

    enum BufferedItem {
        case record(BufferedRecord)
        case rejection(Rejection)
    }

    struct BufferedRecord {
        var source: Int, line: Int, record: Int
        var fieldCount: Int, tooLargeColumn: Int, tooLargeLength: Int
        var scratch: [UInt8], slotStart: [Int], slotLength: [Int]
        var raw: [UInt8]
    }

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
        if let format = options.timestampFormat {
            timestampParser = TimestampParser(format: format, zone: options.timeZone)
            report.timestampFormat = format
        }
    }

    var detecting: Bool { timestampParser == nil }

    /// Four times the field limit, at least 1 MiB (saturating).
    static func lookBack(maxFieldBytes: Int) -> Int {
        let (four, overflow) = maxFieldBytes.multipliedReportingOverflow(by: 4)
        return overflow ? Int.max : max(four, 1 << 20)
    }

    // MARK: Inputs and slices

    mutating func beginSource(_ name: String) {
        table.sources.append(name)
        sourceIndex = table.sources.count - 1
        sourceName = name
        line = 1
        record = 0
        expectingHeader = hasHeader
        mapping = nil
        fieldCountLimit = Int.max
        capturing = true
        captured = []
        recordOpen = false
        atLineStart = true
        discardingLine = false
        skippingOversizedRow = false
        pendingTruncated = false
        pending.removeAll(keepingCapacity: true)
        resetRecord()
    }

    mutating func beginSlice(at start: Int, end: Int) {
        sliceEnd = end
        if atLineStart {
            lineStartedInRecord = recordOpen
            recordsEndedInLine = 0
            if !recordOpen {
                recordLine = line
                chunkRecordStart = start
                pending.removeAll(keepingCapacity: true)
            }
        }
    }

    /// After the slice was parsed; `terminated` tells whether it ended a physical line.
    mutating func endSlice(betweenRecords: Bool, terminated: Bool) {
        recordOpen = !betweenRecords
        atLineStart = terminated
        if terminated && !lineStartedInRecord && recordsEndedInLine == 0 && betweenRecords {
            report.blankLines += 1
        }
    }

    mutating func endChunk() {
        // Keep the open record's bytes, and those of a line not yet ended.
        if (recordOpen || !atLineStart) && chunkRecordStart < chunk.count {
            pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[chunkRecordStart...]))
        }
        chunk = UnsafeRawBufferPointer(start: nil, count: 0)
        chunkRecordStart = 0
        sliceEnd = 0
    }

    /// Before `csv_fini`: the last record's bytes are all in `pending`.
    mutating func beginFinalRecord() {
        // A last line of only spaces, without a line end, is a blank line too.
        if !atLineStart && !recordOpen && !lineStartedInRecord && recordsEndedInLine == 0 && !discardingLine {
            report.blankLines += 1
            atLineStart = true
        }
        chunk = UnsafeRawBufferPointer(start: nil, count: 0)
        chunkRecordStart = 0
        sliceEnd = 0
        if discardingLine { finishBadQuoting() }
    }

    mutating func endSource() throws(IngestError) {
        if fatal != nil { return }
        if mapping == nil {
            throw IngestError(source: sourceName, message: hasHeader ? "input is empty: expected a header line" : "input is empty")
        }
        recordOpen = false
        pending.removeAll(keepingCapacity: true)
    }

    /// The raw bytes of the record in progress, without its line terminator.
    func rawRecord() -> [UInt8] {
        if let rawOverride { return rawOverride }
        var raw = pending
        if sliceEnd > chunkRecordStart {
            raw.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[chunkRecordStart..<sliceEnd]))
        }
        while let last = raw.last, last == 0x0A || last == 0x0D { raw.removeLast() }
        return raw
    }

    // MARK: Fields and records

    mutating func resetRecord() {
        fieldIndex = 0
        scratch.removeAll()
        tooLargeColumn = -1
        // Slots need no reset: a row that did not fill them all has the wrong field count.
    }

    @inline(__always)
    mutating func field(_ bytes: UnsafeRawPointer?, _ length: Int) {
        let column = fieldIndex
        fieldIndex = column &+ 1
        if length > maxFieldBytes && tooLargeColumn < 0 {
            tooLargeColumn = column
            tooLargeLength = length
            return
        }
        if capturing {
            captured.append(bytes.map { Array(UnsafeRawBufferPointer(start: $0, count: length)) } ?? [])
            return
        }
        guard column < slotOfColumn.count else { return }
        let slot = slotOfColumn[column]
        guard slot >= 0 else { return }
        slotStart[slot] = scratch.count
        slotLength[slot] = length
        if let bytes, length > 0 {
            scratch.append(bytes, length)
        }
    }

    mutating func endRecord() {
        recordsEndedInLine += 1
        if fatal != nil { return }
        defer { resetRecord() }
        if capturing {
            capturing = false
            let fields = captured
            captured = []
            if expectingHeader {
                expectingHeader = false
                if tooLargeColumn >= 0 {
                    fatal = IngestError(source: sourceName, line: recordLine, column: tooLargeColumn + 1,
                                        message: "header field is over \(maxFieldBytes) bytes")
                    return
                }
                let header = fields.map { String(decoding: $0, as: UTF8.self) }
                resolveMapping(header: header, fieldCount: fields.count)
                return
            }
            resolveMapping(header: nil, fieldCount: expectedFieldCount ?? fields.count)
            if fatal != nil { return }
            // Replay the first record through the slots.
            for (column, bytes) in fields.enumerated() where column < slotOfColumn.count && slotOfColumn[column] >= 0 {
                let slot = slotOfColumn[column]
                slotStart[slot] = scratch.count
                slotLength[slot] = bytes.count
                bytes.withUnsafeBytes { raw in if let b = raw.baseAddress { scratch.append(b, raw.count) } }
            }
        }
        record += 1
        report.rowsRead += 1
        if detecting {
            bufferRecord()
        } else {
            useRecord()
        }
    }

    private mutating func resolveMapping(header: [String]?, fieldCount: Int) {
        let resolved: ColumnMapping
        do {
            resolved = try ColumnMapping.resolve(selection, header: header, fieldCount: fieldCount, source: sourceName)
        } catch {
            fatal = error
            return
        }
        let stage = resolved.column(.stage) != nil
        let channel = resolved.column(.channel) != nil
        let attributeNames = resolved.columns.compactMap { c -> String? in
            if case .attribute(let n) = c.role { return n }
            return nil
        }
        if report.mappings.isEmpty {
            table.hasStages = stage
            table.hasChannels = channel
            table.attributeNames = attributeNames
            table.attributes = Array(repeating: [], count: attributeNames.count)
            table.attributeValueNames = Array(repeating: SymbolTable(), count: attributeNames.count)
        } else if table.hasStages != stage || table.hasChannels != channel {
            let first = report.mappings[0]
            func has(_ m: ColumnMapping, _ r: ColumnRole) -> String { m.column(r).map { "'\($0.name)'" } ?? "none" }
            fatal = IngestError(source: sourceName, message: "inputs differ in mapped columns: stage \(has(first, .stage)) vs \(has(resolved, .stage)), channel \(has(first, .channel)) vs \(has(resolved, .channel)) (\(table.sources[0]) vs this input); map the same columns in every input")
            return
        }
        report.mappings.append(resolved)
        mapping = resolved
        fieldCountLimit = resolved.fieldCount
        (slotOfColumn, columnOfSlot) = IngestState.slotLayout(resolved)
        slotStart = IntSlots(count: columnOfSlot.count)
        slotLength = IntSlots(count: columnOfSlot.count)
        if worker == nil {
            let started = InternWorker(template: table)
            worker = started
            block = started.nextBlock()
        }
    }

    /// Slot of each column and column of each slot for `mapping`.
    static func slotLayout(_ mapping: ColumnMapping) -> (slotOfColumn: IntSlots, columnOfSlot: IntSlots) {
        var slotOfColumn = Array(repeating: -1, count: mapping.fieldCount)
        let attributes = mapping.columns.filter { if case .attribute = $0.role { true } else { false } }.count
        var columnOfSlot = Array(repeating: -1, count: 5 + attributes)
        var nextAttribute = 5
        for c in mapping.columns {
            let slot: Int
            switch c.role {
            case .caseID: slot = 0
            case .touchpoint: slot = 1
            case .timestamp: slot = 2
            case .stage: slot = 3
            case .channel: slot = 4
            case .attribute: slot = nextAttribute; nextAttribute += 1
            }
            // A column may serve as an attribute and as a role; the role's slot wins and the
            // attribute reads the same bytes.
            if slotOfColumn[c.index] < 0 { slotOfColumn[c.index] = slot }
            columnOfSlot[slot] = c.index
        }
        return (IntSlots(slotOfColumn), IntSlots(columnOfSlot))
    }

    @inline(__always)
    private func slotBytes(_ slot: Int) -> UnsafeRawBufferPointer {
        let start = slotStart[slot], length = slotLength[slot]
        return scratch.slice(start, length)
    }

    /// Validates the record in the slots and appends it, or rejects it.
    private mutating func useRecord() {
        guard let mapping else { return }
        if tooLargeColumn >= 0 {
            reject(.fieldTooLarge, column: tooLargeColumn + 1,
                   "field \(tooLargeColumn + 1) is \(tooLargeLength) bytes, over the limit of \(maxFieldBytes)")
            return
        }
        if fieldIndex != mapping.fieldCount {
            reject(.wrongFieldCount, column: nil, "expected \(mapping.fieldCount) fields, found \(fieldIndex)")
            return
        }
        copyAliasedSlots()
        if slotLength[0] == 0 { reject(.emptyCaseID, column: columnOfSlot[0] + 1, "empty customer id"); return }
        if slotLength[1] == 0 { reject(.emptyTouchpoint, column: columnOfSlot[1] + 1, "empty touchpoint"); return }
        if slotLength[2] == 0 { reject(.emptyTimestamp, column: columnOfSlot[2] + 1, "empty timestamp"); return }
        if table.hasStages && slotLength[3] == 0 { reject(.emptyStage, column: columnOfSlot[3] + 1, "empty stage"); return }
        if table.hasChannels && slotLength[4] == 0 { reject(.emptyChannel, column: columnOfSlot[4] + 1, "empty channel"); return }
        let timestamp = timestampParser?.parse(scratch.slice(slotStart[2], slotLength[2]))
        guard let timestamp else {
            let value = String(decoding: slotBytes(2), as: UTF8.self)
            let format = timestampParser.map { _ in report.timestampFormat?.description ?? "the timestamp format" } ?? "a timestamp"
            reject(.badTimestamp, column: columnOfSlot[2] + 1, "cannot read '\(value)' as \(format)")
            return
        }
        guard let block else { return }
        block.appendName(scratch.slice(slotStart[1], slotLength[1]))
        if table.hasStages { block.appendName(scratch.slice(slotStart[3], slotLength[3])) }
        if table.hasChannels { block.appendName(scratch.slice(slotStart[4], slotLength[4])) }
        for a in 0..<table.attributes.count { block.appendName(scratch.slice(slotStart[5 + a], slotLength[5 + a])) }
        block.endRow(case: scratch.slice(slotStart[0], slotLength[0]), timestamp: timestamp,
                     line: UInt32(truncatingIfNeeded: recordLine), source: UInt16(truncatingIfNeeded: sourceIndex))
        if block.isFull, let worker {
            worker.submit(block)
            self.block = worker.nextBlock()
        }
        report.rowsUsed += 1
    }

    /// Waits for the interning thread and moves its columns and names into `table`.
    mutating func finishInterning() {
        guard let worker else { return }
        if let block, block.count > 0 { worker.submit(block) }
        block = nil
        let (built, invalid) = worker.finish()
        self.worker = nil
        let sources = table.sources
        table = built
        table.sources = sources
        report.invalidUTF8Names += invalid
    }

    /// Fills attribute slots whose column also serves a role (the field was stored once).
    private mutating func copyAliasedSlots() {
        for slot in 5..<columnOfSlot.count {
            let column = columnOfSlot[slot]
            let owner = slotOfColumn[column]
            if owner != slot {
                slotStart[slot] = slotStart[owner]
                slotLength[slot] = slotLength[owner]
            }
        }
    }

    // MARK: Rejections

    private mutating func reject(_ reason: RejectionReason, column: Int?, _ detail: String) {
        let rejection = Rejection(source: sourceIndex, line: recordLine, record: record, column: column,
                                  reason: reason, detail: detail, raw: rawRecord())
        emit(rejection)
    }

    private mutating func emit(_ rejection: Rejection) {
        if detecting {
            buffered.append(.rejection(rejection))
            return
        }
        report.count(rejection)
        onRejection?(rejection)
    }

    /// A strict-quoting error in the current slice: the record is rejected once its line ends.
    mutating func rejectBadQuoting(terminated: Bool) {
        if fatal != nil { return }
        let column = fieldIndex + 1
        if expectingHeader {
            fatal = IngestError(source: sourceName, line: recordLine, column: column,
                                message: "bad quoting in the header: a quote inside an unquoted field, or text after a closing quote")
            return
        }
        discardingLine = true
        discardedColumn = column
        discardedErrorLine = terminated ? line - 1 : line
        recordOpen = true
        atLineStart = terminated
        if terminated { finishBadQuoting() }
    }

    /// A slice of the line after a bad-quoting error: skipped, reported at the line's end.
    mutating func skipDiscardedSlice(terminated: Bool) {
        atLineStart = terminated
        if terminated { finishBadQuoting() }
    }

    mutating func finishBadQuoting() {
        discardingLine = false
        record += 1
        report.rowsRead += 1
        let column = discardedColumn
        let place = discardedErrorLine == recordLine ? "" : " (on line \(discardedErrorLine))"
        reject(.badQuoting, column: column, "field \(column): a quote inside an unquoted field, or text after a closing quote\(place)")
        if capturing { captured = [] }
        resetRecord()
        recordOpen = false
        pending.removeAll(keepingCapacity: true)
    }

    /// Rejects the first line of the open record (its quote never closes) and returns the
    /// record's remaining bytes, to be parsed again from a fresh parser state.
    mutating func rejectOpenRecordFirstLine(reason: RejectionReason, detail: String) -> [UInt8] {
        var raw = pending
        if sliceEnd > chunkRecordStart {
            raw.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[chunkRecordStart..<sliceEnd]))
        }
        let cut = raw.firstIndex(of: lineEnd).map { $0 + 1 } ?? raw.count
        var first = Array(raw[..<cut])
        while let last = first.last, last == 0x0A || last == 0x0D { first.removeLast() }
        if expectingHeader {
            fatal = IngestError(source: sourceName, line: recordLine, column: fieldIndex + 1,
                                message: "the header has a quoted field that is never closed")
            return []
        }
        skippingOversizedRow = false
        pendingTruncated = false
        record += 1
        report.rowsRead += 1
        let column = fieldIndex + 1
        emit(Rejection(source: sourceIndex, line: recordLine, record: record, column: column,
                       reason: reason, detail: "field \(column): " + detail + "; the lines after it are read again", raw: first))
        if capturing { captured = [] }
        resetRecord()
        line = recordLine + 1
        recordOpen = false
        atLineStart = true
        pending.removeAll(keepingCapacity: true)
        chunk = UnsafeRawBufferPointer(start: nil, count: 0)
        chunkRecordStart = 0
        sliceEnd = 0
        return Array(raw[cut...])
    }

    // MARK: Oversized fields

    /// The field in progress grew past `maxFieldBytes` in the slice just parsed (the parser has
    /// been reset): a header fails at once; a data row is skipped to its end and rejected once.
    mutating func beginOversizedRow(quoted: Bool, inQuote: Bool, reason: RejectionReason = .fieldTooLarge) {
        let column = fieldIndex + 1
        skipReason = reason
        if expectingHeader {
            fatal = IngestError(source: sourceName, line: recordLine, column: column,
                                message: "header field \(column) is over \(maxFieldBytes) bytes (--max-field-size)")
            return
        }
        skippingOversizedRow = true
        skipQuoted = quoted
        skipInQuote = inQuote
        skipColumn = column
        skipRowBytes = pending.count
        recordOpen = true
        keepSkippedBytes(through: sliceEnd)
        if pending.count > lookBackBytes {
            pending.removeLast(pending.count - lookBackBytes)
            pendingTruncated = true
        }
    }

    /// Whether the open record already has more fields than every row must have (it is then
    /// skipped to its end, so that a line of millions of small fields costs bounded memory).
    @inline(__always)
    var hasTooManyFields: Bool { fieldIndex > fieldCountLimit }

    /// Keeps the current slice's bytes of the oversized row from `chunkRecordStart` to `end`,
    /// up to `lookBackBytes` in all.
    mutating func keepSkippedBytes(through end: Int) {
        guard end > chunkRecordStart else { return }
        let count = end - chunkRecordStart
        skipRowBytes += count
        let room = lookBackBytes - pending.count
        if count <= room {
            pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[chunkRecordStart..<end]))
        } else {
            if room > 0 {
                pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[chunkRecordStart..<(chunkRecordStart + room)]))
            }
            pendingTruncated = true
        }
        chunkRecordStart = end
    }

    /// A slice of an oversized row, `chunk[start..<sliceEnd]`: quotes are followed (for a
    /// quoted field) to find the line end that ends the row.
    mutating func skipOversizedSlice(from start: Int, terminated: Bool) {
        if skipQuoted {
            var inQuote = skipInQuote
            for byte in UnsafeRawBufferPointer(rebasing: chunk[start..<sliceEnd]) where byte == 0x22 { inQuote.toggle() }
            skipInQuote = inQuote
        }
        keepSkippedBytes(through: sliceEnd)
        atLineStart = terminated
        if terminated && !skipInQuote { finishOversizedRow(atEnd: false) }
    }

    /// Rejects the oversized row as one `field_too_large` row.
    mutating func finishOversizedRow(atEnd: Bool) {
        skippingOversizedRow = false
        record += 1
        report.rowsRead += 1
        var raw = pending
        while let last = raw.last, last == 0x0A || last == 0x0D { raw.removeLast() }
        var detail = "field \(skipColumn) is over the limit of \(maxFieldBytes) bytes (row of \(skipRowBytes) bytes"
        if skipReason == .wrongFieldCount {
            detail = "expected \(mapping?.fieldCount ?? 0) fields, found more than \(skipColumn - 1) (row of \(skipRowBytes) bytes"
        }
        detail += pendingTruncated ? ", of which the first \(raw.count) are kept)" : ")"
        if atEnd && skipInQuote { detail += "; its quote never closes, so it runs to the end of the input" }
        emit(Rejection(source: sourceIndex, line: recordLine, record: record,
                       column: skipReason == .fieldTooLarge ? skipColumn : nil,
                       reason: skipReason, detail: detail, raw: raw))
        if capturing { captured = [] }
        resetRecord()
        recordOpen = false
        atLineStart = true
        pendingTruncated = false
        pending.removeAll(keepingCapacity: true)
    }

    // MARK: Timestamp format detection

    private mutating func bufferRecord() {
        buffered.append(.record(BufferedRecord(
            source: sourceIndex, line: recordLine, record: record, fieldCount: fieldIndex,
            tooLargeColumn: tooLargeColumn, tooLargeLength: tooLargeLength,
            scratch: scratch.array, slotStart: slotStart.array, slotLength: slotLength.array, raw: rawRecord())))
        guard tooLargeColumn < 0, let mapping, fieldIndex == mapping.fieldCount, slotLength[2] > 0 else { return }
        let start = slotStart[2], length = slotLength[2]
        let decided = detector.observe(scratch.slice(start, length))
        if let decided {
            startParsingTimestamps(decided)
        } else if detector.samplesSeen >= detectionSampleLimit {
            try? finishDetectionOrFail()
        }
    }

    /// Parses timestamps in `format`, found by detecting it elsewhere (a probe of the input).
    mutating func useDetectedFormat(_ format: TimestampFormat) {
        timestampParser = TimestampParser(format: format, zone: timeZone)
        report.timestampFormat = format
        report.timestampFormatDetected = true
    }

    private mutating func startParsingTimestamps(_ format: TimestampFormat) {
        timestampParser = TimestampParser(format: format, zone: timeZone)
        report.timestampFormat = format
        report.timestampFormatDetected = true
        replayBuffered()
    }

    /// Uses or rejects the records buffered while the format was unknown, in input order.
    private mutating func replayBuffered() {
        let items = buffered
        buffered = []
        let saved = (sourceIndex, recordLine, record, scratch.array, slotStart.array, slotLength.array, fieldIndex, tooLargeColumn, tooLargeLength)
        for item in items {
            switch item {
            case .rejection(let r):
                report.count(r)
                onRejection?(r)
            case .record(let b):
                sourceIndex = b.source; recordLine = b.line; record = b.record
                scratch.assign(b.scratch); slotStart = IntSlots(b.slotStart); slotLength = IntSlots(b.slotLength)
                fieldIndex = b.fieldCount; tooLargeColumn = b.tooLargeColumn; tooLargeLength = b.tooLargeLength
                rawOverride = b.raw
                useRecordFromBuffer(source: b.source)
                rawOverride = nil
            }
        }
        let savedScratch: [UInt8], savedStart: [Int], savedLength: [Int]
        (sourceIndex, recordLine, record, savedScratch, savedStart, savedLength, fieldIndex, tooLargeColumn, tooLargeLength) = saved
        slotStart = IntSlots(savedStart)
        slotLength = IntSlots(savedLength)
        scratch.assign(savedScratch)
    }

    private mutating func useRecordFromBuffer(source: Int) {
        // Buffered records of an earlier input use that input's mapping.
        let current = mapping
        let currentSlots = (slotOfColumn, columnOfSlot)
        if source < report.mappings.count, report.mappings[source] != current {
            mapping = report.mappings[source]
            (slotOfColumn, columnOfSlot) = IngestState.slotLayout(report.mappings[source])
        }
        useRecord()
        mapping = current
        (slotOfColumn, columnOfSlot) = currentSlots
    }

    private mutating func finishDetectionOrFail() throws(IngestError) {
        switch detector.finish() {
        case .success(let format):
            startParsingTimestamps(format)
        case .failure(let error):
            let column = mapping?.column(.timestamp)
            fatal = IngestError(source: table.sources.first, line: nil,
                                message: "cannot detect the timestamp format of column '\(column?.name ?? "timestamp")': \(error.message)")
            throw fatal ?? IngestError(message: error.message)
        }
    }

    /// At the end of all inputs: decide the format from what was seen (or fail).
    mutating func finishDetection() throws(IngestError) {
        guard detecting else { return }
        let hasRecords = buffered.contains { if case .record = $0 { return true } else { return false } }
        if !hasRecords && detector.samplesSeen == 0 {
            // Nothing to parse: flush rejections, no format.
            let items = buffered
            buffered = []
            for case .rejection(let r) in items { report.count(r); onRejection?(r) }
            timestampParser = nil
            return
        }
        if detector.samplesSeen == 0 {
            // Records exist but none has a usable timestamp value: they are all rejected.
            timestampParser = TimestampParser(format: .iso8601, zone: timeZone)
            report.timestampFormat = nil
            replayBuffered()
            return
        }
        try finishDetectionOrFail()
    }

    /// Frees the manually managed buffers.
    func release() {
        worker?.abandon()
        scratch.release()
    }

    /// Reserves event columns for an input of `totalBytes`, from the rows per byte so far.
    mutating func reserveEstimate(totalBytes: Int) {
        guard report.bytesRead > 0, report.rowsRead > 0 else { return }
        let estimate = Double(totalBytes) * Double(report.rowsRead) / Double(report.bytesRead) * 1.05
        guard estimate.isFinite, estimate < 2_000_000_000 else { return }
        worker?.reserve(Int(estimate))
    }
}

/// Whether `bytes` is well-formed UTF-8.
func isValidUTF8(_ bytes: UnsafeRawBufferPointer) -> Bool {
    var ascii = true
    for b in bytes where b >= 0x80 { ascii = false; break }
    if ascii { return true }
    var iterator = bytes.makeIterator()
    var decoder = UTF8()
    while true {
        switch decoder.decode(&iterator) {
        case .scalarValue: continue
        case .emptyInput: return true
        case .error: return false
        }
    }
}

