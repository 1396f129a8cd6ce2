import Foundation
import Testing

/// Outputs that a hostile log can't hijack: terminal-safe text and stderr, unique JSON keys,
/// markers that can't be forged, bounded messages, safe rejects (issue 13).
@Suite("Output escaping")
struct OutputEscapingTests {
    /// A log written byte for byte into a fresh folder.
    static func log(_ bytes: [UInt8], name: String = "log.csv") throws -> (dir: URL, path: String) {
        let dir = try CLI.temporaryDirectory()
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return (dir, url.path)
    }

    /// ESC, the 8-bit CSI (U+009B), BEL and a right-to-left override.
    static let hostile = "\u{1B}]0;owned\u{07}\u{1B}[31mred\u{9B}2J\u{202E}txt"

    static func isTerminalSafe(_ text: String) -> Bool {
        !text.unicodeScalars.contains { s in
            (s.value < 0x20 && s != "\n") || (0x7F...0x9F).contains(s.value) || (0x202A...0x202E).contains(s.value)
                || (0x2066...0x2069).contains(s.value)
        }
    }

    @Test func textOutputsAndStderrCarryNoTerminalControls() throws {
        let csv = """
        customer_id,touchpoint,stage,timestamp
        c1,\(Self.hostile),\(Self.hostile),2024-01-01T10:00:00Z
        c1,home,buy,2024-01-01T10:01:00Z
        c2,home,\(Self.hostile),not a time \(Self.hostile)
        c2,"=HYPERLINK(""x"")",buy,2024-01-01T10:03:00Z

        """
        let (dir, path) = try Self.log(Array(csv.utf8))
        let rejects = dir.appendingPathComponent("rejects.csv").path
        for args in [["stats", path, "--rejects", rejects], ["discover", path], ["discover", path, "--format", "dot"],
                     ["discover", path, "--format", "mermaid"], ["discover", path, "--format", "json"],
                     ["map", "draft", path]] {
            let r = try CLI.run(args)
            #expect(r.status == 0, "\(args): \(r.stderr)")
            #expect(Self.isTerminalSafe(r.stdout), "\(args): \(r.stdout)")
            #expect(Self.isTerminalSafe(r.stderr), "\(args): \(r.stderr)")
        }
        // A header listed in an error, with the hostile name in it.
        let missing = try CLI.run(["stats", path, "--activity", "nope\u{1B}[2J"])
        #expect(missing.status == 2)
        #expect(Self.isTerminalSafe(missing.stderr), "\(missing.stderr)")
        #expect(missing.stderr.contains("\\u{1b}"), "escaped visibly: \(missing.stderr)")

        // Rejects CSV: the row is safe text neutralised against formulas, the raw bytes in Base64.
        let text = try String(contentsOfFile: rejects, encoding: .utf8)
        #expect(Self.isTerminalSafe(text.replacingOccurrences(of: "\r", with: "")), "\(text)")
        let lines = text.split(separator: "\n")
        #expect(lines.first == "line,record,reason,row,row_base64")
        let raw = "c2,home,\(Self.hostile),not a time \(Self.hostile)"
        let base64 = Data(raw.utf8).base64EncodedString()
        #expect(lines.contains { $0.hasSuffix("," + base64) }, "\(text)")
    }

    @Test func rejectedRowsStartingWithAFormulaAreNeutralisedAndRecoverable() throws {
        let raw = "=cmd|' /C calc'!A0,home"
        let (dir, path) = try Self.log(Array("customer_id,touchpoint,timestamp\n\(raw)\nc1,home,2024-01-01T10:00:00Z\n".utf8))
        let rejects = dir.appendingPathComponent("rejects.csv").path
        let r = try CLI.run(["stats", path, "--rejects", rejects])
        #expect(r.status == 0, "\(r.stderr)")
        let text = try String(contentsOfFile: rejects, encoding: .utf8)
        #expect(text.contains(",\"'=cmd|' /C calc'!A0,home\","), "\(text)")
        #expect(text.contains("," + Data(raw.utf8).base64EncodedString() + "\n"), "\(text)")
    }

