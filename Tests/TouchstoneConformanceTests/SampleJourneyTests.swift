import Foundation
import Testing
import TouchstoneConformance
import TouchstoneIngest

/// Each SampleLogs scenario checked against its designed `journey.yaml`: the findings its
/// README documents under "Expected findings with journey.yaml".
@Suite("Sample journeys")
struct SampleJourneyTests {
    struct Expected {
        var customers: Int
        var conformant: Int
        var meanFitness: Double
        /// The three deviation types with the most customers, most first, with their customers.
        var topDeviations: [(String, Int)]
    }

    static let expected: [String: Expected] = [
        "b2b-software-purchase": Expected(customers: 2112, conformant: 60, meanFitness: 0.905,
                                          topDeviations: [("dropped_out", 1316), ("repeated_step", 971), ("skipped_step", 670)]),
        "retail-bank-onboarding": Expected(customers: 3679, conformant: 227, meanFitness: 0.912,
                                           topDeviations: [("dropped_out", 2398), ("skipped_step", 1724), ("rule_violated", 887)]),
        "support-eu": Expected(customers: 2153, conformant: 446, meanFitness: 0.952,
                               topDeviations: [("dropped_out", 1117), ("skipped_step", 451), ("too_slow", 353)]),
    ]

    @Test(arguments: SampleLogs.names)
    func designedMapGivesDocumentedFindings(_ scenario: String) throws {
        let text = try String(contentsOf: SampleLogs.directory(scenario).appendingPathComponent("journey.yaml"), encoding: .utf8)
        let map = try JourneyMap(yaml: text, file: "journey.yaml")
        let log = try SampleLogs.log(scenario)
        let summary = try ConformanceChecker(map: map, touchpoints: log.events.activityNames).check(log)
        let f = summary.figures
        let top = DeviationType.allCases.map { ($0.name, f.customers(with: $0)) }.filter { $0.1 > 0 }
            .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
        let e = try #require(Self.expected[scenario])
        #expect(f.customers == e.customers)
        #expect(f.conformant == e.conformant)
        #expect(abs(f.meanFitness - e.meanFitness) < 0.0005, "\(f.meanFitness)")
        #expect(top.prefix(e.topDeviations.count).map(\.0) == e.topDeviations.map(\.0))
        #expect(top.prefix(e.topDeviations.count).map(\.1) == e.topDeviations.map(\.1))
    }
}
