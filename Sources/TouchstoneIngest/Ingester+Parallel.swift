#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

extension Ingester {
    /// Reads one large plain file as two halves parsed at the same time, or returns nil when
    /// that is not possible (the caller then reads it front to back).
    ///
    /// A probe of the file's start fixes the dialect, the mapping and the timestamp format.
    /// The second half starts at the first line after the middle and is parsed on another
    /// thread as if a record started there. That guess is checked when the first half has
    /// been parsed up to the same byte: if a quoted field was open there, the second half's
    /// work is thrown away and the first half simply goes on. Otherwise the second half's
    /// rows, names, rejections and counts are appended after the first half's, with their
    /// lines and records shifted, so the result is exactly that of one front-to-back pass.
    func ingestInTwoHalves(path: String, size: Int) throws(IngestError) -> (EventTable, IngestReport)? {
        guard let probe = probeStart(path: path, size: size),
              let split = lineStart(after: size / 2, path: path, size: size), split > probe.headerEnd, split < size
        else { return nil }

        // The second half, on its own thread, with everything the probe found made explicit.
        var secondOptions = options
        secondOptions.hasHeader = false
        secondOptions.delimiter = probe.delimiter
        secondOptions.timestampFormat = probe.format
        secondOptions.expectedFieldCount = probe.mapping.fieldCount
        secondOptions.parallelThresholdBytes = nil
        func position(_ role: ColumnRole) -> ColumnReference? { probe.mapping.column(role).map { .position($0.index + 1) } }
        secondOptions.columns = ColumnSelection(
            caseID: position(.caseID), touchpoint: position(.touchpoint), timestamp: position(.timestamp),
            stage: position(.stage), channel: position(.channel),
            attributes: probe.mapping.columns.compactMap { c in
                if case .attribute = c.role { return .position(c.index + 1) } else { return nil }
            })
        let second = SecondHalf(options: secondOptions, path: path, range: split..<size)
        let thread = Thread { second.run() }
        thread.name = "touchstone-second-half"
        thread.start()

        // The first half, here, with the format the probe found (the same one front-to-back
        // detection would find: it decides on the same first values).
        state.pointee.internOnParsingThread = true
        if state.pointee.timestampParser == nil {
            state.pointee.useDetectedFormat(probe.format)
        }
        try begin(source: path)
        givenColumnFill = probe.columnFill
        try readRange(path: path, range: 0..<split, reserveFor: size)
        second.wait()
        let state = self.state
        guard canJoin(), let (secondTable, secondReport) = second.takeResult() else {
            // The middle fell inside a quoted field, or the second half failed on its own (it
            // is read again here, so a real error is reported with its true position).
            try readRange(path: path, range: split..<size, reserveFor: nil)
            try endSource()
            return try finish()
        }
        let lineOffset = state.pointee.line - 1
        let recordOffset = state.pointee.record
        try endSource()
        var (table, report) = try finish()
        table.append(secondTable, lineOffset: UInt32(truncatingIfNeeded: lineOffset), invalidUTF8: &report.invalidUTF8Names)
        report.absorb(secondReport)
        report.readInTwoHalves = true
        if report.inputs[0].firstInvalidUTF8Line == nil, let line = secondReport.inputs.first?.firstInvalidUTF8Line {
            report.inputs[0].firstInvalidUTF8Line = line + lineOffset
        }
        for var rejection in second.rejections {
            rejection.line += lineOffset
            rejection.record += recordOffset
            rejection.source = 0
            report.count(rejection)
            state.pointee.onRejection?(rejection)
        }
        return (table, report)
    }

    /// What the start of the file says about its dialect, mapping and timestamp format.
    private struct Probe {
        var delimiter: UInt8
        var mapping: ColumnMapping
        var format: TimestampFormat
        /// How full the columns are in the first rows (the same sample a front-to-back read takes).
        var columnFill: ColumnFillSample
        /// Offset just past the header line.
        var headerEnd: Int
    }

