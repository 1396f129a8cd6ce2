import Foundation
import Testing
import TouchstoneDiscovery
import TouchstoneIngest
import TouchstoneTraces
import TouchstoneReport

/// A log whose names need escaping in every format.
func nastyLog() -> EventLog {
    var t = EventTable(stages: true, channels: false)
    let long = String(repeating: "Landing page with a very long name ", count: 6)
    t.append(case: "c1", activity: long, timestamp: 0, stage: "Awareness")
    t.append(case: "c1", activity: "say \"hi\"\n<script>alert(1)</script>", timestamp: 3_600_000_000, stage: "Consideration")
    t.append(case: "c1", activity: "=SUM(A1)", timestamp: 3_700_000_000, stage: "Awareness")
    t.append(case: "c2", activity: long, timestamp: 0, stage: "Awareness")
    t.append(case: "c2", activity: "a,b", timestamp: 10_000_000, stage: "Purchase \\ done")
    t.append(case: "c2", activity: "-x", timestamp: 20_000_000, stage: "Purchase \\ done")
    t.append(case: "c2", activity: "@home", timestamp: 30_000_000, stage: String(repeating: "Retention ", count: 12))
    t.append(case: "c2", activity: String(repeating: "顧客の旅😀", count: 30), timestamp: 40_000_000, stage: "段階")
    t.append(case: "c3", activity: long, timestamp: 0, stage: "Awareness")
    t.append(case: "c3", activity: "a,b", timestamp: 30_000_000, stage: "Awareness")
    return EventLog(t)
}

