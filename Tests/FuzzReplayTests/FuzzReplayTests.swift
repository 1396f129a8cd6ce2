import Foundation
import Testing
import TouchstoneIngest

/// The fuzz regression inputs (`Tests/Fixtures/fuzz/`), replayed through the harness functions
/// of the libFuzzer targets (`FuzzIngest.swift` and `FuzzJourneyMap.swift` here are symlinks to
/// `Fuzz/Sources`). The harnesses check their invariants with `precondition` (rows read = used +
/// rejected, one callback per rejection, counts independent of the chunk size), so a broken
/// invariant or a crash fails `swift test` as it fails a fuzz run.
@Suite("Fuzz regression inputs")
struct FuzzReplayTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/fuzz")

    static func inputs(_ prefix: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasPrefix(prefix + "-") }.sorted()
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    @Test func fixtureListsAreNotEmpty() {
        #expect(Self.inputs("ingest").count >= 6)
        #expect(Self.inputs("map").count >= 2)
    }

    @Test(arguments: inputs("ingest"))
    func ingestInput(_ name: String) throws {
        let input = try Self.bytes(name)
        #expect(input.count >= 3, "an ingest input starts with three option bytes")
        #expect(input.withUnsafeBufferPointer { fuzzIngest($0.baseAddress, $0.count) } == 0)
    }

    @Test(arguments: inputs("map"))
    func mapInput(_ name: String) throws {
        let input = try Self.bytes(name)
        #expect(input.withUnsafeBufferPointer { fuzzJourneyMap($0.baseAddress, $0.count) } == 0)
    }

    /// The harness's own invariants hold on known inputs with known counts, so the replay is not
    /// vacuous: eight rows are read (two blank lines are not rows), seven rejected (empty case,
    /// touchpoint and timestamp, two bad timestamps, too many and too few fields), one used.
    @Test func harnessCountsEveryRow() throws {
        let input = try Self.bytes("ingest-every-rejection.bin")
        var options = TouchstoneIngest.IngestOptions()
        options.delimiter = UInt8(ascii: ",")
        options.detectionSampleLimit = 3
        let payload = Array(input[3...])
        let counts = run(options: options, inputs: [payload], chunk: 64)
        #expect(counts == Counts(read: 8, used: 1, rejected: 7, rejections: [
            "0:2:empty_case_id", "0:3:empty_touchpoint", "0:4:empty_timestamp", "0:5:bad_timestamp",
            "0:6:wrong_field_count", "0:7:wrong_field_count", "0:10:bad_timestamp"]))
    }
}
