import Foundation
import Testing

/// Real exports end to end: legacy encodings, several files of different shapes, and a log
/// that is mostly rejected (fixtures in `Tests/Fixtures/exports`).
@Suite("encodings and several exports (CLI)")
struct EncodingAndInputsCommandTests {
    static func export(_ name: String) -> String {
        CLI.packageRoot.appendingPathComponent("Tests/Fixtures/exports/\(name)").path
    }

    static let touchpoints = """
    Touchpoints (3):
      Café visit     2
      Price € quote  1
      “Smart” offer  1

    """

    @Test func utf16WithBOMAndWithoutAreDecoded() throws {
        let le = try CLI.run(["stats", Self.export("utf16le-bom.csv")])
        #expect(le.status == 0, "\(le.stderr)")
        #expect(le.stdout.contains("Rows: 4 read = 4 used + 0 rejected\n"))
        #expect(le.stdout.hasSuffix(Self.touchpoints))
        #expect(le.stdout.contains("  encoding                 UTF-16LE (byte-order mark)\n"))
        #expect(le.stderr.contains("note: \(Self.export("utf16le-bom.csv")): encoding UTF-16LE (byte-order mark), read as UTF-8\n"))
        let be = try CLI.run(["stats", Self.export("utf16be.csv")])
        #expect(be.status == 0, "\(be.stderr)")
        #expect(be.stdout.hasSuffix(Self.touchpoints))
        #expect(be.stdout.contains("  encoding                 UTF-16BE (NUL-byte pattern)\n"))
    }

