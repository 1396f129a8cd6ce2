import Foundation
import TouchstoneConformance
import TouchstoneIngest

/// Small builders for maps and logs in tests.
enum Fixture {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let example = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/journey-example")

    static let day: Int64 = 86_400_000_000
    static let hour: Int64 = 3_600_000_000

    /// A step description for `map`: id, patterns, flags.
    struct S {
        var id: String
        var touchpoints: [String]
        var optional = false
        var repeatable = false
        var goal = false
        var moment = false
        var within: Int64? = nil
    }

    /// A map from stages of steps; `flow` overrides successors by step id.
    static func map(_ stages: [(id: String, within: Int64?, steps: [S])], flow: [String: [String]] = [:],
                    ignore: [String] = [], rules: [JourneyMap.Rule] = []) -> JourneyMap {
        var steps: [JourneyMap.Step] = []
        var stageList: [JourneyMap.Stage] = []
        for (i, stage) in stages.enumerated() {
            let start = steps.count
            for s in stage.steps {
                steps.append(.init(id: s.id, stage: i, touchpoints: s.touchpoints.compactMap { try? TouchpointPattern($0) },
                                   isOptional: s.optional, isRepeatable: s.repeatable, isGoal: s.goal,
                                   isMomentOfTruth: s.moment, within: s.within))
            }
            stageList.append(.init(id: stage.id, within: stage.within, steps: start..<steps.count))
        }
        var successors: [[Int]] = steps.indices.map { $0 + 1 < steps.count ? [$0 + 1] : [] }
        var explicit = [Bool](repeating: false, count: steps.count)
        for (from, to) in flow {
            guard let f = steps.firstIndex(where: { $0.id == from }) else { continue }
            successors[f] = to.compactMap { t in steps.firstIndex { $0.id == t } }
            explicit[f] = true
        }
        return JourneyMap(name: "test", stages: stageList, steps: steps, successors: successors, flowIsExplicit: explicit,
                          ignore: ignore.compactMap { try? TouchpointPattern($0) }, rules: rules)
    }

    /// A log from `(customer, touchpoint, time)` rows in input order.
    static func log(_ rows: [(String, String, Int64)], attributes: [String] = [], values: [[String]] = []) -> EventLog {
        var table = EventTable(stages: false, channels: false, attributes: attributes)
        for (i, r) in rows.enumerated() {
            table.append(case: r.0, activity: r.1, timestamp: r.2, attributes: i < values.count ? values[i] : [], line: UInt32(i + 2))
        }
        return EventLog(table)
    }

    /// The worked example's map, built by hand (the YAML parser is tested separately).
    static var exampleMap: JourneyMap {
        let p = JourneyMap.self
        _ = p
        var m = map([
            ("consider", 30 * day, [S(id: "visit", touchpoints: ["Website: *"], repeatable: true),
                                    S(id: "webinar", touchpoints: ["Webinar: *"], optional: true),
                                    S(id: "demo", touchpoints: ["Sales: Demo"], within: 14 * day)]),
            ("buy", nil, [S(id: "offer", touchpoints: ["Sales: Offer"]), S(id: "order", touchpoints: ["Shop: Order"], goal: true)]),
            ("support", nil, [S(id: "ticket_open", touchpoints: ["Helpdesk: Opened"]), S(id: "ticket_done", touchpoints: ["Helpdesk: Resolved"])]),
        ], flow: ["ticket_done": ["ticket_open"]], ignore: ["Website: Cookie*"])
        let loc = MapLocation(line: 0, column: 0)
        m.rules = [
            .never((try? TouchpointPattern("Helpdesk: Complaint"))!, location: loc),
            .response(ifStep: 5, thenStep: 6, within: 48 * hour, location: loc),
            .atMost(step: 2, times: 2, location: loc),
        ]
        return m
    }
}
