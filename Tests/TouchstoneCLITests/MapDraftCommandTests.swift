import Foundation
import Testing

/// `touchstone map draft` end to end: the draft validates and checks its own log well.
@Suite("touchstone map draft")
struct MapDraftCommandTests {
    @Test(arguments: ["b2b-software-purchase", "retail-bank-onboarding", "support-eu"])
    func draftValidatesAndFitsItsLog(_ scenario: String) throws {
        let dir = try CLI.temporaryDirectory()
        let log = CLI.packageRoot.appendingPathComponent("SampleLogs/\(scenario)/\(scenario).csv").path
        let map = dir.appendingPathComponent("draft.yaml").path
        let draft = try CLI.run(["map", "draft", log, "--name", "Draft of \(scenario)", "-o", map])
        #expect(draft.status == 0, "\(draft.stderr)")
        let text = try String(contentsOfFile: map, encoding: .utf8)
        #expect(text.hasPrefix("journey: \"Draft of \(scenario)\"\n"))
        let validate = try CLI.run(["map", "validate", map, log])
        #expect(validate.status == 0, "\(validate.stderr)")
        let check = try CLI.run(["check", log, "--map", map, "--format", "json"])
        #expect(check.status == 0, "\(check.stderr)")
        let fitness = try #require(CLI.json(check.stdout)?["mean_fitness"] as? Double)
        #expect(fitness >= 0.85)
        // Not a trivial map: some steps are required.
        #expect(text.components(separatedBy: "optional: true").count - 1 < text.components(separatedBy: "touchpoints:").count - 1)
    }
}
