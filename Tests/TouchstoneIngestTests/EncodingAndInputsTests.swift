import Foundation
import Testing
@testable import TouchstoneIngest

/// Fixtures in `Tests/Fixtures/exports` (kept out of `Fixtures.all`, which feeds bytes to the
/// push API without a byte source).
enum Exports {
    static let directory = Fixtures.directory.deletingLastPathComponent().appendingPathComponent("exports")
    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    static func ingest(_ names: [String], options: IngestOptions = IngestOptions()) throws -> (EventTable, IngestReport, [Rejection]) {
        var rejections: [Rejection] = []
        let (table, report) = try Ingester(options: options) { rejections.append($0) }.ingest(names.map { .file(path($0)) })
        return (table, report, rejections)
    }

    static func touchpoints(_ table: EventTable) -> [String] {
        (0..<table.count).map { table.activityName(table.activities[$0]) }
    }
}

@Suite("encodings")
struct EncodingTests {
    static let cp1252Text: [UInt8] = Array("Caf".utf8) + [0xE9, 0x20, 0x80, 0x20, 0x93, 0x71, 0x94, 0x20, 0x96, 0x20, 0x81, 0x0A]

    /// Decodes `bytes` handing the transcoder `chunk` bytes at a time (plus what it left).
    static func transcode(_ bytes: [UInt8], _ encoding: TextEncoding, chunk: Int) -> ([UInt8], Int) {
        var t = Transcoder(encoding: encoding)
        var out: [UInt8] = []
        var carry: [UInt8] = []
        var i = 0
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 1)
        defer { scratch.deallocate() }
        repeat {
            let j = min(bytes.count, i + chunk)
            carry += bytes[i..<j]
            i = j
            let atEnd = i == bytes.count
            while true {
                let (consumed, produced) = carry.withUnsafeBytes { t.decode($0, into: scratch, atEnd: atEnd) }
                out += scratch[0..<produced]
                carry.removeFirst(consumed)
                if consumed == 0 { break }
            }
        } while i < bytes.count
        return (out, t.replacements)
    }

    @Test func windows1252MapsEuroSmartQuotesAndDashes() {
        for chunk in [1, 2, 7, 4096] {
            let (out, replaced) = Self.transcode(Self.cp1252Text, .windows1252, chunk: chunk)
            #expect(String(decoding: out, as: UTF8.self) == "Café € “q” – \u{81}\n", "chunk \(chunk)")
            #expect(replaced == 0)
        }
    }

    @Test func latin1IsTheCodePointOfEachByte() {
        let (out, _) = Self.transcode([0x43, 0xE9, 0x80, 0xFF], .latin1, chunk: 1)
        #expect(Array(String(decoding: out, as: UTF8.self).unicodeScalars.map(\.value)) == [0x43, 0xE9, 0x80, 0xFF])
    }

    @Test func utf16SurrogatePairsSurviveEveryChunking() {
        let text = "a,é€😀\n"
        let le = Array(text.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let be = Array(text.utf16).flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        for chunk in [1, 2, 3, 7, 4096] {
            #expect(String(decoding: Self.transcode(le, .utf16LittleEndian, chunk: chunk).0, as: UTF8.self) == text)
            #expect(String(decoding: Self.transcode(be, .utf16BigEndian, chunk: chunk).0, as: UTF8.self) == text)
        }
    }

    @Test func invalidUTF16BecomesReplacementCharactersAndIsCounted() {
        // A lone low surrogate, a high surrogate followed by 'x', a high surrogate at the end, an odd byte.
        let le: [UInt8] = [0x00, 0xDC, 0x3D, 0xD8, 0x78, 0x00, 0x3D, 0xD8, 0x41]
        for chunk in [1, 2, 5, 4096] {
            let (out, replaced) = Self.transcode(le, .utf16LittleEndian, chunk: chunk)
            #expect(String(decoding: out, as: UTF8.self) == "\u{FFFD}\u{FFFD}x\u{FFFD}\u{FFFD}", "chunk \(chunk)")
            #expect(replaced == 4)
        }
    }

    @Test func namesAndAliases() {
        #expect(TextEncoding(name: "UTF-8") == .utf8)
        #expect(TextEncoding(name: "utf16") == .utf16)
        #expect(TextEncoding(name: "UTF-16LE") == .utf16LittleEndian)
        #expect(TextEncoding(name: "utf_16be") == .utf16BigEndian)
        #expect(TextEncoding(name: "cp1252") == .windows1252)
        #expect(TextEncoding(name: "Windows-1252") == .windows1252)
        #expect(TextEncoding(name: "latin1") == .latin1)
        #expect(TextEncoding(name: "latin-1") == .latin1)
        #expect(TextEncoding(name: "ISO-8859-1") == .latin1)
        #expect(TextEncoding(name: "ebcdic") == nil)
    }

    @Test func detectionFromTheStart() {
        func detect(_ b: [UInt8], _ r: TextEncoding? = nil) -> (TextEncoding, EncodingEvidence, Int) {
            b.withUnsafeBytes { TextEncoding.detect($0, requested: r) }
        }
        #expect(detect([0xFF, 0xFE, 0x61, 0x00]) == (.utf16LittleEndian, .byteOrderMark, 2))
        #expect(detect([0xFE, 0xFF, 0x00, 0x61]) == (.utf16BigEndian, .byteOrderMark, 2))
        #expect(detect([0xEF, 0xBB, 0xBF, 0x61]) == (.utf8, .byteOrderMark, 0))
        #expect(detect(Array("id,ts\n".utf16).flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }) == (.utf16BigEndian, .nulPattern, 0))
        #expect(detect(Array("id,ts\n".utf8)) == (.utf8, .assumed, 0))
        #expect(detect(Array("id,ts\n".utf8), .windows1252) == (.windows1252, .given, 0))
        #expect(detect([0xFE, 0xFF, 0x00, 0x61], .utf16) == (.utf16BigEndian, .byteOrderMark, 2))
        #expect(detect(Array("id,ts\n".utf8), .utf16) == (.utf16LittleEndian, .given, 0))
        #expect(detect(Array("id,ts\n".utf16).flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }, .utf16) == (.utf16BigEndian, .nulPattern, 0))
        // A few NULs in a UTF-8 file are not a pattern.
        #expect(detect(Array("id,ts\n".utf8) + [0, 0x41, 0x42, 0x43, 0x0A]) == (.utf8, .assumed, 0))
    }

    @Test func utf16LittleEndianWithBOM() throws {
        let (table, report, _) = try Exports.ingest(["utf16le-bom.csv"])
        #expect(report.rowsRead == 4 && report.rowsUsed == 4)
        #expect(Exports.touchpoints(table) == ["Café visit", "Price € quote", "Café visit", "“Smart” offer"])
        let input = report.inputs[0]
        #expect(input.encoding == .utf16LittleEndian && input.encodingEvidence == .byteOrderMark)
        #expect(input.byteOrderMark && input.lineEnd == .crlf && input.delimiter == UInt8(ascii: ","))
        #expect(input.firstInvalidUTF8Line == nil && input.replacedCharacters == 0)
        #expect(report.invalidUTF8Names == 0)
    }

    @Test func utf16BigEndianWithoutBOMIsRecognised() throws {
        let (table, report, _) = try Exports.ingest(["utf16be.csv"])
        #expect(report.rowsUsed == 4 && report.rowsRejected == 0)
        #expect(Exports.touchpoints(table) == ["Café visit", "Price € quote", "Café visit", "“Smart” offer"])
        #expect(report.inputs[0].encoding == .utf16BigEndian && report.inputs[0].encodingEvidence == .nulPattern)
        #expect(!report.inputs[0].byteOrderMark)
    }

    @Test func windows1252ExportWithAndWithoutTheFlag() throws {
        var options = IngestOptions()
        options.encoding = .windows1252
        let (table, report, _) = try Exports.ingest(["cp1252.csv"], options: options)
        #expect(report.rowsUsed == 4)
        #expect(Exports.touchpoints(table) == ["Café visit", "Price € quote", "Café visit", "“Smart” offer"])
        #expect(report.inputs[0].delimiter == UInt8(ascii: ";") && report.inputs[0].firstInvalidUTF8Line == nil)

        // Without it: rows are used with their bytes as they are; the first bad line is known.
        let (raw, plain, _) = try Exports.ingest(["cp1252.csv"])
        #expect(plain.rowsUsed == 4 && plain.rowsRejected == 0)
        #expect(plain.inputs[0].firstInvalidUTF8Line == 2)
        #expect(plain.inputs[0].encoding == .utf8 && plain.inputs[0].encodingEvidence == .assumed)
        #expect(plain.invalidUTF8Names == 3)
        #expect(Exports.touchpoints(raw)[0] == "Caf\u{FFFD} visit")
    }

    @Test func latin1Export() throws {
        var options = IngestOptions()
        options.encoding = .latin1
        let (table, report, _) = try Exports.ingest(["latin1.csv"], options: options)
        #expect(report.rowsUsed == 3)
        #expect(Exports.touchpoints(table) == ["Café", "Señal", "Über"])
        #expect(report.inputs[0].encoding == .latin1 && report.inputs[0].encodingEvidence == .given)
    }

    @Test func gzipOfUTF16IsDecompressedThenDecoded() throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Exports.path("utf16le-bom.csv"))))
        let result = try GzipInputTests.ingestFile(try GzipInputTests.gzip(bytes))
        let (table, report) = try result.get()
        #expect(report.rowsUsed == 4)
        #expect(Exports.touchpoints(table).last == "“Smart” offer")
        #expect(report.inputs[0].encoding == .utf16LittleEndian)
    }

    @Test func invalidUTF8IsFoundAcrossChunksWithItsLine() {
        var text = Array("customer_id,touchpoint,timestamp\r\nc,d,2024-01-01\r\n".utf8)
        text += [0x65, 0xE2, 0x82]  // a cut 3-byte sequence …
        text += Array(",f,2024-01-02\r\ng,h,2024-01-03\r\n".utf8)  // … ended by a comma: invalid on line 3
        let offset = text.firstIndex(of: 0xE2).map { $0 + 2 }
        for chunk in [1, 2, 7, 4096] {
            var v = UTF8Validator()
            var i = 0
            while i < text.count {
                let j = min(text.count, i + chunk)
                Array(text[i..<j]).withUnsafeBytes { v.scan($0) }
                i = j
            }
            v.finish()
            #expect(v.invalidOffset == offset, "chunk \(chunk)")
            let (_, report) = ingestReport(text, chunk: chunk)
            #expect(report?.inputs[0].firstInvalidUTF8Line == 3, "chunk \(chunk)")
            #expect(report?.rowsUsed == 3)
        }
        // A CR file, the bad byte in the header line's preamble, a UTF-8 BOM.
        let cr = Array("\u{FEFF}customer_id,touchpoint,timestamp\rc,d,2024-01-01\rc,".utf8) + [0xFF] + Array(",2024-01-02\r".utf8)
        for chunk in [1, 3, 4096] {
            #expect(ingestReport(cr, chunk: chunk).1?.inputs[0].firstInvalidUTF8Line == 3, "chunk \(chunk)")
        }
        let header = Array("customer_id,touchpoint,timestamp,not".utf8) + [0xC3] + Array("e\nc,d,2024-01-01,x\n".utf8)
        #expect(ingestReport(header, chunk: 5).1?.inputs[0].firstInvalidUTF8Line == 1)
        // A sequence cut by the end of input, on the last (unterminated) line.
        let cut = Array("customer_id,touchpoint,timestamp\nc,d,2024-01-01\nc,d,2024-01-02".utf8) + [0xF0, 0x9F]
        #expect(ingestReport(cut, chunk: 4).1?.inputs[0].firstInvalidUTF8Line == 3)
        var v = UTF8Validator()
        (Array("x\ny\n".utf8) + [0xF0, 0x9F]).withUnsafeBytes { v.scan($0) }
        #expect(v.invalidOffset == nil)
        v.finish()
        #expect(v.invalidOffset == 6)
        let valid = Array("customer_id,touchpoint,timestamp\nsmörgås,😀,2024-01-01\n".utf8)
        #expect(ingestReport(valid, chunk: 1).1?.inputs[0].firstInvalidUTF8Line == nil)
    }

    /// The report of `bytes` pushed in chunks.
    func ingestReport(_ bytes: [UInt8], chunk: Int) -> (EventTable?, IngestReport?) {
        let ingester = Ingester(options: IngestOptions())
        do {
            try ingester.begin(source: "t.csv")
            var i = 0
            while i < bytes.count {
                let j = min(bytes.count, i + chunk)
                var failure: IngestError?
                Array(bytes[i..<j]).withUnsafeBytes { raw in
                    do throws(IngestError) { try ingester.consume(raw) } catch { failure = error }
                }
                if let failure { throw failure }
                i = j
            }
            let (table, report) = try ingester.finish()
            return (table, report)
        } catch {
            Issue.record("\(error)")
            return (nil, nil)
        }
    }

    @Test func invalidUTF8InTheSecondHalfKeepsItsLine() throws {
        var text = "customer_id,touchpoint,timestamp\n"
        for i in 0..<2000 { text += "c\(i % 50),step\(i % 7),2024-01-01T00:\(String(format: "%02d", i % 60)):00Z\n" }
        var bytes = Array(text.utf8)
        // Line 1901 (record 1900) gets a Windows-1252 'é'.
        let lines = bytes.indices.filter { bytes[$0] == 0x0A }
        bytes.insert(0xE9, at: lines[1899] + 2)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("touchstone-halves-\(UUID().uuidString).csv")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        for threshold in [1, nil] as [Int?] {
            var options = IngestOptions()
            options.parallelThresholdBytes = threshold
            let (_, report) = try Ingester(options: options).ingest([.file(url.path)])
            #expect(report.readInTwoHalves == (threshold != nil))
            #expect(report.rowsUsed == 2000)
            #expect(report.inputs[0].firstInvalidUTF8Line == 1901)
            #expect(report.inputs[0].rowsRead == 2000)
        }
    }
}

