/// Timestamp format detection: records are buffered until the format is known, then replayed.
extension IngestState {
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

    mutating func bufferRecord() {
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
        setFormat(format)
    }

    mutating func startParsingTimestamps(_ format: TimestampFormat) {
        setFormat(format)
        replayBuffered()
    }

    /// Parses the timestamps of the inputs from `detectionStart` on in `format`, detected.
    private mutating func setFormat(_ format: TimestampFormat) {
        timestampParser = TimestampParser(format: format, zone: timeZone)
        currentFormat = format
        lastDecidedFormat = format
        if detectionStart == 0 {
            report.timestampFormat = format
            report.timestampFormatDetected = true
        }
        for i in report.inputs.indices where i >= detectionStart {
            report.inputs[i].timestampFormat = format
            report.inputs[i].timestampFormatDetected = true
        }
    }

    /// Uses or rejects the records buffered while the format was unknown, in input order.
    mutating func replayBuffered() {
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

    mutating func useRecordFromBuffer(source: Int) {
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

    mutating func finishDetectionOrFail() throws(IngestError) {
        switch detector.finish() {
        case .success(let format):
            startParsingTimestamps(format)
        case .failure(let error):
            if let previous = lastDecidedFormat {
                // An input after the first whose values decide no format: the one before it.
                startParsingTimestamps(previous)
                return
            }
            let column = mapping?.column(.timestamp)
            let source = detectionStart < table.sources.count ? table.sources[detectionStart] : table.sources.first
            fatal = IngestError(source: source, line: nil,
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
            currentFormat = .iso8601
            if detectionStart == 0 { report.timestampFormat = nil }
            replayBuffered()
            return
        }
        try finishDetectionOrFail()
    }
}
