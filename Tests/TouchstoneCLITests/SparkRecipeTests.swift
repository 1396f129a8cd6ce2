import Foundation
import Testing

/// pyspark in `.venv-spark` (scripts/spark/install-pyspark.sh, run by the README's test
/// command) and Java, when installed; else the Spark tests are skipped with a warning.
enum Spark {
    static let python: String? = {
        let candidates = [ProcessInfo.processInfo.environment["TOUCHSTONE_SPARK_PYTHON"],
                          CLI.packageRoot.appendingPathComponent(".venv-spark/bin/python").path].compactMap { $0 }
        let python = candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
        let usable = python.map { works($0, ["-c", "import pyspark"]) && works("/usr/bin/env", ["java", "-version"]) } ?? false
        if !usable {
            FileHandle.standardError.write(Data("""

            *** WARNING: pyspark or Java not found (tried \(candidates.joined(separator: ", ")) and java): the Spark recipe tests are SKIPPED.
            *** Install them (apt-get install default-jre-headless python3-venv && scripts/spark/install-pyspark.sh) or set TOUCHSTONE_SPARK_PYTHON.

            """.utf8))
        }
        return usable ? python : nil
    }()

    private static func works(_ executable: String, _ arguments: [String]) -> Bool {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return false }
        p.waitUntilExit()
        return p.terminationStatus == 0
    }

    /// Runs scripts/spark/touchstone_spark.py with `arguments` (and this build's touchstone).
    static func recipe(_ arguments: [String]) throws -> CLI.Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python ?? "python3")
        p.arguments = [CLI.packageRoot.appendingPathComponent("scripts/spark/touchstone_spark.py").path,
                       "--touchstone", CLI.binary.path, "--master", "local[2]"] + arguments
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        nonisolated(unsafe) var errData = Data()
        let reader = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        while !reader.isFinished { Thread.sleep(forTimeInterval: 0.01) }
        return CLI.Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                          stderr: String(decoding: errData, as: UTF8.self))
    }

    /// A folder of three exports: the b2b sample log cut in two, and a small third one with a
    /// quoted line break, a quoted comma and `""` escapes (customers shared with the others).
    static func exports() throws -> URL {
        let dir = try CLI.temporaryDirectory().appendingPathComponent("exports")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let lines = try String(contentsOfFile: SplitCommandTests.b2b, encoding: .utf8).split(separator: "\n").map(String.init)
        let header = lines[0]
        try (([header] + lines[1...10_000]).joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("2025-h1.csv"), atomically: true, encoding: .utf8)
        try (([header] + lines[10_001...]).joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("2025-h2.csv"), atomically: true, encoding: .utf8)
        let ids = lines[1...].prefix(40).map { String($0.prefix { $0 != "," }) }
        var extra = [header]
        for (i, id) in ids.enumerated() {
            let note = i % 3 == 0 ? "\"Mid\nMarket\"" : i % 3 == 1 ? "\"say \"\"hi\"\"\"" : "\"a, b\""
            extra.append("\(id),Webinar,2026-06-30T23:00:\(String(format: "%02d", i % 60))Z,consideration,web,\(note),EMEA")
        }
        try (extra.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("2026-late.csv"), atomically: true, encoding: .utf8)
        return dir
    }
}