@Suite("several exports")
struct SeveralExportsTests {
    @Test func eachFileHasItsOwnDialectAndTimestampFormat() throws {
        let (table, report, rejections) = try Exports.ingest(["export-a.csv", "export-b.csv"])
        #expect(report.rowsRead == 7 && report.rowsUsed == 6 && report.rowsRejected == 1)
        let a = report.inputs[0], b = report.inputs[1]
        #expect(a.name == Exports.path("export-a.csv"))
        #expect(a.delimiter == UInt8(ascii: ";") && a.lineEnd == .crlf && a.byteOrderMark)
        #expect(a.timestampFormat?.description == "%d.%m.%Y %H:%M" && a.timestampFormatDetected)
        #expect(a.rowsRead == 3 && a.rowsRejected == 0)
        #expect(b.delimiter == UInt8(ascii: ",") && b.lineEnd == .lf && !b.byteOrderMark)
        #expect(b.timestampFormat == .iso8601 && b.timestampFormatDetected)
        #expect(b.rowsRead == 4 && b.rowsRejected == 1 && b.rowsUsed == 3)
        // The first file's format stays the report's summary format.
        #expect(report.timestampFormat?.description == "%d.%m.%Y %H:%M")
        // Rejections keep their own file's line and record numbers.
        #expect(rejections.count == 1)
        #expect(rejections[0].source == 1 && rejections[0].line == 5 && rejections[0].record == 4)
        #expect(rejections[0].detail == "cannot read 'not a date' as ISO 8601")
        // 15.03.2024 10:00 UTC and 2024-03-20T16:45:00Z.
        #expect(table.timestamps.first == 1_710_496_800_000_000)
        #expect(table.timestamps.last == 1_710_953_100_000_000)
        #expect(Array(table.lines) == [2, 3, 4, 2, 3, 4])
    }

