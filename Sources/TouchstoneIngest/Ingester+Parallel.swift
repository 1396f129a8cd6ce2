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
    /// Both halves (the second from the first line after the middle) are cut at line starts
    /// into pieces. This thread reads the first half's pieces front to back; another thread
    /// reads the second half's, as if a record started at its first piece. The thread done
    /// first takes the other half's remaining pieces from the back, one at a time, each read as
    /// if a record started there: neither thread waits for the other for longer than about
    /// one piece.
    ///
    /// Every such guess is checked when the bytes before it have been parsed: if a quoted
    /// field was open there, the piece after it is parsed again, continuing the parse before
    /// it. The parts' rows, names, rejections and counts are then appended in file order, with
    /// their lines and records shifted, so the result is exactly that of one front-to-back pass.
    func ingestInTwoHalves(path: String, size: Int) throws(IngestError) -> (EventTable, IngestReport)? {
        guard let probe = probeStart(path: path, size: size),
              let split = lineStart(after: size / 2, path: path, size: size), split > probe.headerEnd, split < size
        else { return nil }

        // The later parts, with everything the probe found made explicit.
        var laterOptions = options
        laterOptions.hasHeader = false
        laterOptions.delimiter = probe.delimiter
        laterOptions.knownDialect = Dialect(delimiter: probe.delimiter, lineEnd: 0x0A, bomLength: 0, crlf: probe.crlf)
        laterOptions.timestampFormat = probe.format
        laterOptions.expectedFieldCount = probe.mapping.fieldCount
        laterOptions.parallelThresholdBytes = nil
        func position(_ role: ColumnRole) -> ColumnReference? { probe.mapping.column(role).map { .position($0.index + 1) } }
        laterOptions.columns = ColumnSelection(
            caseID: position(.caseID), touchpoint: position(.touchpoint), timestamp: position(.timestamp),
            stage: position(.stage), channel: position(.channel),
            attributes: probe.mapping.columns.compactMap { c in
                if case .attribute = c.role { return .position(c.index + 1) } else { return nil }
            })
        // Both halves in pieces: each thread reads its own half's from the front, and once done
        // takes the other half's from the back, each such piece a part of its own.
        let firstPieces = SharedPieces(pieceStarts(in: 0..<split, path: path, size: size), end: split)
        let laterPieces = SharedPieces(pieceStarts(in: split..<size, path: path, size: size), end: size)
        guard let firstPiece = firstPieces.takeFirst() else { return nil }  // the header's: this thread's
        let second = Part(options: laterOptions, path: path)
        let secondLimit = options.parallelPiecesForSecondThread
        let secondThread = SecondThread()
        let partOptions = laterOptions
        let thread = Thread {
            second.run(reserveFor: size - split) { taken in
                if let secondLimit, taken >= secondLimit { return nil }
                return laterPieces.takeFirst()
            }
            while let range = firstPieces.takeLast() {
                let part = Part(options: partOptions, path: path)
                part.run(reserveFor: range.count) { count in count == 0 ? range : nil }
                secondThread.taken.append((range, part))
            }
            secondThread.done.signal()
        }
        thread.name = "touchstone-second-half"
        thread.start()

        // The first half, here, with the format the probe found (the same one front-to-back
        // detection would find: it decides on the same first values). Each part interns on
        // its own parsing thread: the two threads already keep both cores busy.
        state.pointee.internOnParsingThread = true
        if state.pointee.timestampParser == nil {
            state.pointee.useDetectedFormat(probe.format)
        }
        try begin(source: path)
        givenColumnFill = probe.columnFill
        try readRange(path: path, range: firstPiece, reserveFor: size)
        var own = 1
        while own < max(options.parallelPiecesForFirstThread ?? .max, 1), let piece = firstPieces.takeFirst() {
            try readRange(path: path, range: piece, reserveFor: nil)
            own += 1
        }
        // Then the second half's pieces its thread has not started, from the back.
        var taken: [(range: Range<Int>, part: Part)] = []
        while let range = laterPieces.takeLast() {
            let part = Part(options: laterOptions, path: path)
            part.run(reserveFor: range.count) { count in count == 0 ? range : nil }
            taken.append((range, part))
        }
        secondThread.done.wait()
        var parts: [(range: Range<Int>, part: Part)] = secondThread.taken.reversed()
        if let range = second.range { parts.append((range, second)) }
        parts += taken.reversed()

        // Check every guess in file order: a part whose guess was wrong is parsed again by the
        // part before it (by this ingester for the first).
        var joined: [Part] = []
        var previousCanJoin = canJoin()
        for (range, part) in parts {
            if previousCanJoin && part.succeeded {
                joined.append(part)
                previousCanJoin = part.canJoin
            } else if let last = joined.last {
                last.continue(with: range)
                previousCanJoin = last.canJoin
            } else {
                try readRange(path: path, range: range, reserveFor: nil)
                previousCanJoin = canJoin()
            }
        }
        guard !joined.isEmpty else {
            try endSource()
            return try finish()
        }
        let state = self.state
        var lineOffset = state.pointee.line - 1
        var recordOffset = state.pointee.record
        try endSource()
        var (table, report) = try finish()
        // The second thread's own part and the parts after it are first appended to that part
        // (whose customer index is still there to grow), then to this half in one step, whose
        // index is not rebuilt. First-half pieces the second thread read come before it: they
        // are small, and go into this half directly.
        var later: (table: EventTable, report: IngestReport)?
        var laterStart = lineOffset
        var beforeSecond = joined.contains { $0 === second }
        for part in joined {
            // A part that failed on its own was parsed again before (as the continuation of
            // the part before it); an error here is one of its continuation, at its true line.
            guard let (partTable, partReport) = part.finish() else {
                var error = part.failure ?? IngestError(source: path, message: "read failed")
                if let line = error.line { error.line = line + lineOffset }
                throw error
            }
            if report.inputs[0].firstInvalidUTF8Line == nil, let line = partReport.inputs.first?.firstInvalidUTF8Line {
                report.inputs[0].firstInvalidUTF8Line = line + lineOffset
            }
            for var rejection in part.rejections {
                rejection.line += lineOffset
                rejection.record += recordOffset
                rejection.source = 0
                report.count(rejection)
                state.pointee.onRejection?(rejection)
            }
            if part === second { beforeSecond = false }
            if beforeSecond {
                table.append(partTable, lineOffset: UInt32(truncatingIfNeeded: lineOffset), invalidUTF8: &report.invalidUTF8Names,
                             keepIndex: true)
                report.absorb(partReport, lineOffset: lineOffset)
            } else if later == nil {
                later = (partTable, partReport)
                laterStart = lineOffset
            } else {
                // (New names are counted once, against this half's names, below.)
                var uncounted = 0
                let offset = lineOffset - laterStart
                later!.table.append(partTable, lineOffset: UInt32(truncatingIfNeeded: offset), invalidUTF8: &uncounted, keepIndex: true)
                later!.report.absorb(partReport, lineOffset: offset)
            }
            lineOffset += part.lines
            recordOffset += part.records
        }
        if let later {
            table.append(later.table, lineOffset: UInt32(truncatingIfNeeded: laterStart), invalidUTF8: &report.invalidUTF8Names)
            report.absorb(later.report, lineOffset: laterStart)
        }
        report.readInTwoHalves = true
        return (table, report)
    }

    /// Line starts that cut `range` of the file into pieces of `parallelPieceBytes` or more
    /// (and at least a thirty-second of it), the first being `range.lowerBound`.
    private func pieceStarts(in range: Range<Int>, path: String, size: Int) -> [Int] {
        let step = max(options.parallelPieceBytes, range.count / 32, 1)
        var starts = [range.lowerBound]
        var offset = range.lowerBound + step
        while offset < range.upperBound, let next = lineStart(after: offset, path: path, size: size), next < range.upperBound {
            if next > starts[starts.count - 1] { starts.append(next) }
            offset = max(next, offset + step)
        }
        return starts
    }

    /// What the start of the file says about its dialect, mapping and timestamp format.
    private struct Probe {
        var delimiter: UInt8
        /// Whether lines end with CR LF (files with CR only are not read in parts).
        var crlf: Bool
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
        guard let lineEnd = report.inputs.first?.lineEnd, lineEnd != .cr else { return nil }
        return Probe(delimiter: delimiter, crlf: lineEnd == .crlf, mapping: mapping, format: format, columnFill: ingester.state.pointee.columnFill,
                     headerEnd: headerLine + 1)
    }

    /// The offset just past the first line end at or after `offset`.
    /// Looks up to 1 MiB ahead, 64 KiB at a time (a line is rarely longer, and the 64 pieces'
    /// starts are found before the threads start).
    private func lineStart(after offset: Int, path: String, size: Int) -> Int? {
        var from = offset
        while from < min(size, offset + (1 << 20)) {
            let to = min(size, offset + (1 << 20), from + (64 << 10))
            guard let window = try? readBytes(path: path, range: from..<to) else { return nil }
            if let newline = window.firstIndex(of: 0x0A) { return from + newline + 1 }
            from = to
        }
        return nil
    }

    /// Whether the bytes read so far end exactly between two records.
    fileprivate func canJoin() -> Bool {
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

/// The pieces of one half not yet taken: its own thread takes them from the front, the other
/// half's thread (once done with its own) from the back.
private final class SharedPieces: @unchecked Sendable {
    private let lock = NSLock()
    private let starts: [Int]
    private let end: Int
    private var first = 0
    private var last: Int

    init(_ starts: [Int], end: Int) {
        self.starts = starts
        self.end = end
        last = starts.count - 1
    }

    private func piece(_ i: Int) -> Range<Int> { starts[i]..<(i + 1 < starts.count ? starts[i + 1] : end) }

    func takeFirst() -> Range<Int>? {
        lock.lock()
        defer { lock.unlock() }
        guard first <= last else { return nil }
        first += 1
        return piece(first - 1)
    }

    func takeLast() -> Range<Int>? {
        lock.lock()
        defer { lock.unlock() }
        guard first <= last else { return nil }
        last -= 1
        return piece(last + 1)
    }
}

/// A later part of a file (consecutive pieces), ingested by its own ingester as if a record
/// started at its first byte. Not finished until it is joined, so that a part after a wrong
/// guess can still be parsed as its continuation.
private final class Part: @unchecked Sendable {
    private let path: String
    private let ingester: Ingester
    private let sink: RejectionSink
    /// The bytes this part covers (claimed, read or not), nil before its first piece.
    private(set) var range: Range<Int>?
    private(set) var failure: IngestError?
    /// Whether its bytes end exactly between two records, and the lines and records they hold.
    private(set) var canJoin = false
    private(set) var lines = 0
    private(set) var records = 0

    /// Whether a record was read (a part of blank lines only has no mapping of its own).
    private(set) var hasRecords = false

    var rejections: [Rejection] { sink.items }
    /// Read records without an error (only such a part is joined; another is parsed again as
    /// the continuation of the part before it).
    var succeeded: Bool { failure == nil && range != nil && hasRecords }

    init(options: IngestOptions, path: String) {
        self.path = path
        let sink = RejectionSink()
        self.sink = sink
        ingester = Ingester(options: options) { sink.items.append($0) }
        ingester.state.pointee.internOnParsingThread = true
    }

    /// Reads the pieces `next` hands out (given how many it had), front to back.
    func run(reserveFor total: Int, next: (Int) -> Range<Int>?) {
        do {
            try ingester.begin(source: path)
            var count = 0
            while let piece = next(count) {
                range = (range?.lowerBound ?? piece.lowerBound)..<piece.upperBound
                try ingester.readRange(path: path, range: piece, reserveFor: count == 0 ? total : nil)
                count += 1
            }
            settle()
        } catch {
            failure = error
        }
    }

    /// Parses `more`, the bytes right after this part's, as their continuation.
    func `continue`(with more: Range<Int>) {
        range = (range?.lowerBound ?? more.lowerBound)..<more.upperBound
        guard failure == nil else { return }
        do {
            try ingester.readRange(path: path, range: more, reserveFor: nil)
            settle()
        } catch {
            failure = error
        }
    }

    private func settle() {
        hasRecords = ingester.state.pointee.mapping != nil
        canJoin = ingester.canJoin()
        lines = ingester.state.pointee.line - 1
        records = ingester.state.pointee.record
    }

    /// The part's table and report (nil with `failure` set when it fails).
    func finish() -> (EventTable, IngestReport)? {
        guard failure == nil else { return nil }
        do {
            return try ingester.finish()
        } catch {
            failure = error
            return nil
        }
    }
}

/// What the second half's thread hands over: the first half's pieces it took, and when it is done.
private final class SecondThread: @unchecked Sendable {
    let done = DispatchSemaphore(value: 0)
    /// Written by that thread only, read after `done`.
    var taken: [(range: Range<Int>, part: Part)] = []
}

/// Collects the rejections of a part, to be counted with shifted lines when it is joined.
private final class RejectionSink: @unchecked Sendable {
    var items: [Rejection] = []
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
