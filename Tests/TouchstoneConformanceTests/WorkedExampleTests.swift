import Foundation
import Testing
import TouchstoneConformance
import TouchstoneIngest

/// The worked example of ../shared/journey-semantics.md: the verdicts it must give.
@Suite("Worked example")
struct WorkedExampleTests {
    static func exampleLog() throws -> EventLog {
        let ingester = Ingester(options: IngestOptions(), onRejection: nil)
        let (table, report) = try ingester.ingest([InputSource(argument: Fixture.example.appendingPathComponent("log.csv").path)])
        #expect(report.rowsRejected == 0)
        return EventLog(table)
    }

    /// `expected-per-customer.csv` as rows of fields (no quoted fields in that file).
    static func expectedRows() throws -> [[String]] {
        let text = try String(contentsOf: Fixture.example.appendingPathComponent("expected-per-customer.csv"), encoding: .utf8)
        return text.split(separator: "\n").dropFirst().map { line in
            var fields = line.split(separator: ",", maxSplits: 4, omittingEmptySubsequences: false).map(String.init)
            while fields.count < 5 { fields.append("") }
            return fields
        }
    }

    @Test func perCustomerVerdictsMatch() throws {
        let log = try Self.exampleLog()
        let checker = ConformanceChecker(map: Fixture.exampleMap, touchpoints: log.events.activityNames)
        var verdicts: [String: CustomerVerdict] = [:]
        _ = try checker.check(log) { verdicts[$0.customer] = $0 }
        let expected = try Self.expectedRows()
        #expect(verdicts.count == expected.count)
        for row in expected {
            guard let v = verdicts[row[0]] else { Issue.record("no verdict for \(row[0])"); continue }
            #expect(abs(v.fitness - (Double(row[1]) ?? -1)) < 1e-9, "fitness of \(row[0])")
            #expect(v.conformant == (row[2] == "true"), "conformant of \(row[0])")
            #expect(v.outcome.name == row[3], "outcome of \(row[0])")
            #expect(v.deviations.map(\.description).joined(separator: ";") == row[4], "deviations of \(row[0])")
        }
    }

    @Test func summaryMatches() throws {
        let log = try Self.exampleLog()
        let checker = ConformanceChecker(map: Fixture.exampleMap, touchpoints: log.events.activityNames)
        let summary = try checker.check(log)
        let data = try Data(contentsOf: Fixture.example.appendingPathComponent("expected-summary.json"))
        let expected = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(summary.figures.customers == expected["customers"] as? Int)
        #expect(summary.figures.conformant == expected["conformant_customers"] as? Int)
        #expect(abs(summary.figures.conformanceRate - ((expected["conformance_rate"] as? Double) ?? -1)) < 1e-9)
        #expect(abs(summary.figures.meanFitness - ((expected["mean_fitness"] as? Double) ?? -1)) < 1e-9)
        let outcomes = try #require(expected["outcomes"] as? [String: Int])
        for o in Outcome.allCases { #expect(summary.figures.outcome(o) == outcomes[o.name], "\(o.name)") }
        let deviations = try #require(expected["deviations"] as? [String: Int])
        for t in DeviationType.allCases { #expect(summary.figures.customers(with: t) == deviations[t.name] ?? 0, "\(t.name)") }
    }
}