    @Test func aFileWhoseValuesDecideNothingTakesTheFormatBeforeIt() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("touchstone-exports-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = dir.appendingPathComponent("a.csv"), second = dir.appendingPathComponent("b.csv")
        try Data("customer_id,touchpoint,timestamp\nx,a,13/02/2024 10:00\n".utf8).write(to: first)
        try Data("customer_id,touchpoint,timestamp\ny,a,03/04/2024 10:00\n".utf8).write(to: second)  // day/month ambiguous alone
        let (table, report) = try Ingester(options: IngestOptions()).ingest([.file(first.path), .file(second.path)])
        #expect(report.rowsUsed == 2)
        #expect(report.inputs[1].timestampFormat?.description == "%d/%m/%Y %H:%M")
        #expect(table.timestamps[1] == 1_712_138_400_000_000)  // 3 April 2024 10:00 UTC
        // Given explicitly, one format applies to every input.
        var options = IngestOptions()
        options.timestampFormat = .iso8601
        let (_, given, _) = try Exports.ingest(["export-a.csv", "export-b.csv"], options: options)
        #expect(given.inputs.map(\.timestampFormat) == [.iso8601, .iso8601])
        #expect(given.inputs.map(\.timestampFormatDetected) == [false, false])
        #expect(given.rowsRejected == 4)
    }
}

