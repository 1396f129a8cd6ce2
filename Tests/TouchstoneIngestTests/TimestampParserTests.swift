import Testing
@testable import TouchstoneIngest

/// ISO 8601 and epoch parsing. Expected instants come from `date -u -d '<text>' +%s`.
@Suite struct TimestampParserTests {
    // 2024-03-15T10:30:45Z = 1710498645, 2024-03-15 = 1710460800.

    @Test func isoDateOnly() {
        #expect(parseTimestamp("2024-03-15") == micros(1_710_460_800))
        #expect(parseTimestamp("1999-01-02") == micros(915_235_200))
        #expect(parseTimestamp("1900-01-01") == micros(-2_208_988_800))
        #expect(parseTimestamp("0001-01-01") == micros(-62_135_596_800))
    }

    @Test func isoSeparatorsAndPrecision() {
        #expect(parseTimestamp("2024-03-15T10:30") == micros(1_710_498_600))
        #expect(parseTimestamp("2024-03-15 10:30") == micros(1_710_498_600))
        #expect(parseTimestamp("2024-03-15T10:30:45") == micros(1_710_498_645))
        #expect(parseTimestamp("2024-03-15 10:30:45Z") == micros(1_710_498_645))
        #expect(parseTimestamp("9999-12-31T23:59:59Z") == micros(253_402_300_799))
        #expect(parseTimestamp("1969-12-31T23:59:59Z") == micros(-1))
    }

    @Test(arguments: [
        ("1", 100_000), ("12", 120_000), ("123", 123_000), ("1234", 123_400), ("12345", 123_450),
        ("123456", 123_456), ("1234567", 123_456), ("12345678", 123_456), ("123456789", 123_456),
        ("000001", 1), ("999999999", 999_999),
    ] as [(String, Int64)])
    func isoFractions(digits: String, expected: Int64) {
        #expect(parseTimestamp("2024-03-15T10:30:45.\(digits)Z") == micros(1_710_498_645, plus: expected))
        #expect(parseTimestamp("2024-03-15 10:30:45,\(digits)") == micros(1_710_498_645, plus: expected))
    }

    @Test func isoOffsets() {
        // 2024-03-15 10:30:00 local at each offset.
        #expect(parseTimestamp("2024-03-15T10:30:00Z") == micros(1_710_498_600))
        #expect(parseTimestamp("2024-03-15T10:30:00+01:00") == micros(1_710_495_000))
        #expect(parseTimestamp("2024-03-15T10:30:00+0100") == micros(1_710_495_000))
        #expect(parseTimestamp("2024-03-15T10:30:00+01") == micros(1_710_495_000))
        #expect(parseTimestamp("2024-03-15T10:30:00-05:30") == micros(1_710_518_400))
        #expect(parseTimestamp("2024-03-15T10:30:00-0530") == micros(1_710_518_400))
        #expect(parseTimestamp("2024-03-15T10:30:00+02") == micros(1_710_491_400))
        #expect(parseTimestamp("2024-03-15T10:30-00:00") == micros(1_710_498_600))
        // date -u -d '2024-03-15 05:00:00 +0530' +%s
        #expect(parseTimestamp("2024-03-15T05:00:00.5+05:30") == micros(1_710_459_000, plus: 500_000))
        // The grammar allows an offset right after a date.
        #expect(parseTimestamp("2024-03-15Z", zone: .fixed(seconds: 3600)) == micros(1_710_460_800))
        #expect(parseTimestamp("2024-03-15+01:00") == micros(1_710_457_200))
        // An explicit offset wins over the parser's zone.
        #expect(parseTimestamp("2024-03-15T10:30:00Z", zone: .fixed(seconds: 3600)) == micros(1_710_498_600))
    }

    @Test func isoDefaultZones() throws {
        #expect(parseTimestamp("2024-03-15 10:30", zone: .utc) == micros(1_710_498_600))
        #expect(parseTimestamp("2024-03-15 10:30", zone: .fixed(seconds: 3600)) == micros(1_710_495_000))
        #expect(parseTimestamp("2024-03-15 10:30", zone: .fixed(seconds: -19_800)) == micros(1_710_518_400))
        let berlin = try TimeZoneSpec(parsing: "Europe/Berlin")
        // date -u -d '2024-01-15 12:00:00 CET' +%s ; date -u -d '2024-07-15 12:00:00 CEST' +%s
        #expect(parseTimestamp("2024-01-15 12:00:00", zone: berlin) == micros(1_705_316_400))
        #expect(parseTimestamp("2024-07-15 12:00:00", zone: berlin) == micros(1_721_037_600))
        #expect(parseTimestamp("2024-07-15T12:00:00Z", zone: berlin) == micros(1_721_044_800))
    }

    @Test func namedZoneTransitionsAndCache() throws {
        var parser = TimestampParser(format: .iso8601, zone: try TimeZoneSpec(parsing: "Europe/Berlin"))
        func parse(_ text: String) -> Int64? { Array(text.utf8).withUnsafeBytes { parser.parse($0) } }
        // Skipped hour (spring forward): 02:30 is read with the offset before, = 03:30 CEST = 01:30Z.
        #expect(parse("2024-03-31 02:30") == micros(1_711_848_600))
        #expect(parse("2024-03-31 03:30") == micros(1_711_848_600))
        #expect(parse("2024-03-31 01:59:59") == micros(1_711_846_799))
        // Repeated hour (fall back): 02:30 is the first occurrence, CEST = 00:30Z.
        #expect(parse("2024-10-27 02:30") == micros(1_729_989_000))
        #expect(parse("2024-10-27 03:30") == micros(1_729_996_200))
        // The same hours again, now from the cache, and in alternation.
        for _ in 0..<3 {
            #expect(parse("2024-01-15 12:00:00") == micros(1_705_316_400))
            #expect(parse("2024-07-15 12:00:00") == micros(1_721_037_600))
            #expect(parse("2024-07-15 12:59:59") == micros(1_721_041_199))
        }
        #expect(parser.resolver.offsets[Int64(1_721_044_800 / 3600)] == 7200)
    }

