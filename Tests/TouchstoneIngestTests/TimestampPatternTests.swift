import Testing
@testable import TouchstoneIngest

/// strftime-style patterns. Expected instants come from `date -u -d '<text>' +%s`.
@Suite struct TimestampPatternTests {
    @Test func dayMonthYearWithSeconds() throws {
        let format = try pattern("%d.%m.%Y %H:%M:%S")
        #expect(parseTimestamp("15.03.2024 10:30:45", format) == micros(1_710_498_645))
        #expect(parseTimestamp("5.3.2024 9:05:00", format) == micros(1_709_629_500))  // 2024-03-05 09:05
        #expect(parseTimestamp("29.02.2023 10:30:45", format) == nil)
        #expect(parseTimestamp("15.03.2024 10:30", format) == nil)
        #expect(parseTimestamp("15.03.2024 10:30:45 ", format) == micros(1_710_498_645))
        #expect(parseTimestamp("15.03.2024 10:30:45x", format) == nil)
        #expect(parseTimestamp("15.03.2024 10:30:5", format) == nil)
        #expect(parseTimestamp("15.03.2024 10:30:45", format, zone: .fixed(seconds: 3600)) == micros(1_710_495_045))
    }

    @Test func twelveHourClock() throws {
        let format = try pattern("%m/%d/%Y %I:%M %p")
        #expect(parseTimestamp("03/15/2024 12:05 AM", format) == micros(1_710_461_100))
        #expect(parseTimestamp("03/15/2024 12:05 PM", format) == micros(1_710_504_300))
        #expect(parseTimestamp("03/15/2024 10:30 am", format) == micros(1_710_498_600))
        #expect(parseTimestamp("03/15/2024 10:30 pm", format) == micros(1_710_498_600 + 12 * 3600))
        #expect(parseTimestamp("3/15/2024 1:00 Pm", format) == micros(1_710_460_800 + 13 * 3600))
        #expect(parseTimestamp("03/15/2024 00:30 AM", format) == nil)
        #expect(parseTimestamp("03/15/2024 13:30 PM", format) == nil)
        #expect(parseTimestamp("03/15/2024 10:30 XM", format) == nil)
        #expect(parseTimestamp("03/15/2024 10:30", format) == nil)
        #expect(parseTimestamp("15/03/2024 10:30 AM", format) == nil)
    }

    @Test func compactDigits() throws {
        let format = try pattern("%Y%m%d%H%M%S")
        #expect(parseTimestamp("20240315103045", format) == micros(1_710_498_645))
        #expect(parseTimestamp("2024031510304", format) == nil)
        #expect(parseTimestamp("202403151030450", format) == nil)
        #expect(parseTimestamp("20241315103045", format) == nil)
        // %Y%m%d needs two digits per field because each is followed by another number.
        let date = try pattern("%Y%m%d")
        #expect(parseTimestamp("20240305", date) == micros(1_709_596_800))
        #expect(parseTimestamp("202435", date) == nil)
    }

    @Test func monthAbbreviations() throws {
        let format = try pattern("%d %b %Y")
        #expect(parseTimestamp("15 Mar 2024", format) == micros(1_710_460_800))
        #expect(parseTimestamp("5 mar 2024", format) == micros(1_709_596_800))
        #expect(parseTimestamp("05 MAR 2024", format) == micros(1_709_596_800))
        #expect(parseTimestamp("15 Mrz 2024", format) == nil)
        #expect(parseTimestamp("15 March 2024", format) == nil)
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        // 1st of each month of 2024, from `date -u -d 2024-MM-01 +%s`.
        let firsts: [Int64] = [1_704_067_200, 1_706_745_600, 1_709_251_200, 1_711_929_600, 1_714_521_600, 1_717_200_000,
                               1_719_792_000, 1_722_470_400, 1_725_148_800, 1_727_740_800, 1_730_419_200, 1_733_011_200]
        for (month, first) in zip(months, firsts) {
            #expect(parseTimestamp("01 \(month) 2024", format) == micros(first), "\(month)")
        }
    }

    @Test func shorthandsFractionsOffsetsAndTwoDigitYears() throws {
        #expect(parseTimestamp("2024-03-15 10:30:45", try pattern("%F %T")) == micros(1_710_498_645))
        #expect(parseTimestamp("2024-03-15T10:30:45.25+0100", try pattern("%FT%T.%f%z")) == micros(1_710_495_045, plus: 250_000))
        #expect(parseTimestamp("15.03.69", try pattern("%d.%m.%y")) == micros(-25_228_800))
        #expect(parseTimestamp("15.03.68", try pattern("%d.%m.%y")) == micros(3_098_995_200))
        #expect(parseTimestamp("2024-03-15 10:30 +01:00", try pattern("%F %H:%M %z")) == micros(1_710_495_000))
        #expect(parseTimestamp("2024-03-15 10:30 Z", try pattern("%F %H:%M %z"), zone: .fixed(seconds: 3600)) == micros(1_710_498_600))
        #expect(parseTimestamp("100% 2024-03-15", try pattern("100%% %F")) == micros(1_710_460_800))
        #expect(parseTimestamp("Mar  5 2024", try pattern("%b %e %Y")) == micros(1_709_596_800))
        #expect(parseTimestamp("Mar 15 2024", try pattern("%b %e %Y")) == micros(1_710_460_800))
    }

    @Test(arguments: [
        ("%Y-%m-%d %Q", "'%Q'"), ("%Y-%m-%d %", "lone '%'"), ("%H:%M", "no year"), ("%Y-%d", "no month"),
        ("%Y-%m", "no day"), ("%Y-%m-%d %I:%M", "%I"), ("%Y-%m-%d %H:%M %p", "%p"), ("%Y-%Y-%m-%d", "more than one year"),
        ("%F %d", "more than one day"), ("%Y-%m-%d %é", "'%é'"),
    ])
    func patternErrors(spec: String, mentions: String) {
        #expect {
            try TimestampPattern(spec)
        } throws: { error in
            (error as? TimestampError)?.message.contains(mentions) == true
        }
    }

    @Test func unknownDirectiveMessage() {
        #expect(throws: TimestampError("unknown directive '%Q' in timestamp pattern '%Y %Q'; supported: %Y %y %m %d %e %H %I %M %S %f %p %z %b %T %F %%")) {
            try TimestampPattern("%Y %Q")
        }
    }
}
