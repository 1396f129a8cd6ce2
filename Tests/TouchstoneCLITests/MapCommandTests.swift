import Foundation
import Testing

@Suite("touchstone map validate")
struct MapCommandTests {
    static let example = CLI.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/journey-example")
    static var examplePath: String { example.appendingPathComponent("journey.yaml").path }
    static var exampleLog: String { example.appendingPathComponent("log.csv").path }

    @Test func aValidMapPrintsItsSummaryAndExits0() throws {
        try #require(FileManager.default.fileExists(atPath: Self.examplePath), "needs ../shared/journey-example")
        let r = try CLI.run(["map", "validate", Self.examplePath])
        #expect(r.status == 0)
        #expect(r.stderr.isEmpty)
        #expect(r.stdout.contains("Journey: Example purchase (version 1)"))
        #expect(r.stdout.contains("Stages: 3 (consider, buy, support)"))
        #expect(r.stdout.contains("Steps: 7 (1 optional, 1 repeatable)"))
        #expect(r.stdout.contains("Goals: order"))
        #expect(r.stdout.contains("Rules: 3 (never, response, at_most)"))
        #expect(!r.stdout.contains("Mapping coverage"))
    }

    @Test func withALogItShowsTheMappingCoverage() throws {
        try #require(FileManager.default.fileExists(atPath: Self.exampleLog), "needs ../shared/journey-example")
        let r = try CLI.run(["map", "validate", Self.examplePath, Self.exampleLog])
        #expect(r.status == 0)
        #expect(r.stdout.contains("  Events: 34\n"))
        #expect(r.stdout.contains("  Ignored: 1\n"))
        #expect(r.stdout.contains("  Matched to a step: 32 of 33 not ignored (97.0%)\n"))
        #expect(r.stdout.contains("Unmatched touchpoints (1):\n  Partner: Referral  1\n"))
        #expect(r.stdout.contains("Steps never matched: webinar\n"))
        #expect(r.stdout.contains("Touchpoints matched by several steps: none\n"))
    }

    @Test func everyErrorIsPrintedWithItsPositionAndExits2() throws {
        let dir = try CLI.temporaryDirectory()
        let path = dir.appendingPathComponent("bad.yaml")
        try """
        journey: Broken
        stages:
          - id: s
            steps:
              - id: a
                touchpoint: A
              - id: s
                touchpoints: [B]
                optional: maybe
        flow:
          a: [b]

        """.write(to: path, atomically: true, encoding: .utf8)
        let r = try CLI.run(["map", "validate", "bad.yaml"], in: dir)
        #expect(r.status == 2)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr == """
        bad.yaml:6:9: error: unknown key 'touchpoint' in a step; did you mean 'touchpoints'?
        bad.yaml:7:13: error: 's' is already the id of a stage (at 3:9); stages and steps share one namespace
        bad.yaml:9:19: error: 'optional' must be true or false, found 'maybe'
        bad.yaml:11:7: error: flow of 'a' names unknown step 'b'

        """)
    }

    @Test func syntaxErrorsCarryYamlPositions() throws {
        let dir = try CLI.temporaryDirectory()
        try "journey: x\nstages: [a, b\n".write(to: dir.appendingPathComponent("j.yaml"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["map", "validate", "j.yaml"], in: dir)
        #expect(r.status == 2)
        #expect(r.stderr.hasPrefix("j.yaml:3:1: error: invalid YAML: did not find expected ',' or ']'"))
    }

    @Test func anUnreadableMapExits2() throws {
        let r = try CLI.run(["map", "validate", "no-such-map.yaml"])
        #expect(r.status == 2)
        #expect(r.stderr == "no-such-map.yaml: error: cannot read the journey map: No such file or directory\n")
    }

    @Test func logProblemsAndUsageErrorsExit2() throws {
        try #require(FileManager.default.fileExists(atPath: Self.examplePath), "needs ../shared/journey-example")
        let missingLog = try CLI.run(["map", "validate", Self.examplePath, "no-such-log.csv"])
        #expect(missingLog.status == 2)
        #expect(missingLog.stderr.contains("no-such-log.csv: error: cannot open"))
        let noMap = try CLI.run(["map", "validate"])
        #expect(noMap.status == 2)
        let help = try CLI.run(["map", "validate", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("USAGE: touchstone map validate [<options>] <map> [<log> ...]"))
    }

    @Test func statsStillNeedsALog() throws {
        let r = try CLI.run(["stats"])
        #expect(r.status == 2)
        #expect(r.stderr == "error: missing expected argument '<log> ...'; see 'touchstone stats --help'\n")
    }
}
