import Testing
@testable import TouchstoneIngest

@Suite("Ingester on nasty fixtures")
struct IngesterFixtureTests {
    func run(_ name: String, _ options: IngestOptions = IngestOptions()) -> IngestOutcome {
        ingest(Fixtures.bytes(name), options: options, name: name)
    }

    @Test func bomAndCRLF() {
        let o = run("bom-crlf.csv")
        #expect(o.error == nil)
        #expect(o.events.map(\.line) == [2, 3, 4])
        #expect(o.events.map(\.touchpoint) == ["home", "pricing", "home"])
        #expect(o.events.map(\.micros) == [seconds(1_704_103_200), seconds(1_704_103_500), seconds(1_704_182_400)])
        #expect(o.rejects.isEmpty)
    }

    @Test func loneCarriageReturnIsAFieldCharacter() {
        // In a line-feed file only LF ends a row: a CR elsewhere is part of the field (trimmed
        // at the ends of an unquoted field, like a space), never a second row of the same line.
        let o = run("lone-cr.csv")
        #expect(o.error == nil)
        #expect(o.events.map(\.line) == [2, 3, 4, 5, 7])
        #expect(o.events.map(\.touchpoint) == ["home", "b\rx", "a", "q\rq", "home"])
        #expect(o.events.last?.micros == seconds(1_704_103_500))
        #expect(o.rejects == [.init(line: 6, record: 5, column: nil, reason: .wrongFieldCount, raw: "c3,cart\r2024-01-01T10:04:00Z")])
        #expect(o.rowsRead == 6 && o.rowsUsed == 5)
    }

    @Test func semicolonWithQuotedDelimiter() {
        let o = run("semicolon.csv")
        #expect(o.events.map(\.touchpoint) == ["Anfrage; dringend", "Angebot"])
        #expect(o.rowsRead == 2 && o.rejects.isEmpty)
    }

    @Test func tabAndOffsets() {
        let o = run("tab.tsv")
        #expect(o.events.map(\.micros) == [seconds(1_709_280_000), seconds(1_709_281_800)])
    }

    @Test func pipeAndFractions() {
        let o = run("pipe.csv")
        #expect(o.events.map(\.micros) == [seconds(1_714_521_600) + 123_456, seconds(1_714_521_600 + 7201) + 500_000])
    }

    @Test func quotedNewlinesKeepPhysicalLines() {
        let o = run("quoted-newline.csv")
        #expect(o.events.map(\.line) == [2, 4, 5])
        #expect(o.events.map(\.touchpoint) == ["home", "say \"hi\"", "home"])
    }

    @Test func unterminatedQuoteRejectsOneLineAndRecovers() {
        let o = run("unterminated-quote.csv")
        #expect(o.events.map(\.line) == [2, 4, 5])
        #expect(o.rejects == [.init(line: 3, record: 2, column: 2, reason: .unterminatedQuote, raw: "c1,\"broken,2024-01-01T10:01:00Z")])
        #expect(o.rowsRead == 4)
    }

    @Test func raggedRows() {
        let o = run("ragged.csv")
        #expect(o.events.map(\.line) == [2, 5])
        #expect(o.rejects.map(\.line) == [3, 4])
        #expect(o.rejects.map(\.reason) == [.wrongFieldCount, .wrongFieldCount])
        #expect(o.rejects.map(\.raw) == ["c1,cart", "c1,cart,2024-01-01T10:01:00Z,extra"])
    }

    @Test func emptyIDs() {
        let o = run("empty-ids.csv")
        #expect(o.events.map(\.line) == [6])
        #expect(o.rejects.map(\.line) == [2, 3, 4, 5])
        #expect(o.rejects.map(\.reason) == [.emptyCaseID, .emptyTouchpoint, .emptyTimestamp, .emptyCaseID])
        #expect(o.rejects.map(\.column) == [1, 2, 3, 1])
    }

    @Test func timestampFormsAndLeapDays() {
        let o = run("timestamps.csv")
        #expect(o.events.map(\.touchpoint) == ["a", "c", "e"])
        #expect(o.events.map(\.micros) == [seconds(1_709_208_000), seconds(1_709_231_400), seconds(1_709_251_200)])
        #expect(o.rejects.map(\.line) == [3, 5, 7])
        #expect(o.rejects.allSatisfy { $0.reason == .badTimestamp && $0.column == 3 })
    }

