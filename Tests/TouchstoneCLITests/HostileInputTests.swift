import Foundation
import Testing

/// Hostile inputs through the binary: bounded work, one rejection or one named error.
@Suite("Hostile inputs")
struct HostileInputTests {
    static func write(_ bytes: [UInt8], _ name: String, in dir: URL) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    static let start = Array("customer_id,touchpoint,timestamp\nc1,a,2024-01-01T10:00:00Z\n".utf8)

    @Test func zerosWithoutANewlineAreOneRejection() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try HostileInputTests.write(HostileInputTests.start + Array("c2,".utf8) + [UInt8](repeating: 0x30, count: 50 << 20), "zeros.csv", in: dir)
        let r = try CLI.run(["stats", "--format", "json", "--max-field-size", "1000", "--rejects", dir.appendingPathComponent("rejects.csv").path, path])
        #expect(r.status == 0, "\(r.stderr)")
        let json = CLI.json(r.stdout)
        let ingest = json
        #expect(ingest?["rows_read"] as? Int == 2, "\(r.stdout.prefix(600))")
        #expect(ingest?["rows_rejected"] as? Int == 1)
        let rejects = try Data(contentsOf: dir.appendingPathComponent("rejects.csv"))
        // The kept raw row is at most 1 MiB; the rejects file holds it as safe text and as
        // base64 (4/3 of it): bounded by the limit, not by the 50 MB input.
        #expect(rejects.count < 3 << 20)
        #expect(String(decoding: rejects.prefix(200), as: UTF8.self).contains("field_too_large"))
    }

    @Test func hugeHeaderFailsWithItsPosition() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try HostileInputTests.write([UInt8](repeating: 0x68, count: 40 << 20) + Array("\nc1,a,2024-01-01T10:00:00Z\n".utf8), "header.csv", in: dir)
        let r = try CLI.run(["stats", "--max-field-size", "1000", path])
        #expect(r.status == 2)
        #expect(r.stderr.contains("header.csv:1:1: error: header field 1 is over 1000 bytes"), "\(r.stderr.prefix(400))")
        #expect(r.stderr.utf8.count < 2000)
    }

    @Test func hugeQuotedFieldThatClosesIsOneRejection() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var bytes = HostileInputTests.start + Array("c2,\"".utf8)
        for _ in 0..<1_000_000 { bytes += Array("xxxxxxxxx\n".utf8) }
        bytes += Array("\",2024-01-01T10:00:00Z\nc3,b,2024-01-01T11:00:00Z\n".utf8)
        let path = try HostileInputTests.write(bytes, "quoted.csv", in: dir)
        // One rejected row holding a million of the log's lines stops the run (exit 2, naming
        // the line); accepted deliberately, it is one rejection.
        let stopped = try CLI.run(["stats", "--format", "json", "--max-field-size", "1000", path])
        #expect(stopped.status == 2)
        #expect(stopped.stderr.contains("the row at \(path):3 spans 1000001 lines"), "\(stopped.stderr)")
        let r = try CLI.run(["stats", "--format", "json", "--max-field-size", "1000", "--max-reject-rate", "1", path])
        #expect(r.status == 0, "\(r.stderr)")
        let ingest = CLI.json(r.stdout)
        #expect(ingest?["rows_read"] as? Int == 3, "\(r.stdout.prefix(600))")
        #expect(ingest?["rows_used"] as? Int == 2)
        #expect(ingest?["rows_rejected"] as? Int == 1)
    }
}
