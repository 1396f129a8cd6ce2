import TouchstoneReport

/// Writes a 100 MB JSON document shaped like `discover --format json` edges (names with
/// escapes and non-ASCII in every seventh record, integers, fractional shares, literals,
/// booleans) into a sink that only counts bytes, as the CLI streams into its output file.
/// Returns the bytes written; the benchmark checks the count, which is fixed by the records.
func writeJSONDocument(records: Int = 470_000) -> Int {
    var written = 0
    var w = JSONWriter(sink: { written += $0.count })
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
    w.flush()
    return written
}
