import Foundation
import Testing
@testable import TouchstoneIngest

/// Round trip: random instants formatted independently (Foundation's Gregorian calendar, not
/// `TimestampCivil`) in ISO 8601 with a random offset must parse back to the same instant.
@Suite struct TimestampPropertyTests {
    static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }

    @Test(arguments: [UInt64(1), 2, 3, 4])
    func isoRoundTrip(seed: UInt64) throws {
        var random = SplitMix64(state: seed)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(secondsFromGMT: 0))
        let low: Int64 = -2_208_988_800      // 1900-01-01T00:00:00Z
        let high: Int64 = 7_289_654_399      // 2200-12-31T23:59:59Z
        var parser = TimestampParser(format: .iso8601, zone: .fixed(seconds: -7200))
        for _ in 0..<2_500 {
            let seconds = Int64.random(in: low...high, using: &random)
            let fraction = Int64.random(in: 0..<1_000_000, using: &random)
            let style = Int.random(in: 0..<5, using: &random)
            // ±hh can only express whole hours; "none" uses the parser's zone (-02:00).
            let offsetMinutes = style == 3 ? Int.random(in: -23...23, using: &random) * 60
                : style == 4 ? -120 : Int.random(in: -(23 * 60 + 59)...(23 * 60 + 59), using: &random)
            let local = Date(timeIntervalSince1970: TimeInterval(seconds + Int64(offsetMinutes) * 60))
            let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: local)
            let year = try #require(c.year), month = try #require(c.month), day = try #require(c.day)
            let hour = try #require(c.hour), minute = try #require(c.minute), second = try #require(c.second)

            let digits = Int.random(in: 0...9, using: &random)
            var text = "\(Self.pad(year, 4))-\(Self.pad(month, 2))-\(Self.pad(day, 2))"
            text += Bool.random(using: &random) ? "T" : " "
            text += "\(Self.pad(hour, 2)):\(Self.pad(minute, 2)):\(Self.pad(second, 2))"
            var expectedFraction: Int64 = 0
            if digits > 0 {
                // Nine digits of nanoseconds, cut to `digits`; the parser keeps microseconds.
                let nanos = Self.pad(Int(fraction) * 1000 + Int.random(in: 0..<1000, using: &random), 9)
                let kept = String(nanos.prefix(digits))
                text += (Bool.random(using: &random) ? "." : ",") + kept
                expectedFraction = Int64(String(kept.prefix(6)) + String(repeating: "0", count: max(0, 6 - digits))) ?? -1
            }
            let sign = offsetMinutes < 0 ? "-" : "+"
            let hh = Self.pad(abs(offsetMinutes) / 60, 2), mm = Self.pad(abs(offsetMinutes) % 60, 2)
            switch style {
            case 0: text += offsetMinutes == 0 && Bool.random(using: &random) ? "Z" : "\(sign)\(hh):\(mm)"
            case 1: text += "\(sign)\(hh):\(mm)"
            case 2: text += "\(sign)\(hh)\(mm)"
            case 3: text += "\(sign)\(hh)"
            default: break
            }
            let parsed = Array(text.utf8).withUnsafeBytes { parser.parse($0) }
            #expect(parsed == seconds * 1_000_000 + expectedFraction, "\(text)")
        }
    }

    @Test func civilDaysAgreeWithFoundationEveryDay() throws {
        // Every day 1900-01-01 ... 2200-12-31 (109 938 days) against Foundation.
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(secondsFromGMT: 0))
        var mismatches = 0
        for days in -25_567...84_370 {
            let c = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: TimeInterval(days) * 86_400))
            if TimestampCivil.daysFromCivil(year: c.year ?? 0, month: c.month ?? 0, day: c.day ?? 0) != days { mismatches += 1 }
        }
        #expect(mismatches == 0)
    }
}
