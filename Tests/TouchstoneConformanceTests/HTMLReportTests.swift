import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import TouchstoneConformance
import TouchstoneIngest
@testable import TouchstoneReport

/// Collects `<rect>` boxes of node groups and `data-fit` texts of an SVG page.
private final class SVGBoxes: NSObject, XMLParserDelegate {
    var nodeRects: [(x: Double, y: Double, w: Double, h: Double)] = []
    var labels: [(text: String, fit: Double, fontSize: Double)] = []
    var svgSize: (w: Double, h: Double)?
    private var inNode = 0
    private var depth = 0
    private var nodeDepth: [Int] = []
    private var label: (String, Double, Double)?
    var ok = false

    init(_ html: String) {
        super.init()
        let p = XMLParser(data: Data(html.utf8))
        p.delegate = self
        ok = p.parse()
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes a: [String: String]) {
        depth += 1
        let cls = a["class"] ?? ""
        if name == "svg", cls == "journey-graph", let w = Double(a["width"] ?? ""), let h = Double(a["height"] ?? "") { svgSize = (w, h) }
        if name == "g" && cls.hasPrefix("node") { nodeDepth.append(depth) }
        if name == "rect", !nodeDepth.isEmpty, let x = Double(a["x"] ?? ""), let y = Double(a["y"] ?? ""),
           let w = Double(a["width"] ?? ""), let h = Double(a["height"] ?? "") { nodeRects.append((x, y, w, h)) }
        if name == "text", let fit = Double(a["data-fit"] ?? "") { label = ("", fit, cls == "label" ? 13 : 11) }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { label?.0 += string }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "text", let l = label { labels.append((l.0, l.1, l.2)); label = nil }
        if nodeDepth.last == depth { nodeDepth.removeLast() }
        depth -= 1
    }
}

