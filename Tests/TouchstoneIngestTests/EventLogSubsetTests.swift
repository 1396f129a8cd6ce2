import Testing
import TouchstoneIngest

/// `EventLog.subset` checks its indices before gathering without bounds checks.
@Suite("EventLog.subset")
struct EventLogSubsetTests {
    static func log() -> EventLog {
        var table = EventTable(stages: false, channels: false)
        for (i, c) in ["a", "a", "b", "c"].enumerated() { table.append(case: c, activity: "x", timestamp: Int64(i)) }
        return EventLog(table)
    }

    @Test func keepsTheRowsAsked() {
        let subset = Self.log().subset(keeping: [1, 3])
        #expect(subset.events.count == 2)
        #expect(subset.traceCount == 2)
    }

    @Test func anIndexOutOfRangeStopsTheProcess() async {
        await #expect(processExitsWith: .failure) { _ = EventLogSubsetTests.log().subset(keeping: [0, 9]) }
    }

    @Test func indicesOutOfOrderStopTheProcess() async {
        await #expect(processExitsWith: .failure) { _ = EventLogSubsetTests.log().subset(keeping: [2, 1]) }
    }
}