    /// Ingests up to the first 4 MiB (whole lines) with a throwaway ingester.
    private func probeStart(path: String, size: Int) -> Probe? {
        guard options.hasHeader, let bytes = try? readBytes(path: path, range: 0..<min(size, 4 << 20)),
              let lastLine = bytes.lastIndex(of: 0x0A),
              let headerLine = bytes.firstIndex(of: 0x0A), headerLine < lastLine
        else { return nil }
        let ingester = Ingester(options: options)
        let report: IngestReport
        do {
            try ingester.begin(source: path)
            try withBytes(Array(bytes[...lastLine]), from: 0) { (raw) throws(IngestError) in try ingester.consume(raw) }
            report = try ingester.finish().1
        } catch {
            return nil
        }
        guard let mapping = report.mappings.first, let delimiter = report.delimiters.first,
              let format = report.timestampFormat, report.rowsUsed > 0,
              !bytes[..<headerLine].contains(0x22)  // a quoted header could span lines
        else { return nil }
        return Probe(delimiter: delimiter, mapping: mapping, format: format, columnFill: ingester.state.pointee.columnFill,
                     headerEnd: headerLine + 1)
    }

    /// The offset just past the first line end at or after `offset`.
    private func lineStart(after offset: Int, path: String, size: Int) -> Int? {
        guard let window = try? readBytes(path: path, range: offset..<min(size, offset + (1 << 20))),
              let newline = window.firstIndex(of: 0x0A) else { return nil }
        return offset + newline + 1
    }

    /// Whether the first half ended exactly between two records.
    private func canJoin() -> Bool {
        guard let parser else { return false }
        return parser.isBetweenRecords && !state.pointee.recordOpen && !state.pointee.discardingLine
            && !state.pointee.skippingOversizedRow
            && state.pointee.atLineStart && state.pointee.fatal == nil
    }

    /// Feeds `range` of the file to this ingester.
    func readRange(path: String, range: Range<Int>, reserveFor total: Int?) throws(IngestError) {
        let file = try PlainFile(path: path)
        let capacity = max(options.bufferBytes, 4096)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
        defer { buffer.deallocate() }
        var offset = range.lowerBound
        var reserved = total == nil
        while offset < range.upperBound {
            let n = try file.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<min(capacity, range.upperBound - offset)]), at: offset)
            if n == 0 { break }
            try consume(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            offset += n
            if !reserved, let total {
                reserved = true
                state.pointee.reserveEstimate(totalBytes: total)
            }
        }
    }

    private func readBytes(path: String, range: Range<Int>) throws(IngestError) -> [UInt8] {
        let file = try PlainFile(path: path)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(range.count, 1), alignment: 16)
        defer { buffer.deallocate() }
        var filled = 0
        while filled < range.count {
            let n = try file.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled..<range.count]), at: range.lowerBound + filled)
            if n == 0 { break }
            filled += n
        }
        return Array(UnsafeRawBufferPointer(rebasing: buffer[0..<filled]))
    }
}

/// The second half of a file, ingested on its own thread.
private final class SecondHalf: @unchecked Sendable {
    private let options: IngestOptions
    private let path: String
    private let range: Range<Int>
    private let finished = DispatchSemaphore(value: 0)
    private var result: (EventTable, IngestReport)?
    private(set) var rejections: [Rejection] = []

    /// The result, handed over so that the caller holds its only reference (its columns are
    /// freed one by one as they are appended).
    func takeResult() -> (EventTable, IngestReport)? {
        defer { result = nil }
        return result
    }

    init(options: IngestOptions, path: String, range: Range<Int>) {
        self.options = options
        self.path = path
        self.range = range
    }

    func run() {
        defer { finished.signal() }
        let ingester = Ingester(options: options) { [unowned self] in self.rejections.append($0) }
        ingester.state.pointee.internOnParsingThread = true
        do {
            try ingester.begin(source: path)
            try ingester.readRange(path: path, range: range, reserveFor: range.count)
            result = try ingester.finish()
        } catch {
            result = nil
        }
    }

    func wait() { finished.wait() }
}

/// A plain file read with `pread`, at any offset.
private final class PlainFile {
    private let fd: Int32
    private let path: String

    init(path: String) throws(IngestError) {
        self.path = path
        fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw IngestError(source: path, message: "cannot open: " + String(cString: strerror(errno))) }
    }

    deinit { close(fd) }

    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(IngestError) -> Int {
        while true {
            let n = pread(fd, buffer.baseAddress, buffer.count, off_t(offset))
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw IngestError(source: path, message: "read failed: " + String(cString: strerror(errno)))
        }
    }
}