@Suite("HTML report: builder, layout, page")
struct HTMLReportTests {
    @Test func textAndAttributesAreEscapedByConstruction() {
        let hostile = "<script>alert(\"x\") & 'y'</script> &amp; ]]> \u{1}\u{FFFE}\nz"
        let node = HTMLNode.element("p", [("title", hostile)], [.text(hostile)])
        let out = node.rendered
        #expect(out == "<p title=\"&lt;script&gt;alert(&quot;x&quot;) &amp; &#39;y&#39;&lt;/script&gt; &amp;amp; ]]&gt; \u{FFFD}\u{FFFD}&#10;z\">"
            + "&lt;script&gt;alert(\"x\") &amp; 'y'&lt;/script&gt; &amp;amp; ]]&gt; \u{FFFD}\u{FFFD}\nz</p>")
        #expect(HTMLNode.element("br", [], []).rendered == "<br/>")
        #expect(HTMLNode.element("div", [], []).rendered == "<div></div>")
        let json = HTMLNode.json("{\"a\": \"</script><!-- & \u{2028}\u{2029}\"}").rendered
        #expect(json == "{\"a\": \"\\u003c/script\\u003e\\u003c!-- \\u0026 \\u2028\\u2029\"}")
    }

    /// Variant keys round-trip any names and sort like the sequences of names (never empty: a
    /// customer has at least one event).
    @Test func variantKeysKeepTheOrderOfSequences() {
        var rng = SplitMix64(seed: 99)
        let alphabet = ["", "a", "b", "\u{0}", "\u{1}", "\u{2}", "ab", "a\u{0}b", "é"]
        for _ in 0..<2000 {
            let a = (0..<rng.int(1...3)).map { _ in alphabet[rng.int(0...(alphabet.count - 1))] }
            let b = (0..<rng.int(1...3)).map { _ in alphabet[rng.int(0...(alphabet.count - 1))] }
            let ka = TouchpointVariant(a), kb = TouchpointVariant(b)
            #expect(ka.touchpoints == a)
            let expected = a.lexicographicallyPrecedes(b) { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            #expect((ka < kb) == expected, "\(a) < \(b)")
            #expect((ka == kb) == (a == b), "\(a) == \(b)")
        }
    }

    @Test func inlineAssetsStayWellFormedXML() {
        for asset in [HTMLReportAssets.css.description, HTMLReportAssets.errorRecorder.description, HTMLReportAssets.afterLoad.description] {
            #expect(!asset.contains("<") && !asset.contains("&") && !asset.contains("]]>"))
        }
        #expect(HTMLReportAssets.css.description.contains("@media print"))
    }

    @Test func wrapKeepsEveryCharacterButTheBreakingSpaces() {
        let text = "Quarterly business review with the customer success team"
        let lines = TextMeasure.wrap(text, limit: 24)
        #expect(lines.allSatisfy { $0.count <= 24 })
        #expect(lines.joined(separator: " ") == text)
        #expect(TextMeasure.wrap("Averyveryverylongwordwithoutspaces", limit: 10) == ["Averyveryverylongwordwithoutspaces"])
    }

    /// 50 random nodes in 7 layers with random sizes and edges: no two boxes overlap, every box
    /// lies inside the drawing, and columns keep their order left to right.
    @Test func fiftyNodesNeverOverlap() {
        var rng = SplitMix64(seed: 50)
        for _ in 0..<40 {
            let nodes = (0..<50).map { _ in
                LayeredLayout.Node(layer: rng.int(0...6), width: Double(rng.int(60...260)), height: Double(rng.int(30...70)))
            }
            let edges = (0..<120).map { _ in LayeredLayout.Edge(from: rng.int(0...49), to: rng.int(0...49)) }
            let layout = LayeredLayout(nodes: nodes, edges: edges)
            for i in 0..<50 {
                let a = layout.boxes[i]
                #expect(a.width == nodes[i].width && a.height == nodes[i].height)
                #expect(a.x >= 0 && a.y >= 0 && a.right <= layout.width && a.bottom <= layout.height)
                for j in (i + 1)..<50 { #expect(!a.overlaps(layout.boxes[j]), "boxes \(i) and \(j) overlap") }
                for j in 0..<50 where nodes[j].layer > nodes[i].layer { #expect(layout.boxes[j].x > a.right) }
            }
            // Deterministic.
            #expect(LayeredLayout(nodes: nodes, edges: edges) == layout)
        }
    }

    /// A 50-step map with long names through the whole renderer: node boxes don't overlap and
    /// every label fits its box (by the same width estimate; Chromium checks the real widths).
    @Test func fiftyStepJourneyGraphIsReadable() throws {
        var stages: [(String, Int64?, [Fixture.S])] = []
        let words = ["Quarterly", "business", "review", "onboarding", "W", "Mmm", "identity", "verification", "call", "ÄÖÜ", "東京"]
        var rng = SplitMix64(seed: 7)
        var n = 0
        for s in 0..<7 {
            var steps: [Fixture.S] = []
            for _ in 0..<(s < 6 ? 7 : 8) {
                steps.append(Fixture.S(id: "s\(n)", touchpoints: ["T\(n)"], optional: true))
                n += 1
            }
            stages.append(("stage\(s)", nil, steps))
        }
        #expect(n == 50)
        var map = Fixture.map(stages)
        for i in map.steps.indices {
            map.steps[i].name = (0..<rng.int(1...7)).map { _ in words[rng.int(0...(words.count - 1))] }.joined(separator: " ")
        }
        var rows: [(String, String, Int64)] = []
        for c in 0..<200 { for k in 0..<rng.int(2...9) { rows.append(("c\(c)", "T\(rng.int(0...49))", Int64(k) * Fixture.hour)) } }
        let log = Fixture.log(rows)
        let summary = try ConformanceChecker(map: map, touchpoints: log.events.activityNames).check(log, options: CheckOptions(reportDetails: true))
        let html = HTMLReportRenderer().render(JourneyReport(ConformanceReport(map: map, summary: summary)))
        let svg = SVGBoxes(html)
        #expect(svg.ok)
        #expect(svg.nodeRects.count == 51)  // start + 50 steps
        let size = try #require(svg.svgSize)
        for (i, a) in svg.nodeRects.enumerated() {
            #expect(a.x >= 0 && a.y >= 0 && a.x + a.w <= size.w && a.y + a.h <= size.h)
            for b in svg.nodeRects[(i + 1)...] {
                #expect(!(a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h), "node boxes overlap")
            }
        }
        #expect(svg.labels.count >= 102)
        for l in svg.labels { #expect(TextMeasure.width(l.text, fontSize: l.fontSize) <= l.fit + 0.05, "label '\(l.text)' is cut") }
        // Every step name is there in full.
        let allText = svg.labels.map(\.text).joined(separator: " ")
        for step in map.steps { for word in step.name.split(separator: " ") { #expect(allText.contains(word)) } }
        // Same report, same bytes.
        #expect(HTMLReportRenderer().render(JourneyReport(ConformanceReport(map: map, summary: summary))) == html)
        // As rendered by Chromium, when installed (ReportBrowserTests says loudly when it is not).
        let chromium = "/usr/bin/chromium"
        guard FileManager.default.isExecutableFile(atPath: chromium) else { return }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("touchstone-50-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("fifty.html")
        try Data(html.utf8).write(to: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=" + dir.appendingPathComponent("profile").path,
                             "--dump-dom", file.absoluteString]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let dom = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(dom.contains("data-rendered=\"yes\""))
        #expect(dom.contains("data-label-overflow=\"0\""), "Chromium measured labels wider than their boxes")
        #expect(dom.contains("data-js-errors=\"0\""))
    }
}