    @Test func twoInvalidUTF8NamesGiveDistinctJSONKeys() throws {
        var bytes = Array("customer_id,touchpoint,timestamp\n".utf8)
        bytes += Array("c1,a".utf8) + [0xFF] + Array(",2024-01-01T10:00:00Z\n".utf8)
        bytes += Array("c1,a".utf8) + [0xFE] + Array(",2024-01-01T10:01:00Z\n".utf8)
        bytes += Array("c2,a".utf8) + [0xFE] + Array(",2024-01-01T10:02:00Z\n".utf8)
        let (_, path) = try Self.log(bytes)
        let r = try CLI.run(["stats", path, "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let touchpoints = try #require(CLI.json(r.stdout)?["touchpoints"] as? [String: Int])
        #expect(touchpoints.count == 2, "\(r.stdout)")
        #expect(touchpoints["a\u{FFFD}"] != nil && touchpoints["a\u{FFFD} #2"] != nil, "\(touchpoints)")
        #expect(touchpoints.values.sorted() == [1, 2])
        // The raw text has each key once (JSONSerialization would hide a duplicate).
        #expect(r.stdout.components(separatedBy: "\"a\u{FFFD}\":").count == 2, "\(r.stdout)")
    }

    @Test func touchpointsNamedLikeMarkersAreEscaped() throws {
        let csv = """
        customer_id,touchpoint,stage,timestamp
        c1,<start>,<end>,2024-01-01T10:00:00Z
        c1,<end>,start,2024-01-01T10:01:00Z
        c1,\\<start>,x,2024-01-01T10:02:00Z

        """
        let (_, path) = try Self.log(Array(csv.utf8))
        let r = try CLI.run(["discover", path, "--format", "csv"])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = Set(r.stdout.split(separator: "\n").map { $0.split(separator: ",").prefix(2).joined(separator: ",") })
        #expect(rows.contains("<start>,\\<start>"), "\(r.stdout)")
        #expect(rows.contains("\\<start>,\\<end>"), "\(r.stdout)")
        #expect(rows.contains("\\<end>,\\\\<start>"), "\(r.stdout)")
        #expect(rows.contains("\\\\<start>,<end>"), "\(r.stdout)")

        let json = try CLI.run(["discover", path, "--format", "json"])
        let stages = try #require(CLI.json(json.stdout)?["stages"] as? [String: Any])
        let matrix = try #require(stages["matrix"] as? [[String: Any]])
        let froms = matrix.compactMap { $0["from"] as? String }
        #expect(froms == ["<start>", "\\<end>", "start", "x"], "\(froms)")
        let firstTargets = (matrix.first?["to"] as? [[String: Any]])?.compactMap { $0["stage"] as? String }
        #expect(firstTargets == ["\\<end>"])

        let text = try CLI.run(["discover", path])
        #expect(text.stdout.contains("\\start"), "stage `start` escaped in the text matrix: \(text.stdout)")
        let dot = try CLI.run(["discover", path, "--format", "dot"])
        #expect(!dot.stdout.contains("label=\"start\\n"), "\(dot.stdout)")
    }

    @Test func errorMessagesAreBoundedForAHugeHeader() throws {
        let columns = 500_000
        var header = (0..<columns).map { "column\($0)" }.joined(separator: ",")
        header += "\n" + (0..<columns).map { _ in "x" }.joined(separator: ",") + "\n"
        let (_, path) = try Self.log(Array(header.utf8))
        let r = try CLI.run(["stats", path, "--activity", "missing", "--max-field-size", "100000000"])
        #expect(r.status == 2)
        #expect(r.stderr.utf8.count < 8_000, "stderr is \(r.stderr.utf8.count) bytes")
        #expect(r.stderr.contains("more)"), "\(r.stderr.prefix(3000))")
    }

    @Test func checkTextAndPerCustomerCSVCarryNoTerminalControls() throws {
        let csv = """
        customer_id,touchpoint,timestamp
        \(Self.hostile),home,2024-01-01T10:00:00Z
        \(Self.hostile),\(Self.hostile),2024-01-01T10:01:00Z
        c2,home,2024-01-01T10:02:00Z
        c2,buy,2024-01-01T10:03:00Z

        """
        let (dir, path) = try Self.log(Array(csv.utf8))
        let map = dir.appendingPathComponent("journey.yaml")
        try """
        journey: shop
        stages:
          - id: s
            steps:
              - id: home
                touchpoints: [home]
              - id: buy
                touchpoints: [buy]
        """.write(to: map, atomically: true, encoding: .utf8)
        let perCustomer = dir.appendingPathComponent("customers.csv").path
        let r = try CLI.run(["check", path, "--map", map.path, "--per-customer", perCustomer])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(Self.isTerminalSafe(r.stdout), "\(r.stdout)")
        #expect(Self.isTerminalSafe(r.stderr), "\(r.stderr)")
        let coverage = try CLI.run(["map", "validate", map.path, path])
        #expect(coverage.status == 0, "\(coverage.stderr)")
        #expect(coverage.stdout.contains("\\u{1b}]0;owned"), "unmatched touchpoint shown escaped: \(coverage.stdout)")
        #expect(Self.isTerminalSafe(coverage.stdout), "\(coverage.stdout)")
        let rows = try String(contentsOfFile: perCustomer, encoding: .utf8)
        #expect(Self.isTerminalSafe(rows), "\(rows)")
        #expect(rows.contains("\u{FFFD}]0;owned"), "\(rows)")
    }
}
