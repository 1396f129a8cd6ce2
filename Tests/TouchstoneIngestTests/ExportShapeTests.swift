import Testing
@testable import TouchstoneIngest

/// Exports shaped like Salesforce, HubSpot, GA4/BigQuery and Zendesk files: the columns are
/// detected, and rows without a stage or channel are used (as `(none)`), not rejected.
@Suite("Real export shapes")
struct ExportShapeTests {
    struct Result {
        var table: EventTable
        var report: IngestReport
        /// Header name per role, in mapping order.
        var mapping: [String]
        var customers: Int { table.caseNames.count }
    }

    func run(_ name: String, _ options: IngestOptions = IngestOptions()) throws -> Result {
        let ingester = Ingester(options: options)
        let (table, report) = try ingester.ingest([.file(Fixtures.directory.appendingPathComponent(name).path)])
        return Result(table: table, report: report, mapping: report.mappings.first?.columns.map { "\($0.role)=\($0.name)" } ?? [])
    }

    func noneCount(_ ids: [UInt32], _ names: SymbolTable) -> Int {
        guard let none = names.noneID else { return 0 }
        return ids.filter { $0 == none }.count
    }

    @Test func hubSpotRowsWithoutStageAreUsed() throws {
        let r = try run("export-hubspot.csv")
        #expect(r.mapping == ["case=Record ID", "touchpoint=Activity Type", "timestamp=Activity Date", "stage=Lifecycle Stage"])
        #expect(r.report.rowsRead == 11 && r.report.rowsUsed == 11 && r.report.rowsRejected == 0)
        #expect(r.customers == 4)
        #expect(noneCount(r.table.stages.map(\.rawValue), r.table.stageNames) == 4)
        // The missing stage and a stage literally named "(none)" are two ids with two names.
        #expect(r.table.stageNames.names == ["Lead", "(none)", "Opportunity", "Customer", "\"(none)\""])
        #expect(r.table.stageNames.lookup("(none)") == 1)
        #expect(r.table.stageNames.lookup("\"(none)\"") == 4)
        #expect(Array(r.table.stageNames.bytes(1)) == [])
        #expect(Array(r.table.stageNames.bytes(4)) == Array("(none)".utf8))
    }

    @Test func ga4PrefersTheFilledUserColumn() throws {
        let r = try run("export-ga4.csv")
        #expect(r.mapping == ["case=user_pseudo_id", "touchpoint=event_name", "timestamp=event_timestamp"])
        #expect(r.report.rowsUsed == 10 && r.report.rowsRejected == 0)
        #expect(r.customers == 3)
        #expect(r.report.timestampFormat == .epoch(.microseconds))
        let chosen = try #require(r.report.mappings.first?.column(.caseID))
        #expect(chosen.fill == FillChoice(sampledRows: 10, filled: 10, passedOver: [.init(name: "user_id", filled: 2)]))
        // The compact `event_date` column, named explicitly, is read as dates.
        var options = IngestOptions()
        options.columns.timestamp = .name("event_date")
        let dates = try run("export-ga4.csv", options)
        #expect(dates.report.timestampFormat?.description == "%Y%m%d")
        #expect(dates.report.rowsUsed == 10)
        #expect(Set(dates.table.timestamps) == [1_710_460_800_000_000, 1_710_547_200_000_000])
    }

    @Test func salesforceQuotedHeaderAndEmptyQuotedStage() throws {
        let r = try run("export-salesforce.csv")
        #expect(r.mapping == ["case=Contact ID", "touchpoint=Activity Type", "timestamp=Activity Date", "stage=Stage"])
        #expect(r.report.rowsRead == 8 && r.report.rowsUsed == 8 && r.report.rowsRejected == 0)
        #expect(r.customers == 3)
        #expect(r.report.timestampFormat?.description == "%m/%d/%Y")
        #expect(noneCount(r.table.stages.map(\.rawValue), r.table.stageNames) == 4)
    }

    @Test func zendeskRowsWithoutChannelAreUsed() throws {
        let r = try run("export-zendesk.csv")
        #expect(r.mapping == ["case=Requester ID", "touchpoint=Status", "timestamp=Updated at", "channel=Via"])
        #expect(r.report.rowsRead == 9 && r.report.rowsUsed == 9 && r.report.rowsRejected == 0)
        #expect(r.customers == 3)
        #expect(noneCount(r.table.channels.map(\.rawValue), r.table.channelNames) == 4)
        #expect(r.table.channelNames.names == ["email", "(none)", "web", "chat"])
    }

