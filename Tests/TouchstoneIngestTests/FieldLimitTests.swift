import Foundation
import Testing
@testable import TouchstoneIngest

/// `--max-field-size` is enforced while reading: hostile inputs cost one rejection (or one
/// error) and memory bounded by the limit, whatever their size.
@Suite("Field limit while reading")
struct FieldLimitTests {
    static let header = Array("customer_id,touchpoint,timestamp\nc1,a,2024-01-01T10:00:00Z\n".utf8)

    /// Without the column fill sample, so that chunks reach the parser as they come (with it,
    /// a small input is held back and parsed whole, whatever the chunk size).
    static func options(limit: Int) -> IngestOptions {
        var options = IngestOptions()
        options.maxFieldBytes = limit
        options.samplesColumnFill = false
        return options
    }

    /// The rejections (`line:column:reason`) and used customers of `text` read in each chunk
    /// size, one string per size: a result that does not depend on chunking gives one value.
    static func outcomes(_ text: String, chunks: [Int], options: IngestOptions = FieldLimitTests.options(limit: 128 * 1024)) -> [String] {
        chunks.map { chunk in
            let o = ingest(Array(text.utf8), chunk: chunk, options: options)
            return o.rejects.map { "\($0.line):\($0.column ?? 0):\($0.reason)" }.joined(separator: " ")
                + " used \(o.events.map(\.customer))"
        }
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    @Test func fiftyMegabytesOfZerosWithoutANewlineAreOneRejection() {
        var bytes = FieldLimitTests.header + Array("c2,".utf8)
        bytes += [UInt8](repeating: UInt8(ascii: "0"), count: 50 << 20)
        let start = ContinuousClock.now
        let o = ingest(bytes, chunk: 1 << 20, options: FieldLimitTests.options(limit: 1000))
        #expect(FieldLimitTests.seconds(since: start) < 20)
        #expect(o.error == nil)
        #expect(o.events.map(\.customer) == ["c1"])
        #expect(o.rejects.count == 1)
        #expect(o.rejects.first?.reason == .fieldTooLarge)
        #expect(o.rejects.first?.line == 3)
        #expect(o.rejects.first?.column == 2)
        // The raw row is cut to the look-back, not the 50 MB of the input.
        #expect((o.rejects.first?.raw.utf8.count ?? 0) <= IngestState.lookBack(maxFieldBytes: 1000))
        #expect(o.rowsRead == 2)
    }

    @Test func rowsAfterAnOversizedUnquotedFieldAreRead() {
        var bytes = FieldLimitTests.header + Array("c2,".utf8)
        bytes += [UInt8](repeating: UInt8(ascii: "0"), count: 3 << 20)
        bytes += Array(",2024-01-01T10:00:00Z\nc3,b,2024-01-01T11:00:00Z\n".utf8)
        let o = ingest(bytes, chunk: 1 << 20, options: FieldLimitTests.options(limit: 1000))
        #expect(o.events.map(\.customer) == ["c1", "c3"])
        #expect(o.events.map(\.line) == [2, 4])
        #expect(o.rejects.map(\.reason) == [.fieldTooLarge])
        #expect(o.rejects.map(\.line) == [3])
    }

    /// Found by the fuzzer (Tests/Fixtures/fuzz/ingest-crash-oversized-crlf.bin): an unquoted
    /// field over the limit followed, on the same line, by a quote that opens a field running over
    /// the next lines. Read byte by byte the limit is noticed inside the first field; read line
    /// by line libcsv has already passed it. Either way the row ends at the first line end with
    /// its quotes even in number (line 5 here), so every chunk size gives the same rejections.
    @Test func oversizedRowEndsAtTheSameLineForEveryChunkSize() {
        let text = "customer,activity,timestamp\r\nc1,\"a\"a field that is much longer\r\n"
            + "a field of more than 24 bytes,\"2023-01-01T00\r\nc1,\"a\"b\r\nthe end of that quoted field\",x\r\n"
            + "c2,b,2024-01-01T00:00:00Z\r\n"
        let outcomes = FieldLimitTests.outcomes(text, chunks: [1, 2, 3, 5, 8, 13, 40, 1000], options: FieldLimitTests.options(limit: 24))
        #expect(outcomes.first == "2:2:badQuoting 3:1:fieldTooLarge used [\"c2\"]")
        #expect(Set(outcomes).count == 1, "\(outcomes)")
    }

    /// A row whose quote never closes, with a field over the limit: its first line is rejected
    /// and the lines after it are read again, for every chunk size.
    @Test func strayQuoteAfterAnOversizedFieldCostsOneLine() {
        let text = "customer,activity,timestamp\nc0,a,2024-01-01T00:00:00Z\na field of more than 24 bytes,\"x\nc1,b,2024-01-01T00:01:00Z\n"
        let outcomes = FieldLimitTests.outcomes(text, chunks: [1, 2, 3, 5, 1000], options: FieldLimitTests.options(limit: 24))
        #expect(outcomes.first == "3:1:fieldTooLarge used [\"c0\", \"c1\"]")
        #expect(Set(outcomes).count == 1, "\(outcomes)")
    }

    /// Found by the fuzzer (Tests/Fixtures/fuzz/ingest-crash-stray-quote-detection.bin): a row
    /// with more fields than the header and then a quote inside an unquoted field. Read in one
    /// piece libcsv stopped at the quote (bad quoting); read in pieces the extra fields were
    /// noticed first. Now the extra fields win either way, and the never-closing quote makes it
    /// an unterminated quote at the end of the input, for every chunk size.
    @Test func extraFieldsBeforeAStrayQuoteGiveOneReasonForEveryChunkSize() {
        let text = "customer;activity;timestamp\nc1;a;01.01.2025 08:00:00;x;y;z;01.01.20\"5 08:00;w"
        let outcomes = FieldLimitTests.outcomes(text, chunks: [1, 7, 40, 45, 50, 1000])
        #expect(outcomes.first == "2:7:unterminatedQuote used []")  // field 7 holds the quote
        #expect(Set(outcomes).count == 1, "\(outcomes)")
    }

    /// Found by the fuzzer (Tests/Fixtures/fuzz/ingest-crash-lf-in-cr-file.bin): in a file with
    /// CR line ends, libcsv also ended a record at an LF, inside one of the ingester's lines. Read
    /// in one piece, the oversized field ended at the LF and the bytes after it were a second row
    /// on the same line; read in pieces, the limit was noticed first and the line was one row.
    /// Now only CR ends a record in a CR file, whatever the chunk size, and an LF at a field's
    /// end is trimmed like a space (a stray CRLF line end still gives the right fields).
    @Test func lineFeedInACarriageReturnFileNeverEndsARecord() {
        let text = "customer,activity,timestamp\r\"x\r\r\rc\"\rsome text over sixteen\nbytes\r"
            + "c1,a\n,2024-01-01T00:00:00Z\r\nc2,b,2024-01-01T00:01:00Z\r"
        let outcomes = FieldLimitTests.outcomes(text, chunks: [1, 2, 3, 5, 8, 13, 40, 1000], options: FieldLimitTests.options(limit: 24))
        // Line 2 opens a one-field row that closes on line 5; line 6 is one 28-byte field.
        #expect(outcomes.first == "2:0:wrongFieldCount 6:1:fieldTooLarge used [\"c1\", \"c2\"]")
        #expect(Set(outcomes).count == 1, "\(outcomes)")
        let o = ingest(Array(text.utf8), options: FieldLimitTests.options(limit: 24))
        #expect(o.events.map(\.touchpoint) == ["a", "b"])
        #expect(o.events.map(\.line) == [7, 8])
    }

    /// Found by the fuzzer (Tests/Fixtures/fuzz/ingest-crash-closing-quote-at-chunk-end.bin):
    /// libcsv keeps a quoted field's closing quote, and an unquoted field's trailing spaces, in
    /// its buffer until the field ends. A field of exactly the limit looked one byte over it when
    /// a chunk ended right after the closing quote (or in the trailing spaces).
    @Test func fieldOfExactlyTheLimitIsNeverOverItWhateverTheChunks() {
        let limit = "abcdefghijklmnopq"  // 17 bytes, as long as the timestamps
        let text = "customer,activity,timestamp\nc1,\"\(limit)\",2024-01-01T00:00Z\nc2,\(limit)    ,2024-01-01T00:01Z\n"
            + "c3,\"\(limit)\"   ,2024-01-01T00:02Z\nc4,\"\(limit)x\",2024-01-01T00:03Z\n"
        let outcomes = FieldLimitTests.outcomes(text, chunks: Array(1...40) + [1000], options: FieldLimitTests.options(limit: 17))
        #expect(outcomes.first == "5:2:fieldTooLarge used [\"c1\", \"c2\", \"c3\"]")
        #expect(Set(outcomes).count == 1, "\(outcomes)")
    }

    /// Random rows built from the pieces that make rows oversized or badly quoted (short and
    /// long fields, quoted fields over several lines, stray and doubled quotes, extra fields),
    /// read in many chunk sizes: every size must give the same rejections, lines, reasons and
    /// used rows (the fuzzer's chunking invariant, on many documents in one test run).
    @Test func randomOversizedAndBadlyQuotedRowsGiveTheSameResultForEveryChunkSize() {
        var rng = SplitMix64(state: 0x0DD_5EED)
        let pieces = ["c1", "a", "2024-01-01T00:00:00Z", "", "a field well over sixteen bytes", "\"q\"", "\"long quoted field over the limit\"",
                      "\"open\nquote\"", "\"two\nlines and long enough\"", "x\"y", "\"\"", "\"a\"\"b\"", "\"unclosed", "z"]
        var failures: [String] = []
        for round in 0..<300 {
            var text = "customer,activity,timestamp\n"
            for _ in 0..<Int.random(in: 1...8, using: &rng) {
                let fields = Int.random(in: 1...6, using: &rng)
                text += (0..<fields).map { _ in pieces.randomElement(using: &rng)! }.joined(separator: ",")
                text += Bool.random(using: &rng) ? "\n" : "\r\n"
            }
            let outcomes = FieldLimitTests.outcomes(text, chunks: [1, 2, 3, 5, 7, 11, 16, 29, 64, 100_000],
                                                    options: FieldLimitTests.options(limit: 16))
            if Set(outcomes).count != 1 { failures.append("round \(round): \(text.debugDescription)\n\(outcomes.joined(separator: "\n"))") }
        }
        #expect(failures.isEmpty, "\(failures.prefix(3).joined(separator: "\n\n"))")
    }

    /// A stray quote early in a large input makes the rest of it one rejected row (the row is
    /// over the look-back, so it cannot be read again). Counted by rows that is 1 of 6, so the
    /// reject-rate check also counts the lines such a row holds, and stops the run loudly.
    @Test func strayQuoteSwallowingMostOfTheInputStopsTheRun() throws {
        var text = "customer,activity,timestamp\n"
        for i in 0..<5 { text += "c\(i),a,2024-01-01T00:0\(i):00Z\n" }
        text += "c5,\"open quote,2024-01-01T00:06:00Z\n"
        for i in 0..<60_000 { text += "c\(i % 1000),a\(i % 7),2024-01-01T01:00:00Z\n" }
        let ingester = Ingester(options: FieldLimitTests.options(limit: 1000))
        try ingester.begin(source: "test.csv")
        // A plain copy, not `withUnsafeBytes` with a throwing closure (Swift 6.3.1 crashes in IRGen).
        let bytes = Array(text.utf8)
        let raw = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
        defer { raw.deallocate() }
        raw.copyBytes(from: bytes)
        var start = 0
        while start < raw.count {
            let end = min(raw.count, start + (1 << 16))
            try ingester.consume(UnsafeRawBufferPointer(rebasing: raw[start..<end]))
            start = end
        }
        try ingester.endSource()
        let (_, report) = try ingester.finish()
        #expect(report.rowsRead == 6)
        #expect(report.sampleRejections.map(\.line) == [7])
        #expect(report.longestRejectedRow == RejectedSpan(source: 0, line: 7, lines: 60_001))
        #expect(report.rejectedContinuationLines == 60_000)
        #expect(report.rejectionRate < 0.5)
        let failure = try #require(report.rejectRateFailure(maxRejectRate: nil))
        #expect(failure.contains("the row at test.csv:7 spans 60001 lines, most likely a stray quote"))
        #expect(report.rejectRateFailure(maxRejectRate: 1) == nil)
    }

    @Test func endlessRowOfSmallFieldsIsOneRejection() {
        var bytes = FieldLimitTests.header
        var cells = [UInt8](repeating: UInt8(ascii: ","), count: 40 << 20)
        for i in stride(from: 0, to: cells.count, by: 2) { cells[i] = UInt8(ascii: "0") }
        bytes += Array("c2,a,".utf8) + cells
        bytes += Array("\nc3,b,2024-01-01T11:00:00Z\n".utf8)
        let start = ContinuousClock.now
        let o = ingest(bytes, chunk: 1 << 20, options: FieldLimitTests.options(limit: 1000))
        #expect(FieldLimitTests.seconds(since: start) < 20)
        #expect(o.rejects.map(\.reason) == [.wrongFieldCount])
        #expect(o.rejects.map(\.line) == [3])
        #expect((o.rejects.first?.raw.utf8.count ?? 0) <= IngestState.lookBack(maxFieldBytes: 1000))
        #expect(o.events.map(\.customer) == ["c1", "c3"])
        #expect(o.events.map(\.line) == [2, 4])
    }

    @Test func hugeHeaderFailsAtOnce() {
        var bytes = [UInt8](repeating: UInt8(ascii: "h"), count: 40 << 20)
        bytes += Array("\nc1,a,2024-01-01T10:00:00Z\n".utf8)
        let ingester = Ingester(options: FieldLimitTests.options(limit: 1000))
        var fed = 0
        var message: String?
        let start = ContinuousClock.now
        do {
            try ingester.begin(source: "huge.csv")
            while fed < bytes.count {
                let end = min(fed + (1 << 20), bytes.count)
                try withBytes(Array(bytes[fed..<end]), from: 0) { (raw) throws(IngestError) in try ingester.consume(raw) }
                fed = end
            }
            _ = try ingester.finish()
        } catch {
            message = error.description
        }
        #expect(FieldLimitTests.seconds(since: start) < 10)
        #expect(message?.hasPrefix("huge.csv:1:1: header field 1 is over 1000 bytes") == true, "\(message ?? "no error")")
        // It stopped within the look-back, not at the end of the 40 MB line.
        #expect(fed <= IngestState.lookBack(maxFieldBytes: 1000) + (1 << 20))
    }

    @Test func headerOfMillionsOfSmallFieldsFailsAtOnce() {
        var line = [UInt8](repeating: UInt8(ascii: ","), count: 40 << 20)
        for i in stride(from: 0, to: line.count, by: 2) { line[i] = UInt8(ascii: "h") }
        for hasHeader in [true, false] {
            var options = FieldLimitTests.options(limit: 1000)
            options.hasHeader = hasHeader
            let start = ContinuousClock.now
            let o = ingest(line + Array("\nc1,a,2024-01-01T10:00:00Z\n".utf8), chunk: 1 << 20, options: options)
            #expect(FieldLimitTests.seconds(since: start) < 20)
            let what = hasHeader ? "the header line" : "the first row"
            #expect(o.error?.contains("test.csv:1:") == true && o.error?.contains("\(what)") == true && o.error?.contains("is over 1048576 bytes") == true,
                    "\(o.error ?? "no error")")
        }
    }

