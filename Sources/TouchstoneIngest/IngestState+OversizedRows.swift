/// Oversized rows: fields over the size limit and rows over the field count, found while reading.
extension IngestState {
    /// The open row has a field over `maxFieldBytes`, or more fields than the header, after the
    /// slice just parsed (the parser has been reset): a header fails at once; a data row is
    /// skipped to its end and rejected once.
    ///
    /// Where the row ends depends only on its bytes, never on how the input was cut into
    /// chunks: at the first line end where the row's quotes so far are even in number (each
    /// quote toggles; an escaped `""` toggles twice). So the row ends at the same line whether
    /// the limit was noticed in the middle of the field (small chunks) or after libcsv had
    /// already read the whole line (large chunks).
    mutating func beginOversizedRow(reason: RejectionReason = .fieldTooLarge) {
        let column = reason == .fieldTooLarge && tooLargeColumn >= 0 ? tooLargeColumn + 1 : fieldIndex + 1
        skipReason = reason
        if expectingHeader {
            fatal = IngestError(source: sourceName, line: recordLine, column: column,
                                message: "header field \(column) is over \(maxFieldBytes) bytes (--max-field-size)")
            return
        }
        var inQuote = false
        for byte in pending where byte == 0x22 { inQuote.toggle() }
        if sliceEnd > chunkRecordStart {
            for byte in UnsafeRawBufferPointer(rebasing: chunk[chunkRecordStart..<sliceEnd]) where byte == 0x22 { inQuote.toggle() }
        }
        skippingOversizedRow = true
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

    /// Why the open record is over a limit, or nil: a field over `maxFieldBytes` (one the
    /// field callback noted, else the field in progress when `pendingFieldTooLarge`), or more
    /// fields than every row must have. When both, the one crossed first in the bytes: the
    /// count is crossed when the field at column `fieldCountLimit` (the first extra one) ends,
    /// so a field over the limit wins when it is at that column or before it.
    func overLimitReason(pendingFieldTooLarge: Bool) -> RejectionReason? {
        let column = tooLargeColumn >= 0 ? tooLargeColumn : pendingFieldTooLarge ? fieldIndex : -1
        if column >= 0 { return column <= fieldCountLimit ? .fieldTooLarge : .wrongFieldCount }
        return hasTooManyFields ? .wrongFieldCount : nil
    }

    /// Whether the open record already has more fields than every row must have (it is then
    /// skipped to its end, so that a line of millions of small fields costs bounded memory).
    @inline(__always)
    var hasTooManyFields: Bool { fieldIndex > fieldCountLimit }

    /// Bytes of the open record read so far.
    var openRecordBytes: Int { pending.count + max(sliceEnd - chunkRecordStart, 0) }

    /// The header (or, without one, the first row, which sets the field count) is longer
    /// than `lookBackBytes` before it ends: a fatal error, so that a header of millions of
    /// small fields costs bounded memory.
    mutating func failOversizedFirstRecord() {
        let what = expectingHeader ? "the header line" : "the first row (which sets the field count)"
        fatal = IngestError(source: sourceName, line: recordLine, column: fieldIndex + 1,
                            message: "\(what) is over \(lookBackBytes) bytes (4 × --max-field-size, at least 1 MiB)")
    }

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

    /// A slice of an oversized row, `chunk[start..<sliceEnd]`: quotes are followed to find the
    /// line end that ends the row.
    mutating func skipOversizedSlice(from start: Int, terminated: Bool) {
        var inQuote = skipInQuote
        for byte in UnsafeRawBufferPointer(rebasing: chunk[start..<sliceEnd]) where byte == 0x22 { inQuote.toggle() }
        skipInQuote = inQuote
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
        report.countRejectedSpan(source: sourceIndex, line: recordLine, lines: line - recordLine + (atLineStart ? 0 : 1))
        emit(Rejection(source: sourceIndex, line: recordLine, record: record,
                       column: skipReason == .fieldTooLarge ? skipColumn : nil,
                       reason: skipReason, detail: detail, raw: raw))
        if let router {
            // Cut, or open to the end of the input: it would swallow the rows after it.
            if pendingTruncated || (atEnd && skipInQuote) { router.aloneRow(raw) } else { router.unparsedRow(raw) }
        }
        if capturing { captured = [] }
        resetRecord()
        recordOpen = false
        atLineStart = true
        pendingTruncated = false
        pending.removeAll(keepingCapacity: true)
    }
}
