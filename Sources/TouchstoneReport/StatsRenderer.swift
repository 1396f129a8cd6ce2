import TouchstoneDiscovery
import TouchstoneIngest
import TouchstoneTraces

/// Renders `touchstone stats` results. Computes nothing: every number comes from
/// `LogStatistics` and `IngestReport`.
public enum StatsRenderer {
    public static func text(_ stats: LogStatistics, _ report: IngestReport, sources: [String]) -> String {
        var out = ""
        func line(_ s: String = "") { out += s + "\n" }
        line("Log: " + sources.joined(separator: ", "))
        line("Rows: \(report.rowsRead) read = \(report.rowsUsed) used + \(report.rowsRejected) rejected"
             + (report.blankLines > 0 ? " (\(report.blankLines) blank lines skipped)" : ""))
        for (reason, count) in report.rejectionCounts.sorted(by: { $0.key < $1.key }) {
            line("  \(pad(reason.rawValue, 24)) \(count)")
        }
        if !report.sampleRejections.isEmpty {
            line("First rejections:")
            for r in report.sampleRejections.prefix(5) {
                let source = r.source < sources.count ? sources[r.source] : ""
                line("  \(source):\(r.line)\(r.column.map { ":\($0)" } ?? ""): \(r.reason.rawValue): \(Text.truncate(r.detail, 70))")
            }
        }
        line("Customers: \(stats.customers)")
        line("Events: \(stats.events)" + (stats.duplicatesRemoved ? " (after dropping \(stats.duplicateEvents) duplicates)" : ""))
        if let first = stats.firstEvent, let last = stats.lastEvent {
            line("Time range: \(formatTimestamp(first)) … \(formatTimestamp(last))")
        }
        if let d = stats.eventsPerCustomer {
            line("Events per customer: min \(Text.number(d.min)), median \(Text.number(d.median)), p90 \(Text.number(d.p90)), max \(Text.number(d.max))")
        }
        line("Out-of-order events: \(stats.outOfOrderEvents)")
        line("Duplicate events: \(stats.duplicateEvents)" + (stats.duplicatesRemoved ? " (dropped)" : ""))
        if let n = stats.eventsWithoutStage { line("Events without stage: \(n) (stage (none))") }
        if let n = stats.eventsWithoutChannel { line("Events without channel: \(n) (channel (none))") }
        if report.invalidUTF8Names > 0 { line("Names with invalid UTF-8: \(report.invalidUTF8Names) (shown with U+FFFD)") }
        line()
        line("Mapping:")
        if let mapping = report.mappings.first {
            for c in mapping.columns {
                line("  \(pad(c.role.description, 24)) \(Text.truncate(c.name, 50)) (column \(c.index + 1)\(c.detected ? ", detected" : ""))")
            }
        }
        let delimiters = Set(report.delimiters).sorted().map(Text.delimiterName).joined(separator: ", ")
        if !delimiters.isEmpty { line("  \(pad("delimiter", 24)) \(delimiters)") }
        line("  \(pad("timestamp format", 24)) \(report.timestampFormat?.description ?? "none")\(report.timestampFormatDetected ? " (detected)" : "")")
        line("  \(pad("time zone", 24)) \(report.timeZone)")
        if report.inputs.count == 1, let input = report.inputs.first, input.encoding != .utf8 || input.encodingEvidence == .given {
            line("  \(pad("encoding", 24)) \(encodingText(input))")
        }
        if report.inputs.count > 1 {
            // Each input is its own export, with its own dialect and timestamp format.
            line()
            line("Inputs:")
            for input in report.inputs {
                line("  \(input.name): \(input.rowsRead) rows = \(input.rowsUsed) used + \(input.rowsRejected) rejected")
                line("    encoding \(encodingText(input)), delimiter \(input.delimiter.map(Text.delimiterName) ?? "none"), line ends \(input.lineEnd?.description ?? "none")")
                line("    timestamp format \(input.timestampFormat?.description ?? "none")\(input.timestampFormatDetected ? " (detected)" : "")")
            }
        }
        section(&out, "Touchpoints", stats.touchpoints)
        if !stats.stages.isEmpty { section(&out, "Stages", stats.stages) }
        if !stats.channels.isEmpty { section(&out, "Channels", stats.channels) }
        return TerminalText.escaped(out, keepingLineFeeds: true)
    }

