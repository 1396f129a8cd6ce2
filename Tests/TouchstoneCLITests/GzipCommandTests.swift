import Foundation
import Testing

/// Damaged and hostile gzip inputs through the binary: exit code 2 and a named error.
@Suite("gzip inputs")
struct GzipCommandTests {
    static func gzip(_ text: String, in dir: URL, name: String) throws -> [UInt8] {
        let plain = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: plain)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/gzip")
        p.arguments = ["-n", "-f", plain.path]
        try p.run()
        p.waitUntilExit()
        return [UInt8](try Data(contentsOf: dir.appendingPathComponent(name + ".gz")))
    }

    static let log = "customer_id,touchpoint,timestamp\nc1,a,2024-01-01T10:00:00Z\nc1,b,2024-01-01T11:00:00Z\n"

    @Test func damagedStreamsExit2WithTheirName() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let gz = try GzipCommandTests.gzip(GzipCommandTests.log, in: dir, name: "log.csv")
        let truncated = dir.appendingPathComponent("cut.csv.gz")
        try Data(gz.dropLast(6)).write(to: truncated)
        let t = try CLI.run(["stats", truncated.path])
        #expect(t.status == 2)
        #expect(t.stderr.contains("cut.csv.gz: error: gzip stream is truncated"), "\(t.stderr)")
        let trailing = dir.appendingPathComponent("tail.csv.gz")
        try Data(gz + Array("junk".utf8)).write(to: trailing)
        let g = try CLI.run(["stats", trailing.path])
        #expect(g.status == 2)
        #expect(g.stderr.contains("tail.csv.gz: error: bytes after the last gzip member are not another gzip member"), "\(g.stderr)")
        let s = try CLI.run(["stats", "-"], stdin: Data(gz.dropLast(6)))
        #expect(s.status == 2)
        #expect(s.stderr.contains("-: error: gzip stream is truncated"), "\(s.stderr)")
    }

    @Test func multiMemberFileReadsAllMembers() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = try GzipCommandTests.gzip(GzipCommandTests.log, in: dir, name: "a.csv")
        let second = try GzipCommandTests.gzip("c2,c,2024-01-01T12:00:00Z\n", in: dir, name: "b.csv")
        let both = dir.appendingPathComponent("both.csv.gz")
        try Data(first + second).write(to: both)
        let r = try CLI.run(["stats", "--format", "json", both.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(CLI.json(r.stdout)?["rows_used"] as? Int == 3)
        let s = try CLI.run(["stats", "--format", "json", "-"], stdin: Data(first + second))
        #expect(CLI.json(s.stdout)?["rows_used"] as? Int == 3, "\(s.stderr)")
    }

    @Test func gzipBombStopsAtMaxExpansion() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let zeros = String(repeating: "0", count: 20 << 20)
        let gz = try GzipCommandTests.gzip(GzipCommandTests.log + "c2,a," + zeros, in: dir, name: "bomb.csv")
        let r = try CLI.run(["stats", "--max-expansion", "20", dir.appendingPathComponent("bomb.csv.gz").path])
        #expect(r.status == 2)
        #expect(r.stderr.contains("bomb.csv.gz: error: decompressed data exceeds 20 times its compressed size"), "\(r.stderr)")
        #expect(gz.count > 0)
        let off = try CLI.run(["stats", "--format", "json", "--max-expansion", "0", dir.appendingPathComponent("bomb.csv.gz").path])
        #expect(off.status == 0, "\(off.stderr)")
        #expect(CLI.json(off.stdout)?["rows_rejected"] as? Int == 1)
    }
}
