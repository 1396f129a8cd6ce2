import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// A parsed XHTML page: every element with its attributes and own text, in document order.
final class XHTMLPage: NSObject, XMLParserDelegate {
    struct Element { var name: String; var attributes: [String: String]; var text = ""; var depthPath: [String] }
    var elements: [Element] = []
    private var stack: [Int] = []
    var error: String?

    init(_ text: String) {
        super.init()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = self
        if !parser.parse() { error = parser.parserError.map { "\($0)" } ?? "parse failed at line \(parser.lineNumber)" }
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
        let path = stack.map { elements[$0].name } + [name]
        elements.append(Element(name: name, attributes: attributes, depthPath: path))
        stack.append(elements.count - 1)
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) { stack.removeLast() }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        for i in stack { elements[i].text += string }
    }

    func element(id: String) -> Element? { elements.first { $0.attributes["id"] == id } }
    var allText: String { elements.first?.text ?? "" }
}

/// `touchstone report`, `check --html` and `check --format markdown` end to end.
@Suite("touchstone report")
struct ReportCommandTests {
    static let scenarios = ["b2b-software-purchase", "retail-bank-onboarding", "support-eu"]
    static func sample(_ name: String) -> (log: String, map: String) {
        let dir = CLI.packageRoot.appendingPathComponent("SampleLogs/\(name)")
        return (dir.appendingPathComponent("\(name).csv").path, dir.appendingPathComponent("journey.yaml").path)
    }
    static var hostile: (log: String, map: String) {
        (CLI.packageRoot.appendingPathComponent("Tests/Fixtures/report/hostile.csv").path,
         CLI.packageRoot.appendingPathComponent("Tests/Fixtures/report/hostile.yaml").path)
    }
    static let coreSections = ["summary", "matrix", "graph", "funnel", "deviations", "variants", "timing", "moments"]

    /// Everything the page loads must be in the page: no `src`, `href` only to `#fragments`, no
    /// `@import`, `url()` only to `#ids`; scripts are the three inline ones.
    static func expectSelfContained(_ html: String, _ page: XHTMLPage, _ context: String) {
        for e in page.elements {
            #expect(e.attributes["src"] == nil, "src on \(e.name), \(context)")
            if let href = e.attributes["href"] { #expect(href.hasPrefix("#"), "href \(href), \(context)") }
            for (k, v) in e.attributes where k.hasPrefix("on") { Issue.record("event handler \(k)=\(v), \(context)") }
        }
        #expect(!html.contains("@import"), "\(context)")
        var rest = Substring(html)
        while let r = rest.range(of: "url(") {
            #expect(rest[r.upperBound...].hasPrefix("#"), "url( to outside, \(context)")
            rest = rest[r.upperBound...]
        }
        #expect(!["link", "img", "iframe", "object", "embed", "image", "use", "font", "audio", "video", "base"].contains { n in page.elements.contains { $0.name == n } },
                "\(context)")
        let scripts = page.elements.filter { $0.name == "script" }
        #expect(scripts.count == 3, "\(context)")
        #expect(scripts.filter { $0.attributes["type"] == "application/json" }.count == 1, "\(context)")
    }

    /// `check --format json` key figures.
    static func keyFigures(_ args: [String]) throws -> [String: Double] {
        try rawKeyFigures(args).compactMapValues(Double.init)
    }