    @Test func windows1252IsSuggestedThenRead() throws {
        let plain = try CLI.run(["stats", Self.export("cp1252.csv")])
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(plain.stderr.contains("note: \(Self.export("cp1252.csv")):2: bytes that are not valid UTF-8 (the first such line); rows are used with these bytes as they are (shown as U+FFFD); if this export is Windows-1252 or Latin-1, pass --encoding windows-1252 (or --encoding latin1)\n"))
        #expect(plain.stdout.contains("Names with invalid UTF-8: 3 (shown with U+FFFD)"))
        for name in ["windows-1252", "cp1252", "CP1252"] {
            let r = try CLI.run(["stats", "--encoding", name, Self.export("cp1252.csv")])
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stdout.hasSuffix(Self.touchpoints))
            #expect(!r.stderr.contains("not valid UTF-8"))
            #expect(r.stdout.contains("  encoding                 Windows-1252 (given)\n"))
        }
    }

    @Test func latin1GzipAndJSON() throws {
        let dir = try CLI.temporaryDirectory()
        let gz = dir.appendingPathComponent("latin1.csv.gz")
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Self.export("latin1.csv"))))
        try Data(try GzipCommandTestsSupport.gzip(bytes)).write(to: gz)
        let r = try CLI.run(["stats", "--encoding", "latin-1", "--format", "json", gz.path])
        #expect(r.status == 0, "\(r.stderr)")
        let j = try #require(CLI.json(r.stdout))
        #expect((j["touchpoints"] as? [String: Int]) == ["Café": 1, "Señal": 1, "Über": 1])
        let input = try #require((j["inputs"] as? [[String: Any]])?.first)
        #expect(input["encoding"] as? String == "ISO-8859-1")
        #expect(input["encoding_evidence"] as? String == "given")
        #expect(input["first_invalid_utf8_line"] is NSNull)
        #expect(input["rows_read"] as? Int == 3)
    }

    @Test func unknownEncodingIsAUsageErrorListingTheNames() throws {
        let r = try CLI.run(["stats", "--encoding", "ebcdic", Self.export("latin1.csv")])
        #expect(r.status == 2)
        #expect(r.stderr.contains("unknown encoding 'ebcdic'; supported: utf-8 (utf8), utf-16 (utf16), utf-16le, utf-16be, windows-1252 (cp1252), iso-8859-1 (latin1, latin-1)"))
    }

    @Test func twoExportsAreDetectedEachOnItsOwn() throws {
        let dir = try CLI.temporaryDirectory()
        let rejects = dir.appendingPathComponent("rejects.csv").path
        let a = Self.export("export-a.csv"), b = Self.export("export-b.csv")
        let r = try CLI.run(["stats", a, b, "--rejects", rejects])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Rows: 7 read = 6 used + 1 rejected\n"))
        #expect(r.stdout.contains("""
        Inputs:
          \(a): 3 rows = 3 used + 0 rejected
            encoding UTF-8 (byte-order mark), delimiter ';', line ends CRLF
            timestamp format %d.%m.%Y %H:%M (detected)
          \(b): 4 rows = 3 used + 1 rejected
            encoding UTF-8, delimiter ',', line ends LF
            timestamp format ISO 8601 (detected)

        """))
        #expect(r.stderr.contains("note: \(a): encoding UTF-8 (byte-order mark), delimiter ';', line ends CRLF, timestamp format %d.%m.%Y %H:%M (detected), 3 rows, 0 rejected\n"))
        #expect(r.stderr.contains("note: \(b): encoding UTF-8, delimiter ',', line ends LF, timestamp format ISO 8601 (detected), 4 rows, 1 rejected, columns case=customer_id, touchpoint=touchpoint, timestamp=timestamp\n"))
        let text = try String(contentsOfFile: rejects, encoding: .utf8)
        #expect(text == """
        line,record,reason,row,row_base64,file
        5,4,"bad_timestamp: cannot read 'not a date' as ISO 8601","k4,Anfrage,not a date",azQsQW5mcmFnZSxub3QgYSBkYXRl,"\(b)"

        """)

        let json = try CLI.run(["stats", "--format", "json", a, b])
        let inputs = try #require(CLI.json(json.stdout)?["inputs"] as? [[String: Any]])
        #expect(inputs.count == 2)
        #expect(inputs.map { $0["delimiter"] as? String } == [";", ","])
        #expect(inputs.map { $0["line_ends"] as? String } == ["CRLF", "LF"])
        #expect(inputs.map { $0["byte_order_mark"] as? Bool } == [true, false])
        #expect(inputs.map { $0["timestamp_format"] as? String } == ["%d.%m.%Y %H:%M", "ISO 8601"])
        #expect(inputs.map { $0["rows_used"] as? Int } == [3, 3])
        #expect(inputs.map { $0["rows_rejected"] as? Int } == [0, 1])
    }

    @Test func aMostlyRejectedLogStopsEveryCommand() throws {
        let dir = try CLI.temporaryDirectory()
        let log = Self.export("mostly-rejected.csv")
        let map = dir.appendingPathComponent("j.yaml").path
        try "journey: J\nstages:\n  - id: all\n    steps:\n      - id: visit\n        touchpoints: [visit]\n      - id: signup\n        touchpoints: [signup]\n".write(toFile: map, atomically: true, encoding: .utf8)
        let expected = "error: 8 of 10 rows rejected (80.0%), more than half of the log; the main reason is bad_timestamp (8 rows), first at \(log):4:3 (column 'timestamp'): cannot read '13.03.2024 10:00' as ISO 8601. Fix: pass --timestamp-format '%d.%m.%Y %H:%M', the format of that value (see docs/timestamps.md). If these rejections are expected, pass --max-reject-rate 1 to use the remaining rows\n"
        let commands: [[String]] = [
            ["stats", log], ["discover", log], ["check", log, "--map", map],
            ["map", "draft", log], ["map", "validate", map, log],
        ]
        for command in commands {
            let r = try CLI.run(command)
            #expect(r.status == 2, "\(command): \(r.stderr)")
            #expect(r.stderr.hasSuffix(expected), "\(command): \(r.stderr)")
            #expect(r.stdout.isEmpty, "\(command)")
            let accepted = try CLI.run(command + ["--max-reject-rate", "1"])
            #expect(accepted.status != 2, "\(command): \(accepted.stderr)")
        }
        // The rejects file of the stopped run is written in full.
        let rejects = dir.appendingPathComponent("rejects.csv").path
        let r = try CLI.run(["stats", log, "--rejects", rejects])
        #expect(r.status == 2)
        let rows = try String(contentsOfFile: rejects, encoding: .utf8).split(separator: "\n")
        #expect(rows.count == 9)
        #expect(rows[1].hasPrefix("4,3,\"bad_timestamp: cannot read '13.03.2024 10:00' as ISO 8601"))
        // The suggested flag fixes it: now the two ISO rows are the rejected ones.
        let fixed = try CLI.run(["stats", log, "--timestamp-format", "%d.%m.%Y %H:%M"])
        #expect(fixed.status == 0, "\(fixed.stderr)")
        #expect(fixed.stdout.contains("Rows: 10 read = 8 used + 2 rejected\n"))
        // An explicit rate is the limit, and its message keeps its wording.
        let over = try CLI.run(["stats", log, "--max-reject-rate", "0.5"])
        #expect(over.status == 2)
        #expect(over.stderr.contains("error: 8 of 10 rows rejected (80.0%), over --max-reject-rate 0.5; the main reason is bad_timestamp (8 rows)"))
        #expect(try CLI.run(["stats", log, "--max-reject-rate", "0.8"]).status == 0)
    }
}

/// gzip for the CLI tests (the ingest tests' helper lives in another module).
enum GzipCommandTestsSupport {
    static func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
        let dir = try CLI.temporaryDirectory()
        let file = dir.appendingPathComponent("log.csv")
        try Data(bytes).write(to: file)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/gzip")
        p.arguments = ["-n", file.path]
        try p.run()
        p.waitUntilExit()
        return [UInt8](try Data(contentsOf: dir.appendingPathComponent("log.csv.gz")))
    }
}
