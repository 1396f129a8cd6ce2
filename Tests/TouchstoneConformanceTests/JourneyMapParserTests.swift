import Foundation
import Testing
import TouchstoneTraces
@testable import TouchstoneConformance

/// The worked example shared with the checker: `../shared/journey-example/` beside the package.
enum JourneyExample {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let folder = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/journey-example")
    static var mapPath: String { folder.appendingPathComponent("journey.yaml").path }
    static var logPath: String { folder.appendingPathComponent("log.csv").path }
}

/// Parses `yaml`, returning the diagnostics (empty when the map is valid).
func diagnostics(_ yaml: String) -> [MapDiagnostic] {
    do {
        _ = try JourneyMap(yaml: yaml, file: "j.yaml")
        return []
    } catch {
        return error.diagnostics
    }
}

/// The single diagnostic `yaml` gives, as `line:column: message`.
func onlyError(_ yaml: String, sourceLocation: SourceLocation = #_sourceLocation) -> String {
    let found = diagnostics(yaml)
    #expect(found.count == 1, "\(found)", sourceLocation: sourceLocation)
    return found.first.map { "\($0.line):\($0.column): \($0.message)" } ?? ""
}

/// A small valid map that the error tests break one way at a time.
let validMap = """
journey: Test
stages:
  - id: s1
    steps:
      - id: a
        touchpoints: [A]
      - id: b
        touchpoints: B
        goal: true

"""

@Suite("Journey map parser")
struct JourneyMapParserTests {
    @Test func parsesTheWorkedExample() throws {
        let text = try String(contentsOfFile: JourneyExample.mapPath, encoding: .utf8)
        let map = try JourneyMap(yaml: text, file: "journey.yaml")
        #expect(map.name == "Example purchase")
        #expect(map.version == "1")
        #expect(map.file == "journey.yaml")
        #expect(map.location == MapLocation(line: 1, column: 1))
        #expect(map.stages.map(\.id) == ["consider", "buy", "support"])
        #expect(map.stages.map(\.steps) == [0..<3, 3..<5, 5..<7])
        #expect(map.stages[0].within == Int64(30) * 86_400_000_000)
        #expect(map.stages[0].name == "consider")
        #expect(map.stages[0].location == MapLocation(line: 4, column: 5))
        #expect(map.steps.map(\.id) == ["visit", "webinar", "demo", "offer", "order", "ticket_open", "ticket_done"])
        #expect(map.steps.map(\.stage) == [0, 0, 0, 1, 1, 2, 2])
        #expect(map.steps.map(\.isRepeatable) == [true, false, false, false, false, false, false])
        #expect(map.steps.map(\.isOptional) == [false, true, false, false, false, false, false])
        #expect(map.goals == [4])
        #expect(map.steps[2].within == Int64(14) * 86_400_000_000)
        #expect(map.steps[0].touchpoints.map(\.text) == ["Website: *"])
        #expect(map.steps[0].touchpoints[0].location == MapLocation(line: 8, column: 23))
        #expect(map.steps[0].location == MapLocation(line: 7, column: 9))
        // Default flow is file order across stages; ticket_done's is explicit.
        #expect(map.successors == [[1], [2], [3], [4], [5], [6], [5]])
        #expect(map.flowIsExplicit == [false, false, false, false, false, false, true])
        #expect(map.ignore.map(\.text) == ["Website: Cookie*"])
        #expect(map.rules.count == 3)
        guard map.rules.count == 3 else { return }
        #expect(map.rules[0] == .never(try TouchpointPattern("Helpdesk: Complaint"), location: MapLocation(line: 33, column: 5)))
        #expect(map.rules[1] == .response(ifStep: 5, thenStep: 6, within: Int64(48) * 3_600_000_000, location: MapLocation(line: 34, column: 5)))
        #expect(map.rules[2] == .atMost(step: 2, times: 2, location: MapLocation(line: 35, column: 5)))
        #expect(map.rules.map(\.kind) == ["never", "response", "at_most"])
    }

