import Foundation
import Testing
import TouchstoneConformance
import TouchstoneIngest

/// The sample logs of SampleLogs/.
enum SampleLogs {
    static let names = ["b2b-software-purchase", "retail-bank-onboarding", "support-eu"]

    static func directory(_ scenario: String) -> URL {
        Fixture.packageRoot.appendingPathComponent("SampleLogs/\(scenario)")
    }

    static func log(_ scenario: String) throws -> EventLog {
        let ingester = Ingester(options: IngestOptions(), onRejection: nil)
        let path = directory(scenario).appendingPathComponent("\(scenario).csv").path
        let (table, _) = try ingester.ingest([InputSource(argument: path)])
        return EventLog(table)
    }
}

@Suite("Map draft")
struct MapDraftTests {
    /// Mean fitness of each draft on its own log, asserted to 3 decimals (docs/map-draft.md).
    static let expectedFitness: [String: Double] = [
        "b2b-software-purchase": 0.983, "retail-bank-onboarding": 0.994, "support-eu": 0.999,
    ]

    @Test(arguments: SampleLogs.names)
    func draftFitsItsOwnLogAndIsNotTrivial(_ scenario: String) throws {
        let log = try SampleLogs.log(scenario)
        let map = JourneyMap.draft(from: log, name: scenario)
        let summary = try ConformanceChecker(map: map, touchpoints: log.events.activityNames).check(log)
        #expect(summary.figures.meanFitness >= 0.85)
        #expect(abs(summary.figures.meanFitness - (Self.expectedFitness[scenario] ?? -1)) < 0.0005, "\(summary.figures.meanFitness)")
        #expect(summary.figures.customers == log.traceCount)

        // Not trivial: some steps required, a sparse flow, a goal.
        let k = map.steps.count
        let required = map.steps.filter(\.isRequired).count
        #expect(k >= 5)
        #expect(required >= 1)
        if scenario != "support-eu" {
            // One language: at least half the steps are passed by most customers.
            #expect(2 * required >= k, "\(required) of \(k) required")
        }
        let edges = map.successors.reduce(0) { $0 + $1.count }
        #expect(Double(edges) / Double(k) <= Double(k) / 4, "average successors \(Double(edges) / Double(k)) for \(k) steps")
        #expect(!map.goals.isEmpty)

        // Valid ids: snake_case, unique, never a stage id.
        let ids = map.stages.map(\.id) + map.steps.map(\.id)
        #expect(Set(ids).count == ids.count)
        for id in ids { #expect(id.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }, "\(id)") }

        // The YAML parses back to the same map and gives the same verdicts.
        let parsed = try JourneyMap(yaml: map.yamlText, file: "draft.yaml")
        #expect(parsed.steps.map(\.id) == map.steps.map(\.id))
        #expect(parsed.successors == map.successors)
        #expect(parsed.steps.map(\.touchpoints) == map.steps.map(\.touchpoints))
        #expect(parsed.steps.map(\.isOptional) == map.steps.map(\.isOptional))
        #expect(parsed.steps.map(\.isRepeatable) == map.steps.map(\.isRepeatable))
        #expect(parsed.goals == map.goals)
        let again = try ConformanceChecker(map: parsed, touchpoints: log.events.activityNames).check(log)
        #expect(again.figures == summary.figures)
    }

    @Test func draftIsDeterministic() throws {
        let log = try SampleLogs.log("b2b-software-purchase")
        #expect(JourneyMap.draft(from: log, name: "a").yamlText == JourneyMap.draft(from: log, name: "a").yamlText)
    }

    @Test func draftWithoutStageColumnHasOneStage() throws {
        var rows: [(String, String, Int64)] = []
        for c in 0..<20 {
            rows.append(("c\(c)", "Visit", 1))
            if c % 3 != 0 { rows.append(("c\(c)", "Visit", 2)) }
            rows.append(("c\(c)", c % 3 == 0 ? "Call" : "Mail", 3))
            if c % 5 != 4 { rows.append(("c\(c)", "Order", 4)) }
        }
        rows.append(("rare", "Once", 5))
        let log = Fixture.log(rows)
        let map = JourneyMap.draft(from: log, name: "tiny")
        #expect(map.stages.map(\.id) == ["journey"])
        #expect(map.steps.map(\.id).first == "visit")
        #expect(map.steps.first?.isRepeatable == true)
        #expect(map.steps.contains { $0.id == "order" && $0.isGoal && $0.isRequired })
        #expect(map.steps.contains { $0.id == "call" && $0.isOptional })
        #expect(map.steps.contains { $0.id == "mail" && $0.isRequired })
        let summary = try ConformanceChecker(map: map, touchpoints: log.events.activityNames).check(log)
        #expect(summary.figures.meanFitness > 0.9)
        #expect(try JourneyMap(yaml: map.yamlText, file: "tiny.yaml").steps.count == map.steps.count)
    }

    /// Touchpoint names from an untrusted log: quotes, backslashes, globs, regex look-alikes,
    /// YAML indicators, control characters. Each must be written so that it matches exactly
    /// its own name, and the file must parse.
    @Test func hostileNamesRoundTripExactly() throws {
        let names = ["He said \"hi\"", "back\\slash", "Website: *", "*", "/regex/", "/a.c/", "- dash", "# hash", "key: value",
                     "tab\there", "line\nbreak", "ünïcödé ✓", "[list]", "{map}", "a.c", "journey", "Journey!", "50% off $", "'single'",
                     "trailing \\", "\u{2028}sep", "emoji 🎉", "&anchor", "!tag", "| block", "@at", "`tick`", "?"]
        var rows: [(String, String, Int64)] = []
        for c in 0..<4 { for (i, n) in names.enumerated() { rows.append(("c\(c)", n, Int64(i))) } }
        let log = Fixture.log(rows)
        let map = JourneyMap.draft(from: log, name: "Hostile \"journey\"\\ #1")
        #expect(map.steps.count == names.count)
        let ids = map.stages.map(\.id) + map.steps.map(\.id)
        #expect(Set(ids).count == ids.count, "\(ids)")
        #expect(map.stages.map(\.id) == ["journey"])
        #expect(map.steps.contains { $0.id == "journey_2" })
        for id in ids {
            #expect(!id.isEmpty && id.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }, "\(id)")
        }
        let parsed = try JourneyMap(yaml: map.yamlText, file: "hostile.yaml")
        #expect(parsed.name == map.name)
        for step in parsed.steps {
            #expect(step.touchpoints.count == 1)
            let matching = names.filter { n in step.touchpoints.contains { $0.matches(n) } }
            #expect(matching == [step.name], "\(step.id): \(matching)")
        }
        let summary = try ConformanceChecker(map: parsed, touchpoints: log.events.activityNames).check(log)
        #expect(summary.figures.conformant == 4)
    }

    @Test func exactPatternEscapesOnlyWhenNeeded() throws {
        #expect(JourneyMap.exactPattern(for: "Shop: Order placed") == "Shop: Order placed")
        #expect(JourneyMap.exactPattern(for: "/") == "/")
        #expect(JourneyMap.exactPattern(for: "Website: *") == "/\\AWebsite\\: \\*\\z/")
        let pattern = try TouchpointPattern(JourneyMap.exactPattern(for: "/a.c/"))
        #expect(pattern.matches("/a.c/"))
        #expect(!pattern.matches("/abc/"))
        #expect(!pattern.matches("x/a.c/"))
        #expect(JourneyMap.yamlQuoted("a\"b\\c\nd\u{7}") == "\"a\\\"b\\\\c\\nd\\u0007\"")
        #expect(JourneyMap.snakeCaseID("Zahlung bestätigt") == "zahlung_bestatigt")
        #expect(JourneyMap.snakeCaseID("  --Web  demo!! ") == "web_demo")
    }

    @Test func writerRoundTripsTheWorkedExample() throws {
        let text = try String(contentsOf: Fixture.example.appendingPathComponent("journey.yaml"), encoding: .utf8)
        let map = try JourneyMap(yaml: text, file: "journey.yaml")
        let again = try JourneyMap(yaml: map.yamlText, file: "written.yaml")
        #expect(again.yamlText == map.yamlText)
        #expect(again.rules.map(\.kind) == map.rules.map(\.kind))
        #expect(again.stages.map(\.within) == map.stages.map(\.within))
        #expect(again.successors == map.successors)
        #expect(again.ignore == map.ignore)
    }
}