    @Test func hugeQuotedHeaderFieldFails() {
        var bytes = Array("customer_id,\"".utf8) + [UInt8](repeating: UInt8(ascii: "h"), count: 5000)
        bytes += Array("\",timestamp\nc1,a,2024-01-01T10:00:00Z\n".utf8)
        for chunk in [nil, 7, 4096] {
            let o = ingest(bytes, chunk: chunk, options: FieldLimitTests.options(limit: 1000))
            #expect(o.error?.contains("test.csv:1:2:") == true, "\(o.error ?? "no error")")
        }
    }

    @Test func hugeQuotedFieldThatClosesIsOneRejection() {
        let lines = 5_000_000
        var bytes = FieldLimitTests.header + Array("c2,\"".utf8)
        bytes.reserveCapacity(bytes.count + lines * 10 + 100)
        let line = Array("xx\"\"xxxxx\n".utf8)  // an escaped quote in every line
        for _ in 0..<lines { bytes += line }
        bytes += Array("end\",2024-01-01T10:00:00Z\nc3,b,2024-01-01T11:00:00Z\n".utf8)
        let start = ContinuousClock.now
        let o = ingest(bytes, chunk: 1 << 20, options: FieldLimitTests.options(limit: 1000))
        #expect(FieldLimitTests.seconds(since: start) < 30)
        #expect(o.rejects.count == 1)
        #expect(o.rejects.first?.reason == .fieldTooLarge)
        #expect(o.rejects.first?.line == 3)
        #expect(o.rejects.first?.column == 2)
        #expect(o.events.map(\.customer) == ["c1", "c3"])
        #expect(o.events.map(\.line) == [2, 4 + lines])
        #expect(o.rowsRead == 3)
    }