    @Test(arguments: [1, 2, 7, 4096])
    func detectionDoesNotDependOnChunks(chunk: Int) {
        // 150 rows: the sample is the first 100; `user_id` is filled in 80 of them (not 90%).
        var text = "user_id,user_pseudo_id,event_name,event_timestamp\n"
        for i in 0..<150 { text += "\(i % 5 == 0 ? "" : "u\(i)"),p\(i % 7),e,\(1_710_000_000 + i)\n" }
        let o = ingest(Array(text.utf8), chunk: chunk)
        #expect(o.error == nil)
        #expect(o.rowsUsed == 150)
        #expect(Set(o.events.map(\.customer)).count == 7)
    }
}

/// `ColumnMapping.resolve`: names, the fill rule and the missing-columns error.
@Suite("Column detection")
struct ColumnDetectionTests {
    func resolve(_ header: [String], filled: [Int] = [], rows: Int = 0) throws(IngestError) -> [String] {
        try ColumnMapping.resolve(ColumnSelection(), header: header, fieldCount: header.count, source: "x.csv",
                                  filled: filled, sampledRows: rows).columns.map { "\($0.role)=\($0.name)" }
    }

    @Test func namesMatchIgnoringCaseSpacesAndPunctuation() throws {
        #expect(try resolve(["Contact ID", "Activity Type", "Activity Date", "Lifecycle Stage"])
                == ["case=Contact ID", "touchpoint=Activity Type", "timestamp=Activity Date", "stage=Lifecycle Stage"])
        #expect(try resolve(["contact-id", "ACTIVITY_TYPE", " Created.At ", "Deal Stage", "Default Channel Group"])
                == ["case=contact-id", "touchpoint=ACTIVITY_TYPE", "timestamp= Created.At ", "stage=Deal Stage", "channel=Default Channel Group"])
        #expect(ColumnMapping.normalize("Kunden-Nr.") == "kundennr")
        #expect(ColumnMapping.normalize("Aktivität") == "aktivität")
    }

    @Test func theFirstFilledCandidateWins() throws {
        let header = ["user_id", "user_pseudo_id", "event_name", "event_timestamp"]
        // Without a sample the first name in the table wins.
        #expect(try resolve(header).first == "case=user_id")
        // user_id in 89 of 100 rows is not filled; user_pseudo_id in all is.
        #expect(try resolve(header, filled: [89, 100, 100, 100], rows: 100).first == "case=user_pseudo_id")
        // In 90 of 100 it is, and it comes first.
        #expect(try resolve(header, filled: [90, 100, 100, 100], rows: 100).first == "case=user_id")
        // None filled: the fullest.
        #expect(try resolve(header, filled: [30, 40, 100, 100], rows: 100).first == "case=user_pseudo_id")
        #expect(try resolve(header, filled: [40, 40, 100, 100], rows: 100).first == "case=user_id")
        // Two columns named alike and both filled cannot be told apart.
        #expect(throws: IngestError.self) { try resolve(["User ID", "user_id", "event", "ts"], filled: [10, 10, 10, 10], rows: 10) }
        #expect(try resolve(["User ID", "user_id", "event", "ts"], filled: [1, 10, 10, 10], rows: 10).first == "case=user_id")
    }

    @Test func allMissingRolesInOneError() {
        do {
            _ = try resolve(["Who", "What", "Owner's Name"])
            Issue.record("expected an error")
        } catch {
            #expect(error.message == "cannot detect the case, touchpoint and timestamp columns from the header; pass --case COLUMN --activity 'Owner'\\''s Name' --timestamp COLUMN with the right header names or positions (header: 1=Who, 2=What, 3=Owner's Name)")
        }
        do {
            _ = try resolve(["Contact Id", "Action Taken", "When"])
            Issue.record("expected an error")
        } catch {
            // The case column is detected; the others are suggested from their names.
            #expect(error.message.hasPrefix("cannot detect the touchpoint and timestamp columns from the header; pass --activity 'Action Taken' --timestamp COLUMN "))
        }
        do {
            _ = try ColumnMapping.resolve(ColumnSelection(), header: nil, fieldCount: 4, source: "x.csv")
            Issue.record("expected an error")
        } catch {
            #expect(error.message == "cannot detect the case, touchpoint and timestamp columns without a header; pass --case N --activity N --timestamp N (1-based positions; the input has 4 columns)")
        }
    }

    @Test func shellQuoting() {
        #expect(ColumnMapping.shellQuoted("user_id") == "user_id")
        #expect(ColumnMapping.shellQuoted("Contact ID") == "'Contact ID'")
        #expect(ColumnMapping.shellQuoted("it's") == "'it'\\''s'")
        #expect(ColumnMapping.shellQuoted("") == "''")
    }
}
