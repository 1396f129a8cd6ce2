import Testing
import TouchstoneIngest
@testable import TouchstoneConformance

@Suite("Mapping coverage")
struct MappingCoverageTests {
    static let map = """
    journey: Coverage
    stages:
      - id: s
        steps:
          - id: web
            touchpoints: ["Web: *"]
          - id: pricing
            touchpoints: ["Web: Pricing", "/^Price/"]
          - id: never_seen
            touchpoints: Fax
          - id: order
            touchpoints: Order
            goal: true
    ignore: ["Web: Cookie*"]
    """

    static func log(_ touchpoints: [String]) -> EventLog {
        var table = EventTable(stages: false, channels: false)
        for (i, name) in touchpoints.enumerated() { table.append(case: "c\(i % 3)", activity: name, timestamp: Int64(i)) }
        return EventLog(table)
    }

    @Test func firstStepInFileOrderWinsAndIgnoreComesFirst() throws {
        let map = try JourneyMap(yaml: Self.map, file: "m.yaml")
        var names = SymbolTable()
        for name in ["Web: Home", "Web: Pricing", "Price list", "Web: Cookie banner", "Phone", "Order"] { _ = names.intern(name) }
        #expect(stepOfTouchpoint(map, names: names) == [0, 0, 1, ignoredTouchpoint, unmappedTouchpoint, 3])
    }

    @Test func countsEventsByMapping() throws {
        let map = try JourneyMap(yaml: Self.map, file: "m.yaml")
        let coverage = MappingCoverage(map: map, log: Self.log([
            "Web: Home", "Web: Pricing", "Web: Pricing", "Web: Cookie banner", "Phone", "Chat", "Chat", "Order", "Price list", "Aardvark",
        ]))
        #expect(coverage.events == 10)
        #expect(coverage.ignoredEvents == 1)
        #expect(coverage.matchedEvents == 5)
        #expect(coverage.unmatchedEvents == 4)
        #expect(abs(coverage.shareMatched - 5.0 / 9.0) < 1e-12)
        #expect(coverage.unmatchedTouchpoints == [.init(name: "Chat", events: 2), .init(name: "Aardvark", events: 1), .init(name: "Phone", events: 1)])
        #expect(coverage.eventsPerStep == [3, 1, 0, 1])
        #expect(coverage.stepsNeverMatched == ["never_seen"])
        #expect(coverage.sharedTouchpoints == [.init(name: "Web: Pricing", events: 2, steps: ["web", "pricing"])])
    }

    @Test func anEmptyOrAllIgnoredLogHasShareZero() throws {
        let map = try JourneyMap(yaml: Self.map, file: "m.yaml")
        let coverage = MappingCoverage(map: map, log: Self.log(["Web: Cookie a", "Web: Cookie b"]))
        #expect(coverage.events == 2 && coverage.ignoredEvents == 2 && coverage.matchedEvents == 0)
        #expect(coverage.shareMatched == 0)
        #expect(coverage.stepsNeverMatched == ["web", "pricing", "never_seen", "order"])
    }
}