    @Test func nonUTF8BytesStayDistinct() {
        let o = run("non-utf8.csv")
        #expect(o.events.count == 2)
        #expect(o.events[0].touchpoint == "caf\u{FFFD}")
        #expect(o.events[1].touchpoint == "café")
        #expect(o.invalidUTF8 == 1)
    }

    @Test func emptyFileIsAnError() {
        let o = run("empty.csv")
        #expect(o.error?.contains("input is empty") == true)
    }

    @Test func headerOnlyHasNoRows() {
        let o = run("header-only.csv")
        #expect(o.error == nil)
        #expect(o.rowsRead == 0 && o.events.isEmpty)
    }

    @Test func badQuotingIsRejectedPerRow() {
        let o = run("bad-quoting.csv")
        #expect(o.events.map(\.touchpoint) == ["ok"])
        #expect(o.rejects.map(\.line) == [2, 3])
        #expect(o.rejects.map(\.reason) == [.badQuoting, .badQuoting])
        #expect(o.rejects.map(\.column) == [2, 2])
        #expect(o.rejects.map(\.raw) == ["c1,ho\"me,2024-01-01T10:00:00Z", "c1,\"home\"x,2024-01-01T10:01:00Z"])
    }

    @Test func blankLinesAreSkippedAndCounted() {
        let o = run("blank-lines.csv")
        #expect(o.events.map(\.line) == [3, 6])
        #expect(o.blankLines == 3)
        #expect(o.rowsRead == 2)
    }

    @Test func europeanDatesResolveDayFirst() {
        let o = run("dotted-dates.csv")
        #expect(o.error == nil)
        #expect(o.events.map(\.touchpoint) == ["Bestellung", "Rücksendung"])
        #expect(o.events.map(\.micros) == [seconds(1_738_404_000), seconds(1_739_439_000)])
        #expect(o.rejects.map(\.line) == [4])
        #expect(o.rejects.map(\.reason) == [.badTimestamp])
    }

    @Test func fieldOverTheSizeLimit() {
        var options = IngestOptions()
        options.maxFieldBytes = 20
        let o = ingest(Array("customer_id,touchpoint,timestamp\nc1,a-very-long-touchpoint,2024-01-01T10:00:00Z\nc1,b,2024-01-01T10:00:00Z\n".utf8), options: options)
        #expect(o.rejects.map(\.reason) == [.fieldTooLarge])
        #expect(o.rejects.map(\.column) == [2])
        #expect(o.events.map(\.touchpoint) == ["b"])
    }

    @Test func runawayQuoteIsCutAtTheSizeLimit() {
        var options = IngestOptions()
        options.maxFieldBytes = 40
        var text = "customer_id,touchpoint,timestamp\nc1,\"open,2024-01-01T10:00:00Z\n"
        for i in 0..<5 { text += "c\(i),t,2024-01-01T10:0\(i):00Z\n" }
        let o = ingest(Array(text.utf8), options: options)
        #expect(o.rejects.first?.line == 2)
        #expect(o.rejects.first?.reason == .fieldTooLarge)
        #expect(o.events.map(\.line) == [3, 4, 5, 6, 7])
    }

    @Test func ambiguousDayMonthIsAnError() {
        let o = ingest(Array("customer_id,touchpoint,timestamp\nc1,a,01/02/2024 10:00\nc1,b,03/04/2024 10:00\n".utf8))
        #expect(o.error?.contains("ambiguous") == true)
    }

    @Test func explicitFormatSkipsDetection() throws {
        var options = IngestOptions()
        options.timestampFormat = .pattern(try TimestampPattern("%m/%d/%Y %H:%M"))
        let o = ingest(Array("customer_id,touchpoint,timestamp\nc1,a,01/02/2024 10:00\n".utf8), options: options)
        #expect(o.events.map(\.micros) == [seconds(1_704_189_600)])
    }

