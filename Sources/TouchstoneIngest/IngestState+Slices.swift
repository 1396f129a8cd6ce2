/// Inputs and slices: where each input, line and record starts and ends.
extension IngestState {
    mutating func beginSource(_ name: String) {
        if sourceIndex >= 0 && !formatGiven && fatal == nil {
            // Each input detects its own timestamp format. One whose values decided none takes
            // the format of the input before it; the first input shares its detection with
            // the next inputs instead.
            if detecting, let previous = lastDecidedFormat { startParsingTimestamps(previous) }
            if !detecting {
                timestampParser = nil
                currentFormat = nil
                detector = TimestampFormatDetector()
                detectionStart = sourceIndex + 1
            }
        }
        table.sources.append(name)
        sourceIndex = table.sources.count - 1
        report.inputs.append(InputReport(name: name))
        if let currentFormat {
            report.inputs[sourceIndex].timestampFormat = currentFormat
            report.inputs[sourceIndex].timestampFormatDetected = !formatGiven
        }
        rowsAtSourceStart = report.rowsRead
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
        // Without a header but with a known field count (a later part of a file), the mapping
        // is known before the first row, which is then read like any other: a first row with
        // too many fields is skipped to its end and rejected exactly as it is mid-file.
        if !hasHeader, let expected = expectedFieldCount, fatal == nil {
            capturing = false
            resolveMapping(header: nil, fieldCount: expected)
        }
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
        forgetChunk()
    }

    /// Drops the borrowed chunk, so that no pointer into the caller's bytes outlives the call
    /// that lent them (`Ingester.process`).
    mutating func forgetChunk() {
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
        forgetChunk()
        if discardingLine { finishBadQuoting() }
    }

    mutating func endSource() throws(IngestError) {
        if fatal != nil { return }
        if mapping == nil {
            throw IngestError(source: sourceName, message: hasHeader ? "input is empty: expected a header line" : "input is empty")
        }
        recordOpen = false
        pending.removeAll(keepingCapacity: true)
        if sourceIndex < report.inputs.count { report.inputs[sourceIndex].rowsRead = report.rowsRead - rowsAtSourceStart }
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
}
