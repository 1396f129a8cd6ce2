import Foundation
import Testing

/// Outputs never destroy an input, another output, or yesterday's file.
@Suite("Output safety")
struct OutputSafetyTests {
    /// A copy of a fixture in a fresh folder, and the folder.
    static func workspace() throws -> (dir: URL, log: URL, original: Data) {
        let dir = try CLI.temporaryDirectory()
        let log = dir.appendingPathComponent("log.csv")
        let original = try Data(contentsOf: URL(fileURLWithPath: CLI.fixture("ragged.csv")))
        try original.write(to: log)
        return (dir, log, original)
    }

    @Test func anOutputThatIsAnInputIsRefusedBeforeAnythingIsWritten() throws {
        let (dir, log, original) = try Self.workspace()
        let link = dir.appendingPathComponent("link.csv")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: log)
        for args in [["stats", log.path, "-o", link.path], ["stats", log.path, "--rejects", log.path],
                     ["discover", log.path, "--format", "csv", "--output", log.path],
                     ["map", "draft", log.path, "-o", link.path]] {
            let r = try CLI.run(args)
            #expect(r.status == 2, "\(args)")
            #expect(r.stderr.contains("is the same file as the input"), "\(args): \(r.stderr)")
            #expect(!r.stderr.contains("note: detected"), "refused before reading: \(r.stderr)")
            #expect(try Data(contentsOf: log) == original)
        }
    }

    @Test func twoOutputsThatAreOneFileAreRefused() throws {
        let (dir, log, _) = try Self.workspace()
        let out = dir.appendingPathComponent("out.txt").path
        let r = try CLI.run(["stats", log.path, "-o", out, "--rejects", dir.path + "/./out.txt"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("is the same file as the --output"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func unwritableOutputsFailBeforeTheIngest() throws {
        let (dir, log, _) = try Self.workspace()
        let missing = try CLI.run(["stats", log.path, "-o", dir.path + "/no/such/folder/out.txt"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("cannot write there"), "\(missing.stderr)")
        #expect(!missing.stderr.contains("note: detected"))
        let folder = try CLI.run(["stats", log.path, "-o", dir.path])
        #expect(folder.status == 2)
        #expect(folder.stderr.contains("is a directory"))
    }

    @Test func aRunStoppedMidwayKeepsYesterdaysFileAndLeavesNoLitter() throws {
        let (dir, log, _) = try Self.workspace()
        let out = dir.appendingPathComponent("stats.txt")
        let rejects = dir.appendingPathComponent("rejects.csv")
        try "yesterday\n".write(to: out, atomically: true, encoding: .utf8)
        // ragged.csv rejects 2 of 4 rows: --max-reject-rate 0.1 stops the run after the ingest.
        let r = try CLI.run(["stats", log.path, "-o", out.path, "--rejects", rejects.path, "--max-reject-rate", "0.1"])
        #expect(r.status == 2)
        #expect(try String(contentsOf: out, encoding: .utf8) == "yesterday\n")
        // The rejects file is what the user needs then: written in full.
        #expect(try String(contentsOf: rejects, encoding: .utf8).hasPrefix("line,record,reason,row,row_base64\n"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["log.csv", "rejects.csv", "stats.txt"])
        // A fatal input error: no temporary file is left behind.
        let broken = dir.appendingPathComponent("broken.csv")
        try "customer_id,touchpoint,timestamp\nc,a,not a time\n".write(to: broken, atomically: true, encoding: .utf8)
        let fatal = try CLI.run(["stats", broken.path, "-o", out.path, "--rejects", dir.appendingPathComponent("r2.csv").path])
        #expect(fatal.status == 2, "\(fatal.stderr)")
        #expect(try String(contentsOf: out, encoding: .utf8) == "yesterday\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains(".tmp") }.isEmpty)
    }

    @Test func specialFilesAreWrittenDirectly() throws {
        let (_, log, _) = try Self.workspace()
        let r = try CLI.run(["stats", log.path, "-o", "/dev/null", "--rejects", "/dev/null"])
        #expect(r.status == 0, "\(r.stderr)")
        let type = try FileManager.default.attributesOfItem(atPath: "/dev/null")[.type] as? FileAttributeType
        #expect(type == .typeCharacterSpecial)
    }
}
