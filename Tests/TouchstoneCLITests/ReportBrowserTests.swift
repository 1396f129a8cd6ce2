import Foundation
import Testing

/// Headless Chromium, when installed (the README's test command installs it).
enum Chromium {
    static let path: String? = {
        let candidates = [ProcessInfo.processInfo.environment["TOUCHSTONE_CHROMIUM"], "/usr/bin/chromium", "/usr/bin/chromium-browser",
                          "/usr/bin/google-chrome"].compactMap { $0 }
        let found = candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
        if found == nil {
            FileHandle.standardError.write(Data("""

            *** WARNING: Chromium not found (tried \(candidates.joined(separator: ", "))): the report browser tests are SKIPPED.
            *** Install it (apt-get install chromium) or set TOUCHSTONE_CHROMIUM to run them.

            """.utf8))
        }
        return found
    }()

    /// The DOM after load and the browser's log lines, for the page at `file`.
    static func dumpDOM(_ file: String) throws -> (dom: String, log: String) {
        let profile = try CLI.temporaryDirectory()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path ?? "/usr/bin/chromium")
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=" + profile.path,
                             "--enable-logging=stderr", "--v=0", "--dump-dom", URL(fileURLWithPath: file).absoluteString]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes concurrently so neither fills up.
        nonisolated(unsafe) var errData = Data()
        let reader = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !reader.isFinished { Thread.sleep(forTimeInterval: 0.01) }
        try? FileManager.default.removeItem(at: profile)
        return (String(decoding: o, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }

    /// `name="value"` of the first `<html …>` tag of a dumped DOM.
    static func rootAttribute(_ dom: String, _ name: String) -> String? {
        guard let start = dom.range(of: "<html"), let end = dom[start.upperBound...].firstIndex(of: ">") else { return nil }
        return attribute(String(dom[start.upperBound..<end]), name)
    }

    static func attribute(_ tag: String, _ name: String) -> String? {
        guard let r = tag.range(of: " " + name + "=\"") else { return nil }
        let rest = tag[r.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    /// The `data-value` of the element with `id` in a dumped DOM.
    static func value(_ dom: String, id: String) -> String? {
        guard let r = dom.range(of: " id=\"" + id + "\"") else { return nil }
        let tagStart = dom[..<r.lowerBound].lastIndex(of: "<") ?? r.lowerBound
        guard let tagEnd = dom[r.upperBound...].firstIndex(of: ">") else { return nil }
        return attribute(String(dom[tagStart..<tagEnd]), "data-value")
    }
}

/// The report opened in a real browser: no console messages or script errors, SVG labels fit
/// their boxes as rendered, and the key figures read back from the DOM equal `check --format json`.
@Suite("touchstone report in headless Chromium", .enabled(if: Chromium.path != nil, "Chromium not found: browser tests SKIPPED (apt-get install chromium)"))
struct ReportBrowserTests {
    static func open(_ args: [String]) throws -> (dom: String, log: String) {
        let dir = try CLI.temporaryDirectory()
        let file = dir.appendingPathComponent("report.html").path
        let r = try CLI.run(["report"] + args + ["--output", file])
        #expect(r.status == 0, "\(r.stderr)")
        return try Chromium.dumpDOM(file)
    }

    static func expectCleanRun(_ page: (dom: String, log: String), _ context: String) {
        #expect(Chromium.rootAttribute(page.dom, "data-rendered") == "yes", "the after-load script did not run, \(context)")
        #expect(Chromium.rootAttribute(page.dom, "data-js-errors") == "0", "script errors, \(context)")
        #expect(Chromium.rootAttribute(page.dom, "data-label-overflow") == "0", "SVG labels wider than their boxes, \(context)")
        let console = page.log.split(separator: "\n").filter { $0.contains(":CONSOLE") || $0.contains("Uncaught") }
        #expect(console.isEmpty, "console messages, \(context): \(console)")
    }

    @Test(arguments: ReportCommandTests.scenarios) func samplePagesRenderCleanlyWithTheFiguresOfCheck(_ name: String) throws {
        let s = ReportCommandTests.sample(name)
        let page = try Self.open([s.log, "--map", s.map])
        Self.expectCleanRun(page, name)
        let json = try ReportCommandTests.rawKeyFigures([s.log, "--map", s.map])
        for (id, key) in [("kf-customers", "customers"), ("kf-events", "events"), ("kf-conformance", "conformance"),
                          ("kf-fitness", "fitness"), ("kf-completion", "completion")] {
            let shown = Chromium.value(page.dom, id: id)
            #expect(shown != nil && shown == json[key], "\(name): \(key) in the DOM \(shown ?? "missing") vs check \(json[key] ?? "missing")")
        }
        // Every section is in the rendered DOM.
        for id in ReportCommandTests.coreSections { #expect(page.dom.contains(" id=\"\(id)\""), "\(name): \(id)") }
    }

    @Test func hostileNamesRunNoScript() throws {
        let h = ReportCommandTests.hostile
        let page = try Self.open([h.log, "--map", h.map, "--score", "csat", "--by", "channel", "--attribute", "channel"])
        Self.expectCleanRun(page, "hostile")
        // The DOM holds the names as text (serialised escaped), never as elements.
        #expect(page.dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!page.dom.contains("<img") && !page.dom.contains("<script>alert"))
        #expect(page.dom.contains(" id=\"experience\"") && page.dom.contains(" id=\"segments\""))
    }
}
