import Foundation
import Testing

/// `touchstone check` end to end: the worked example, exit codes, thresholds, baseline.
@Suite("touchstone check")
struct CheckCommandTests {
    static let example = CLI.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/journey-example")
    static var log: String { example.appendingPathComponent("log.csv").path }
    static var map: String { example.appendingPathComponent("journey.yaml").path }

    /// Rows of a CSV without quoted fields, split into at most `fields` fields.
    static func rows(_ text: String, fields: Int = 5) -> [[String]] {
        text.split(separator: "\n").map { $0.split(separator: ",", maxSplits: fields - 1, omittingEmptySubsequences: false).map(String.init) }
    }

    @Test func perCustomerCSVMatchesTheWorkedExample() throws {
        let dir = try CLI.temporaryDirectory()
        let out = dir.appendingPathComponent("per-customer.csv").path
        let r = try CLI.run(["check", Self.log, "--map", Self.map, "--per-customer", out])
        #expect(r.status == 0, "\(r.stderr)")
        let got = Self.rows(try String(contentsOfFile: out, encoding: .utf8))
        let expected = Self.rows(try String(contentsOfFile: Self.example.appendingPathComponent("expected-per-customer.csv").path, encoding: .utf8))
        #expect(expected.count > 1, "expected-per-customer.csv has no customer rows")
        #expect(got.count == expected.count)
        #expect(got.first == expected.first)
        for (g, e) in zip(got, expected).dropFirst() {
            #expect(g[0] == e[0])
            #expect(abs((Double(g[1]) ?? -1) - (Double(e[1]) ?? -2)) < 1e-9, "fitness of \(e[0])")
            #expect(g[2...] == e[2...], "\(e[0])")
        }
    }

    @Test func jsonHasTheExpectedSummary() throws {
        let r = try CLI.run(["check", Self.log, "--map", Self.map, "--format", "json"])
        #expect(r.status == 0)
        let json = try #require(CLI.json(r.stdout))
        let data = try Data(contentsOf: Self.example.appendingPathComponent("expected-summary.json"))
        let expected = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(!expected.isEmpty, "expected-summary.json has no keys")
        for (key, value) in expected {
            switch value {
            case let n as NSNumber where key.hasSuffix("rate") || key.hasSuffix("fitness"):
                #expect(abs(((json[key] as? NSNumber)?.doubleValue ?? -1) - n.doubleValue) < 1e-9, "\(key)")
            case let n as NSNumber:
                #expect((json[key] as? NSNumber)?.intValue == n.intValue, "\(key)")
            case let object as [String: Int]:
                #expect((json[key] as? [String: Int]) == object, "\(key)")
            default:
                Issue.record("unexpected key \(key)")
            }
        }
        for key in ["deviations_by_step", "designed_transitions", "undesigned_transitions", "funnel", "moments_of_truth", "timing"] {
            #expect(json[key] is [Any], "\(key)")
        }
        // Same input, same bytes.
        let again = try CLI.run(["check", Self.log, "--map", Self.map, "--format", "json"])
        #expect(again.stdout == r.stdout)
    }

    @Test func thresholdsFailWithExitOneAndStillWriteOutputs() throws {
        let dir = try CLI.temporaryDirectory()
        let out = dir.appendingPathComponent("report.json").path
        let r = try CLI.run(["check", Self.log, "--map", Self.map, "--format", "json", "-o", out,
                             "--fail-under", "conformance=0.85", "--fail-under", "fitness=0.5", "--fail-over", "skipped_step=0.25"])
        #expect(r.status == 1)
        let failures = r.stderr.split(separator: "\n").filter { $0.hasPrefix("error: threshold failed") }
        #expect(failures.count == 2, "\(r.stderr)")
        #expect(r.stderr.contains("conformance is 0.3333333333333333 < 0.85"))
        #expect(r.stderr.contains("skipped_step is 0.3333333333333333 > 0.25"))
        #expect(FileManager.default.fileExists(atPath: out))
        // At the limit is not beyond it.
        let ok = try CLI.run(["check", Self.log, "--map", Self.map, "--fail-over", "skipped_step=0.3333333333333333", "--fail-under", "completion=0.6"])
        #expect(ok.status == 0, "\(ok.stderr)")
    }

