import Foundation
import Testing

/// The discover golden files cannot pass by re-recording: every number in them is recomputed
/// from the sample logs by `SampleLogs/verify_samples.py --golden` (Python standard library
/// only, no touchstone code) and must agree. See SampleLogs/README.md.
@Suite("Golden files are independently verified")
struct GoldenVerificationTests {
    static let samples = ["b2b-software-purchase", "retail-bank-onboarding", "support-eu"]
    static let golden = CLI.packageRoot.appendingPathComponent("Tests/TouchstoneCLITests/Golden")
    static let script = CLI.packageRoot.appendingPathComponent("SampleLogs/verify_samples.py")

    /// `python3` on PATH (CI is Debian with python3), else nil.
    static var python3: URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in path.split(separator: ":") where !folder.isEmpty {
            let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent("python3")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }

    @Test func goldenFolderHoldsTheSixDiscoverFiles() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.golden.path)
            .filter { $0.contains(".discover.") }.sorted()
        #expect(!names.isEmpty)
        #expect(names == Self.samples.flatMap { ["\($0).discover.csv", "\($0).discover.json"] }.sorted())
        for name in names {
            let size = try FileManager.default.attributesOfItem(atPath: Self.golden.appendingPathComponent(name).path)[.size] as? Int
            #expect((size ?? 0) > 0, "\(name) is empty")
        }
    }

    @Test func fixtureFoldersAreNotEmpty() throws {
        let samples = try FileManager.default.contentsOfDirectory(atPath: CLI.packageRoot.appendingPathComponent("SampleLogs").path)
            .filter { Self.samples.contains($0) }
        #expect(!samples.isEmpty)
        #expect(samples.sorted() == Self.samples)
        for sample in Self.samples {
            let log = CLI.packageRoot.appendingPathComponent("SampleLogs/\(sample)/\(sample).csv").path
            let size = try FileManager.default.attributesOfItem(atPath: log)[.size] as? Int
            #expect((size ?? 0) > 0, "\(log) is empty")
        }
        // The folder the ingest tests iterate (`Fixtures.all`).
        let ingest = try FileManager.default.contentsOfDirectory(atPath: CLI.packageRoot.appendingPathComponent("Tests/Fixtures/ingest").path)
        #expect(!ingest.isEmpty)
    }

    @Test func everyGoldenNumberMatchesAnIndependentComputation() throws {
        guard let python3 = Self.python3 else {
            Issue.record("python3 not found on PATH: the golden files are verified by SampleLogs/verify_samples.py --golden, which needs Python 3 (standard library only); install python3")
            return
        }
        let process = Process()
        process.executableURL = python3
        process.arguments = [Self.script.path, "--golden", Self.golden.path]
        process.currentDirectoryURL = CLI.packageRoot
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        #expect(process.terminationStatus == 0, "verify_samples.py --golden found mismatches:\n\(text)")
        #expect(text.contains("golden files agree with the independent computation"), "\(text)")
        for sample in Self.samples {
            #expect(text.contains("\(sample): "), "\(sample) was not checked:\n\(text)")
        }
    }
}
