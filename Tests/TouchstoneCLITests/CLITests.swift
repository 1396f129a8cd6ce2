import Foundation
import Testing

/// Runs the built `touchstone` binary in a temporary folder.
struct CLI {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let sharedLogs = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/real-logs")

    /// The `touchstone` built beside the tests (macOS: beside the .xctest bundle; Linux: in the
    /// same folder as the test executable, whatever `--scratch-path` is), else `.build/debug`.
    static var binary: URL {
        let bundle = Bundle.main.bundleURL
        for folder in [bundle, bundle.deletingLastPathComponent()] {
            let candidate = folder.appendingPathComponent("touchstone")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return packageRoot.appendingPathComponent(".build/debug/touchstone")
    }

    struct Result { var status: Int32; var stdout: String; var stderr: String }

    @discardableResult
    static func run(_ arguments: [String], stdin: Data? = nil, in directory: URL? = nil) throws -> Result {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = directory ?? packageRoot
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("touchstone-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func fixture(_ name: String) -> String {
        packageRoot.appendingPathComponent("Tests/Fixtures/ingest/\(name)").path
    }

    static func json(_ text: String) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
    }
}

@Suite("touchstone stats")
struct StatsCommandTests {
    @Test func textStatesTheReconciliation() throws {
        let r = try CLI.run(["stats", CLI.fixture("ragged.csv")])
        #expect(r.status == 0)
        #expect(r.stdout.contains("Rows: 4 read = 2 used + 2 rejected"))
        #expect(r.stdout.contains("wrong_field_count"))
        #expect(r.stderr.contains("note: detected columns: case=customer_id, touchpoint=touchpoint, timestamp=timestamp"))
    }

    @Test func jsonHasTheDocumentedKeys() throws {
        let r = try CLI.run(["stats", "--format", "json", CLI.fixture("out-of-order.csv")])
        #expect(r.status == 0)
        let j = try #require(CLI.json(r.stdout))
        #expect(j["rows_read"] as? Int == 6)
        #expect(j["rows_used"] as? Int == 6)
        #expect(j["rows_rejected"] as? Int == 0)
        #expect(j["customers"] as? Int == 2)
        #expect(j["events"] as? Int == 6)
        #expect(j["out_of_order"] as? Int == 2)
        #expect(j["duplicates"] as? Int == 1)
        #expect(j["first_event"] as? String == "2024-01-01T08:00:00Z")
        #expect(j["last_event"] as? String == "2024-01-01T10:05:00Z")
        #expect((j["touchpoints"] as? [String: Int]) == ["b": 2, "a": 1, "c": 1, "x": 1, "y": 1])
        #expect((j["mapping"] as? [String: String]) == ["case": "customer_id", "touchpoint": "touchpoint", "timestamp": "timestamp"])
        #expect((j["rejections"] as? [String: Int]) == [:])
    }

    @Test func dedupeDropsDuplicates() throws {
        let r = try CLI.run(["stats", "--format", "json", "--dedupe", CLI.fixture("out-of-order.csv")])
        let j = try #require(CLI.json(r.stdout))
        #expect(j["events"] as? Int == 5)
        #expect(j["rows_used"] as? Int == 6)
        #expect(j["duplicates_dropped"] as? Bool == true)
    }

