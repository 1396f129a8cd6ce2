import Foundation
import Testing

/// `summarize`, `merge` and `--from-summary`: a log cut by customer into pieces, summarized and
/// merged, gives what one pass over the log gives.
@Suite("touchstone summarize / merge / --from-summary")
struct SummaryCommandTests {
    static let sample = CLI.packageRoot.appendingPathComponent("SampleLogs/b2b-software-purchase")
    static var log: String { sample.appendingPathComponent("b2b-software-purchase.csv").path }
    static var map: String { sample.appendingPathComponent("journey.yaml").path }

    /// Writes the sample's rows into `count` files by a hash of the customer id (first field; the
    /// sample has no quotes), each with the header, rows in their original order.
    static func split(into count: Int, in dir: URL) throws -> [String] {
        let text = try String(contentsOfFile: log, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        let header = lines.removeFirst()
        var pieces = [String](repeating: header + "\n", count: count)
        for line in lines {
            let id = line.prefix { $0 != "," }
            var h: UInt64 = 1469598103934665603
            for b in id.utf8 { h = (h ^ UInt64(b)) &* 1099511628211 }
            pieces[Int(h % UInt64(count))] += line + "\n"
        }
        return try pieces.enumerated().map { i, p in
            let path = dir.appendingPathComponent("piece-\(i).csv").path
            try p.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
    }

    /// `a` and `b` are equal, except that numbers under a key naming a duration quantile
    /// (`median`, `p90`) may differ by `tolerance` relatively; `approximate` is ignored.
    static func expectClose(_ a: Any?, _ b: Any?, path: String = "$", tolerance: Double = 0.005) {
        switch (a, b) {
        case let (x as [String: Any], y as [String: Any]):
            let keys = Set(x.keys).union(y.keys).subtracting(["approximate"])
            for k in keys { expectClose(x[k], y[k], path: path + "." + k, tolerance: tolerance) }
        case let (x as [Any], y as [Any]):
            #expect(x.count == y.count, "\(path): \(x.count) vs \(y.count) elements")
            for (i, (p, q)) in zip(x, y).enumerated() { expectClose(p, q, path: "\(path)[\(i)]", tolerance: tolerance) }
        case let (x as NSNumber, y as NSNumber):
            if x == y { return }
            let quantile = path.contains("median") || path.contains("p90")
            let dx = x.doubleValue, dy = y.doubleValue
            #expect(quantile && abs(dx - dy) <= tolerance * abs(dy) + 1e-9, "\(path): \(dx) vs \(dy)")
        case let (x as String, y as String):
            #expect(x == y, "\(path): \(x) vs \(y)")
        case (nil, nil), (is NSNull, is NSNull):
            return
        default:
            Issue.record("\(path): \(String(describing: a)) vs \(String(describing: b))")
        }
    }

    /// `json` with the lists whose order a summary may not reproduce (see docs/summary-format.md:
    /// nodes, edges and tied variants) sorted by name, and variant ranks and cumulative shares
    /// (which depend on the order of tied variants) dropped.
    static func canonical(_ json: Any?) -> Any? {
        switch json {
        case let d as [String: Any]:
            var out: [String: Any] = [:]
            for (k, v) in d where k != "rank" && k != "cumulative_share" { out[k] = canonical(v) }
            return out
        case let a as [Any]:
            let items = a.map { canonical($0) }
            guard let dicts = items as? [[String: Any]], !dicts.isEmpty else { return items }
            func key(_ d: [String: Any]) -> String? {
                if let n = d["name"] as? String { return n }
                if let s = d["source"] as? String, let t = d["target"] as? String { return s + "\u{0}" + t }
                if let steps = d["steps"] as? [String] { return steps.joined(separator: "\u{0}") }
                return nil
            }
            guard dicts.allSatisfy({ key($0) != nil }) else { return items }
            return dicts.sorted { key($0)!.utf8.lexicographicallyPrecedes(key($1)!.utf8) }
        default:
            return json
        }
    }

    /// The as-of time of a plain check of the whole sample (its latest event).
    static func asOf() throws -> String {
        let r = try CLI.run(["check", log, "--map", map, "--format", "json"])
        return try #require(CLI.json(r.stdout)?["as_of"] as? String)
    }

    static func summarize(_ pieces: [String], in dir: URL, asOf: String, extra: [String] = []) throws -> [String] {
        try pieces.enumerated().map { i, piece in
            let out = dir.appendingPathComponent("piece-\(i).tsum").path
            let r = try CLI.run(["summarize", piece, "--map", map, "--as-of", asOf, "--by", "segment", "--output", out] + extra)
            #expect(r.status == 0, "\(r.stderr)")
            return out
        }
    }

    @Test func mergedPiecesCheckLikeOnePass() throws {
        let dir = try CLI.temporaryDirectory()
        let asOf = try Self.asOf()
        let tsums = try Self.summarize(try Self.split(into: 4, in: dir), in: dir, asOf: asOf)
        let forward = dir.appendingPathComponent("all.tsum").path
        let backward = dir.appendingPathComponent("all-reversed.tsum").path
        var r = try CLI.run(["merge"] + tsums + ["--output", forward])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("4 pieces") && r.stderr.contains("rows read 20000 = used 20000 + rejected 0"), "\(r.stderr)")
        r = try CLI.run(["merge"] + tsums.reversed() + ["--output", backward])
        #expect(r.status == 0)
        // Any order, the same summary: the same bytes.
        #expect(try Data(contentsOf: URL(fileURLWithPath: forward)) == Data(contentsOf: URL(fileURLWithPath: backward)))

        let single = try CLI.run(["check", Self.log, "--map", Self.map, "--format", "json", "--by", "segment"])
        let merged = try CLI.run(["check", "--from-summary", forward, "--map", Self.map, "--format", "json"])
        #expect(single.status == 0 && merged.status == 0, "\(merged.stderr)")
        let a = try #require(CLI.json(merged.stdout)), b = try #require(CLI.json(single.stdout))
        Self.expectClose(a, b)
        #expect(b["approximate"] == nil)
        #expect((a["approximate"] as? [String])?.first?.contains("0.5%") == true, "the summary's sketched durations are said to be approximate")

        // Text and the HTML report read from the summary too.
        let text = try CLI.run(["check", "--from-summary", forward, "--map", Self.map])
        #expect(text.status == 0 && text.stdout.contains("Approximate: median and p90 durations"))
        let html = dir.appendingPathComponent("r.html").path
        r = try CLI.run(["report", "--from-summary", forward, "--map", Self.map, "--output", html])
        #expect(r.status == 0, "\(r.stderr)")
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.contains("id=\"kf-customers\" data-value=\"\(b["customers"] as? Int ?? -1)\""))
    }

