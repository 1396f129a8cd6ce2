import Foundation
import Testing

/// Hostile values in a log cost one rejection each and never reach the output malformed.
@Suite("ingest bounds")
struct IngestBoundsTests {
    @Test func timestampsOutsideTheYearsAreBadTimestampsWithTheReason() throws {
        let dir = try CLI.temporaryDirectory()
        let log = dir.appendingPathComponent("years.csv")
        try """
        customer_id,touchpoint,timestamp
        c1,a,2024-01-01T00:00:00Z
        c1,b,9999-12-31T23:00:00-05:00
        c2,a,0000-01-01T00:30:00+01:00
        c2,b,9999-12-31T18:00:00-05:00

        """.write(to: log, atomically: true, encoding: .utf8)
        let rejects = dir.appendingPathComponent("rejects.csv").path
        let r = try CLI.run(["stats", "--format", "json", "--rejects", rejects, log.path])
        #expect(r.status == 0)
        let j = try #require(CLI.json(r.stdout))
        #expect(j["rows_read"] as? Int == 4)
        #expect(j["rows_used"] as? Int == 2)
        #expect((j["rejections"] as? [String: Int]) == ["bad_timestamp": 2])
        #expect(j["last_event"] as? String == "9999-12-31T23:00:00Z")
        let text = try String(contentsOfFile: rejects, encoding: .utf8)
        #expect(text.contains("3,2,\"bad_timestamp: cannot read '9999-12-31T23:00:00-05:00' as ISO 8601: year 10000 in UTC (after the offset -05:00) is outside 0000-9999\""))
        #expect(text.contains("4,3,\"bad_timestamp: cannot read '0000-01-01T00:30:00+01:00' as ISO 8601: year -1 in UTC (after the offset +01:00) is outside 0000-9999\""))
    }

    @Test func epochValuesThatWouldOverflowDurationsAreBadTimestamps() throws {
        let dir = try CLI.temporaryDirectory()
        let log = dir.appendingPathComponent("epoch.csv")
        // Each value fits in Int64 microseconds, but their difference would not; the third
        // overflows on its own.
        try """
        customer_id,touchpoint,timestamp
        c1,a,1700000000
        c1,b,9000000000000
        c1,c,-9000000000000
        c1,d,-9300000000000
        c1,e,1700000060

        """.write(to: log, atomically: true, encoding: .utf8)
        let rejects = dir.appendingPathComponent("rejects.csv").path
        let r = try CLI.run(["stats", "--format", "json", "--timestamp-format", "epoch-s", "--max-reject-rate", "1", "--rejects", rejects, log.path])
        #expect(r.status == 0, "\(r.stderr)")
        let j = try #require(CLI.json(r.stdout))
        #expect(j["rows_read"] as? Int == 5)
        #expect(j["rows_used"] as? Int == 2)
        #expect((j["rejections"] as? [String: Int]) == ["bad_timestamp": 3])
        let text = try String(contentsOfFile: rejects, encoding: .utf8)
        #expect(text.contains("epoch seconds outside the years 0000-9999"))
        #expect(text.contains("13-digit epoch seconds overflow 64-bit microseconds"))
    }
}