    /// `UTF-16LE (byte-order mark)`, `UTF-8 with byte-order mark`, `Windows-1252 (given)` …
    private static func encodingText(_ input: InputReport) -> String {
        var text = input.encoding.description
        if input.encodingEvidence != .assumed { text += " (\(input.encodingEvidence))" }
        if input.byteOrderMark && input.encodingEvidence != .byteOrderMark { text += " with byte-order mark" }
        return text
    }

    private static func section(_ out: inout String, _ title: String, _ counts: [LogStatistics.Count]) {
        out += "\n\(title) (\(counts.count)):\n"
        let width = min(70, counts.map { $0.name.count }.max() ?? 0)
        for c in counts {
            out += "  " + pad(Text.truncate(Text.printable(c.name), 70), width) + "  " + String(c.events) + "\n"
        }
    }

    private static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }
}

/// Small text helpers shared by the text renderers.
enum Text {
    /// Shortens to at most `limit` characters, ending with `…` when cut.
    static func truncate(_ s: String, _ limit: Int) -> String {
        s.count <= limit ? s : String(s.prefix(max(0, limit - 1))) + "…"
    }

    /// Replaces control characters (from untrusted log data) with visible escapes.
    static func printable(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            if TerminalText.isUnsafe(u) { out += "\\u{\(String(u.value, radix: 16))}" } else { out.unicodeScalars.append(u) }
        }
        return out
    }

    /// An integer when whole, else up to two decimals.
    static func number(_ x: Double) -> String {
        if x == x.rounded() && abs(x) < 1e15 { return String(Int64(x)) }
        let hundredths = (x * 100).rounded()
        return String(format2(hundredths / 100))
    }

    private static func format2(_ x: Double) -> String {
        let scaled = Int64((x * 100).rounded())
        let sign = scaled < 0 ? "-" : ""
        let a = abs(scaled)
        let frac = a % 100
        return sign + String(a / 100) + "." + (frac < 10 ? "0" : "") + String(frac)
    }

    static func delimiterName(_ d: UInt8) -> String {
        switch d {
        case 0x09: "tab"
        case 0x2C: "','"
        case 0x3B: "';'"
        case 0x7C: "'|'"
        default: "'" + String(UnicodeScalar(d)) + "'"
        }
    }
}

extension StatsRenderer {
    /// JSON with the keys documented in docs/stats-json.md, in a fixed order.
    public static func json(_ stats: LogStatistics, _ report: IngestReport, sources: [String]) -> String {
        var w = JSONWriter()
        json(stats, report, sources: sources, &w)
        return w.output + "\n"
    }

    /// The same JSON streamed to `sink` in pieces of about `JSONWriter.chunkSize` bytes.
    public static func writeJSON(_ stats: LogStatistics, _ report: IngestReport, sources: [String], to sink: @escaping JSONWriter.Sink) {
        var w = JSONWriter(sink: sink)
        json(stats, report, sources: sources, &w)
        w.flush()
        var newline: UInt8 = 0x0A
        withUnsafeBytes(of: &newline) { sink($0) }
    }

