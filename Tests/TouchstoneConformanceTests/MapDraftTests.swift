import Foundation
import Testing
import TouchstoneConformance
import TouchstoneIngest

/// The sample logs of SampleLogs/, ingested once per test process.
enum SampleLogs {
    static let names = ["b2b-software-purchase", "retail-bank-onboarding", "support-eu"]

    static func path(_ scenario: String) -> String {
        Fixture.packageRoot.appendingPathComponent("SampleLogs/\(scenario)/\(scenario).csv").path
    }

    static func log(_ scenario: String) throws -> EventLog {
        let ingester = Ingester(options: IngestOptions(), onRejection: nil)
        let (table, _) = try ingester.ingest([InputSource(argument: path(scenario))])
        return EventLog(table)
    }
}

@Suite("Map draft")
struct MapDraftTests {
    @Test(arguments: SampleLogs.names)
    func draftFitsItsOwnLog(_ scenario: String) throws {
        let log = try SampleLogs.log(scenario)
        let map = JourneyMap.draft(from: log, name: scenario)
        let summary = try ConformanceChecker(map: map, touchpoints: log.events.activityNames).check(log)
        print("DRAFT \(scenario): fitness \(summary.figures.meanFitness) conformance \(summary.figures.conformanceRate)")
        print(map.yamlText)
        #expect(summary.figures.meanFitness >= 0.85)
    }
}