    @Test func mergedPiecesDiscoverLikeOnePass() throws {
        let dir = try CLI.temporaryDirectory()
        let tsums = try Self.split(into: 3, in: dir).enumerated().map { i, piece in
            let out = dir.appendingPathComponent("d-\(i).tsum").path
            let r = try CLI.run(["summarize", piece, "--output", out])
            #expect(r.status == 0, "\(r.stderr)")
            return out
        }
        let all = dir.appendingPathComponent("d.tsum").path
        #expect(try CLI.run(["merge"] + tsums + ["--output", all]).status == 0)
        // The sample is not in time order (local times in several zones), so nodes, edges and
        // tied variants may be listed in another order, and the funnel order is given.
        let order = ["--stage-order", "awareness,consideration,evaluation,purchase,implementation,use,support"]
        for level in ["touchpoint", "stage", "channel"] {
            let single = try CLI.run(["discover", Self.log, "--level", level, "--format", "json", "--variants", "all"] + order)
            let merged = try CLI.run(["discover", "--from-summary", all, "--level", level, "--format", "json", "--variants", "all"] + order)
            #expect(single.status == 0 && merged.status == 0, "\(merged.stderr)")
            let a = CLI.json(merged.stdout), b = CLI.json(single.stdout)
            Self.expectClose(Self.canonical(a), Self.canonical(b))
            #expect(level == "stage" || (a?["approximate"] as? [String])?.isEmpty == false, "sketched durations are named at \(level) level")
        }
        // Text, DOT and Mermaid state it too; CSV on stderr.
        let text = try CLI.run(["discover", "--from-summary", all])
        #expect(text.stdout.contains("Approximate: edge median and p90 durations"))
        let dot = try CLI.run(["discover", "--from-summary", all, "--format", "dot"])
        #expect(dot.stdout.contains("Approximate: edge median"))
        let csv = try CLI.run(["discover", "--from-summary", all, "--format", "csv"])
        #expect(csv.status == 0 && !csv.stdout.contains("Approximate") && csv.stderr.contains("note: approximate: edge median"))
    }

