import Foundation
import Testing

/// Exports shaped like HubSpot, Salesforce, GA4/BigQuery and Zendesk files, end to end: every
/// row is used, and events without a stage or channel are the documented `(none)` value.
@Suite("Real export shapes, end to end")
struct ExportShapeCommandTests {
    func json(_ arguments: [String]) throws -> [String: Any] {
        let r = try CLI.run(arguments)
        #expect(r.status == 0, "\(r.stderr)")
        return try #require(CLI.json(r.stdout), "\(r.stdout)")
    }

    func edges(_ document: [String: Any]) -> [String] {
        ((document["edges"] as? [[String: Any]]) ?? []).map {
            "\($0["source"] as? String ?? "?")>\($0["target"] as? String ?? "?") \($0["frequency"] as? Int ?? -1)"
        }
    }

    @Test func hubSpotStatsCountEventsWithoutStage() throws {
        let stats = try json(["stats", "--format", "json", CLI.fixture("export-hubspot.csv")])
        #expect(stats["rows_used"] as? Int == 11)
        #expect(stats["rows_rejected"] as? Int == 0)
        #expect(stats["customers"] as? Int == 4)
        #expect(stats["events_without_stage"] as? Int == 4)
        #expect(stats["events_without_channel"] is NSNull)
        let stages = try #require(stats["stages"] as? [String: Int])
        #expect(stages == ["(none)": 4, "Lead": 3, "Opportunity": 2, "Customer": 1, "\"(none)\"": 1])
        let text = try CLI.run(["stats", CLI.fixture("export-hubspot.csv")])
        #expect(text.stdout.contains("\nEvents without stage: 4 (stage (none))\n"))
    }