    /// Small versions of every case agree in every chunking.
    @Test(arguments: [1, 2, 7, 4096])
    func chunkingDoesNotMatter(chunk: Int) {
        let y = String(repeating: "y", count: 60)
        let cases = [
            "customer_id,touchpoint,timestamp\nc1,\(y),2024-01-01T10:00:00Z\nc2,b,2024-01-01T10:00:00Z\n",
            "customer_id,touchpoint,timestamp\nc1,\"\(y)\n\(y)\",2024-01-01T10:00:00Z\nc2,b,2024-01-01T10:00:00Z\n",
            "customer_id,touchpoint,timestamp\nc1,\"\(y)\n\(y)\",\"2024-01-01T10:00:00Z\n\"\nc2,b,2024-01-01T10:00:00Z\n",
            "customer_id,touchpoint,timestamp\nc1,\(y)\(y)",
            "customer_id,touchpoint,timestamp\nc0,a,2024-01-01T10:00:00Z\nc1,\"\(y)\nc2,b,2024-01-01T10:00:00Z\n",
        ]
        for text in cases {
            let whole = ingest(Array(text.utf8), options: FieldLimitTests.options(limit: 50))
            let chunked = ingest(Array(text.utf8), chunk: chunk, options: FieldLimitTests.options(limit: 50))
            #expect(whole == chunked, "\(text.debugDescription) in \(chunk)-byte chunks")
            #expect(whole.rejects.filter { $0.reason == .fieldTooLarge }.count == 1, "\(whole)")
        }
    }