    @Test func rejectsFileHoldsRawRows() throws {
        let dir = try CLI.temporaryDirectory()
        let rejects = dir.appendingPathComponent("rejects.csv").path
        // Most of its rows are rejected on purpose: accepted with --max-reject-rate 1.
        let r = try CLI.run(["stats", "--rejects", rejects, "--max-reject-rate", "1", CLI.fixture("bad-quoting.csv")])
        #expect(r.status == 0)
        let text = try String(contentsOfFile: rejects, encoding: .utf8)
        #expect(text == """
        line,record,reason,row,row_base64
        2,1,"bad_quoting: field 2: a quote inside an unquoted field, or text after a closing quote","c1,ho""me,2024-01-01T10:00:00Z",YzEsaG8ibWUsMjAyNC0wMS0wMVQxMDowMDowMFo=
        3,2,"bad_quoting: field 2: a quote inside an unquoted field, or text after a closing quote","c1,""home""x,2024-01-01T10:01:00Z",YzEsImhvbWUieCwyMDI0LTAxLTAxVDEwOjAxOjAwWg==

        """)
    }

    @Test func maxRejectRateFailsWithExitCode2() throws {
        let r = try CLI.run(["stats", "--max-reject-rate", "0.4", CLI.fixture("ragged.csv")])
        #expect(r.status == 2)
        #expect(r.stderr.contains("2 of 4 rows rejected (50.0%), over --max-reject-rate 0.4"))
        let ok = try CLI.run(["stats", "--max-reject-rate", "0.5", CLI.fixture("ragged.csv")])
        #expect(ok.status == 0)
    }

    @Test func inputErrorsNameTheFileAndExit2() throws {
        let missing = try CLI.run(["stats", "no-such-file.csv"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no-such-file.csv: error: cannot open"))
        let column = try CLI.run(["stats", "--case", "client", CLI.fixture("ragged.csv")])
        #expect(column.status == 2)
        #expect(column.stderr.contains("no column named 'client' for case (header: 1=customer_id, 2=touchpoint, 3=timestamp)"))
        let ambiguous = try CLI.run(["stats", CLI.fixture("empty.csv")])
        #expect(ambiguous.status == 2)
        #expect(ambiguous.stderr.contains("input is empty"))
        #expect(!missing.stderr.contains("Fatal error") && !missing.stderr.contains("Stack"))
    }

    @Test func usageErrorsExit2AndHelpExits0() throws {
        let bad = try CLI.run(["stats", "--no-such-flag", CLI.fixture("ragged.csv")])
        #expect(bad.status == 2)
        let delimiter = try CLI.run(["stats", "--delimiter", "ab", CLI.fixture("ragged.csv")])
        #expect(delimiter.status == 2)
        let zone = try CLI.run(["stats", "--timezone", "Mars/Olympus", CLI.fixture("ragged.csv")])
        #expect(zone.status == 2)
        #expect(zone.stderr.contains("unknown time zone 'Mars/Olympus'"))
        let pattern = try CLI.run(["stats", "--timestamp-format", "%Q", CLI.fixture("ragged.csv")])
        #expect(pattern.status == 2)
        #expect(pattern.stderr.contains("unknown directive '%Q'"))
        let help = try CLI.run(["stats", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("--max-reject-rate"))
    }

    @Test func standardInputAndGzip() throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: CLI.fixture("ragged.csv")))
        let r = try CLI.run(["stats", "--format", "json", "-"], stdin: bytes)
        #expect(CLI.json(r.stdout)?["rows_used"] as? Int == 2)
        let dir = try CLI.temporaryDirectory()
        let gz = dir.appendingPathComponent("log.csv.gz")
        try bytes.write(to: dir.appendingPathComponent("log.csv"))
        let zip = Process()
        zip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        zip.arguments = [dir.appendingPathComponent("log.csv").path]
        try zip.run()
        zip.waitUntilExit()
        let g = try CLI.run(["stats", "--format", "json", gz.path])
        #expect(CLI.json(g.stdout)?["rows_used"] as? Int == 2)
        let gzStdin = try Data(contentsOf: gz)
        let gs = try CLI.run(["stats", "--format", "json", "-"], stdin: gzStdin)
        #expect(CLI.json(gs.stdout)?["rows_read"] as? Int == 4)
    }

    @Test func severalInputsReadAsOneLog() throws {
        let r = try CLI.run(["stats", "--format", "json", CLI.fixture("ragged.csv"), CLI.fixture("out-of-order.csv")])
        let j = try #require(CLI.json(r.stdout))
        #expect(j["rows_read"] as? Int == 10)
        #expect(j["rows_used"] as? Int == 8)
    }

    /// The numbers pm4py gives for the real logs (../shared/real-logs/README.md).
    @Test(arguments: [("running-example", 42, 6, 8), ("receipt", 8577, 1434, 27), ("roadtraffic100traces", 390, 100, 10)])
    func realLogsAgreeWithPM4Py(name: String, events: Int, cases: Int, activities: Int) throws {
        let path = CLI.sharedLogs.appendingPathComponent("\(name).csv").path
        try #require(FileManager.default.fileExists(atPath: path), "needs ../shared/real-logs")
        let r = try CLI.run(["stats", "--format", "json", path])
        #expect(r.status == 0)
        let j = try #require(CLI.json(r.stdout))
        #expect(j["events"] as? Int == events)
        #expect(j["customers"] as? Int == cases)
        #expect((j["touchpoints"] as? [String: Int])?.count == activities)
        #expect(j["rows_rejected"] as? Int == 0)
    }
}

@Suite("touchstone discover")
struct DiscoverCommandTests {
    /// Edges and frequencies as pm4py's discover_dfg gives them (expected/NAME.dfg.csv).
    @Test(arguments: ["running-example", "receipt", "roadtraffic100traces"])
    func dfgMatchesPM4Py(name: String) throws {
        let log = CLI.sharedLogs.appendingPathComponent("\(name).csv").path
        let expectedPath = CLI.sharedLogs.appendingPathComponent("expected/\(name).dfg.csv").path
        try #require(FileManager.default.fileExists(atPath: expectedPath), "needs ../shared/real-logs")
        let r = try CLI.run(["discover", "--format", "csv", log])
        #expect(r.status == 0)
        let ours = r.stdout.split(whereSeparator: \.isNewline).dropFirst()
            .map { $0.split(separator: ",", omittingEmptySubsequences: false).prefix(3).joined(separator: ",") }
        let expected = try String(contentsOfFile: expectedPath, encoding: .utf8).split(whereSeparator: \.isNewline).dropFirst()
            .map { String($0) }
        #expect(r.stdout.hasPrefix("source,target,frequency,customers,mean_s,median_s,p90_s,max_s\n"))
        #expect(!expected.isEmpty, "\(expectedPath) has no edges")
        #expect(Set(ours) == Set(expected))
        #expect(ours.count == expected.count)
    }

    @Test(arguments: ["b2b-software-purchase", "retail-bank-onboarding", "support-eu"])
    func goldenOutputsForSampleLogs(name: String) throws {
        let log = CLI.packageRoot.appendingPathComponent("SampleLogs/\(name)/\(name).csv").path
        for format in ["csv", "json"] {
            let r = try CLI.run(["discover", "--format", format, "--variants", "10", log])
            #expect(r.status == 0)
            let golden = CLI.packageRoot.appendingPathComponent("Tests/TouchstoneCLITests/Golden/\(name).discover.\(format)")
            let expected = try String(contentsOf: golden, encoding: .utf8)
            #expect(r.stdout == expected, "\(name) \(format) differs from its golden file; Tests/TouchstoneCLITests/record-golden.sh re-records on purpose")
        }
    }

    @Test func formatsAndEscaping() throws {
        let dir = try CLI.temporaryDirectory()
        let log = dir.appendingPathComponent("evil.csv")
        try Data("customer_id,touchpoint,timestamp\nc1,\"=HYPERLINK(\"\"x\"\")\",2024-01-01T10:00:00Z\nc1,\"<script>\"\"a\"\"</script>\",2024-01-01T10:01:00Z\n".utf8).write(to: log)
        let csv = try CLI.run(["discover", "--format", "csv", log.path])
        #expect(csv.stdout.contains("\"'=HYPERLINK(\"\"x\"\")\""))
        let dot = try CLI.run(["discover", "--format", "dot", log.path])
        #expect(dot.stdout.hasPrefix("digraph"))
        #expect(dot.stdout.contains("<script>\\\"a\\\"</script>"))
        let mermaid = try CLI.run(["discover", "--format", "mermaid", log.path])
        #expect(mermaid.stdout.contains("flowchart LR"))
        #expect(!mermaid.stdout.contains("<script>"))
        let out = dir.appendingPathComponent("graph.json")
        let json = try CLI.run(["discover", "--format", "json", "--output", out.path, log.path])
        #expect(json.status == 0 && json.stdout.isEmpty)
        #expect(CLI.json(try String(contentsOf: out, encoding: .utf8)) != nil)
    }

    @Test func filtersAreValidated() throws {
        let log = CLI.packageRoot.appendingPathComponent("SampleLogs/b2b-software-purchase/b2b-software-purchase.csv").path
        let bad = try CLI.run(["discover", "--where", "nosuch=1", log])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("nosuch"))
        let since = try CLI.run(["discover", "--since", "yesterday", log])
        #expect(since.status == 2)
        let level = try CLI.run(["discover", "--level", "stage", "--format", "csv", CLI.fixture("ragged.csv")])
        #expect(level.status == 2)
        let filtered = try CLI.run(["discover", "--attribute", "segment", "--where", "segment=Enterprise", "--since", "2025-03-01", "--format", "json", log])
        #expect(filtered.status == 0)
        let j = try #require(CLI.json(filtered.stdout))
        #expect((j["filters"] as? [String])?.count == 2)
    }
}
