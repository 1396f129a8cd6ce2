import Foundation
import Testing
import TouchstoneConformance
import TouchstoneIngest
import TouchstoneTraces

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

/// The shared trace layer on the worked example: traces, typed events, variants.
@Suite("Trace layer")
struct TraceLayerTests {
    @Test func tracesAndVariantsOfTheExample() throws {
        let log = try WorkedExampleTests.exampleLog()
        let traces = log.traces
        #expect(traces.count == 9)
        let h = try #require(traces.first { $0.customerName == "H" })
        // Equal timestamps keep file order: Demo was written before Home.
        #expect(h.touchpointNames == ["Sales: Demo", "Website: Home", "Sales: Offer", "Shop: Order"])
        #expect(h[0].timestamp == h[1].timestamp)
        #expect(h[0].line < h[1].line)
        let variants = TraceVariants(touchpointsOf: log)
        // A and G share no sequence; every customer here has a distinct sequence except none.
        #expect(variants.count == 9)
        #expect(variants.customers.reduce(0, +) == 9)
        for t in traces {
            let v = variants.variantOfTrace[t.id.index]
            let representative = traces[variants.representative[v.index]]
            #expect(representative.touchpointNames == t.touchpointNames)
            #expect(variants.sequence(v, as: ActivityID.self) == t.map(\.touchpoint))
        }
    }

    @Test func equalSequencesShareAVariant() {
        let log = Fixture.log([("a", "X", 1), ("a", "Y", 2), ("b", "X", 5), ("b", "Y", 9), ("c", "Y", 1)])
        let variants = TraceVariants(touchpointsOf: log)
        #expect(variants.count == 2)
        #expect(variants.customers == [2, 1])
        #expect(variants.representative.map(\.index) == [0, 2])
        #expect(variants.byFrequency.map(\.index) == [0, 1])
    }
}
