/// Fields and records: libcsv's callbacks, and using a validated record.
extension IngestState {
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
                routeHeader()
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
        routeRecord()
        if detecting {
            bufferRecord()
        } else {
            useRecord()
        }
    }

    @inline(__always)
    func slotBytes(_ slot: Int) -> UnsafeRawBufferPointer {
        let start = slotStart[slot], length = slotLength[slot]
        return scratch.slice(start, length)
    }

    /// Validates the record in the slots and appends it, or rejects it.
    mutating func useRecord() {
        guard let mapping else { return }
        // More fields than the header's before the field over the limit: the count was crossed
        // first in the bytes (`overLimitReason`).
        if tooLargeColumn >= 0 && tooLargeColumn <= mapping.fieldCount {
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
        // An empty stage or channel is interned as the empty name (the `(none)` value).
        let timestamp = timestampParser?.parse(scratch.slice(slotStart[2], slotLength[2]))
        guard let timestamp else {
            let value = String(decoding: slotBytes(2), as: UTF8.self)
            let format = timestampParser.map { _ in currentFormat?.description ?? "the timestamp format" } ?? "a timestamp"
            let reason = timestampParser?.failureReason(scratch.slice(slotStart[2], slotLength[2])).map { ": " + $0 } ?? ""
            reject(.badTimestamp, column: columnOfSlot[2] + 1, "cannot read '\(value)' as \(format)\(reason)")
            return
        }
        if let router {
            // Splitting: the row was written to its piece already; count it and its customer.
            router.countCustomer(slotBytes(0))
            report.rowsUsed += 1
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
    mutating func copyAliasedSlots() {
        for slot in 5..<columnOfSlot.count {
            let column = columnOfSlot[slot]
            let owner = slotOfColumn[column]
            if owner != slot {
                slotStart[slot] = slotStart[owner]
                slotLength[slot] = slotLength[owner]
            }
        }
    }
}
