import Foundation
import Testing
import TouchstoneReport

/// The streaming side of `JSONWriter`: pieces handed to a sink, escaping fast and slow paths,
/// and throughput.
@Suite struct JSONWriterStreamTests {
    /// A document of `records` discover-like edge objects.
    static func document(records: Int, into w: inout JSONWriter) {
        w.beginObject()
        w.field("level", "touchpoint")
        w.key("edges")
        w.beginArray()
        for i in 0..<records {
            w.beginObject()
            w.field("source", "Onboarding training")
            w.field("target", i % 7 == 0 ? "Café \"Süd\" \u{1}\u{202E}" : "Weekly active use")
            w.field("frequency", i)
            w.field("customers", -i)
            w.field("share", Double(i % 1000) / 1000)
            w.key("median_s"); w.numberLiteral("1234.5")
            w.field("visible", i % 2 == 0)
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }

    @Test func sinkReceivesTheSameBytesInBoundedPieces() {
        var whole = JSONWriter()
        JSONWriterStreamTests.document(records: 3000, into: &whole)
        var streamed: [UInt8] = []
        var largest = 0
        var pieces = 0
        var w = JSONWriter(sink: { piece in streamed.append(contentsOf: piece); largest = max(largest, piece.count); pieces += 1 })
        JSONWriterStreamTests.document(records: 3000, into: &w)
        w.flush()
        #expect(streamed == whole.bytes)
        #expect(w.bytes.isEmpty)
        #expect(whole.bytes.count > 4 * JSONWriter.chunkSize)
        #expect(pieces >= whole.bytes.count / (JSONWriter.chunkSize + 4096))
        #expect(largest < JSONWriter.chunkSize + 4096)
    }

    @Test func escapingFastAndSlowPaths() {
        var out: [UInt8] = []
        JSONWriter.appendString("plain ASCII", to: &out)
        JSONWriter.appendString("é\u{85}\u{9F}\u{A0}\u{61C}\u{200E}\u{2028}\u{2029}\u{2066}\u{2069}\u{206A}–日😀\u{7F}", to: &out)
        #expect(String(decoding: out, as: UTF8.self)
            == "\"plain ASCII\"\"é\\u0085\\u009f\u{A0}\\u061c\\u200e\\u2028\\u2029\\u2066\\u2069\u{206A}–日😀\\u007f\"")
        #expect(JSONWriter.plainDecimal(-0.0) == "0")
        var w = JSONWriter()
        w.beginArray(); w.int(Int.min); w.int64(Int64.max); w.int(-7); w.int(0); w.double(-0.0); w.double(3); w.double(-12345678); w.endArray()
        #expect(w.output == "[\n  -9223372036854775808,\n  9223372036854775807,\n  -7,\n  0,\n  0,\n  3,\n  -12345678\n]\n")
    }

    /// `plainDecimal` works on bytes: every finite double reads back exactly, never with an
    /// exponent, and a fraction has no trailing zero.
    @Test func plainDecimalRoundTrips() {
        #expect(JSONWriter.plainDecimal(9.47e-07) == "0.000000947")
        #expect(JSONWriter.plainDecimal(-1e-300) == "-0." + String(repeating: "0", count: 299) + "1")
        #expect(JSONWriter.plainDecimal(1.5e16) == "15000000000000000")
        #expect(JSONWriter.plainDecimal(5e-324).hasSuffix("000005"))
        #expect(JSONWriter.plainDecimal(-2.0 / 3) == "-0.6666666666666666")
        var rng = SeededGenerator(seed: 5)
        for _ in 0..<20_000 {
            let x = Double(bitPattern: rng.next())
            guard x.isFinite else { continue }
            let text = JSONWriter.plainDecimal(x)
            #expect(Double(text) == x, "\(x) written as \(text)")
            #expect(!text.contains("e") && !text.contains("E"))
            if text.contains(".") { #expect(!text.hasSuffix("0") && !text.hasSuffix(".")) }
        }
    }

    /// Throughput of writing JSON into a sink. The release benchmark is "JSON writer: 100 MB
    /// document into a sink" in `Benchmarks/Benchmarks/IngestBenchmarks` (about 180-260 MB/s;
    /// the old `String`-based writer managed about 15-20 MB/s). The bounds are generous so a
    /// loaded machine passes: 50 MB/s in release builds, 3 MB/s in debug builds (where the new
    /// writer does about 10 MB/s and the old one about 4).
    @Test func throughputIsBounded() {
        var written = 0
        var w = JSONWriter(sink: { written += $0.count })
        let clock = ContinuousClock()
        let elapsed = clock.measure { JSONWriterStreamTests.document(records: 50_000, into: &w) }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let megabytesPerSecond = Double(written) / 1e6 / seconds
        print("JSONWriter: \(written) bytes in \(seconds) s = \(megabytesPerSecond) MB/s")
        #expect(written == 10_668_654)
        #if DEBUG
        #expect(megabytesPerSecond > 3)
        #else
        #expect(megabytesPerSecond > 50)
        #endif
    }
}
