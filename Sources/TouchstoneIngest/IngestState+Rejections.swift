/// Rejections: rows that are not used, and recovery from bad or unterminated quoting.
extension IngestState {
    mutating func reject(_ reason: RejectionReason, column: Int?, _ detail: String) {
        let rejection = Rejection(source: sourceIndex, line: recordLine, record: record, column: column,
                                  reason: reason, detail: detail, raw: rawRecord())
        emit(rejection)
    }

    mutating func emit(_ rejection: Rejection) {
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
        router?.unparsedRow(rawRecord())
        if capturing { captured = [] }
        resetRecord()
        recordOpen = false
        pending.removeAll(keepingCapacity: true)
    }

    /// Rejects the first line of the open record (its quote never closes) and returns the
    /// record's remaining bytes, to be parsed again from a fresh parser state.
    /// The 1-based column of the field holding the quote that leaves `line` inside quotes
    /// (each quote toggles, as in `beginOversizedRow`; delimiters inside quotes do not count),
    /// or nil when the line ends outside quotes.
    static func columnOfOpenQuote(_ line: [UInt8], delimiter: UInt8) -> Int? {
        var inQuote = false, field = 0, openedIn = 0
        for byte in line {
            if byte == 0x22 {
                inQuote.toggle()
                if inQuote { openedIn = field }
            } else if byte == delimiter && !inQuote {
                field += 1
            }
        }
        return inQuote ? openedIn + 1 : nil
    }

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
        // A quote that never closes is named by the field that holds it, found in the line's
        // bytes (so the same whether libcsv stopped at it or the row was already being skipped).
        let column = reason == .unterminatedQuote ? IngestState.columnOfOpenQuote(first, delimiter: delimiter) ?? fieldIndex + 1
            : skippingOversizedRow ? skipColumn : fieldIndex + 1
        skippingOversizedRow = false
        pendingTruncated = false
        record += 1
        report.rowsRead += 1
        emit(Rejection(source: sourceIndex, line: recordLine, record: record, column: column,
                       reason: reason, detail: "field \(column): " + detail + "; the lines after it are read again", raw: first))
        router?.aloneRow(first)
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
}
