import Testing
@testable import TouchstoneIngest

/// `TimeZoneSpec(parsing:)` and descriptions.
@Suite struct TimestampZoneTests {
    @Test(arguments: [
        ("UTC", TimeZoneSpec.utc), ("utc", .utc), ("Z", .utc), (" UTC ", .utc),
        ("+01:00", .fixed(seconds: 3600)), ("-0530", .fixed(seconds: -19_800)), ("+02", .fixed(seconds: 7200)),
        ("+00:00", .fixed(seconds: 0)), ("-00", .fixed(seconds: 0)),
        ("Europe/Berlin", .named("Europe/Berlin")), ("America/New_York", .named("America/New_York")),
    ])
    func parses(text: String, expected: TimeZoneSpec) throws {
        #expect(try TimeZoneSpec(parsing: text) == expected)
    }

    @Test(arguments: ["", "+1", "+01:60", "+24:00", "+01:00:00", "01:00", "Europe/Atlantis", "Berlin!", "+0a"])
    func rejects(text: String) {
        #expect(throws: TimestampError.self) { try TimeZoneSpec(parsing: text) }
    }

    @Test func descriptions() {
        #expect(TimeZoneSpec.utc.description == "UTC")
        #expect(TimeZoneSpec.fixed(seconds: 3600).description == "+01:00")
        #expect(TimeZoneSpec.fixed(seconds: -19_800).description == "-05:30")
        #expect(TimeZoneSpec.fixed(seconds: 45).description == "+00:00:45")
        #expect(TimeZoneSpec.named("Europe/Berlin").description == "Europe/Berlin")
    }

    @Test func absurdFixedOffsetsDoNotTrap() {
        #expect(parseTimestamp("2024-03-15 10:30", zone: .fixed(seconds: Int.max)) == nil)
        #expect(parseTimestamp("2024-03-15 10:30", zone: .fixed(seconds: Int.min)) == nil)
        #expect(parseTimestamp("2024-03-15 10:30", zone: .fixed(seconds: 1 << 50)) == nil)
    }

    @Test func southernHemisphereAndHalfHourZones() throws {
        // date -u -d 'TZ="Australia/Sydney" 2024-01-15 12:00' +%s  (AEDT, +11)
        let sydney = try TimeZoneSpec(parsing: "Australia/Sydney")
        #expect(parseTimestamp("2024-01-15 12:00", zone: sydney) == micros(1_705_280_400))
        // date -u -d 'TZ="Asia/Kolkata" 2024-07-15 12:00' +%s  (+05:30)
        let kolkata = try TimeZoneSpec(parsing: "Asia/Kolkata")
        #expect(parseTimestamp("2024-07-15 12:00", zone: kolkata) == micros(1_721_025_000))
    }
}