    @Test func unknownNamedZoneNeverBecomesUTC() {
        #expect(parseTimestamp("2024-03-15 10:30", zone: .named("Mars/Olympus_Mons")) == nil)
        #expect(parseTimestamp("2024-03-15 10:30Z", zone: .named("Mars/Olympus_Mons")) == micros(1_710_498_600))
    }

    @Test func leapDays() {
        #expect(parseTimestamp("2024-02-29") == micros(1_709_164_800))
        #expect(parseTimestamp("2023-02-29") == nil)
        #expect(parseTimestamp("2000-02-29") == micros(951_782_400))
        #expect(parseTimestamp("1900-02-29") == nil)
        #expect(parseTimestamp("2024-02-30") == nil)
        #expect(parseTimestamp("2024-04-31") == nil)
        #expect(parseTimestamp("2024-12-31T23:59:59") == micros(1_735_689_599))
    }

    @Test(arguments: [
        "2024-13-01", "2024-00-10", "2024-01-00", "2024-01-32", "2024-03-15T25:00", "2024-03-15T24:00",
        "2024-03-15T10:60", "2024-03-15T10:30:60", "2024-03-15T10:30+24:00", "2024-03-15T10:30+01:60",
    ])
    func invalidRanges(text: String) {
        #expect(parseTimestamp(text) == nil)
    }

    @Test(arguments: [
        "", "   ", "2024-03-15x", "2024-03-15T10:30:45Zx", "2024-03-15T10:30:45.Z", "2024-03-15T10:30:45.1234567890",
        "2024-3-15", "24-03-15", "2024/03/15", "2024-03-15T1030", "2024-03-15T10", "2024-03-15T10:30:4",
        "2024-03-15 10:30 +01:00", "2024-03-15T10:30+1", "2024-03-15T10:30+01:0", "2024-03-15T10:30+01:00:00",
        "2024-03-15\t10:30", "2024-03-15T10:30:45 Z", "1710498645", "＋2024-03-15",
    ])
    func isoRejects(text: String) {
        #expect(parseTimestamp(text) == nil)
    }

    @Test func spacesAroundAreTolerated() {
        #expect(parseTimestamp("  2024-03-15T10:30:45Z  ") == micros(1_710_498_645))
        #expect(parseTimestamp(" 1710498645 ", .epoch(.seconds)) == micros(1_710_498_645))
    }

    @Test func epochSeconds() {
        #expect(parseTimestamp("1710498645", .epoch(.seconds)) == micros(1_710_498_645))
        #expect(parseTimestamp("0", .epoch(.seconds)) == 0)
        #expect(parseTimestamp("-1", .epoch(.seconds)) == -1_000_000)
        #expect(parseTimestamp("1710498645.25", .epoch(.seconds)) == micros(1_710_498_645, plus: 250_000))
        #expect(parseTimestamp("1710498645.123456789", .epoch(.seconds)) == micros(1_710_498_645, plus: 123_456))
        #expect(parseTimestamp("-1.5", .epoch(.seconds)) == -1_500_000)
        #expect(parseTimestamp("-2208988800", .epoch(.seconds)) == micros(-2_208_988_800))
    }

    @Test func epochMillisecondsAndMicroseconds() {
        #expect(parseTimestamp("1710498645123", .epoch(.milliseconds)) == 1_710_498_645_123_000)
        #expect(parseTimestamp("-1500", .epoch(.milliseconds)) == -1_500_000)
        #expect(parseTimestamp("1710498645123456", .epoch(.microseconds)) == 1_710_498_645_123_456)
        #expect(parseTimestamp("-1", .epoch(.microseconds)) == -1)
        #expect(parseTimestamp("1710498645123.5", .epoch(.milliseconds)) == nil)
        #expect(parseTimestamp("1710498645123456.5", .epoch(.microseconds)) == nil)
    }

    @Test(arguments: ["", "-", "1.", ".5", "1e9", "+1", "12 34", "1710498645x", "--1", "1.2.3", "1.1234567890",
                      "9999999999999999999", "999999999999999999"])
    func epochRejects(text: String) {
        #expect(parseTimestamp(text, .epoch(.seconds)) == nil)
    }

    @Test func epochLimits() {
        // Values must lie in the years 0000-9999 (see TimestampBoundsTests); 19 digits never parse.
        #expect(parseTimestamp("253402300799999999", .epoch(.microseconds)) == 253_402_300_799_999_999)
        #expect(parseTimestamp("999999999999999999", .epoch(.microseconds)) == nil)
        #expect(parseTimestamp("9223372036854.9", .epoch(.seconds)) == nil)
        #expect(parseTimestamp("9223372036854", .epoch(.seconds)) == nil)
    }

    @Test func descriptions() throws {
        #expect(TimestampFormat.iso8601.description == "ISO 8601")
        #expect(TimestampFormat.epoch(.seconds).description == "epoch seconds")
        #expect(TimestampFormat.epoch(.milliseconds).description == "epoch milliseconds")
        #expect(TimestampFormat.epoch(.microseconds).description == "epoch microseconds")
        #expect(try pattern("%d.%m.%Y %H:%M").description == "%d.%m.%Y %H:%M")
    }
}