    @Test func badThresholdsAreUsageErrors() throws {
        for args in [["--fail-under", "happiness=0.5"], ["--fail-over", "skipped_step=2"], ["--fail-under", "conformance"],
                     ["--in-progress-window", "30"], ["--fail-on-regression"]] {
            let r = try CLI.run(["check", Self.log, "--map", Self.map] + args)
            #expect(r.status == 2, "\(args): \(r.stderr)")
        }
    }

    @Test func baselineReportsChangesAndRegressions() throws {
        let dir = try CLI.temporaryDirectory()
        let base = dir.appendingPathComponent("base.json").path
        #expect(try CLI.run(["check", Self.log, "--map", Self.map, "--format", "json", "-o", base]).status == 0)
        // A shorter in-progress window drops F and Z out: completion unchanged, dropped_out up.
        let r = try CLI.run(["check", Self.log, "--map", Self.map, "--in-progress-window", "1d", "--baseline", base, "--format", "json"])
        #expect(r.status == 0)
        let json = try #require(CLI.json(r.stdout))
        let changes = try #require(json["baseline"] as? [[String: Any]])
        let dropped = try #require(changes.first { $0["figure"] as? String == "dropped_out" })
        #expect(dropped["regression"] as? Bool == true)
        #expect(abs(((dropped["current"] as? NSNumber)?.doubleValue ?? 0) - 2.0 / 9.0) < 1e-9)
        let failing = try CLI.run(["check", Self.log, "--map", Self.map, "--in-progress-window", "1d", "--baseline", base, "--fail-on-regression"])
        #expect(failing.status == 1)
        #expect(failing.stderr.contains("regression: dropped_out"))
    }

    @Test func asOfAndWindowDecideOutcomes() throws {
        let dir = try CLI.temporaryDirectory()
        let out = dir.appendingPathComponent("pc.csv").path
        // F's last row is 2026-02-25T09:00Z, Z's 2026-03-01T00:00Z; E's 2026-01-21T09:00Z.
        #expect(try CLI.run(["check", Self.log, "--map", Self.map, "--as-of", "2026-03-27T09:00:00Z", "--per-customer", out]).status == 0)
        var rows = Self.rows(try String(contentsOfFile: out, encoding: .utf8))
        #expect(rows.first { $0[0] == "F" }?[3] == "in_progress")  // exactly 30 days: inclusive
        #expect(try CLI.run(["check", Self.log, "--map", Self.map, "--as-of", "2026-03-27T09:00:01Z", "--per-customer", out]).status == 0)
        rows = Self.rows(try String(contentsOfFile: out, encoding: .utf8))
        #expect(rows.first { $0[0] == "F" }?[3] == "dropped_out")
        #expect(rows.first { $0[0] == "F" }?[4] == "dropped_out:demo")
        #expect(try CLI.run(["check", Self.log, "--map", Self.map, "--in-progress-window", "50d", "--per-customer", out]).status == 0)
        rows = Self.rows(try String(contentsOfFile: out, encoding: .utf8))
        #expect(rows.first { $0[0] == "E" }?[3] == "in_progress")
    }