    @Test func hubSpotGraphsKeepEveryTouchpoint() throws {
        let touchpoints = try json(["discover", "--format", "json", CLI.fixture("export-hubspot.csv")])
        #expect(touchpoints["customers"] as? Int == 4)
        #expect(touchpoints["transitions"] as? Int == 7)
        #expect(Set(edges(touchpoints)) == ["Form submission>Email open 2", "Email open>Meeting booked 2", "Meeting booked>Deal won 1",
                                            "Email open>Page view 1", "Page view>Form submission 1"])

        let stage = try json(["discover", "--level", "stage", "--format", "json", CLI.fixture("export-hubspot.csv")])
        #expect(stage["transitions"] as? Int == 6)
        #expect(Set(edges(stage)) == ["Lead>(none) 2", "(none)>Opportunity 2", "Opportunity>Customer 1", "\"(none)\">Lead 1"])
        let stages = try #require(stage["stages"] as? [String: Any])
        // `(none)` is the last row and column of the matrix, and no step of the funnel.
        #expect(stages["order"] as? [String] == ["Lead", "Opportunity", "Customer", "\"(none)\"", "(none)"])
        let funnel = try #require(stages["funnel"] as? [[String: Any]])
        #expect(funnel.map { $0["stage"] as? String } == ["Lead", "Opportunity", "Customer", "\"(none)\""])
        #expect(funnel.first?["customers"] as? Int == 3)
        let matrix = try #require(stages["matrix"] as? [[String: Any]])
        let noneRow = try #require(matrix.first { $0["from"] as? String == "(none)" })
        #expect(noneRow["total"] as? Int == 3)

        // Filters name the two values apart.
        let missing = try json(["discover", "--format", "json", "--where", "stage=(none)", CLI.fixture("export-hubspot.csv")])
        #expect(missing["customers"] as? Int == 3)
        let literal = try json(["discover", "--format", "json", "--where", "stage=\"(none)\"", CLI.fixture("export-hubspot.csv")])
        #expect(literal["customers"] as? Int == 1)
    }

    @Test func hubSpotMapDraftValidateAndCheck() throws {
        let dir = try CLI.temporaryDirectory()
        let log = CLI.fixture("export-hubspot.csv")
        let map = dir.appendingPathComponent("draft.yaml").path
        let draft = try CLI.run(["map", "draft", log, "--name", "HubSpot", "-o", map])
        #expect(draft.status == 0, "\(draft.stderr)")
        let text = try String(contentsOfFile: map, encoding: .utf8)
        // The touchpoint seen only without a stage is in the last stage, `(none)`, and no goal.
        #expect(text.hasSuffix("""
              - id: "none_2"
                name: "(none)"
                steps:
                  - id: "email_open"
                    name: "Email open"
                    touchpoints: ["Email open"]
            flow:
              "page_view": ["form_submission", "email_open"]
              "form_submission": ["email_open"]
              "deal_won": []
              "email_open": ["page_view", "meeting_booked"]

            """))
        let validate = try CLI.run(["map", "validate", map, log])
        #expect(validate.status == 0, "\(validate.stderr)")
        #expect(validate.stdout.contains("Matched to a step: 11 of 11 not ignored (100.0%)"))
        let check = try json(["check", log, "--map", map, "--format", "json"])
        #expect(check["customers"] as? Int == 4)
        // A segment on the missing stage: customers with an event without a stage.
        let segment = dir.appendingPathComponent("segment.yaml").path
        try text.replacingOccurrences(of: "journey: \"HubSpot\"\n", with: "journey: \"HubSpot\"\nsegment: {where: {stage: \"(none)\"}}\n")
            .write(toFile: segment, atomically: true, encoding: .utf8)
        #expect(try json(["check", log, "--map", segment, "--format", "json"])["customers"] as? Int == 3)
    }

    @Test func zendeskChannelLevel() throws {
        let stats = try json(["stats", "--format", "json", CLI.fixture("export-zendesk.csv")])
        #expect(stats["rows_used"] as? Int == 9)
        #expect(stats["customers"] as? Int == 3)
        #expect(stats["events_without_channel"] as? Int == 4)
        #expect(stats["events_without_stage"] is NSNull)
        let touchpoints = try json(["discover", "--format", "json", CLI.fixture("export-zendesk.csv")])
        #expect(touchpoints["transitions"] as? Int == 6)
        #expect(Set(edges(touchpoints)) == ["new>open 1", "open>solved 1", "solved>new 1", "new>solved 1", "new>pending 1", "pending>solved 1"])
        let channel = try json(["discover", "--level", "channel", "--format", "json", CLI.fixture("export-zendesk.csv")])
        #expect(channel["transitions"] as? Int == 3)
        #expect(Set(edges(channel)) == ["email>(none) 1", "(none)>chat 1", "web>(none) 1"])
    }

    @Test func ga4AndSalesforceDetection() throws {
        let ga4 = try CLI.run(["discover", "--format", "json", CLI.fixture("export-ga4.csv")])
        #expect(ga4.status == 0)
        #expect(ga4.stderr.contains("note: case column 'user_pseudo_id' chosen over 'user_id': it is filled in 10 of the first 10 rows, 'user_id' in 2; pass --case to choose\n"))
        let graph = try #require(CLI.json(ga4.stdout))
        #expect(graph["customers"] as? Int == 3)
        #expect(graph["transitions"] as? Int == 7)
        #expect(Set(edges(graph)) == ["session_start>page_view 3", "page_view>add_to_cart 2", "add_to_cart>purchase 1", "page_view>page_view 1"])
        // The compact event_date column is read as dates.
        let dates = try json(["stats", "--format", "json", "--timestamp", "event_date", CLI.fixture("export-ga4.csv")])
        #expect(dates["timestamp_format"] as? String == "%Y%m%d")
        #expect(dates["first_event"] as? String == "2024-03-15T00:00:00Z")
        #expect(dates["last_event"] as? String == "2024-03-16T00:00:00Z")

        let salesforce = try json(["discover", "--format", "json", CLI.fixture("export-salesforce.csv")])
        #expect(salesforce["customers"] as? Int == 3)
        #expect(salesforce["events"] as? Int == 8)
        #expect(salesforce["transitions"] as? Int == 5)
        #expect(Set(edges(salesforce)) == ["Call>Email 1", "Email>Meeting 1", "Meeting>Call 1", "Email>Call 1", "Email>Email 1"])
    }

    @Test func missingColumnsInOneError() throws {
        let dir = try CLI.temporaryDirectory()
        let log = dir.appendingPathComponent("export.csv")
        try "Id,Subject Line,When\n1,a,2024-01-01\n".write(to: log, atomically: true, encoding: .utf8)
        let r = try CLI.run(["stats", log.path])
        #expect(r.status == 2)
        #expect(r.stderr == "\(log.path): error: cannot detect the case, touchpoint and timestamp columns from the header; pass --case Id --activity 'Subject Line' --timestamp COLUMN with the right header names or positions (header: 1=Id, 2=Subject Line, 3=When)\n")
    }
}