    @Test func quotedFieldOverTheLimitSpanningLinesIsOneRejection() {
        let y = String(repeating: "y", count: 60)
        let text = "customer_id,touchpoint,timestamp\nc1,\"\(y)\n\(y)\n\(y)\",2024-01-01T10:00:00Z\nc2,b,2024-01-01T10:00:00Z\n"
        let o = ingest(Array(text.utf8), chunk: 7, options: FieldLimitTests.options(limit: 50))
        #expect(o.rejects.map(\.reason) == [.fieldTooLarge])
        #expect(o.rejects.map(\.line) == [2])
        #expect(o.rejects.first?.raw == "c1,\"\(y)\n\(y)\n\(y)\",2024-01-01T10:00:00Z")
        #expect(o.events.map(\.line) == [5])
    }

    @Test func runawayQuoteBeyondTheLookBackRunsToTheEnd() {
        var bytes = FieldLimitTests.header + Array("c2,\"open\n".utf8)
        let row = Array("c9,t,2024-01-01T10:00:00Z\n".utf8)
        for _ in 0..<(3 << 20) / row.count { bytes += row }
        let o = ingest(bytes, chunk: 1 << 20, options: FieldLimitTests.options(limit: 1000))
        #expect(o.rejects.count == 1)
        #expect(o.rejects.first?.reason == .fieldTooLarge)
        #expect(o.events.map(\.customer) == ["c1"])
    }
}