    @Test func refusals() throws {
        let dir = try CLI.temporaryDirectory()
        let pieces = try Self.split(into: 2, in: dir)
        let asOf = try Self.asOf()
        let tsums = try Self.summarize(pieces, in: dir, asOf: asOf)
        let out = dir.appendingPathComponent("x.tsum").path
        func fails(_ args: [String], _ message: String) throws {
            let r = try CLI.run(args)
            #expect(r.status == 2, "\(args): \(r.status)")
            #expect(r.stderr.contains(message), "\(args): \(r.stderr)")
        }
        // Outcomes need the end of the whole log.
        try fails(["summarize", pieces[0], "--map", Self.map, "--output", out], "needs --as-of")
        try fails(["summarize", pieces[0], "--as-of", asOf, "--output", out], "give --map too")
        // A customer in two pieces is never counted twice.
        try fails(["merge", tsums[0], tsums[0], "--output", out], "in both summaries")
        // Pieces made with other settings do not merge.
        let other = try Self.summarize([pieces[1]], in: dir.appendingPathComponent("o").creatingDirectory(), asOf: "2030-01-01T00:00:00Z")
        try fails(["merge", tsums[0], other[0], "--output", out], "different --as-of")
        // Options that need the events.
        try fails(["check", "--from-summary", tsums[0], "--map", Self.map, "--per-customer", out], "--per-customer needs the events")
        try fails(["discover", "--from-summary", tsums[0], "--where", "segment=SMB"], "--where needs the events")
        try fails(["discover", "--from-summary", tsums[0], "--by", "segment"], "--by needs the events")
        try fails(["discover", "--from-summary", tsums[0], "--since", "2025-01-01"], "--since needs the events")
        try fails(["discover", pieces[0], "--from-summary", tsums[0]], "either log files or --from-summary")
        try fails(["check", "--from-summary", tsums[0], "--map", Self.map, "--as-of", "2030-01-01T00:00:00Z"], "--as-of differs")
        try fails(["check", "--from-summary", tsums[0], "--map", Self.map, "--by", "region"], "not by 'region'")
        let otherMap = CLI.packageRoot.appendingPathComponent("SampleLogs/support-eu/journey.yaml").path
        try fails(["check", "--from-summary", tsums[0], "--map", otherMap], "another journey map")
        try fails(["discover"], "missing expected argument '<log> ...'")

        // Damaged files are errors naming the file, never crashes.
        let good = try Data(contentsOf: URL(fileURLWithPath: tsums[0]))
        let bad = dir.appendingPathComponent("bad.tsum")
        var flipped = good
        flipped[good.count / 2] ^= 0x40
        try flipped.write(to: bad)
        try fails(["discover", "--from-summary", bad.path], "corrupt")
        try good.prefix(good.count - 10).write(to: bad)
        try fails(["discover", "--from-summary", bad.path], "truncated")
        var newer = good
        newer[8] = 9
        try newer.write(to: bad)
        try fails(["discover", "--from-summary", bad.path], "newer touchstone")
        try Data("customer_id,touchpoint\n".utf8).write(to: bad)
        try fails(["merge", bad.path, "--output", out], "not a Touchstone summary")
        try fails(["check", "--from-summary", Self.log, "--map", Self.map], "not a Touchstone summary")
    }
}

private extension URL {
    func creatingDirectory() throws -> URL {
        try FileManager.default.createDirectory(at: self, withIntermediateDirectories: true)
        return self
    }
}
