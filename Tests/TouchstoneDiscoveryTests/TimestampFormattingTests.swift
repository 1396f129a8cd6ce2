import Testing
import TouchstoneIngest
import TouchstoneTraces

/// `formatTimestamp` prints four-digit years for every instant the ingester accepts, and an
/// explicitly signed expanded year for anything else, never a malformed one.
@Suite struct TimestampFormattingTests {
    @Test func acceptedRangePrintsFourDigitYears() {
        #expect(formatTimestamp(TimestampParser.supportedRange.lowerBound) == "0000-01-01T00:00:00Z")
        #expect(formatTimestamp(TimestampParser.supportedRange.upperBound) == "9999-12-31T23:59:59.999999Z")
    }

    @Test func formattingNeverPrintsAMalformedYear() {
        #expect(formatTimestamp(TimestampParser.supportedRange.lowerBound - 1) == "-0001-12-31T23:59:59.999999Z")
        #expect(formatTimestamp(TimestampParser.supportedRange.upperBound + 1) == "+10000-01-01T00:00:00Z")
        #expect(formatTimestamp(0) == "1970-01-01T00:00:00Z")
        for value in [Int64.min, Int64.max] {
            let text = formatTimestamp(value)
            #expect(text.first == "-" || text.first == "+")
        }
    }
}