    /// `check --format json` key figures as written (the number literals), and `events`.
    static func rawKeyFigures(_ args: [String]) throws -> [String: String] {
        let r = try CLI.run(["check"] + args + ["--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        var figures: [String: String] = [:]
        // Pretty-printed: one `"name": value` per line; key_figures come after `events`.
        var inKeyFigures = false
        for line in r.stdout.split(separator: "\n") {
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.hasPrefix("\"key_figures\"") { inKeyFigures = true; continue }
            if inKeyFigures && t.hasPrefix("}") { inKeyFigures = false; continue }
            let parts = t.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " ,\"")) }
            guard parts.count == 2 else { continue }
            if inKeyFigures || (line.hasPrefix("  \"events\"")) { figures[parts[0]] = parts[1] }
        }
        return figures
    }

    /// The page's figures read back by id (`kf-…` `data-value`), as the browser test does.
    static func pageFigures(_ page: XHTMLPage) -> [String: String] {
        var figures: [String: String] = [:]
        for (id, key) in [("kf-customers", "customers"), ("kf-events", "events"), ("kf-conformance", "conformance"),
                          ("kf-fitness", "fitness"), ("kf-completion", "completion")] {
            if let v = page.element(id: id)?.attributes["data-value"] { figures[key] = v }
        }
        return figures
    }

    @Test(arguments: scenarios) func everySamplePageIsWellFormedSelfContainedAndComplete(_ name: String) throws {
        let s = Self.sample(name)
        let r = try CLI.run(["report", s.log, "--map", s.map])
        #expect(r.status == 0, "\(r.stderr)")
        let page = XHTMLPage(r.stdout)
        #expect(page.error == nil, "\(name): \(page.error ?? "")")
        Self.expectSelfContained(r.stdout, page, name)
        for id in Self.coreSections { #expect(page.element(id: id) != nil, "\(name): section \(id)") }
        #expect(page.element(id: "experience") == nil && page.element(id: "segments") == nil, "\(name): experience and segments need --score and --by")
        // Key figures equal check --format json.
        let json = try Self.rawKeyFigures([s.log, "--map", s.map])
        let shown = Self.pageFigures(page)
        #expect(shown.count == 5, "\(name)")
        for (k, v) in shown { #expect(json[k] == v, "\(name): \(k) \(v) vs \(json[k] ?? "-")") }
        // Every designed step is a node; the matrix has a card per touchpoint and channel.
        #expect(page.elements.filter { $0.name == "g" && ($0.attributes["class"] ?? "").hasPrefix("node") }.count > 3, "\(name)")
        #expect(page.elements.contains { ($0.attributes["class"] ?? "").hasPrefix("card ") }, "\(name)")
        // Same input, same bytes; check --html writes the same page.
        let again = try CLI.run(["report", s.log, "--map", s.map])
        #expect(again.stdout == r.stdout, "\(name): not deterministic")
        let dir = try CLI.temporaryDirectory()
        let file = dir.appendingPathComponent("r.html").path
        let check = try CLI.run(["check", s.log, "--map", s.map, "--html", file, "--format", "json"])
        #expect(check.status == 0)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == r.stdout, "\(name): check --html differs")
    }

    @Test func hostileNamesShowAsTextEverywhere() throws {
        let h = Self.hostile
        let r = try CLI.run(["report", h.log, "--map", h.map, "--score", "csat", "--by", "channel", "--attribute", "channel"])
        #expect(r.status == 0, "\(r.stderr)")
        let page = XHTMLPage(r.stdout)
        #expect(page.error == nil, "\(page.error ?? "")")
        Self.expectSelfContained(r.stdout, page, "hostile")
        // U+2028 may stay in HTML text; only the JSON must escape it (checked below).
        for bad in ["<script>alert", "<img", "<b>", "<i>", "</title><script>alert", "]]>"] {
            #expect(!r.stdout.contains(bad), "raw \(bad.debugDescription) in the page")
        }
        // …and the names are there as text: in the title, the matrix, the graph, the tables.
        #expect(page.element(id: "summary")?.text.contains("<script>alert('map')</script> & co") == true)
        #expect(page.elements.first { $0.name == "title" }?.text.contains("</title><script>alert(3)</script>") == true)
        for section in ["matrix", "graph", "variants", "timing", "moments", "experience"] {
            #expect(page.element(id: section)?.text.contains("<script>alert(1)</script>") == true, "\(section)")
        }
        #expect(page.element(id: "matrix")?.text.contains("<img src=x onerror=alert(2)>") == true)
        #expect(page.element(id: "deviations")?.text.contains("<b>c1</b>") == true)
        #expect(page.element(id: "segments")?.text.contains("<img src=x onerror=alert(2)>") == true)
        // The embedded JSON holds the names, escaped, and decodes back to them.
        let data = try #require(page.element(id: "touchstone-data")?.text)
        #expect(!data.contains("<") && !data.contains(">") && !data.contains("&") && !data.contains("\u{2028}"))
        let json = try #require(CLI.json(data))
        #expect(json["journey"] as? String == "<script>alert('map')</script> & co")
        let steps = try #require(json["steps"] as? [[String: Any]])
        #expect(steps.first?["name"] as? String == "<script>alert(1)</script>")
        // Experience curve: csat 5 and 2 on the first step, 4 and 3 on the second ("n/a" skipped).
        #expect(steps.first?["mean_score"] as? Double == 3.5)
        #expect(steps.last?["mean_score"] as? Double == 3.5)
        let points = page.elements.filter { $0.name == "g" && $0.attributes["class"] == "point" }
        #expect(points.map { $0.attributes["data-value"] } == ["3.5", "3.5"])
    }

    @Test func markdownSummaryEscapesLabelsAndDirectives() throws {
        let h = Self.hostile
        let r = try CLI.run(["check", h.log, "--map", h.map, "--format", "markdown"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("## Journey conformance: "))
        #expect(!r.stdout.contains("%%"), "a Mermaid directive got through")
        #expect(!r.stdout.contains("<script"), "raw HTML in Markdown")
        #expect(r.stdout.contains("&lt;script&gt;alert\\('map'\\)&lt;/script&gt; &amp; co"))
        let s = Self.sample("b2b-software-purchase")
        let b2b = try CLI.run(["check", s.log, "--map", s.map, "--format", "markdown"])
        #expect(b2b.stdout.contains("```mermaid\nflowchart LR\n"))
        #expect(b2b.stdout.contains("| 2,112 | 20,000 | 2.8% | 0.905 | 36.2% |"))
        // Mermaid edges are the undesigned transitions of check --format json, most frequent first.
        let json = try #require(CLI.json(try CLI.run(["check", s.log, "--map", s.map, "--format", "json"]).stdout))
        let first = try #require((json["undesigned_transitions"] as? [[String: Any]])?.first)
        #expect(first["from"] as? String == "offer" && first["to"] as? String == "order" && first["count"] as? Int == 375)
        #expect(b2b.stdout.contains("  s11 -->|\"375×\"| s13\n"))
    }

    @Test func minFrequencyPrunesUndesignedEdgesButKeepsStarts() throws {
        let s = Self.sample("b2b-software-purchase")
        func edges(_ extra: [String]) throws -> [XHTMLPage.Element] {
            let r = try CLI.run(["report", s.log, "--map", s.map] + extra)
            #expect(r.status == 0, "\(r.stderr)")
            return XHTMLPage(r.stdout).elements.filter { $0.name == "path" && ($0.attributes["class"] ?? "").hasPrefix("edge") }
        }
        let all = try edges([])
        let pruned = try edges(["--min-frequency", "200"])
        func kind(_ e: [XHTMLPage.Element], _ k: String) -> [XHTMLPage.Element] { e.filter { $0.attributes["class"] == "edge " + k } }
        #expect(kind(pruned, "undesigned").allSatisfy { Int($0.attributes["data-count"] ?? "") ?? 0 >= 200 })
        #expect(kind(pruned, "undesigned").count < kind(all, "undesigned").count)
        #expect(kind(all, "undesigned").contains { Int($0.attributes["data-count"] ?? "") ?? 0 < 200 })
        // Starts stay, however rare.
        #expect(kind(pruned, "start").count == kind(all, "start").count && !kind(all, "start").isEmpty)
        #expect(kind(pruned, "start").contains { Int($0.attributes["data-count"] ?? "") ?? 0 < 200 })
        let bad = try CLI.run(["report", s.log, "--map", s.map, "--min-frequency", "0"])
        #expect(bad.status == 2)
    }

    @Test func baselineChangesAppearInTheHeader() throws {
        let s = Self.sample("support-eu")
        let dir = try CLI.temporaryDirectory()
        let baseline = dir.appendingPathComponent("before.json")
        // A previous run with lower conformance: the page shows the rise.
        let current = try Self.keyFigures([s.log, "--map", s.map])
        let before = ["key_figures": ["customers": 10.0, "conformance": max((current["conformance"] ?? 0) - 0.1, 0), "fitness": 1.0, "completion": current["completion"] ?? 0]]
        try JSONSerialization.data(withJSONObject: before).write(to: baseline)
        let r = try CLI.run(["report", s.log, "--map", s.map, "--baseline", baseline.path])
        #expect(r.status == 0, "\(r.stderr)")
        let page = XHTMLPage(r.stdout)
        let conformance = try #require(page.element(id: "kf-conformance-change"))
        #expect(abs((Double(conformance.attributes["data-value"] ?? "") ?? 0) - ((current["conformance"] ?? 0) - (before["key_figures"]?["conformance"] ?? 0))) < 1e-12)
        #expect(conformance.attributes["class"] == "delta better")
        #expect(page.element(id: "kf-fitness-change")?.attributes["class"] == "delta worse")
        #expect(page.element(id: "kf-customers-change")?.attributes["data-value"] == String(Int(current["customers"] ?? 0) - 10))
        #expect(page.element(id: "kf-events-change") == nil)
    }
}
