import Foundation
import Testing
@testable import TouchstoneIngest

/// The two-halves ingest must give exactly what one front-to-back pass gives.
@Suite("Ingest in two halves")
struct ParallelIngestTests {
    struct Result: Equatable {
        var events: [String]
        var rejects: [String]
        var counts: [Int]
        var halves = false

        static func == (a: Result, b: Result) -> Bool { a.events == b.events && a.rejects == b.rejects && a.counts == b.counts }
    }

    /// Both ways, on one file (so that messages name the same path).
    static func bothWays(_ bytes: [UInt8]) -> (parallel: Result, sequential: Result) {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("touchstone-halves-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        try? Data(bytes).write(to: url)
        return (ingestFile(url, parallel: true), ingestFile(url, parallel: false))
    }

    /// How many of its own half's pieces each thread reads before it takes the other half's
    /// (nil: all it can get).
    struct Schedule {
        var first: Int?
        var second: Int?
    }

    /// Both halves in pieces of a line or a few, read on each schedule: one result per
    /// schedule, and the sequential one.
    static func inPieces(_ bytes: [UInt8], schedules: [Schedule]) -> (parallel: [Result], sequential: Result) {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("touchstone-pieces-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        try? Data(bytes).write(to: url)
        let parallel = schedules.map { ingestFile(url, parallel: true, pieceBytes: 1, schedule: $0) }
        return (parallel, ingestFile(url, parallel: false))
    }

    static func ingestFile(_ url: URL, parallel: Bool, pieceBytes: Int? = nil, schedule: Schedule? = nil) -> Result {
        var options = IngestOptions()
        options.parallelThresholdBytes = parallel ? 1 : nil
        if let pieceBytes { options.parallelPieceBytes = pieceBytes }
        options.parallelPiecesForFirstThread = schedule?.first
        options.parallelPiecesForSecondThread = schedule?.second
        var rejects: [String] = []
        let ingester = Ingester(options: options) { r in
            rejects.append("\(r.line)/\(r.record)/\(r.column.map(String.init) ?? "-")/\(r.reason.rawValue)/\(String(decoding: r.raw, as: UTF8.self))")
        }
        do {
            let (table, report) = try ingester.ingest([.file(url.path)])
            let events = (0..<table.count).map { e in
                "\(table.caseName(table.cases[e]))|\(table.cases[e].rawValue)|\(table.activityName(table.activities[e]))|\(table.activities[e].rawValue)|\(table.timestamps[e])|\(table.lines[e])"
            }
            return Result(events: events, rejects: rejects,
                          counts: [report.rowsRead, report.rowsUsed, report.rowsRejected, report.blankLines, report.linesRead,
                                   report.bytesRead, report.invalidUTF8Names, table.caseNames.count, table.activityNames.count,
                                   report.longestRejectedRow?.line ?? 0, report.longestRejectedRow?.lines ?? 0,
                                   report.inputs.first?.firstInvalidUTF8Line ?? 0],
                          halves: report.readInTwoHalves)
        } catch {
            return Result(events: [], rejects: ["error: \(error)"], counts: [])
        }
    }

    @Test func everyFixtureAgrees() {
        #expect(!Fixtures.all.isEmpty, "no fixture in \(Fixtures.directory.path)")
        for name in Fixtures.all {
            let bytes = Fixtures.bytes(name)
            let both = Self.bothWays(bytes)
            #expect(both.parallel == both.sequential, "\(name)")
        }
    }

    @Test func randomDocumentsAgree() {
        var random = SplitMix64(state: 0xABCD_1234)
        var split = 0
        defer { #expect(split > 30, "the two-halves path ran on \(split) of 150 documents") }
        for _ in 0..<150 {
            let delimiters: [UInt8] = [0x2C, 0x3B, 0x09, 0x7C]
            let delimiter = delimiters[Int(random.next() % 4)]
            var generator = CSVPropertyTests.Generator(random: SplitMix64(state: random.next()), delimiter: delimiter)
            let bytes = generator.document()
            let both = Self.bothWays(bytes)
            #expect(both.parallel == both.sequential, "\(CSVPropertyTests.escaped(bytes))")
            if both.parallel.halves { split += 1 }
        }
    }

    /// The middle of the file falls inside a quoted field spanning many lines: the guess is
    /// wrong and must be thrown away.
    @Test func middleInsideAQuotedFieldFallsBack() {
        var text = "customer_id,touchpoint,timestamp,note\nc1,a,2024-01-01T10:00:00Z,x\nc1,b,2024-01-01T10:01:00Z,\""
        for i in 0..<200 { text += "line \(i) of a long note, with c9,z,2024-01-01T10:00:00Z,looking like a row\n" }
        text += "\"\nc2,c,2024-01-01T10:02:00Z,y\n"
        let bytes = Array(text.utf8)
        let (parallel, sequential) = Self.bothWays(bytes)
        #expect(parallel == sequential)
        #expect(parallel.events.count == 3)
        #expect(!parallel.halves)
        #expect(parallel.counts.first == 3)
    }

    /// Names that first appear in the second half get the next ids, in order.
    @Test func idsStayInOrderOfFirstAppearance() {
        var text = "customer_id,touchpoint,timestamp\n"
        for i in 0..<400 { text += "c\(i % 7),t\(i % 13),2024-01-01T10:00:\(String(format: "%02d", i % 60))Z\n" }
        for i in 0..<400 { text += "d\(i % 5),u\(i % 3),2024-01-02T10:00:00Z\n" }
        text += "bad,row\n"
        let bytes = Array(text.utf8)
        let both = Self.bothWays(bytes)
        #expect(both.parallel == both.sequential)
        #expect(both.parallel.counts.first == 801)
        #expect(both.parallel.halves && !both.sequential.halves)
    }

    /// Pieces read by either thread, in any share, give the same result: parts whose first
    /// byte is inside a quoted field are parsed again as the continuation of the part before.
    static let schedules = [Schedule(first: nil, second: nil), Schedule(first: nil, second: 0),
                            Schedule(first: 1, second: nil), Schedule(first: 1, second: 0),
                            Schedule(first: 2, second: 2), Schedule(first: nil, second: 5)]

    @Test func piecesTakenByEitherThreadAgree() {
        let schedules = Self.schedules
        var random = SplitMix64(state: 0x5EED_0F_9A7)
        var split = 0
        for round in 0..<60 {
            let delimiters: [UInt8] = [0x2C, 0x3B, 0x09, 0x7C]
            var generator = CSVPropertyTests.Generator(random: SplitMix64(state: random.next()), delimiter: delimiters[round % 4])
            let bytes = generator.document()
            let (parallel, sequential) = Self.inPieces(bytes, schedules: schedules)
            for (schedule, result) in zip(schedules, parallel) {
                #expect(result == sequential, "\(schedule): \(CSVPropertyTests.escaped(bytes))")
            }
            if parallel.allSatisfy(\.halves) { split += 1 }
        }
        #expect(split > 10, "the pieces path ran on \(split) of 60 documents")
        for name in Fixtures.all {
            let (parallel, sequential) = Self.inPieces(Fixtures.bytes(name), schedules: schedules)
            for (schedule, result) in zip(schedules, parallel) {
                #expect(result == sequential, "\(name), \(schedule)")
            }
        }
    }

    /// Quoted fields spanning many lines across the second half: many pieces start inside
    /// one, and their guesses must all be thrown away.
    @Test func piecesInsideQuotedFieldsAreParsedAgain() {
        var text = "customer_id,touchpoint,timestamp,note\n"
        for i in 0..<60 {
            text += "c\(i % 9),t\(i % 4),2024-01-01T10:\(String(format: "%02d", i)):00Z,\""
            for k in 0..<(i % 3 == 0 ? 12 : 1) { text += "note \(k), with c9,z,2024-01-01T10:00:00Z,like a row\n" }
            text += "\"\n"
            if i % 10 == 7 { text += "broken,row\n" }
        }
        let (parallel, sequential) = Self.inPieces(Array(text.utf8), schedules: Self.schedules)
        #expect(sequential.counts.first == 66)
        for result in parallel {
            #expect(result == sequential)
        }
    }
}
