import Foundation
import Testing
@testable import TouchstoneIngest

/// Collects the piece files in memory: `files["piece/source"]`, plus files of one row.
final class MemoryPieceWriter: PieceWriter {
    var files: [String: [UInt8]] = [:]
    /// Key order of first write (for checking that each file starts with its header).
    var alone: [String: [UInt8]] = [:]
    var ended: [Int] = []

    func write(piece: Int, source: Int, header: [UInt8], rows: UnsafeRawBufferPointer) throws(IngestError) {
        let key = "\(piece)/\(source)"
        if files[key] == nil { files[key] = header }
        files[key]!.append(contentsOf: rows)
    }

    func writeAlone(piece: Int, source: Int, index: Int, header: [UInt8], row: [UInt8]) throws(IngestError) {
        alone["\(piece)/\(source)/\(index)"] = header + row
    }

    func endInput(_ source: Int) throws(IngestError) { ended.append(source) }

    /// The files of `piece`, in input order, files of one row after their input's file.
    func inputs(of piece: Int) -> [[UInt8]] {
        func source(_ key: String) -> Int { Int(key.split(separator: "/")[1])! }
        func index(_ key: String) -> Int { key.split(separator: "/").count > 2 ? Int(key.split(separator: "/")[2])! : 0 }
        let keys = (Array(files.keys) + Array(alone.keys)).filter { $0.hasPrefix("\(piece)/") }
            .sorted { (source($0), index($0)) < (source($1), index($1)) }
        return keys.map { files[$0] ?? alone[$0]! }
    }
}

/// What the pieces or the whole log give when ingested.
struct LogOutcome {
    var read = 0, used = 0, rejected = 0
    var reasons: [RejectionReason: Int] = [:]
    /// Per customer, its events in input order: touchpoint and timestamp.
    var journeys: [String: [String]] = [:]
    var error: String?
}

/// Ingests several inputs (pushed in `chunk`-byte pieces) as one log.
func ingestLog(_ inputs: [[UInt8]], chunk: Int? = nil, options: IngestOptions = IngestOptions(),
               router: PieceRouter? = nil) -> LogOutcome {
    var outcome = LogOutcome()
    let ingester = Ingester(options: options, router: router)
    do {
        for (n, bytes) in inputs.enumerated() {
            try ingester.begin(source: "input\(n).csv")
            let step = chunk ?? max(bytes.count, 1)
            var i = 0
            while i < bytes.count {
                let j = min(i + step, bytes.count)
                var failure: Error?
                Array(bytes[i..<j]).withUnsafeBytes { raw in
                    do { try ingester.consume(raw) } catch { failure = error }
                }
                if let failure { throw failure }
                i = j
            }
            try ingester.endSource()
        }
        let (table, report) = try ingester.finish()
        outcome.read = report.rowsRead
        outcome.used = report.rowsUsed
        outcome.rejected = report.rowsRejected
        outcome.reasons = report.rejectionCounts
        for e in 0..<table.count {
            outcome.journeys[table.caseName(table.cases[e]), default: []].append("\(table.activityName(table.activities[e]))@\(table.timestamps[e])")
        }
    } catch {
        outcome.error = "\(error)"
    }
    return outcome
}

@Suite("PieceRouter: rows verbatim to their customer's piece")
struct PieceRouterTests {
    /// A small log with the hard cases: a BOM and CRLF line ends, a quoted field over two
    /// lines, `""` escapes, bad quoting, an empty and a missing customer id, a wrong field
    /// count, a bad timestamp, non-ASCII ids, equal timestamps, and a last row without a line end.
    static let first = Array("\u{FEFF}customer_id,touchpoint,timestamp,note\r\nc1,home,2024-01-01T10:00:00Z,\"two\r\nlines\"\r\nc2,home,2024-01-01T10:00:00Z,x\r\nc1,\"say \"\"hi\"\"\",2024-01-01T10:00:00Z,y\r\nc3,ho\"me,2024-01-01T10:00:00Z,z\r\n,home,2024-01-01T10:00:00Z,z\r\nc4\r\nc4,home,not a time,z\r\nZoë,home,2024-01-02T10:00:00Z,z\r\n日本,cart,2024-01-02T10:00:00Z,z\r\nc2,cart,2024-01-02T10:00:00Z,\"q\"".utf8)
    /// A second export: LF, `;`, rows of customers of the first, and an unterminated quote.
    static let second = Array("customer_id;touchpoint;timestamp;note\nc2;buy;2024-01-03T10:00:00Z;\nc1;buy;2024-01-03T10:00:00Z;\nc9;buy;2024-01-03T10:00:00Z;\nc5;\"open;2024-01-03T10:00:00Z;\nc6;buy;2024-01-03T11:00:00Z;\n".utf8)