@Suite struct RendererTests {
    @Test func exactCSV() throws {
        let r = try DiscoveryResult(sampleLog())
        #expect(DiscoveryRenderer(format: .csv).render(r) == """
            source,target,frequency,customers,mean_s,median_s,p90_s,max_s
            <start>,A,4,4,,,,
            C,<end>,4,4,,,,
            A,B,3,3,11.666667,10,18,20
            B,C,3,3,10.333333,10,18,20
            <start>,B,1,1,,,,
            A,C,1,1,60,60,60,60
            B,<end>,1,1,,,,
            B,B,1,1,30,30,30,30

            """)
    }

    @Test func csvPruned() throws {
        let r = try DiscoveryResult(sampleLog(), options: DiscoveryOptions(pruning: DisplayPruning(topEdges: 1)))
        #expect(DiscoveryRenderer(format: .csv).render(r) == """
            source,target,frequency,customers,mean_s,median_s,p90_s,max_s
            <start>,A,4,4,,,,
            C,<end>,4,4,,,,
            A,B,3,3,11.666667,10,18,20
            <start>,B,1,1,,,,
            B,<end>,1,1,,,,

            """)
    }

    @Test func csvEscaping() throws {
        let csv = DiscoveryRenderer(format: .csv).render(try DiscoveryResult(nastyLog()))
        #expect(csv.contains("'=SUM(A1)"))
        #expect(csv.contains("\"a,b\",'-x,1,1,10,10,10,10\n"))
        #expect(csv.contains("'-x,'@home,1,1,10,10,10,10\n"))
        #expect(csv.contains("\"say \"\"hi\"\"\n<script>alert(1)</script>\""))
        #expect(CSVField.text("+1") == "'+1")
        #expect(CSVField.text("\tx") == "'\tx")
        #expect(CSVField.text("\rx") == "\"'\rx\"")
        #expect(CSVField.text("=a,b") == "\"'=a,b\"")
        #expect(CSVField.text("plain") == "plain")
        #expect(CSVField.number(-5) == "-5")
    }

    @Test func dotEscaping() throws {
        let dot = DiscoveryRenderer(format: .dot).render(try DiscoveryResult(nastyLog()))
        #expect(dot.hasPrefix("digraph journey {\n"))
        #expect(dot.contains(#"[label="say \"hi\"\n<script>alert(1)</script>\n1 event"]"#))
        #expect(dot.contains(#"start [label="start", shape=circle"#))
        #expect(dot.contains(#"end [label="end", shape=doublecircle"#))
        // Every statement is on one line: no raw newline inside a label.
        for line in dot.split(separator: "\n").dropFirst().dropLast() {
            #expect(line.hasSuffix(";") || line.hasSuffix("{"), "\(line)")
        }
        #expect(DiscoveryRenderer.dotEscape("a\\b\"c\nd") == #"a\\b\"c\nd"#)
        #expect(dot.contains("penwidth=8") && dot.contains("penwidth=1"))
    }

    @Test func mermaidEscaping() throws {
        let mermaid = DiscoveryRenderer(format: .mermaid).render(try DiscoveryResult(nastyLog()))
        #expect(mermaid.hasPrefix("%% Journey at touchpoint level: 3 of 3 customers\n%% Filters: none\n%% Pruning: none\nflowchart LR\n"))
        #expect(!mermaid.contains("<script>"))
        #expect(mermaid.contains("say #quot;hi#quot;<br/>#lt;script#gt;alert(1)#lt;/script#gt;<br/>1 event"))
        // Node ids are generated, never taken from the log.
        let ids = mermaid.split(separator: "\n").dropFirst(6).filter { !$0.contains("-->") && !$0.contains("-.->") }
            .map { $0.trimmingCharacters(in: .whitespaces).prefix { $0 != "[" } }
        #expect(ids.allSatisfy { $0.first == "n" && $0.dropFirst().allSatisfy(\.isNumber) })
        #expect(DiscoveryRenderer.mermaidEscape("a\"b#c<d>&`") == "a#quot;b#35;c#lt;d#gt;#amp;#96;")
    }

    @Test func jsonParsesBack() throws {
        let r = try DiscoveryResult(nastyLog(), options: DiscoveryOptions(
            filter: LogFilter(since: 0), pruning: DisplayPruning(minFrequency: 2), variantLimit: 1))
        let text = DiscoveryRenderer(format: .json).render(r)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["level"] as? String == "touchpoint")
        #expect(object["customers"] as? Int == 3)
        #expect(object["filters"] as? [String] == ["since 1970-01-01T00:00:00Z"])
        let nodes = try #require(object["nodes"] as? [[String: Any]])
        #expect(nodes.contains { $0["name"] as? String == "say \"hi\"\n<script>alert(1)</script>" })
        let edges = try #require(object["edges"] as? [[String: Any]])
        #expect(edges.count == 6)
        #expect(edges.filter { $0["visible"] as? Bool == true }.count == 1)
        let variants = try #require(object["variants"] as? [String: Any])
        #expect(variants["distinct"] as? Int == 3 && variants["shown"] as? Int == 1)
        let stages = try #require(object["stages"] as? [String: Any])
        #expect((stages["funnel"] as? [Any])?.count == 5)
        // Keys appear in the documented order.
        let keys = ["\"level\"", "\"customers\"", "\"events\"", "\"input_customers\"", "\"input_events\"", "\"filters\"",
                    "\"pruning\"", "\"transitions\"", "\"hidden_edges\"", "\"hidden_nodes\"", "\"nodes\"", "\"edges\"",
                    "\"variants\"", "\"stages\""]
        let positions = keys.compactMap { text.range(of: $0)?.lowerBound }
        #expect(positions.count == keys.count && positions == positions.sorted())
    }

    @Test func textFitsWidth() throws {
        for level in [DiscoveryLevel.touchpoint, .stage] {
            let text = DiscoveryRenderer(format: .text).render(try DiscoveryResult(nastyLog(), options: DiscoveryOptions(level: level)))
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                // Terminal columns: wide characters count twice.
                let columns = line.reduce(0) { w, ch in
                    let v = ch.unicodeScalars.first?.value ?? 0
                    return w + ((0x3000...0x9FFF).contains(v) || (0x1F300...0x1F64F).contains(v) ? 2 : 1)
                }
                #expect(columns <= 100, "\(line)")
            }
            #expect(text.contains("…"))
            #expect(text.contains("Stage funnel"))
            #expect(!text.contains("\n<script>"))  // control characters flattened
        }
        let text = DiscoveryRenderer(format: .text).render(try DiscoveryResult(sampleLog(), options: DiscoveryOptions(
            filter: LogFilter(conditions: [.init(name: "plan", value: "gold")]), pruning: DisplayPruning(minFrequency: 2))))
        #expect(text.hasPrefix("""
            Journey discovery at touchpoint level
            Customers: 1 of 5   Events: 3 of 13   Transitions: 2
            Filters: where plan=gold
            Pruning: min-frequency 2 (hidden: 2 edges, 1 nodes)
            """))
    }
}

@Suite struct FormattingTests {
    @Test func humanDurations() {
        let s = 1_000_000.0
        #expect(HumanDuration.format(micros: nil) == "-")
        #expect(HumanDuration.format(micros: 0) == "0s")
        #expect(HumanDuration.format(micros: 250_000) == "250ms")
        #expect(HumanDuration.format(micros: 45 * s) == "45s")
        #expect(HumanDuration.format(micros: 59.6 * s) == "1m")
        #expect(HumanDuration.format(micros: (12 * 60 + 5) * s) == "12m 5s")
        #expect(HumanDuration.format(micros: (3 * 3600 + 20 * 60 + 10) * s) == "3h 20m")
        #expect(HumanDuration.format(micros: 3 * 3600 * s) == "3h")
        #expect(HumanDuration.format(micros: (3 * 86_400 + 4 * 3600) * s) == "3d 4h")
        #expect(HumanDuration.format(micros: (2 * 365 + 14) * 86_400 * s) == "2y 14d")
        #expect(HumanDuration.format(micros: (86_400 - 0.1) * s) == "1d")
        #expect(HumanDuration.format(micros: -45 * s) == "-45s")
    }

    @Test func decimalSeconds() {
        #expect(DecimalFormat.seconds(micros: 90_000_000) == "90")
        #expect(DecimalFormat.seconds(micros: 1_500_000) == "1.5")
        #expect(DecimalFormat.seconds(micros: 11_666_666.67) == "11.666667")
        #expect(DecimalFormat.seconds(micros: 1) == "0.000001")
        #expect(DecimalFormat.seconds(micros: 0.4) == "0")
        #expect(DecimalFormat.seconds(micros: -2_500_000) == "-2.5")
        #expect(DecimalFormat.percent(2.0 / 3) == "66.7%")
    }

    @Test func jsonWriter() throws {
        var w = JSONWriter()
        w.beginObject()
        w.field("text", "q\"b\\s/\n\t\u{01}\u{1F}é日本😀")
        w.key("empty"); w.beginArray(); w.endArray()
        w.key("object"); w.beginObject(); w.endObject()
        w.field("small", 0.0000001)
        w.field("big", 1e21)
        w.field("tenth", 0.1)
        w.field("negative", -2.5e-8)
        w.field("nan", Double.nan)
        w.field("missing", nil as String?)
        w.key("list"); w.beginArray(); w.int(1); w.bool(false); w.null(); w.endArray()
        w.endObject()
        #expect(w.output == """
            {
              "text": "q\\"b\\\\s/\\n\\t\\u0001\\u001fé日本😀",
              "empty": [],
              "object": {},
              "small": 0.0000001,
              "big": 1000000000000000000000,
              "tenth": 0.1,
              "negative": -0.000000025,
              "nan": null,
              "missing": null,
              "list": [
                1,
                false,
                null
              ]
            }

            """)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(w.output.utf8)) as? [String: Any])
        #expect(parsed["text"] as? String == "q\"b\\s/\n\t\u{01}\u{1F}é日本😀")
        #expect(parsed["small"] as? Double == 0.0000001)
    }

    @Test func timestamps() {
        #expect(formatTimestamp(0) == "1970-01-01T00:00:00Z")
        #expect(formatTimestamp(1_709_285_400_250_000) == "2024-03-01T09:30:00.25Z")
        #expect(formatTimestamp(-1) == "1969-12-31T23:59:59.999999Z")
    }
}

@Suite struct DocumentationTests {
    /// The example in docs/discover-json.md is real output: re-render it and compare.
    @Test func jsonExampleIsCurrent() throws {
        var t = EventTable(stages: true, channels: true)
        let base: Int64 = 1_709_280_000 * 1_000_000  // 2024-03-01T08:00:00Z
        let rows: [(String, String, Int64, String, String)] = [
            ("c1", "Ad click", 0, "Awareness", "web"), ("c1", "Product page", 90, "Consideration", "web"),
            ("c1", "Checkout", 600, "Purchase", "web"),
            ("c2", "Ad click", 0, "Awareness", "web"), ("c2", "Newsletter", 3_600, "Consideration", "email"),
            ("c2", "Product page", 7_200, "Consideration", "web"), ("c2", "Checkout", 7_500, "Purchase", "app"),
            ("c3", "Ad click", 0, "Awareness", "app"), ("c3", "Product page", 30, "Consideration", "app"),
        ]
        for r in rows { t.append(case: r.0, activity: r.1, timestamp: base + r.2 * 1_000_000, stage: r.3, channel: r.4) }
        let json = DiscoveryRenderer(format: .json).render(try DiscoveryResult(EventLog(t), options: DiscoveryOptions(variantLimit: 2)))
        let docURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/discover-json.md")
        let doc = try String(contentsOf: docURL, encoding: .utf8)
        let start = try #require(doc.range(of: "```json\n"))
        let end = try #require(doc.range(of: "```", range: start.upperBound..<doc.endIndex))
        #expect(String(doc[start.upperBound..<end.lowerBound]) == json)
    }
}

/// Escaping that keeps hostile names from hijacking an output (issue 13).
@Suite("Output escaping in renderers")
struct RendererEscapingTests {
    @Test func dotLabelsHaveNoControlBytes() {
        let escaped = DiscoveryRenderer.dotEscape("a\u{0}b\u{1B}[2J\u{9B}c\u{202E}d\te")
        #expect(escaped == #"a\\u{0}b\\u{1b}[2J\\u{9b}c\\u{202e}d\\u{9}e"#)
        #expect(!escaped.unicodeScalars.contains { TerminalText.isUnsafe($0) })
    }

    @Test func mermaidLabelsCannotStartADirective() {
        let escaped = DiscoveryRenderer.mermaidEscape("%%{init: {'theme':'dark'}}%%\u{1B}x")
        #expect(!escaped.contains("%"))
        #expect(escaped == #"#37;#37;{init: {'theme':'dark'}}#37;#37;\u{1b}x"#)
    }

    @Test func everyFormatEscapesControlsAndMarkerNames() throws {
        var t = EventTable(stages: true, channels: false)
        t.append(case: "c1", activity: "<start>", timestamp: 0, stage: "start")
        t.append(case: "c1", activity: "x\u{0}\u{1B}]0;t\u{7}", timestamp: 1_000_000, stage: "<end>")
        let result = try DiscoveryResult(EventLog(t))
        for format in DiscoveryFormat.allCases {
            let out = DiscoveryRenderer(format: format).render(result)
            #expect(!out.unicodeScalars.contains { $0 != "\n" && TerminalText.isUnsafe($0) }, "\(format): \(out)")
        }
        let csv = DiscoveryRenderer(format: .csv).render(result)
        #expect(csv.contains("\n<start>,\\<start>,1,1,,,,\n"), "\(csv)")
        let dot = DiscoveryRenderer(format: .dot).render(result)
        #expect(dot.contains(#"x\\u{0}\\u{1b}]0;t\\u{7}"#), "\(dot)")
    }

    @Test func uniqueKeysKeepTheFirstAndNumberTheRest() {
        #expect(JSONWriter.uniqueKeys(["a", "b"]) == ["a", "b"])
        #expect(JSONWriter.uniqueKeys(["a\u{FFFD}", "a\u{FFFD}", "a\u{FFFD} #2", "a\u{FFFD}"])
                == ["a\u{FFFD}", "a\u{FFFD} #3", "a\u{FFFD} #2", "a\u{FFFD} #4"])
    }

    @Test func markerNamesGetOneMoreBackslash() {
        #expect(TraceMarker.escaped("<start>") == "\\<start>")
        #expect(TraceMarker.escaped("\\\\<end>") == "\\\\\\<end>")
        #expect(TraceMarker.escaped("<start> x") == "<start> x")
        #expect(TraceMarker.escaped("start", markers: TraceMarker.displayMarkers) == "\\start")
    }

    @Test func boundedTextSaysHowMuchWasLeftOut() {
        #expect(TerminalText.bounded("abcdef", limit: 4) == "abcd … (2 more characters)")
        #expect(TerminalText.bounded("abc", limit: 4) == "abc")
        #expect(IngestError.boundedList((1...25).map(String.init), limit: 3) == "1, 2, 3, … (22 more)")
        #expect(TerminalText.diagnostic("ok\n\u{1B}[2J") == "ok\n\\u{1b}[2J")
    }
}