    @Test func readsEveryOptionalKey() throws {
        let map = try JourneyMap(yaml: """
        journey: B2B software purchase
        version: 2026.1
        owner: Growth team
        description: From first visit to renewal.
        segment: {where: {persona: IT buyer, region: EU}}
        stages:
          - id: consideration
            name: Consideration
            within: 1.5h
            steps:
              - id: research
                name: Research
                touchpoints: ["Website: *", "/^Blog/"]
                repeatable: true
                optional: yes
                moment_of_truth: true
              - id: web_demo
                touchpoints: Webinar
              - id: sales_demo
                touchpoints: [Demo]
                within: 14d
              - id: order
                touchpoints: [Order]
                goal: true
        flow:
          research: [web_demo, sales_demo]
          web_demo: order
        ignore: "Website: Cookie*"
        rules:
          - precedence: {first: sales_demo, then: order}
          - response: {if: web_demo, then: order}
        """, file: "b2b.yaml")
        #expect(map.version == "2026.1")
        #expect(map.owner == "Growth team")
        #expect(map.description == "From first visit to renewal.")
        #expect(map.segment.map(\.attribute) == ["persona", "region"])
        #expect(map.segment.map(\.value) == ["IT buyer", "EU"])
        #expect(map.stages[0].name == "Consideration")
        #expect(map.stages[0].within == 5_400_000_000)
        #expect(map.steps[0].name == "Research")
        #expect(map.steps[0].isOptional && map.steps[0].isRepeatable && map.steps[0].isMomentOfTruth)
        #expect(map.steps[1].name == "web_demo")
        #expect(map.steps[1].touchpoints.map(\.text) == ["Webinar"])
        #expect(map.successors == [[1, 2], [3], [3], []])
        #expect(map.flowIsExplicit == [true, true, false, false])
        #expect(map.ignore.map(\.text) == ["Website: Cookie*"])
        #expect(map.rules == [.precedence(firstStep: 2, thenStep: 3, location: MapLocation(line: 30, column: 5)),
                              .response(ifStep: 1, thenStep: 3, within: nil, location: MapLocation(line: 31, column: 5))])
    }

    @Test func anExplicitEmptyFlowEndsTheJourney() throws {
        let map = try JourneyMap(yaml: validMap + "flow: {a: [b], b: []}\n", file: "j.yaml")
        #expect(map.successors == [[1], []])
        #expect(map.flowIsExplicit == [true, true])
    }

    // MARK: One test per kind of error

    @Test func yamlSyntaxError() {
        #expect(onlyError("journey: x\nstages: [a, b\n") .hasPrefix("3:1: invalid YAML: did not find expected ',' or ']'"))
        #expect(onlyError("journey: x\n  bad: indentation\n").hasPrefix("2:6: invalid YAML: mapping values are not allowed"))
        #expect(onlyError("journey: x\njourney: y\nstages: []\n") == "1:1: duplicate key 'journey' in one map")
        #expect(onlyError("") == "1:1: the journey map is empty; it needs at least 'journey' and 'stages'")
    }

    @Test func wrongTypes() {
        #expect(onlyError("- journey: x\n") == "1:1: expected a map for the journey map, found a list")
        #expect(onlyError("journey: x\nstages: {id: s}\n") == "2:9: expected a list for 'stages', found a map")
        #expect(onlyError(validMap.replacingOccurrences(of: "goal: true", with: "goal: \"yes\"")) == "9:15: 'goal' must be true or false, found 'yes'")
        #expect(onlyError(validMap.replacingOccurrences(of: "goal: true", with: "optional: [x]")) == "9:19: 'optional' must be true or false, found a list")
        #expect(onlyError(validMap.replacingOccurrences(of: "journey: Test", with: "journey: [Test]")) == "1:10: expected text for 'journey', found a list")
        #expect(onlyError(validMap.replacingOccurrences(of: "      - id: a\n        touchpoints: [A]\n", with: "      - a\n")) == "5:9: expected a map for a step, found 'a'")
        #expect(onlyError(validMap.replacingOccurrences(of: "[A]", with: "{A: 1}")) == "6:22: expected a list of text for 'touchpoints', found a map")
        #expect(onlyError(validMap + "ignore: [[x]]\n") == "10:10: expected text for a pattern in 'ignore', found a list")
    }

    @Test func missingRequiredKeys() {
        #expect(onlyError("stages:\n" + validMap.split(separator: "\n").dropFirst(2).joined(separator: "\n"))
            == "1:1: the journey map is missing the required key 'journey'")
        #expect(onlyError("journey: x\n") == "1:1: the journey map is missing the required key 'stages'")
        #expect(onlyError(validMap.replacingOccurrences(of: "        touchpoints: [A]\n", with: "")) == "5:9: a step is missing the required key 'touchpoints'")
        #expect(onlyError(validMap.replacingOccurrences(of: "  - id: s1\n    steps:", with: "  - steps:")) == "3:5: a stage is missing the required key 'id'")
        #expect(onlyError(validMap + "rules:\n  - at_most: {step: a}\n") == "11:14: rule 'at_most' is missing the required key 'times'")
    }

    @Test func unknownKeysSuggestTheNearest() {
        #expect(onlyError(validMap.replacingOccurrences(of: "touchpoints: B", with: "touchpoint: B"))
            == "8:9: unknown key 'touchpoint' in a step; did you mean 'touchpoints'?")
        let both = diagnostics(validMap.replacingOccurrences(of: "goal: true", with: "moment-of-truth: true"))
        #expect(both.map(\.description) == ["j.yaml:9:9: error: unknown key 'moment-of-truth' in a step; did you mean 'moment_of_truth'?"])
        #expect(onlyError(validMap + "rulez: []\n") == "10:1: unknown key 'rulez' in the journey map; did you mean 'rules'?")
        #expect(onlyError(validMap + "colour: red\n").hasPrefix("10:1: unknown key 'colour' in the journey map (expected 'journey', 'version'"))
        #expect(onlyError(validMap + "rules:\n  - nevr: X\n") == "11:5: unknown rule 'nevr'; did you mean 'never'?")
        #expect(onlyError(validMap + "rules:\n  - response: {if: a, than: b}\n").hasPrefix("11:23: unknown key 'than' in rule 'response'; did you mean 'then'?"))
    }

    @Test func emptyIDs() {
        #expect(onlyError(validMap.replacingOccurrences(of: "id: a", with: "id: \"\"")) == "5:13: empty step id")
        let stage = diagnostics(validMap.replacingOccurrences(of: "id: s1", with: "id:"))
        #expect(stage.map { "\($0.line):\($0.column): \($0.message)" } == ["3:8: expected text for 'id', found nothing"])
    }

    @Test func duplicateIDs() {
        let steps = validMap.replacingOccurrences(of: "id: b", with: "id: a")
        #expect(onlyError(steps) == "7:13: duplicate step id 'a' (first defined at 5:13)")
        let stages = validMap + "  - id: s1\n    steps: [{id: c, touchpoints: C}]\n"
        #expect(onlyError(stages) == "10:9: duplicate stage id 's1' (first defined at 3:9)")
    }

    @Test func stageAndStepShareOneNamespace() {
        #expect(onlyError(validMap.replacingOccurrences(of: "id: b", with: "id: s1"))
            == "7:13: 's1' is already the id of a stage (at 3:9); stages and steps share one namespace")
    }

    @Test func flowNamesUnknownStepsOrStages() {
        #expect(onlyError(validMap + "flow:\n  aa: [b]\n") == "11:3: flow names unknown step 'aa'; did you mean 'a'?")
        #expect(onlyError(validMap + "flow:\n  a: [b, bb]\n") == "11:10: flow of 'a' names unknown step 'bb'; did you mean 'b'?")
        #expect(onlyError(validMap + "flow:\n  a: [zzzzzz]\n") == "11:7: flow of 'a' names unknown step 'zzzzzz'")
        #expect(onlyError(validMap + "flow:\n  a: s1\n") == "11:6: flow of 'a' names stage 's1'; name a step (stages are not steps)")
        #expect(onlyError(validMap + "flow:\n  s1: b\n") == "11:3: flow names stage 's1'; name a step (stages are not steps)")
        #expect(onlyError(validMap + "flow:\n  a: [b, b]\n") == "11:10: flow of 'a' lists 'b' twice")
    }

    @Test func rulesNameUnknownSteps() {
        #expect(onlyError(validMap + "rules:\n  - precedence: {first: x, then: b}\n") == "11:25: rule 'precedence' names unknown step 'x'")
        #expect(onlyError(validMap + "rules:\n  - response: {if: a, then: bb}\n") == "11:29: rule 'response' names unknown step 'bb'; did you mean 'b'?")
        #expect(onlyError(validMap + "rules:\n  - at_most: {step: s1, times: 1}\n") == "11:21: rule 'at_most' names stage 's1'; name a step (stages are not steps)")
        #expect(onlyError(validMap + "rules:\n  - {never: X, at_most: {step: a, times: 1}}\n")
            == "11:5: a rule is a map with exactly one key (never, response, precedence or at_most); found 2")
    }

    @Test func unreachableSteps() {
        let map = validMap.replacingOccurrences(of: "        goal: true\n", with: "") + """
              - id: c
                touchpoints: C
        flow:
          a: [c]

        """
        #expect(onlyError(map) == "7:9: step 'b' cannot be reached from the start of the journey: no flow path leads to it")
    }

    @Test func unreachableGoalsAreNamed() {
        #expect(onlyError(validMap + "flow:\n  a: []\n")
            == "7:9: goal step 'b' cannot be reached from the start of the journey: no walk through the flow can complete it")
    }

    @Test func badDurations() {
        #expect(onlyError(validMap.replacingOccurrences(of: "goal: true", with: "within: 14"))
            == "9:17: bad duration for 'within': duration '14' has no unit; add s, m, h, d or w (e.g. 14d)")
        #expect(onlyError(validMap.replacingOccurrences(of: "  - id: s1\n", with: "  - id: s1\n    within: 3y\n"))
            == "4:13: bad duration for 'within': duration '3y' has an unknown unit; use s, m, h, d or w")
        #expect(onlyError(validMap + "rules:\n  - response: {if: a, then: b, within: soon}\n").hasPrefix("11:40: bad duration for 'within':"))
    }

    @Test func badRegularExpressions() {
        #expect(onlyError(validMap.replacingOccurrences(of: "[A]", with: "[\"/(unclosed/\"]")).hasPrefix("6:23: bad regular expression /(unclosed/"))
        #expect(onlyError(validMap + "rules:\n  - never: \"/[z-a]/\"\n").hasPrefix("11:12: bad regular expression /[z-a]/"))
    }

    @Test func badTimes() {
        #expect(onlyError(validMap + "rules:\n  - at_most: {step: a, times: -1}\n") == "11:31: 'times' must be a whole number of at least 0, found '-1'")
        #expect(onlyError(validMap + "rules:\n  - at_most: {step: a, times: 2.5}\n") == "11:31: 'times' must be a whole number of at least 0, found '2.5'")
        #expect(onlyError(validMap + "rules:\n  - at_most: {step: a, times: \"3\"}\n") == "11:31: 'times' must be a whole number of at least 0, found '3'")
    }

    @Test func emptyTouchpointLists() {
        #expect(onlyError(validMap.replacingOccurrences(of: "[A]", with: "[]")) == "6:22: 'touchpoints' is empty; list at least one touchpoint pattern")
        #expect(onlyError(validMap.replacingOccurrences(of: "[A]", with: "")) == "6:21: expected a list of text for 'touchpoints', found nothing")
        #expect(onlyError(validMap.replacingOccurrences(of: "[A]", with: "[\"\"]")) == "6:23: empty touchpoint pattern")
    }

    @Test func aStageWithNoSteps() {
        #expect(onlyError(validMap + "  - id: s2\n    steps: []\n") == "11:12: stage 's2' has no steps; list at least one under 'steps'")
    }

    @Test func noStages() {
        #expect(onlyError("journey: x\nstages: []\n") == "2:9: the journey has no stages; list at least one under 'stages'")
    }

    @Test func everyErrorIsReportedAtOnceInFileOrder() {
        let found = diagnostics("""
        journey: Broken
        stages:
          - id: s1
            within: forever
            steps:
              - id: a
                touchpoint: [A]
              - id: a
                touchpoints: ["/(/"]
                optional: maybe
        flow:
          a: [nowhere]
        rules:
          - at_most: {step: a, times: -3}
        colour: red
        """)
        #expect(found.map { "\($0.line):\($0.column)" } == ["4:13", "7:9", "8:13", "9:23", "10:19", "12:7", "14:31", "15:1"])
        #expect(found.allSatisfy { $0.file == "j.yaml" })
        let errors = MapErrors(found)
        #expect(errors.description.split(separator: "\n").count == 8)
        #expect(errors.description.hasPrefix("j.yaml:4:13: error: bad duration for 'within'"))
    }

    // MARK: Patterns

    @Test func globExactAndRegexMatching() throws {
        let web = try TouchpointPattern("Website: *")
        #expect(web.matches("Website: Home"))
        #expect(web.matches("Website: "))
        #expect(!web.matches("Web"))
        #expect(!web.matches("website: Home"))
        let everything = try TouchpointPattern("*")
        #expect(everything.matches("") && everything.matches("anything at all"))
        let middle = try TouchpointPattern("a*b*c")
        #expect(middle.matches("abc") && middle.matches("a-b-c") && !middle.matches("ab") && !middle.matches("a-c-b"))
        let exact = try TouchpointPattern("Sales: Demo")
        #expect(exact.matches("Sales: Demo") && !exact.matches("Sales: Demo 2") && !exact.matches("sales: demo"))
        let dot = try TouchpointPattern("a.c")
        #expect(!dot.matches("abc"))
        let regex = try TouchpointPattern("/^Sales/")
        #expect(regex.matches("Sales: Demo") && !regex.matches("Pre-Sales"))
        let search = try TouchpointPattern("/Demo/")
        #expect(search.matches("Sales: Demo call"))
        #expect(throws: PatternError.self) { try TouchpointPattern("/(/") }
    }
}