@Suite("pyspark recipe in local[2] mode", .enabled(if: Spark.python != nil, "pyspark or Java not found: Spark tests SKIPPED"), .serialized)
struct SparkRecipeTests {
    /// Spark's pieces (pmod(xxhash64(customer), N), rows sorted by file and position) are
    /// `touchstone split`'s: the same rows, byte for byte, in the same order.
    @Test func sparkPiecesAreSplitPieces() throws {
        let exports = try Spark.exports()
        let work = exports.deletingLastPathComponent()
        let keep = work.appendingPathComponent("spark-pieces")
        let r = try Spark.recipe(["--input", exports.path, "--pieces", "5", "--work", work.appendingPathComponent("w").path,
                                  "--keep-pieces", keep.path, "--split-only"])
        #expect(r.status == 0, "\(r.stderr)")
        let inputs = try FileManager.default.contentsOfDirectory(atPath: exports.path).sorted().map { exports.appendingPathComponent($0).path }
        let split = work.appendingPathComponent("split")
        let s = try CLI.run(["split"] + inputs + ["--pieces", "5", "--output-dir", split.path, "--quiet"])
        #expect(s.status == 0, "\(s.stderr)")
        var total = 0
        for piece in 0..<5 {
            let name = "piece-000\(piece)"
            let files = try FileManager.default.contentsOfDirectory(atPath: split.appendingPathComponent(name).path).sorted()
            var expected = ""
            for file in files {
                let text = try String(contentsOfFile: split.appendingPathComponent(name).appendingPathComponent(file).path, encoding: .utf8)
                expected += text[text.index(after: try #require(text.firstIndex(of: "\n")))...]
            }
            let sparkText = try String(contentsOfFile: keep.appendingPathComponent(name + ".csv").path, encoding: .utf8)
            let got = sparkText[sparkText.index(after: try #require(sparkText.firstIndex(of: "\n")))...]
            #expect(String(got) == expected, "piece \(piece)")
            #expect(expected.contains("\"Mid\nMarket\"") || expected.contains("\"say \"\"hi\"\"\"") || expected.contains("\"a, b\""))
            total += expected.count
        }
        #expect(total > 1_500_000)
    }

    /// The recipe end to end: Spark pieces → `summarize` per piece on the executors → `merge`
    /// → `check` and `discover --from-summary` equal a single `check` and `discover` of the
    /// same files: every count exact, duration quantiles within 1% (and `approximate` says so).
    @Test func mergedSummaryChecksLikeOnePass() throws {
        let exports = try Spark.exports()
        let work = exports.deletingLastPathComponent().appendingPathComponent("work")
        let r = try Spark.recipe(["--input", exports.path, "--pieces", "4", "--work", work.path, "--map", SplitCommandTests.b2bMap])
        #expect(r.status == 0, "\(r.stderr)")
        for piece in 0..<4 { #expect(FileManager.default.fileExists(atPath: work.appendingPathComponent("piece-000\(piece).tsum").path)) }
        let inputs = try FileManager.default.contentsOfDirectory(atPath: exports.path).sorted().map { exports.appendingPathComponent($0).path }
        let check = try CLI.run(["check"] + inputs + ["--map", SplitCommandTests.b2bMap, "--format", "json", "--quiet"])
        let discover = try CLI.run(["discover"] + inputs + ["--format", "json", "--quiet"])
        let one = (check: try #require(CLI.json(check.stdout)), discover: try #require(CLI.json(discover.stdout)))
        let merged = (check: try #require(CLI.json(String(decoding: try Data(contentsOf: work.appendingPathComponent("check.json")), as: UTF8.self))),
                      discover: try #require(CLI.json(String(decoding: try Data(contentsOf: work.appendingPathComponent("discover.json")), as: UTF8.self))))
        // Without --as-of the recipe takes the latest event of all pieces, as a single check does.
        #expect(merged.check["as_of"] as? String == one.check["as_of"] as? String)
        #expect(merged.check["customers"] as? Int == 2112 && merged.check["events"] as? Int == 20_040)
        SummaryCommandTests.expectClose(merged.check, one.check, tolerance: 0.01)
        SummaryCommandTests.expectClose(merged.discover, one.discover, tolerance: 0.01)
        #expect((merged.check["approximate"] as? [String])?.isEmpty == false)
        // Every input row is accounted for: 20,040 rows read over the pieces.
        #expect(r.stderr.contains("4 pieces merged"))
        let rows = r.stderr.matches(of: /piece \d+: (\d+) rows/).compactMap { Int($0.output.1) }
        #expect(rows.count == 4 && rows.reduce(0, +) == 20_040, "\(rows)")
    }
}