    private static func json(_ stats: LogStatistics, _ report: IngestReport, sources: [String], _ w: inout JSONWriter) {
        w.beginObject()
        w.field("sources", sources)
        w.field("rows_read", report.rowsRead)
        w.field("rows_used", report.rowsUsed)
        w.field("rows_rejected", report.rowsRejected)
        w.key("rejections")
        w.beginObject()
        for (reason, count) in report.rejectionCounts.sorted(by: { $0.key < $1.key }) { w.field(reason.rawValue, count) }
        w.endObject()
        w.key("sample_rejections")
        w.beginArray()
        for r in report.sampleRejections {
            w.beginObject()
            w.field("source", r.source < sources.count ? sources[r.source] : nil)
            w.field("line", r.line)
            w.field("record", r.record)
            w.key("column"); if let c = r.column { w.int(c) } else { w.null() }
            w.field("reason", r.reason.rawValue)
            w.field("detail", r.detail)
            w.endObject()
        }
        w.endArray()
        w.field("blank_lines", report.blankLines)
        w.field("customers", stats.customers)
        w.field("events", stats.events)
        w.key("touchpoints"); counts(&w, stats.touchpoints)
        w.key("stages"); if stats.stages.isEmpty { w.null() } else { counts(&w, stats.stages) }
        w.key("channels"); if stats.channels.isEmpty { w.null() } else { counts(&w, stats.channels) }
        w.key("events_without_stage"); if let n = stats.eventsWithoutStage { w.int(n) } else { w.null() }
        w.key("events_without_channel"); if let n = stats.eventsWithoutChannel { w.int(n) } else { w.null() }
        w.field("first_event", stats.firstEvent.map(formatTimestamp))
        w.field("last_event", stats.lastEvent.map(formatTimestamp))
        w.key("events_per_customer")
        if let d = stats.eventsPerCustomer {
            w.beginObject()
            w.field("min", d.min); w.field("median", d.median); w.field("p90", d.p90); w.field("max", d.max)
            w.endObject()
        } else {
            w.null()
        }
        w.field("out_of_order", stats.outOfOrderEvents)
        w.field("duplicates", stats.duplicateEvents)
        w.field("duplicates_dropped", stats.duplicatesRemoved)
        w.field("invalid_utf8_names", report.invalidUTF8Names)
        w.key("mapping")
        w.beginObject()
        if let mapping = report.mappings.first {
            for c in mapping.columns { w.field(c.role.description, c.name) }
        }
        w.endObject()
        w.key("detected_roles")
        w.beginArray()
        for c in report.mappings.first?.columns ?? [] where c.detected { w.string(c.role.description) }
        w.endArray()
        w.key("delimiter"); if let d = report.delimiters.first { w.string(String(UnicodeScalar(d))) } else { w.null() }
        w.field("timestamp_format", report.timestampFormat?.description)
        w.field("timestamp_format_detected", report.timestampFormatDetected)
        w.field("time_zone", report.timeZone.description)
        w.key("inputs")
        w.beginArray()
        for input in report.inputs {
            w.beginObject()
            w.field("source", input.name)
            w.field("encoding", input.encoding.description)
            w.field("encoding_evidence", input.encodingEvidence.rawValue)
            w.field("byte_order_mark", input.byteOrderMark)
            w.key("delimiter"); if let d = input.delimiter { w.string(String(UnicodeScalar(d))) } else { w.null() }
            w.field("line_ends", input.lineEnd?.rawValue)
            w.field("timestamp_format", input.timestampFormat?.description)
            w.field("timestamp_format_detected", input.timestampFormatDetected)
            w.field("rows_read", input.rowsRead)
            w.field("rows_used", input.rowsUsed)
            w.field("rows_rejected", input.rowsRejected)
            w.key("first_invalid_utf8_line"); if let l = input.firstInvalidUTF8Line { w.int(l) } else { w.null() }
            w.field("replaced_characters", input.replacedCharacters)
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }

    /// Names as keys, made unique with `JSONWriter.uniqueKeys` (docs/stats-json.md).
    private static func counts(_ w: inout JSONWriter, _ counts: [LogStatistics.Count]) {
        w.beginObject()
        for (key, c) in zip(JSONWriter.uniqueKeys(counts.map(\.name)), counts) { w.field(key, c.events) }
        w.endObject()
    }
}