    @Test func noHeaderMapsByPosition() {
        var options = IngestOptions()
        options.hasHeader = false
        options.columns = ColumnSelection(caseID: .position(2), touchpoint: .position(1), timestamp: .position(3))
        let o = ingest(Array("home,c1,2024-01-01T10:00:00Z\ncart,c1,2024-01-01T10:01:00Z\n".utf8), options: options)
        #expect(o.events.map(\.customer) == ["c1", "c1"])
        #expect(o.events.map(\.touchpoint) == ["home", "cart"])
        #expect(o.events.map(\.line) == [1, 2])
    }

    @Test func missingNamedColumnListsHeader() {
        var options = IngestOptions()
        options.columns.caseID = .name("client")
        let o = ingest(Array("customer_id,touchpoint,timestamp\nc1,a,2024-01-01T10:00:00Z\n".utf8), options: options)
        #expect(o.error?.contains("no column named 'client'") == true)
        #expect(o.error?.contains("1=customer_id, 2=touchpoint, 3=timestamp") == true)
    }

    @Test func undetectableColumnsStop() {
        let o = ingest(Array("a,b,c\n1,2,3\n".utf8))
        #expect(o.error?.contains("cannot detect the case, touchpoint and timestamp columns from the header; pass --case COLUMN --activity COLUMN --timestamp COLUMN with the right header names or positions (header: 1=a, 2=b, 3=c)") == true)
    }

    @Test(arguments: [1, 2, 7, 4096])
    func everyFixtureGivesTheSameResultInChunks(chunk: Int) {
        #expect(!Fixtures.all.isEmpty, "no fixture in \(Fixtures.directory.path)")
        for name in Fixtures.all {
            let bytes = Fixtures.bytes(name)
            let whole = ingest(bytes, name: name)
            let chunked = ingest(bytes, chunk: chunk, name: name)
            #expect(whole == chunked, "\(name) in \(chunk)-byte chunks")
            // Without the fill sample (which holds a small file back and parses it whole), so
            // that the chunks reach the parser as they come.
            var unsampled = IngestOptions()
            unsampled.samplesColumnFill = false
            #expect(ingest(bytes, options: unsampled, name: name) == ingest(bytes, chunk: chunk, options: unsampled, name: name),
                    "\(name) in \(chunk)-byte chunks, no fill sample")
        }
    }
}

@Suite("Traces")
struct TraceTests {
    @Test func outOfOrderAndDuplicates() {
        let o = ingest(Fixtures.bytes("out-of-order.csv"))
        #expect(o.rowsUsed == 6)
        let ingester = Ingester(options: IngestOptions())
        let bytes = Fixtures.bytes("out-of-order.csv")
        let result = bytes.withUnsafeBytes { raw -> (EventTable, IngestReport)? in
            try? ingester.begin(source: "x")
            try? ingester.consume(raw)
            return try? ingester.finish()
        }
        guard let (table, _) = result else { Issue.record("ingest failed"); return }
        let log = EventLog(table)
        #expect(log.outOfOrderEvents == 2)
        #expect(log.duplicateEvents == 1)
        #expect(log.traceCount == 2)
        let t0 = log.trace(0).map { log.events.activityName(log.events.activities[$0]) }
        #expect(t0 == ["a", "b", "c", "b"])
        #expect(log.trace(0).map { log.events.lines[$0] } == [4, 2, 5, 6])
        let t1 = log.trace(1).map { log.events.activityName(log.events.activities[$0]) }
        #expect(t1 == ["y", "x"])
        let deduped = EventLog(table, removeDuplicates: true)
        #expect(deduped.trace(0).map { deduped.events.activityName(deduped.events.activities[$0]) } == ["a", "b", "c"])
        #expect(deduped.events.count == 5)
    }
}

@Suite("Blank lines at the end")
struct TrailingBlankLineTests {
    @Test func lastLineOfSpacesWithoutLineEndIsBlank() {
        let o = ingest(Array("customer_id,touchpoint,timestamp\nc1,a,2024-01-02T03:04:05Z\n ".utf8))
        #expect(o.blankLines == 1)
        #expect(o.rowsRead == 1)
    }
}
