import Testing
@testable import TouchstoneIngest

/// Format detection from sample values.
@Suite struct TimestampFormatDetectorTests {
    /// Feeds `values` in order; returns the first decision from `observe` and the detector.
    func detect(_ values: [String]) -> (observed: TimestampFormat?, detector: TimestampFormatDetector) {
        var detector = TimestampFormatDetector()
        var observed: TimestampFormat?
        for value in values {
            let result = Array(value.utf8).withUnsafeBytes { detector.observe($0) }
            if observed == nil { observed = result }
        }
        return (observed, detector)
    }

    @Test(arguments: ["2024-03-15", "2024-03-15T10:30:45.123Z", "2024-03-15 10:30", " 2024-03-15T10:30+01:00 "])
    func iso(value: String) {
        let (observed, detector) = detect([value])
        #expect(observed == .iso8601)
        #expect(detector.finish() == .success(.iso8601))
    }

    @Test(arguments: [
        ("0", EpochUnit.seconds), ("1710498645", .seconds), ("-1710498645", .seconds), ("17104986451", .seconds),
        ("1710498645.25", .seconds), ("171049864512", .milliseconds), ("1710498645123", .milliseconds),
        ("17104986451234", .milliseconds), ("171049864512345", .microseconds), ("1710498645123456", .microseconds),
        ("17104986451234567", .microseconds),
        // 8 digits that are no valid YYYYMMDD in 1900–2099 stay epoch seconds.
        ("12345678", .seconds), ("18991231", .seconds), ("21000101", .seconds), ("20241301", .seconds),
        ("20240230", .seconds), ("19000100", .seconds),
        // 14 digits that are no valid YYYYMMDDhhmmss stay epoch milliseconds.
        ("20240315250000", .milliseconds), ("17104986451234", .milliseconds),
    ])
    func epoch(value: String, unit: EpochUnit) {
        #expect(detect([value]).observed == .epoch(unit))
    }

    @Test(arguments: [("20240315", "%Y%m%d"), ("19000101", "%Y%m%d"), ("20991231", "%Y%m%d"), ("20240229", "%Y%m%d"),
                      ("20240315103045", "%Y%m%d%H%M%S"), ("19991231235959", "%Y%m%d%H%M%S")])
    func compactDates(value: String, spec: String) throws {
        let (observed, detector) = detect([value, "1710498645"])
        #expect(observed == (try pattern(spec)))
        #expect(detector.finish() == .success(try pattern(spec)))
        if let observed { #expect(parseTimestamp(value, observed) != nil) }
    }

    @Test func compactDateParsesToMidnightUTC() throws {
        let format = try pattern("%Y%m%d")
        #expect(detect(["20240315"]).observed == format)
        #expect(parseTimestamp("20240315", format) == micros(1_710_460_800))
        // Once decided, a 10-digit epoch value in the same column is no date.
        #expect(parseTimestamp("1710498645", format) == nil)
    }

    @Test(arguments: ["171049864512345678", "1710498645123.5", "1.2.3", "-", "1e9"])
    func epochShapesNotRecognised(value: String) {
        #expect(detect([value]).observed == nil)
    }

    @Test func dayFirstDecidedByFirstFieldAbove12() throws {
        let (observed, detector) = detect(["03.04.2024 10:00", "01.02.2024 11:00", "15.04.2024 09:30", "04.16.2024 09:30"])
        #expect(observed == (try pattern("%d.%m.%Y %H:%M")))
        #expect(detector.samplesSeen == 4)
        #expect(detector.finish() == .success(try pattern("%d.%m.%Y %H:%M")))
    }

    @Test func monthFirstDecidedBySecondFieldAbove12() throws {
        let (observed, _) = detect(["03/04/2024 10:00:00 AM", "04/16/2024 9:30:00 pm"])
        #expect(observed == (try pattern("%m/%d/%Y %I:%M:%S %p")))
    }

    @Test(arguments: [
        ("13-01-2024", "%d-%m-%Y"), ("1/13/2024", "%m/%d/%Y"), ("13.1.2024T08:15", "%d.%m.%YT%H:%M"),
        ("31.12.2024 23:59:59.123", "%d.%m.%Y %H:%M:%S.%f"), ("2024/03/15", "%Y/%m/%d"),
        ("2024/03/15 10:30:45", "%Y/%m/%d %H:%M:%S"), ("2024/3/5 1:30 PM", "%Y/%m/%d %I:%M %p"),
    ])
    func shapes(value: String, spec: String) throws {
        let (observed, _) = detect([value])
        #expect(observed == (try pattern(spec)))
        // The decided format parses its deciding value.
        if let observed { #expect(parseTimestamp(value, observed) != nil) }
    }

    @Test func ambiguityIsReported() {
        let values = (1...37).map { "0\($0 % 9 + 1)/04/2024 10:00" }
        let (observed, detector) = detect(["03/04/2024 10:00"] + values.dropFirst())
        #expect(observed == nil)
        #expect(detector.samplesSeen == 37)
        #expect(detector.finish() == .failure(TimestampError(
            "day/month order is ambiguous: all 37 values like '03/04/2024 10:00' have both fields ≤ 12; pass --timestamp-format '%d/%m/%Y %H:%M' or '%m/%d/%Y %H:%M'")))
    }

    @Test func impossibleDayMonthValuesAreIgnored() throws {
        // 13/13 and 31.02 fit no order; the later value decides.
        let (observed, detector) = detect(["13/13/2024", "31.02.2024", "garbage", "25/12/2024"])
        #expect(observed == (try pattern("%d/%m/%Y")))
        #expect(detector.samplesSeen == 4)
    }

    @Test func unrecognisedValuesAreQuoted() {
        let (observed, detector) = detect(["yesterday", "soon", "later", "never", "n/a"])
        #expect(observed == nil)
        #expect(detector.samplesSeen == 5)
        #expect(detector.finish() == .failure(TimestampError(
            "no recognisable timestamp among 5 values (e.g. 'yesterday', 'soon', 'later'); expected ISO 8601, epoch seconds/milliseconds/microseconds, or day.month.year; pass --timestamp-format")))
    }

    @Test func nothingObserved() {
        guard case .failure(let error) = TimestampFormatDetector().finish() else {
            Issue.record("expected an error")
            return
        }
        #expect(error.message.contains("no timestamp values"))
    }

    @Test func laterValuesDoNotChangeTheDecision() {
        let (observed, detector) = detect(["1710498645", "2024-03-15", "15.03.2024"])
        #expect(observed == .epoch(.seconds))
        #expect(detector.finish() == .success(.epoch(.seconds)))
        #expect(detector.samplesSeen == 3)
    }

    @Test func unrecognisedThenAmbiguousThenDecided() throws {
        let (observed, detector) = detect(["n/a", "01/02/2024", "02/03/2024", "12/31/2024"])
        #expect(observed == (try pattern("%m/%d/%Y")))
        #expect(detector.finish() == .success(try pattern("%m/%d/%Y")))
    }
}
