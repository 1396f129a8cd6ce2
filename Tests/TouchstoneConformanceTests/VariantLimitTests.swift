import Testing
@testable import TouchstoneConformance
import TouchstoneIngest

/// `CheckOptions.variantLimit` keeps exactly the variants a report lists: the same page as
/// collecting every variant.
@Suite("Variant limit")
struct VariantLimitTests {
    /// Names whose bytewise order differs from a naive order of the encoded bytes if the
    /// encoding were wrong: a prefix, a 0 byte, a 1 byte, and mapped names.
    static let names = ["a", "a\u{0}", "a\u{1}b", "a\u{0}b", "ab", "b", "T0", "T1", "T2"]

    /// Many customers over few short sequences, so that counts tie often.
    static func randomLog(_ rng: inout SplitMix64) -> [(String, String, Int64)] {
        var rows: [(String, String, Int64)] = []
        for c in 0..<rng.int(1...40) {
            for k in 0..<rng.int(1...3) {
                rows.append(("c\(c)", names[rng.int(0...(names.count - 1))], Int64(k) * Fixture.hour))
            }
        }
        rows.shuffle(using: &rng)
        return rows
    }

    @Test func limitedVariantsAreTheTopOfAll() throws {
        var rng = SplitMix64(seed: 0x7A_12)
        for round in 0..<200 {
            let map = RandomJourneys.map(&rng)
            let rows = Self.randomLog(&rng)
            let log = Fixture.log(rows)
            let checker = ConformanceChecker(map: map, touchpoints: log.events.activityNames)
            let all = try checker.check(log, options: CheckOptions(reportDetails: true))
            let limit = rng.int(0...6)
            let some = try checker.check(log, options: CheckOptions(reportDetails: true, variantLimit: limit))
            let context = "round \(round), limit \(limit): rows \(rows)"
            #expect(all.variants.omitted == 0, "\(context)")
            #expect(some.variants.count == min(limit, all.variants.count), "kept, \(context)")
            #expect(some.variants.distinct == all.variants.count, "distinct, \(context)")
            // The kept ones are the first of all by customers descending, then sequence.
            let ranked = all.variants.entries.sorted { a, b in
                a.tally.customers != b.tally.customers ? a.tally.customers > b.tally.customers : a.key.touchpoints.lexicographicallyPrecedes(b.key.touchpoints) { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            }
            #expect(Set(some.variants.entries.map(\.key)) == Set(ranked.prefix(limit).map(\.key)), "top, \(context)")
            for (key, tally) in some.variants.entries { #expect(all.variants[key] == tally, "tally, \(context)") }
            // The report's variant list and count do not change.
            let a = JourneyReport(ConformanceReport(map: map, summary: all), topVariants: limit)
            let b = JourneyReport(ConformanceReport(map: map, summary: some), topVariants: limit)
            #expect(a.topVariants == b.topVariants, "top variants, \(context)")
            #expect(a.variantCount == b.variantCount, "variant count, \(context)")
            // Everything else is collected as before.
            var withoutVariants = (all, some)
            withoutVariants.0.variants = VariantCounts()
            withoutVariants.1.variants = VariantCounts()
            MergePropertyTests.expectSame(withoutVariants.1, withoutVariants.0, context)
        }
    }

    @Test func omittedVariantsAddUpUnderMerge() {
        var a = VariantCounts(), b = VariantCounts()
        a.omitted = 3
        b.omitted = 2
        a.merge(b)
        #expect(a.omitted == 5 && a.distinct == 5)
        var empty = VariantCounts()
        empty.merge(a)
        #expect(empty == a)
    }
}
