import Foundation
import Testing

@Suite("touchstone split")
struct SplitCommandTests {
    static let b2b = CLI.packageRoot.appendingPathComponent("SampleLogs/b2b-software-purchase/b2b-software-purchase.csv").path
    static let b2bMap = CLI.packageRoot.appendingPathComponent("SampleLogs/b2b-software-purchase/journey.yaml").path

    static func files(_ dir: URL) throws -> [String] {
        guard let e = FileManager.default.enumerator(atPath: dir.path) else { return [] }
        return e.compactMap { $0 as? String }.filter { !$0.hasSuffix("/") && !isDirectory(dir.appendingPathComponent($0)) }.sorted()
    }

    static func isDirectory(_ url: URL) -> Bool {
        var dir: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &dir) && dir.boolValue
    }

    static func counted(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }

    static func stats(_ paths: [String], _ extra: [String] = []) throws -> [String: Any] {
        let r = try CLI.run(["stats", "--format", "json", "--quiet", "--max-reject-rate", "1"] + extra + paths)
        #expect(r.status == 0, "\(r.stderr)")
        return try #require(CLI.json(r.stdout))
    }

    /// Two exports (a BOM + CRLF one with a quoted line break, and a `;` one), with rejected
    /// rows of every kind: pieces keep every row, and stats over the pieces add up.
    @Test func twoInputsWithRejectedRows() throws {
        let dir = try CLI.temporaryDirectory()
        let a = dir.appendingPathComponent("crm.csv"), b = dir.appendingPathComponent("web.csv.gz")
        try Data("\u{FEFF}customer_id,touchpoint,timestamp,note\r\nc1,home,2024-01-01T10:00:00Z,\"two\r\nlines\"\r\nc2,home,2024-01-01T10:00:00Z,x\r\nc3,ho\"me,2024-01-01T10:00:00Z,z\r\n,home,2024-01-01T10:00:00Z,z\r\nc4\r\nc4,home,not a time,z\r\nZoë,home,2024-01-02T10:00:00Z,z\r\nc1,cart,2024-01-02T10:00:00Z,z\r\n".utf8).write(to: a)
        let plain = dir.appendingPathComponent("web.csv")
        try Data("customer_id;touchpoint;timestamp;note\nc2;buy;2024-01-03T10:00:00Z;\nc1;buy;2024-01-03T10:00:00Z;\nc9;buy;2024-01-03T10:00:00Z;\nc5;\"open;2024-01-03T10:00:00Z;\nc6;buy;2024-01-03T11:00:00Z;\n".utf8).write(to: plain)
        let gz = Process()
        gz.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gz.arguments = ["-k", plain.path]
        try gz.run(); gz.waitUntilExit()
        let out = dir.appendingPathComponent("pieces")
        let r = try CLI.run(["split", a.path, b.path, "--pieces", "3", "--output-dir", out.path, "--max-reject-rate", "1"])
        #expect(r.status == 0, "\(r.stderr)")
        let files = try Self.files(out)
        // piece-K/NNNN-NAME, .gz written plain; the unterminated quote in a file of its own.
        #expect(files.allSatisfy { $0.hasPrefix("piece-000") && ($0.contains("/0001-crm.csv") || $0.contains("/0002-web.csv")) }, "\(files)")
        #expect(files.contains { $0.hasSuffix("/0002-web.csv.open-quote-1.csv") }, "\(files)")
        let whole = try Self.stats([a.path, b.path])
        var read = 0, used = 0, rejected = 0
        var reasons: [String: Int] = [:]
        var notes: [String] = []
        for piece in 0..<3 {
            let inPiece = files.filter { $0.hasPrefix("piece-000\(piece)/") }.map { out.appendingPathComponent($0).path }
            guard !inPiece.isEmpty else { continue }
            let s = try Self.stats(inPiece, ["--timestamp-format", "iso8601"])
            read += s["rows_read"] as? Int ?? -1
            used += s["rows_used"] as? Int ?? -1
            rejected += s["rows_rejected"] as? Int ?? -1
            for (k, v) in s["rejections"] as? [String: Int] ?? [:] { reasons[k, default: 0] += v }
            notes.append("note: piece-000\(piece): " + Self.counted(s["rows_read"] as? Int ?? -1, "row") + ", " + Self.counted(s["customers"] as? Int ?? -1, "customer"))
        }
        #expect(read == whole["rows_read"] as? Int && read == 13)
        #expect(used == whole["rows_used"] as? Int)
        #expect(rejected == whole["rows_rejected"] as? Int)
        #expect(reasons == whole["rejections"] as? [String: Int])
        for note in notes { #expect(r.stderr.contains(note), "\(note) in \(r.stderr)") }
        #expect(r.stderr.contains("note: 13 rows (8 used, 5 rejected) of 2 inputs split into 3 pieces in \(out.path)"))
        // The CRLF file's pieces keep its BOM, CRLF line ends and the quoted line break.
        let crm = try files.filter { $0.hasSuffix("0001-crm.csv") }.map { try Data(contentsOf: out.appendingPathComponent($0)) }
        #expect(crm.allSatisfy { $0.starts(with: Data("\u{FEFF}customer_id,touchpoint,timestamp,note\r\n".utf8)) })
        #expect(crm.contains { String(decoding: $0, as: UTF8.self).contains("c1,home,2024-01-01T10:00:00Z,\"two\r\nlines\"\r\n") })
    }

    /// The sample log in 5 pieces: every row in exactly one piece, in input order; customers
    /// never in two pieces; stats add up.
    @Test func sampleLogPieces() throws {
        let dir = try CLI.temporaryDirectory()
        let out = dir.appendingPathComponent("p")
        let r = try CLI.run(["split", Self.b2b, "--pieces", "5", "--output-dir", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        let input = try String(contentsOfFile: Self.b2b, encoding: .utf8).split(separator: "\n").map(String.init)
        let position = Dictionary(input.dropFirst().enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        var all: [String] = []
        var owner: [String: Int] = [:]
        var customers = 0
        for piece in 0..<5 {
            let path = out.appendingPathComponent("piece-000\(piece)/0001-b2b-software-purchase.csv").path
            let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
            #expect(lines.first == input.first)
            let rows = Array(lines.dropFirst())
            let at = rows.compactMap { position[$0] }
            #expect(at.count == rows.count && at == at.sorted(), "piece \(piece) keeps input order")
            var mine = Set<String>()
            for row in rows {
                let id = String(row.prefix { $0 != "," })
                #expect(owner[id] == nil || owner[id] == piece, "customer \(id) in two pieces")
                owner[id] = piece
                mine.insert(id)
            }
            customers += mine.count
            #expect(r.stderr.contains("note: piece-000\(piece): " + Self.counted(rows.count, "row") + ", " + Self.counted(mine.count, "customer")))
            all += rows
        }
        #expect(all.sorted() == input.dropFirst().sorted())
        #expect(customers == 2112)
    }

    /// Per-customer verdicts of the pieces, concatenated without their headers, are the
    /// whole log's (with one --as-of: the whole log's last event).
    @Test func perCustomerRowsConcatenate() throws {
        let dir = try CLI.temporaryDirectory()
        let out = dir.appendingPathComponent("p")
        #expect(try CLI.run(["split", Self.b2b, "--pieces", "4", "--output-dir", out.path, "--quiet"]).status == 0)
        let asOf = try #require(Self.stats([Self.b2b])["last_event"] as? String)
        let whole = dir.appendingPathComponent("whole.csv").path
        let w = try CLI.run(["check", Self.b2b, "--map", Self.b2bMap, "--per-customer", whole, "--as-of", asOf, "--quiet"])
        #expect(w.status == 0, "\(w.stderr)")
        let wholeLines = try String(contentsOfFile: whole, encoding: .utf8).split(separator: "\n").map(String.init)
        var header: String?
        var rows: [String] = []
        for piece in 0..<4 {
            let file = dir.appendingPathComponent("piece\(piece).csv").path
            let c = try CLI.run(["check", out.appendingPathComponent("piece-000\(piece)/0001-b2b-software-purchase.csv").path,
                                 "--map", Self.b2bMap, "--per-customer", file, "--as-of", asOf, "--quiet"])
            #expect(c.status == 0, "\(c.stderr)")
            let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").map(String.init)
            header = lines.first
            rows += lines.dropFirst()
        }
        #expect(header == wholeLines.first)
        #expect(rows.count == 2112)
        #expect(Set(rows) == Set(wholeLines.dropFirst()) && rows.count == wholeLines.count - 1)
        // In progress vs dropped out depends on --as-of: without it a piece ends earlier.
        #expect(rows.contains { $0.contains(",in_progress,") } || rows.contains { $0.contains(",dropped_out,") })
    }

    @Test func refusesANonEmptyFolderAndBadPieces() throws {
        let dir = try CLI.temporaryDirectory()
        try Data("x".utf8).write(to: dir.appendingPathComponent("old.txt"))
        let r = try CLI.run(["split", Self.b2b, "--pieces", "2", "--output-dir", dir.path])
        #expect(r.status == 2)
        #expect(r.stderr.contains("is not empty"))
        let zero = try CLI.run(["split", Self.b2b, "--pieces", "0", "--output-dir", dir.appendingPathComponent("n").path])
        #expect(zero.status == 2)
        #expect(zero.stderr.contains("--pieces must be between 1 and 100000"))
        // A failed split (an unreadable input) leaves no folder and no staging folder.
        let target = dir.appendingPathComponent("new")
        let bad = try CLI.run(["split", Self.b2b, dir.appendingPathComponent("missing.csv").path, "--pieces", "2", "--output-dir", target.path])
        #expect(bad.status == 2)
        #expect(!FileManager.default.fileExists(atPath: target.path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["old.txt"])
        // An empty folder is fine.
        let empty = dir.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: false)
        #expect(try CLI.run(["split", Self.b2b, "--pieces", "2", "--output-dir", empty.path, "--quiet"]).status == 0)
        #expect(try Self.files(empty).count == 2)
    }
}