    static func split(_ inputs: [[UInt8]], pieces: Int, chunk: Int?) -> (MemoryPieceWriter, PieceRouter, LogOutcome) {
        let writer = MemoryPieceWriter()
        let router = PieceRouter(pieces: pieces, writer: writer)
        let outcome = ingestLog(inputs, chunk: chunk, router: router)
        return (writer, router, outcome)
    }

    /// The physical lines of a file after its header (each with its line end).
    static func lines(_ file: [UInt8], header: Bool = true) -> [String] {
        var lines: [String] = []
        var current: [UInt8] = []
        for byte in file {
            current.append(byte)
            if byte == 0x0A { lines.append(String(decoding: current, as: UTF8.self)); current = [] }
        }
        if !current.isEmpty { lines.append(String(decoding: current, as: UTF8.self)) }
        return header ? Array(lines.dropFirst()) : lines
    }

    @Test(arguments: [1, 2, 3, 8])
    func piecesReconcileWithTheWholeLog(pieces: Int) throws {
        let whole = ingestLog([Self.first, Self.second])
        #expect(whole.error == nil)
        var results: [[String: [UInt8]]] = []
        for chunk in [1, 2, 7, 4096, nil] as [Int?] {
            let (writer, router, outcome) = Self.split([Self.first, Self.second], pieces: pieces, chunk: chunk)
            #expect(outcome.error == nil)
            // The ingest while splitting counts like a normal one, but keeps no events.
            #expect(outcome.read == whole.read && outcome.used == whole.used && outcome.rejected == whole.rejected)
            #expect(outcome.journeys.isEmpty)
            #expect(router.rowsPerPiece.reduce(0, +) == whole.read)
            #expect(writer.ended == [0, 1])
            var merged = LogOutcome()
            var owner: [String: Int] = [:]
            for piece in 0..<pieces {
                let files = writer.inputs(of: piece)
                guard !files.isEmpty else { #expect(router.rowsPerPiece[piece] == 0); continue }
                // A piece whose only values are bad cannot detect a format: pieces are read
                // in the whole log's format (docs/scale-out.md).
                var options = IngestOptions()
                options.timestampFormat = .iso8601
                let got = ingestLog(files, options: options)
                #expect(got.error == nil, "piece \(piece)")
                merged.read += got.read
                merged.used += got.used
                merged.rejected += got.rejected
                merged.reasons.merge(got.reasons, uniquingKeysWith: +)
                #expect(got.read == router.rowsPerPiece[piece])
                #expect(got.journeys.count == router.customersPerPiece[piece])
                for (customer, journey) in got.journeys {
                    #expect(owner[customer] == nil, "customer \(customer) in two pieces")
                    owner[customer] = piece
                    #expect(CustomerHash.piece(of: customer, pieces: pieces) == piece)
                    // Same events in the same input order (equal timestamps keep file order).
                    #expect(journey == whole.journeys[customer], "customer \(customer)")
                }
            }
            #expect(merged.read == whole.read && merged.used == whole.used && merged.rejected == whole.rejected)
            #expect(merged.reasons == whole.reasons)
            #expect(Set(owner.keys) == Set(whole.journeys.keys))
            results.append(writer.files.merging(writer.alone) { a, _ in a })
        }
        // The pieces do not depend on how the input arrives in chunks.
        for r in results.dropFirst() { #expect(r == results[0]) }
    }

    /// Every line of the input is in exactly one piece, byte for byte (its line end as in the
    /// input), and each piece file keeps the input's order and starts with its header.
    @Test func rowsAreVerbatimAndInOrder() throws {
        let (writer, _, _) = Self.split([Self.first, Self.second], pieces: 3, chunk: 5)
        let inputLines = [Self.lines(Self.first + Array("\r\n".utf8)), Self.lines(Self.second)]
        for source in 0..<2 {
            let header = source == 0 ? Array("\u{FEFF}customer_id,touchpoint,timestamp,note\r\n".utf8)
                                     : Array("customer_id;touchpoint;timestamp;note\n".utf8)
            var all: [String] = []
            for piece in 0..<3 {
                let keys = (Array(writer.files.keys) + Array(writer.alone.keys)).filter { $0.hasPrefix("\(piece)/\(source)") }.sorted()
                for key in keys {
                    let file = writer.files[key] ?? writer.alone[key]!
                    #expect(Array(file.prefix(header.count)) == header, "\(key) starts with the input's header")
                    let lines = Self.lines(file)
                    // A subsequence of the input's lines, in their order.
                    var rest = inputLines[source][...]
                    for line in lines {
                        guard let at = rest.firstIndex(of: line) else { Issue.record("\(key): '\(line)' out of order"); break }
                        rest = rest[(at + 1)...]
                    }
                    all += lines
                }
            }
            #expect(all.sorted() == inputLines[source].sorted(), "input \(source): every line once")
        }
        // The CRLF input's rows keep CRLF; the last row, without a line end, gets one.
        let first = writer.files.filter { $0.key.hasSuffix("/0") }.values.map { String(decoding: $0, as: UTF8.self) }
        #expect(first.allSatisfy { !$0.replacingOccurrences(of: "\r\n", with: "").contains("\n") })
        #expect(first.allSatisfy { $0.hasSuffix("\r\n") })
    }

    /// Rows without a customer id go where Spark puts a null (piece pmod(42, N)); the
    /// unterminated quote is a file of its own there, so it cannot swallow the rows after it.
    @Test func rowsWithoutCustomerGoToTheNullPiece() throws {
        let (writer, router, _) = Self.split([Self.first, Self.second], pieces: 8, chunk: nil)
        #expect(router.pieceWithoutCustomer == 2)  // 42 mod 8
        let nullPiece = writer.files["2/0"].map { Self.lines($0) } ?? []
        #expect(nullPiece.contains("c3,ho\"me,2024-01-01T10:00:00Z,z\r\n"))  // bad quoting
        #expect(nullPiece.contains(",home,2024-01-01T10:00:00Z,z\r\n"))  // empty id
        #expect(writer.alone.keys.sorted() == ["2/1/1"])
        #expect(String(decoding: writer.alone["2/1/1"]!, as: UTF8.self) == "customer_id;touchpoint;timestamp;note\nc5;\"open;2024-01-03T10:00:00Z;\n")
        // c4's short row has a customer id: it goes with c4.
        let c4 = CustomerHash.piece(of: "c4", pieces: 8)
        #expect(writer.files["\(c4)/0"].map { Self.lines($0) }?.contains("c4\r\n") == true)
    }

    /// Every fixture: pieces reconcile with the whole (timestamps in the format detected on
    /// the whole log, as docs/scale-out.md says to pass it for pieces).
    @Test func everyFixtureReconciles() throws {
        for name in Fixtures.all {
            let bytes = Fixtures.bytes(name)
            var options = IngestOptions()
            if name.hasSuffix(".tsv") { options.delimiter = 0x09 }
            let probe = Ingester(options: options)
            guard let (_, report) = try? probe.ingest([.file(Fixtures.directory.appendingPathComponent(name).path)]) else { continue }
            options.timestampFormat = report.timestampFormat
            let whole = ingestLog([bytes], options: options)
            for pieces in [2, 5] {
                let writer = MemoryPieceWriter()
                let router = PieceRouter(pieces: pieces, writer: writer)
                let split = ingestLog([bytes], chunk: 3, options: options, router: router)
                #expect(split.read == whole.read, "\(name)")
                var read = 0, used = 0, rejected = 0
                for piece in 0..<pieces where !writer.inputs(of: piece).isEmpty {
                    let got = ingestLog(writer.inputs(of: piece), options: options)
                    #expect(got.error == nil, "\(name) piece \(piece): \(got.error ?? "")")
                    read += got.read; used += got.used; rejected += got.rejected
                    for (customer, journey) in got.journeys { #expect(journey == whole.journeys[customer], "\(name) \(customer)") }
                }
                #expect(read == whole.read && used == whole.used && rejected == whole.rejected, "\(name) in \(pieces) pieces")
            }
        }
    }
}

@Suite("PieceRouter on random documents")
struct PieceRouterPropertyTests {
    /// A random export: quoted fields with delimiters, quotes and line breaks, empty and
    /// missing ids, stray quotes, ragged rows, bad timestamps, CRLF or LF, maybe a BOM and a
    /// last row without a line end.
    static func document(_ rng: inout SplitMix64) -> [UInt8] {
        let crlf = rng.next() % 2 == 0
        let end = crlf ? "\r\n" : "\n"
        var text = (rng.next() % 4 == 0 ? "\u{FEFF}" : "") + "customer_id,touchpoint,timestamp,note" + end
        let rows = Int(rng.next() % 40)
        for i in 0..<rows {
            let customer = ["c\(rng.next() % 12)", "", "  c\(rng.next() % 3) ", "\"c\(rng.next() % 5)\"", "Zoë\(rng.next() % 2)"][Int(rng.next() % 5)]
            let touchpoint = ["home", "\"a,b\"", "\"say \"\"hi\"\"\"", "x\"y", "\"two\(end)lines\""][Int(rng.next() % 5)]
            let timestamp = rng.next() % 9 == 0 ? "not a time" : "2024-01-0\(1 + rng.next() % 9)T10:00:00Z"
            var row = "\(customer),\(touchpoint),\(timestamp),n\(i)"
            switch rng.next() % 12 {
            case 0: row = customer  // ragged: only the id
            case 1: row += ",extra"
            case 2: row = "\(customer),\"open,\(timestamp),n"  // a quote that may never close
            default: break
            }
            text += row
            if i < rows - 1 || rng.next() % 2 == 0 { text += end }
        }
        return Array(text.utf8)
    }

    @Test func randomDocumentsReconcile() {
        var rng = SplitMix64(state: 20_261_201)
        var checked = 0, withOpenQuote = 0
        for round in 0..<150 {
            let inputs = (0..<Int(1 + rng.next() % 2)).map { _ in Self.document(&rng) }
            var options = IngestOptions()
            options.timestampFormat = .iso8601
            let whole = ingestLog(inputs, options: options)
            guard whole.error == nil else { continue }
            checked += 1
            if whole.reasons[.unterminatedQuote] != nil { withOpenQuote += 1 }
            let pieces = Int(1 + rng.next() % 4)
            let chunk = [1, 3, 64, nil][Int(rng.next() % 4)]
            let writer = MemoryPieceWriter()
            let router = PieceRouter(pieces: pieces, writer: writer)
            let split = ingestLog(inputs, chunk: chunk, options: options, router: router)
            #expect(split.read == whole.read && split.used == whole.used, "round \(round)")
            var read = 0, used = 0, rejected = 0
            var seen = Set<String>()
            for piece in 0..<pieces where !writer.inputs(of: piece).isEmpty {
                let got = ingestLog(writer.inputs(of: piece), options: options)
                #expect(got.error == nil, "round \(round) piece \(piece): \(got.error ?? "")")
                read += got.read; used += got.used; rejected += got.rejected
                for (customer, journey) in got.journeys {
                    #expect(!seen.contains(customer), "round \(round): \(customer) in two pieces")
                    seen.insert(customer)
                    #expect(journey == whole.journeys[customer], "round \(round): \(customer)")
                }
            }
            #expect(read == whole.read && used == whole.used && rejected == whole.rejected,
                    "round \(round): \(read)/\(used)/\(rejected) vs \(whole.read)/\(whole.used)/\(whole.rejected)")
            #expect(seen == Set(whole.journeys.keys), "round \(round)")
        }
        #expect(checked > 120 && withOpenQuote > 10, "\(checked) documents, \(withOpenQuote) with an unterminated quote")
    }
}
