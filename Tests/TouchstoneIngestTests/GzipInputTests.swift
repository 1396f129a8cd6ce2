import Foundation
import Testing
@testable import TouchstoneIngest

/// Compressed input: damaged streams are named errors, bombs stop at the expansion limit.
@Suite("gzip input")
struct GzipInputTests {
    static let log = Array("customer_id,touchpoint,timestamp\nc1,a,2024-01-01T10:00:00Z\nc1,b,2024-01-01T11:00:00Z\n".utf8)

    /// `bytes` compressed by /bin/gzip.
    static func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("touchstone-gz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let plain = dir.appendingPathComponent("log.csv")
        try Data(bytes).write(to: plain)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/gzip")
        p.arguments = ["-k", "-n", plain.path]
        try p.run()
        p.waitUntilExit()
        return [UInt8](try Data(contentsOf: dir.appendingPathComponent("log.csv.gz")))
    }

    /// Ingests `bytes` written to a file, with `options`.
    static func ingestFile(_ bytes: [UInt8], options: IngestOptions = IngestOptions()) throws -> Result<(EventTable, IngestReport), IngestError> {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("touchstone-gz-\(UUID().uuidString).csv.gz")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        do {
            return .success(try Ingester(options: options).ingest([.file(url.path)]))
        } catch {
            return .failure(error)
        }
    }

    @Test func wholeStreamReads() throws {
        let r = try GzipInputTests.ingestFile(try GzipInputTests.gzip(GzipInputTests.log))
        #expect((try? r.get().0.count) == 2)
    }

    @Test func multiMemberFilesReadEveryMember() throws {
        let second = Array("c2,c,2024-01-01T12:00:00Z\n".utf8)
        let bytes = try GzipInputTests.gzip(GzipInputTests.log) + (try GzipInputTests.gzip(second))
        let r = try GzipInputTests.ingestFile(bytes)
        let table = try r.get().0
        #expect(table.count == 3)
        #expect(table.lines == [2, 3, 4])
    }

    @Test func truncatedStreamIsAnError() throws {
        let gz = try GzipInputTests.gzip(GzipInputTests.log)
        for cut in [1, 4, 8, gz.count / 2] {
            let r = try GzipInputTests.ingestFile(Array(gz.dropLast(cut)))
            guard case .failure(let error) = r else { Issue.record("cut \(cut): no error"); continue }
            #expect(error.message.contains("truncated") || error.message.contains("corrupt"), "cut \(cut): \(error)")
            #expect(error.source?.hasSuffix(".csv.gz") == true)
        }
    }

    @Test func trailingGarbageIsAnError() throws {
        let gz = try GzipInputTests.gzip(GzipInputTests.log)
        for tail in [Array("garbage".utf8), [0], [0x1f]] {
            let r = try GzipInputTests.ingestFile(gz + tail)
            guard case .failure(let error) = r else { Issue.record("tail \(tail): no error"); continue }
            #expect(error.message.contains("not another gzip member") || error.message.contains("truncated"), "\(error)")
        }
    }

    @Test func gzipBombStopsAtTheExpansionLimit() throws {
        let zeros = GzipInputTests.log + [UInt8](repeating: 0x30, count: 200 << 20)
        let gz = try GzipInputTests.gzip(zeros)
        var options = IngestOptions()
        options.maxExpansion = 50
        let start = ContinuousClock.now
        let r = try GzipInputTests.ingestFile(gz, options: options)
        #expect(ContinuousClock.now - start < .seconds(20))
        guard case .failure(let error) = r else { Issue.record("no error"); return }
        #expect(error.message.contains("exceeds 50 times its compressed size"), "\(error)")
        // Within the limit, the same file reads (as one oversized row).
        options.maxExpansion = nil
        options.maxFieldBytes = 1000
        let read = try GzipInputTests.ingestFile(gz, options: options)
        #expect((try? read.get().1.rowsRejected) == 1)
    }
}
