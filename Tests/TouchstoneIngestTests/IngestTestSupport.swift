import Foundation
import Testing
@testable import TouchstoneIngest

/// Everything observable about one ingest, comparable across chunkings.
struct IngestOutcome: Equatable, CustomStringConvertible {
    struct Event: Equatable { var customer: String, touchpoint: String, micros: Int64, line: Int }
    struct Reject: Equatable { var line: Int, record: Int, column: Int?, reason: RejectionReason, raw: String }
    var events: [Event] = []
    var rejects: [Reject] = []
    var rowsRead = 0, rowsUsed = 0, blankLines = 0, invalidUTF8 = 0
    var error: String?

    var description: String {
        "events: \(events.map { "\($0.customer)/\($0.touchpoint)@\($0.line)" }) rejects: \(rejects.map { "\($0.line):\($0.reason)" }) error: \(error ?? "-")"
    }
}

enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/ingest")

    static func bytes(_ name: String) -> [UInt8] {
        (try? [UInt8](Data(contentsOf: directory.appendingPathComponent(name)))) ?? []
    }

    static var all: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
    }
}

/// Ingests `bytes` fed in pieces of `chunk` bytes (nil: all at once).
func ingest(_ bytes: [UInt8], chunk: Int? = nil, options: IngestOptions = IngestOptions(), name: String = "test.csv") -> IngestOutcome {
    var outcome = IngestOutcome()
    var rejects: [IngestOutcome.Reject] = []
    let ingester = Ingester(options: options) { r in
        rejects.append(.init(line: r.line, record: r.record, column: r.column, reason: r.reason,
                             raw: String(decoding: r.raw, as: UTF8.self)))
    }
    do {
        try ingester.begin(source: name)
        let step = chunk ?? max(bytes.count, 1)
        var i = 0
        while i < bytes.count {
            let j = min(i + step, bytes.count)
            let piece = Array(bytes[i..<j])
            var failure: Error?
            piece.withUnsafeBytes { raw in
                do { try ingester.consume(raw) } catch { failure = error }
            }
            if let failure { throw failure }
            i = j
        }
        try ingester.endSource()
        let (table, report) = try ingester.finish()
        for e in 0..<table.count {
            outcome.events.append(.init(customer: table.caseName(table.cases[e]), touchpoint: table.activityName(table.activities[e]),
                                        micros: table.timestamps[e], line: Int(table.lines[e])))
        }
        outcome.rowsRead = report.rowsRead
        outcome.rowsUsed = report.rowsUsed
        outcome.blankLines = report.blankLines
        outcome.invalidUTF8 = report.invalidUTF8Names
        #expect(report.rowsRead == report.rowsUsed + report.rowsRejected)
        #expect(report.rowsRejected == rejects.count)
    } catch {
        outcome.error = (error as? IngestError)?.description ?? "\(error)"
    }
    outcome.rejects = rejects
    return outcome
}

func seconds(_ s: Int64) -> Int64 { s * 1_000_000 }

/// SplitMix64: reproducible random numbers for a fixed seed (property tests).
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
