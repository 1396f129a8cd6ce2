import Testing
@testable import TouchstoneIngest

/// Timestamps must be instants in the years 0000-9999 UTC: epoch values that overflow 64-bit
/// microseconds, and values whose year leaves that range once the offset or zone is applied,
/// are refused with a reason (the ingester rejects them as `bad_timestamp` with it).
@Suite struct TimestampBoundsTests {
    /// The parse result and the failure reason of `text`.
    func check(_ text: String, _ format: TimestampFormat = .iso8601, zone: TimeZoneSpec = .utc) -> (Int64?, String?) {
        var parser = TimestampParser(format: format, zone: zone)
        return Array(text.utf8).withUnsafeBytes { bytes in
            let value = parser.parse(bytes)
            return (value, value == nil ? parser.failureReason(bytes) : nil)
        }
    }

    @Test func supportedRangeIsYearsZeroToNineThousandNineHundredNinetyNine() {
        // date -u -d '0000-01-01' +%s is not supported by GNU date; 0000-01-01 is 719528 days before 1970.
        #expect(TimestampParser.supportedRange.lowerBound == -719_528 * 86_400_000_000)
        #expect(TimestampParser.supportedRange.upperBound == 253_402_300_800_000_000 - 1)
    }

    @Test func offsetPushingTheYearPastNineThousandNineHundredNinetyNineIsRefused() {
        let (value, reason) = check("9999-12-31T23:00:00-05:00")
        #expect(value == nil)
        #expect(reason == "year 10000 in UTC (after the offset -05:00) is outside 0000-9999")
        // The same wall-clock time without the push stays valid.
        #expect(check("9999-12-31T18:59:59.999999-05:00").0 == TimestampParser.supportedRange.upperBound)
    }

    @Test func offsetPushingTheYearBelowZeroIsRefused() {
        let (value, reason) = check("0000-01-01T00:30:00+01:00")
        #expect(value == nil)
        #expect(reason == "year -1 in UTC (after the offset +01:00) is outside 0000-9999")
        #expect(check("0000-01-01T01:00:00+01:00").0 == TimestampParser.supportedRange.lowerBound)
    }

    @Test func zoneOfTheColumnCountsLikeAnOffset() throws {
        let (value, reason) = check("9999-12-31 23:30", zone: .fixed(seconds: -3600))
        #expect(value == nil)
        #expect(reason == "year 10000 in UTC (after the time zone -01:00) is outside 0000-9999")
        let (patterned, patternReason) = check("01.01.0000 00:10 +02:00", try pattern("%d.%m.%Y %H:%M %z"))
        #expect(patterned == nil)
        #expect(patternReason == "year -1 in UTC (after the offset +02:00) is outside 0000-9999")
    }

    @Test(arguments: [
        ("9223372036855", EpochUnit.seconds),       // × 10^6 overflows Int64
        ("-9223372036855", EpochUnit.seconds),
        ("9223372036854776", EpochUnit.milliseconds),
        ("9223372036854775807", EpochUnit.microseconds),  // 19 digits
        ("99999999999999999999", EpochUnit.seconds),
    ])
    func epochOverflowIsRefusedWithItsReason(text: String, unit: EpochUnit) {
        let (value, reason) = check(text, .epoch(unit))
        #expect(value == nil)
        #expect(reason?.hasSuffix("overflow 64-bit microseconds") == true, "\(reason ?? "nil")")
    }

    @Test func epochOutsideTheYearsIsRefusedWithItsReason() {
        // These fit in Int64 microseconds, but two of them would make a duration that does not.
        for text in ["9000000000000", "-9000000000000", "253402300800"] {
            let (value, reason) = check(text, .epoch(.seconds))
            #expect(value == nil)
            #expect(reason == "epoch seconds outside the years 0000-9999")
        }
        #expect(check("253402300799", .epoch(.seconds)).0 == 253_402_300_799_000_000)
        #expect(check("-62167219200", .epoch(.seconds)).0 == TimestampParser.supportedRange.lowerBound)
        #expect(check("-62167219201", .epoch(.seconds)).1 == "epoch seconds outside the years 0000-9999")
    }

    @Test func anyTwoAcceptedInstantsHaveADurationThatFits() {
        let range = TimestampParser.supportedRange
        let (span, overflow) = range.upperBound.subtractingReportingOverflow(range.lowerBound)
        #expect(!overflow && span > 0)
    }

    @Test func valuesOfTheWrongShapeHaveNoSpecialReason() {
        #expect(check("2024-13-01").1 == nil)
        #expect(check("yesterday").1 == nil)
        #expect(check("12x", .epoch(.seconds)).1 == nil)
    }
}