    @Test func badMapGivesPositionsAndExitTwo() throws {
        let dir = try CLI.temporaryDirectory()
        let map = dir.appendingPathComponent("bad.yaml")
        try "journey: x\nstages:\n  - id: a\n    steps:\n      - id: a\n        touchpoints: [\"X\"]\n        within: soon\n".write(to: map, atomically: true, encoding: .utf8)
        let r = try CLI.run(["check", Self.log, "--map", map.path])
        #expect(r.status == 2)
        #expect(r.stderr.contains("bad.yaml:5:"), "\(r.stderr)")
        #expect(r.stderr.contains("bad.yaml:7:"), "\(r.stderr)")
        let missing = try CLI.run(["check", Self.log, "--map", dir.appendingPathComponent("none.yaml").path])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains(": error: cannot read the journey map: "))
    }

    @Test func segmentAndByMapTheirAttributesAutomatically() throws {
        let dir = try CLI.temporaryDirectory()
        let log = dir.appendingPathComponent("log.csv")
        try """
        customer_id,touchpoint,timestamp,persona
        a,Web,2026-01-01T00:00:00Z,buyer
        a,Order,2026-01-02T00:00:00Z,buyer
        b,Web,2026-01-01T00:00:00Z,user
        c,Order,2026-01-03T00:00:00Z,buyer

        """.write(to: log, atomically: true, encoding: .utf8)
        let map = dir.appendingPathComponent("map.yaml")
        try "journey: s\nsegment: {where: {persona: buyer}}\nstages:\n  - id: all\n    steps:\n      - id: web\n        touchpoints: [Web]\n      - id: order\n        touchpoints: [Order]\n        goal: true\n"
            .write(to: map, atomically: true, encoding: .utf8)
        let r = try CLI.run(["check", log.path, "--map", map.path, "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(CLI.json(r.stdout))
        #expect(json["customers"] as? Int == 2)  // a and c
        #expect(json["conformant_customers"] as? Int == 1)  // c skipped web
        // A segment on a mapped role (touchpoint, stage, channel) needs no column of that name.
        let byRole = dir.appendingPathComponent("role.yaml")
        try String(contentsOf: map, encoding: .utf8).replacingOccurrences(of: "{persona: buyer}", with: "{touchpoint: Web}")
            .write(to: byRole, atomically: true, encoding: .utf8)
        let role = try CLI.run(["check", log.path, "--map", byRole.path, "--format", "json"])
        #expect(role.status == 0, "\(role.stderr)")
        #expect(CLI.json(role.stdout)?["customers"] as? Int == 2)  // a and b
        let plain = dir.appendingPathComponent("plain.yaml")
        try String(contentsOf: map, encoding: .utf8).replacingOccurrences(of: "segment: {where: {persona: buyer}}\n", with: "")
            .write(to: plain, atomically: true, encoding: .utf8)
        let by = try CLI.run(["check", log.path, "--map", plain.path, "--by", "persona", "--format", "json"])
        #expect(by.status == 0, "\(by.stderr)")
        let groups = try #require(CLI.json(by.stdout)?["groups"] as? [String: Any])
        let values = try #require(groups["values"] as? [[String: Any]])
        #expect(values.map { $0["value"] as? String } == ["buyer", "user"])
        #expect(values.map { $0["customers"] as? Int } == [2, 1])
    }

    @Test func outputsAreRenamedIntoPlaceAndSpecialFilesWrittenDirectly() throws {
        let dir = try CLI.temporaryDirectory()
        let out = dir.appendingPathComponent("report.txt")
        try "yesterday\n".write(to: out, atomically: true, encoding: .utf8)
        // A run that fails before completing leaves yesterday's file as it was.
        let bad = dir.appendingPathComponent("bad.yaml")
        try "journey: x\n".write(to: bad, atomically: true, encoding: .utf8)
        #expect(try CLI.run(["check", Self.log, "--map", bad.path, "-o", out.path]).status == 2)
        #expect(try String(contentsOf: out, encoding: .utf8) == "yesterday\n")
        // A completed run replaces it, and leaves no temporary file behind.
        #expect(try CLI.run(["check", Self.log, "--map", Self.map, "-o", out.path]).status == 0)
        #expect(try String(contentsOf: out, encoding: .utf8).hasPrefix("Conformance of Example purchase"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["bad.yaml", "report.txt"])
        // /dev/null stays a character device.
        #expect(try CLI.run(["check", Self.log, "--map", Self.map, "-o", "/dev/null", "--per-customer", "/dev/null"]).status == 0)
        let type = try FileManager.default.attributesOfItem(atPath: "/dev/null")[.type] as? FileAttributeType
        #expect(type == .typeCharacterSpecial)
    }

    @Test func baselineValuesAreChecked() throws {
        let dir = try CLI.temporaryDirectory()
        for figures in [#"{"key_figures":{"conformance":1e300}}"#, #"{"key_figures":{"customers":1e300}}"#, #"{"key_figures":{"fitness":-1}}"#, "[]"] {
            let base = dir.appendingPathComponent("base.json")
            try figures.write(to: base, atomically: true, encoding: .utf8)
            let r = try CLI.run(["check", Self.log, "--map", Self.map, "--baseline", base.path])
            #expect(r.status == 2, "\(figures): \(r.stderr)")
            #expect(r.stderr.contains("base.json"))
        }
    }

    @Test func emptyLogHasNoEnd() throws {
        let dir = try CLI.temporaryDirectory()
        let log = dir.appendingPathComponent("empty.csv")
        try "customer_id,touchpoint,timestamp\n".write(to: log, atomically: true, encoding: .utf8)
        let r = try CLI.run(["check", log.path, "--map", Self.map, "--format", "json"])
        #expect(r.status == 0)
        let json = try #require(CLI.json(r.stdout))
        #expect(json["as_of"] is NSNull)
        #expect(json["customers"] as? Int == 0)
    }
}