@Suite("reject rate")
struct RejectRateTests {
    @Test func mostlyRejectedLogFailsWithTheReasonAndAFix() throws {
        let (_, report, _) = try Exports.ingest(["mostly-rejected.csv"])
        #expect(report.rowsRead == 10 && report.rowsRejected == 8)
        let message = try #require(report.rejectRateFailure(maxRejectRate: nil))
        #expect(message == "8 of 10 rows rejected (80.0%), more than half of the log; the main reason is bad_timestamp (8 rows), first at \(Exports.path("mostly-rejected.csv")):4:3 (column 'timestamp'): cannot read '13.03.2024 10:00' as ISO 8601. Fix: pass --timestamp-format '%d.%m.%Y %H:%M', the format of that value (see docs/timestamps.md). If these rejections are expected, pass --max-reject-rate 1 to use the remaining rows")
        #expect(report.rejectRateFailure(maxRejectRate: 1) == nil)
        #expect(report.rejectRateFailure(maxRejectRate: 0.8) == nil)
        #expect(report.rejectRateFailure(maxRejectRate: 0.5)?.hasPrefix("8 of 10 rows rejected (80.0%), over --max-reject-rate 0.5; the main reason is bad_timestamp") == true)
    }

    @Test func halfIsNotMoreThanHalf() {
        var report = IngestReport()
        report.rowsRead = 4
        report.rowsUsed = 2
        report.rejectionCounts = [.emptyCaseID: 2]
        #expect(report.rejectRateFailure(maxRejectRate: nil) == nil)
        report.rowsRead = 3
        report.rowsUsed = 1
        #expect(report.rejectRateFailure(maxRejectRate: nil)?.contains("empty_case_id (2 rows)") == true)
    }

    @Test func wrongDelimiterSuggestsTheOneInTheRows() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("touchstone-delim-\(UUID().uuidString).csv")
        try Data("customer_id,touchpoint,timestamp\na;b;2024-01-01\nc;d;2024-01-02\ne,f,2024-01-03\n".utf8).write(to: dir)
        defer { try? FileManager.default.removeItem(at: dir) }
        let (_, report) = try Ingester(options: IngestOptions()).ingest([.file(dir.path)])
        let message = try #require(report.rejectRateFailure(maxRejectRate: nil))
        #expect(message.contains("wrong_field_count (2 rows)"))
        #expect(message.contains("Fix: check the delimiter (read as ','); if it is ';', pass --delimiter ';'"))
    }
}
