import Foundation
import Testing

/// Issue 12 at the command line: segments (`discover --by`), `--where` conveniences,
/// `--version`, `--quiet`, the one error style, option values that start with `-`, help
/// wrapping and the XES refusal. Exact stderr and exit codes.
@Suite("CLI polish")
struct CLIPolishTests {
    static let b2b = CLI.packageRoot.appendingPathComponent("SampleLogs/b2b-software-purchase/b2b-software-purchase.csv").path
    static let b2bMap = CLI.packageRoot.appendingPathComponent("SampleLogs/b2b-software-purchase/journey.yaml").path
    static let eu = CLI.packageRoot.appendingPathComponent("SampleLogs/support-eu/support-eu.csv").path

    // MARK: --version

    @Test func versionIsDefinedOnceAndPrinted() throws {
        let source = try String(contentsOf: CLI.packageRoot.appendingPathComponent("Sources/touchstone/Commands/Version.swift"), encoding: .utf8)
        let version = try #require(source.split(separator: "\"").dropFirst().first.map(String.init))
        #expect(version.split(separator: ".").count == 3 && version.split(separator: ".").allSatisfy { Int($0) != nil })
        for arguments in [["--version"], ["discover", "--version"], ["map", "validate", "--version"]] {
            let r = try CLI.run(arguments)
            #expect(r.status == 0 && r.stdout == version + "\n" && r.stderr.isEmpty, "\(arguments)")
        }
        let readme = try String(contentsOf: CLI.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains("touchstone --version"))
    }

    // MARK: --quiet

    @Test func quietSilencesNotesOnEveryCommand() throws {
        let runs: [[String]] = [
            ["stats", Self.eu], ["discover", Self.eu], ["map", "draft", Self.eu],
            ["map", "validate", Self.b2bMap, Self.eu], ["check", Self.eu, "--map", Self.b2bMap],
        ]
        for arguments in runs {
            let loud = try CLI.run(arguments)
            #expect(loud.status == 0 && loud.stderr.hasPrefix("note: detected columns: "), "\(arguments)")
            let quiet = try CLI.run(arguments + ["--quiet"])
            #expect(quiet.status == 0 && quiet.stderr.isEmpty && quiet.stdout == loud.stdout, "\(arguments)")
        }
        // Errors are still printed.
        let failing = try CLI.run(["stats", "--quiet", "--max-reject-rate", "0", Self.eu])
        #expect(failing.status == 2)
        #expect(failing.stderr == "error: 64 of 15000 rows rejected (0.4%), over --max-reject-rate 0.0; the main reason is wrong_field_count (26 rows), first at \(Self.eu):381: expected 6 fields, found 5. Fix: check the delimiter (--delimiter) and the quoting of these rows\n")
    }

    // MARK: one error style

    @Test func usageErrorsHaveOneStyle() throws {
        let cases: [([String], String)] = [
            (["discover", Self.b2b, "--bogus"], "error: unknown option '--bogus'; see 'touchstone discover --help'\n"),
            (["discover"], "error: missing expected argument '<log> ...'; see 'touchstone discover --help'\n"),
            (["discover", "--top-edges", "0", Self.b2b], "error: --top-edges must be at least 1; see 'touchstone discover --help'\n"),
            (["frob"], "error: unexpected argument 'frob'; see 'touchstone --help'\n"),
            (["discover", "--format", "xml", Self.b2b],
             "error: the value 'xml' is invalid for '--format <format>'. Please provide one of 'text', 'json', 'csv', 'dot' or 'mermaid'; see 'touchstone discover --help'\n"),
            (["check", Self.b2b, "--map", Self.b2bMap, "--fail-on-regression"],
             "error: --fail-on-regression needs --baseline FILE; see 'touchstone check --help'\n"),
            (["map", "validate"], "error: missing expected argument '<map>'; see 'touchstone map validate --help'\n"),
            (["stats", "-", "-"], "error: standard input ('-') can be read only once; see 'touchstone stats --help'\n"),
        ]
        for (arguments, expected) in cases {
            let r = try CLI.run(arguments)
            #expect(r.status == 2 && r.stdout.isEmpty, "\(arguments)")
            #expect(r.stderr == expected, "\(arguments)")
        }
    }

    /// Every stderr line of failing runs is `error: …`, `path[:line[:column]]: error: …` or `note: …`.
    @Test func everyStderrLineHasTheStyle() throws {
        let dir = try CLI.temporaryDirectory()
        let baseline = dir.appendingPathComponent("baseline.json")
        try "{}".write(to: baseline, atomically: true, encoding: .utf8)
        let runs: [[String]] = [
            ["stats", "no-such.csv"], ["stats", CLI.fixture("empty.csv")], ["stats", "--case", "nope", Self.b2b],
            ["discover", "--since", "yesterday", Self.b2b], ["discover", "--level", "stage", CLI.fixture("ragged.csv")],
            ["check", Self.b2b, "--map", "no-such.yaml"], ["check", Self.b2b, "--map", Self.b2bMap, "--baseline", baseline.path],
            ["discover", "--max-reject-rate", "2", Self.b2b], ["discover", "--delimiter", "ab", Self.b2b],
            ["discover", "--output", dir.path, Self.b2b],
        ]
        for arguments in runs {
            let r = try CLI.run(arguments)
            #expect(r.status == 2, "\(arguments)")
            let lines = r.stderr.split(separator: "\n")
            #expect(lines.contains { $0.contains("error: ") }, "\(arguments): \(r.stderr)")
            for line in lines {
                let ok = line.hasPrefix("error: ") || line.hasPrefix("note: ")
                    || line.range(of: #"^[^ ]+(:[0-9]+){0,2}: error: "#, options: .regularExpression) != nil
                #expect(ok, "\(arguments): \(line)")
                #expect(!line.hasPrefix("Error") && !line.hasPrefix("Usage") && !line.hasPrefix("Help"), "\(arguments): \(line)")
            }
        }
        let baselineRun = try CLI.run(["check", "--quiet", Self.b2b, "--map", Self.b2bMap, "--baseline", baseline.path])
        #expect(baselineRun.stderr == "\(baseline.path): error: not a `touchstone check --format json` output (no key_figures object)\n")
    }

    // MARK: values that start with '-'

    @Test func optionValuesMayStartWithADash() throws {
        let dir = try CLI.temporaryDirectory()
        let zoned = dir.appendingPathComponent("zoned.csv")
        try "customer_id;touchpoint;timestamp;delta\nc1;a;2024-01-01 08:00:00;-1\nc2;b;2024-01-01 09:00:00;2\n".write(to: zoned, atomically: true, encoding: .utf8)
        let r = try CLI.run(["stats", "--quiet", "--format", "json", "--timezone", "-05:00", zoned.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(CLI.json(r.stdout)?["first_event"] as? String == "2024-01-01T13:00:00Z")
        let w = try CLI.run(["discover", "--quiet", "--format", "json", "--where", "delta=-1", zoned.path])
        #expect(w.status == 0, "\(w.stderr)")
        #expect(CLI.json(w.stdout)?["customers"] as? Int == 1)
        let since = try CLI.run(["discover", "--quiet", "--format", "json", "--since", "-2024-01-01", zoned.path])
        #expect(since.status == 2 && since.stderr == "error: --since '-2024-01-01' is not an ISO 8601 time (e.g. 2025-03-01 or 2025-03-01T09:00:00Z)\n")
        let plain = dir.appendingPathComponent("dashed.csv")
        try "customer_id-touchpoint-timestamp\nc1-a-1700000000\nc1-b-1700000060\n".write(to: plain, atomically: true, encoding: .utf8)
        let d = try CLI.run(["stats", "--quiet", "--format", "json", "--delimiter", "-", plain.path])
        #expect(d.status == 0, "\(d.stderr)")
        #expect(CLI.json(d.stdout)?["events"] as? Int == 2)
    }

    // MARK: help

    @Test func helpFitsEightyColumnsAndWrapsParagraphs() throws {
        for command in [[], ["stats"], ["discover"], ["check"], ["map"], ["map", "validate"], ["map", "draft"]] {
            let r = try CLI.run(["help"] + command)
            #expect(r.status == 0, "\(command)")
            let lines = r.stdout.components(separatedBy: "\n")
            for line in lines { #expect(line.count <= 80, "\(command): \(line)") }
            // The overview paragraphs: every line but a paragraph's last is filled.
            let overview = lines.prefix { !$0.hasPrefix("USAGE:") }
            for (i, line) in overview.enumerated() where i + 1 < overview.count && !overview[i + 1].isEmpty && !line.isEmpty {
                #expect(line.count > 55, "\(command): short line before the end of a paragraph: \(line)")
            }
        }
    }

    // MARK: XES

    @Test func xesIsRefusedWithWhatToDo() throws {
        for name in ["log.xes", "LOG.XES.gz"] {
            let r = try CLI.run(["stats", name])
            #expect(r.status == 2)
            #expect(r.stderr == "\(name): error: XES is not supported yet; export the log as CSV (one row per event with customer id, "
                + "touchpoint and timestamp columns), e.g. with pm4py: pm4py.convert_to_dataframe(pm4py.read_xes(PATH)).to_csv(CSV_PATH, index=False)\n")
        }
        #expect(try CLI.run(["map", "validate", Self.b2bMap, "x.xes"]).status == 2)
    }

    // MARK: --where

    @Test func whereMapsItsColumnAndNamesCloseValues() throws {
        let ok = try CLI.run(["discover", "--quiet", "--format", "json", "--where", "segment=Enterprise", Self.b2b])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(CLI.json(ok.stdout)?["customers"] as? Int == 310)
        let typo = try CLI.run(["discover", "--quiet", "--where", "segment=enterprize", Self.b2b])
        #expect(typo.status == 2 && typo.stdout.isEmpty)
        #expect(typo.stderr == "error: where segment='enterprize' matches no event of the log; close values: 'Enterprise'\n")
        let stage = try CLI.run(["discover", "--quiet", "--where", "stage=Purchase", Self.b2b])
        #expect(stage.stderr == "error: where stage='Purchase' matches no event of the log; close values: 'purchase'\n")
        let none = try CLI.run(["discover", "--quiet", "--where", "region=Antarctica", Self.b2b])
        #expect(none.stderr == "error: where region='Antarctica' matches no event of the log; no close value\n")
        let missing = try CLI.run(["discover", "--quiet", "--where", "tier=gold", Self.b2b])
        #expect(missing.status == 2)
        #expect(missing.stderr == "\(Self.b2b): error: no column named 'tier' for attribute tier (header: 1=customer_id, 2=touchpoint, "
            + "3=timestamp, 4=stage, 5=channel, 6=segment, 7=region)\n")
    }

    // MARK: --by

    /// Region is constant per customer in this sample, so each value's numbers must equal a run
    /// filtered to it with --where (computed independently, through the filter).
    @Test func segmentsEqualFilteredRuns() throws {
        let by = try CLI.run(["discover", "--quiet", "--by", "region", "--format", "json", Self.b2b])
        #expect(by.status == 0, "\(by.stderr)")
        let segments = try #require(CLI.json(by.stdout)?["segments"] as? [String: Any])
        #expect(segments["by"] as? String == "region" && segments["values"] as? Int == 4 && segments["hidden_values"] as? Int == 0)
        let items = try #require(segments["items"] as? [[String: Any]])
        #expect(items.map { $0["value"] as? String } == ["EMEA", "NA", "APAC", "LATAM"])
        #expect(items.map { $0["customers"] as? Int } == [849, 741, 313, 209])
        let csv = try CLI.run(["discover", "--quiet", "--by", "region", "--format", "csv", Self.b2b])
        let csvLines = csv.stdout.split(separator: "\n").map(String.init)
        #expect(csvLines.first == "segment,source,target,frequency,customers,mean_s,median_s,p90_s,max_s")
        for item in items {
            let value = try #require(item["value"] as? String)
            let filtered = try CLI.run(["discover", "--quiet", "--where", "region=\(value)", "--format", "json", Self.b2b])
            let f = try #require(CLI.json(filtered.stdout))
            #expect(item["customers"] as? Int == f["customers"] as? Int)
            #expect(item["events"] as? Int == f["events"] as? Int)
            #expect(item["transitions"] as? Int == f["transitions"] as? Int)
            #expect(item["variants"] as? Int == (f["variants"] as? [String: Any])?["distinct"] as? Int)
            let edges = try #require(item["edges"] as? [[String: Any]])
            let fEdges = try #require(f["edges"] as? [[String: Any]])
            func key(_ e: [String: Any]) -> String { "\(e["source"]!)→\(e["target"]!):\(e["frequency"]!)/\(e["customers"]!)/\(e["median_s"]!)" }
            #expect(edges.map(key).sorted() == fEdges.map(key).sorted())
            let filteredCSV = try CLI.run(["discover", "--quiet", "--where", "region=\(value)", "--format", "csv", Self.b2b])
            #expect(csvLines.filter { $0.hasPrefix(value + ",") }.map { String($0.dropFirst(value.count + 1)) }.sorted()
                    == filteredCSV.stdout.split(separator: "\n").dropFirst().map(String.init).sorted())
        }
    }

    @Test func segmentTextCapAndRefusals() throws {
        let text = try CLI.run(["discover", "--quiet", "--by", "segment", "--segments", "2", "--top-edges", "1", Self.b2b])
        #expect(text.status == 0)
        #expect(text.stdout.contains("""

        Segments by segment (2 shown of 3 values; a customer counts for the value of its first event)
          Value       Customers  Share  Events  Transitions  Variants  Median duration  Mean duration
          SMB              1050  49.7%    9948         8898       829          38d 11h        71d 16h
          Mid-Market        752  35.6%    7412         6660       628          71d 23h         95d 8h
          (1 more value not shown: 310 customers, 2640 events; --segments N shows more)

        Top transitions per value (5 most frequent each; all in --format json or csv)
        """), "\(text.stdout)")
        // Case durations worked out with Python's datetime.fromisoformat and statistics on the CSV:
        // SMB median 3322202 s, mean 6192232.704762 s; Mid-Market 6217832 s, 8235489.284574 s.
        let json = try CLI.run(["discover", "--quiet", "--by", "segment", "--segments", "2", "--format", "json", Self.b2b])
        let items = try #require((CLI.json(json.stdout)?["segments"] as? [String: Any])?["items"] as? [[String: Any]])
        #expect(items.map { $0["median_duration_s"] as? Double } == [3322202, 6217832])
        #expect(items.map { $0["mean_duration_s"] as? Double } == [6192232.704762, 8235489.284574])
        let csv = try CLI.run(["discover", "--by", "segment", "--segments", "2", "--format", "csv", Self.b2b])
        #expect(csv.stderr.hasSuffix("note: --by segment: 1 of 3 values not shown (310 customers, 2640 events); --segments N shows more\n"))
        #expect(!csv.stdout.contains("Enterprise") && csv.stdout.contains("\nSMB,") && csv.stdout.contains("\nMid-Market,"))
        let malformed = try CLI.run(["discover", "--quiet", "--where", "noequals", Self.b2b])
        #expect(malformed.status == 2 && malformed.stderr == "error: where condition 'noequals' is not of the form NAME=VALUE\n")
        let dot = try CLI.run(["discover", "--by", "region", "--format", "dot", Self.b2b])
        #expect(dot.status == 2)
        #expect(dot.stderr == "error: --by works with --format text, json or csv; for one value's graph in dot, use --where NAME=VALUE; "
            + "see 'touchstone discover --help'\n")
        let lone = try CLI.run(["discover", "--segments", "3", Self.b2b])
        #expect(lone.stderr == "error: --segments needs --by NAME; see 'touchstone discover --help'\n")
        let role = try CLI.run(["discover", "--quiet", "--by", "stage", Self.b2b])
        #expect(role.status == 2)
        #expect(role.stderr == "error: --by 'stage' is not an attribute column\n")
    }
}

/// Every `--flag` the README and docs/*.md name exists in some command's help (flags of other
/// tools named there — swift, the sample generator, the benchmarks — are listed).
@Suite("Docs name real flags")
struct DocumentedFlagsTests {
    static let otherTools: Set<String> = [
        "--product", "--scratch-path", "--events", "--scenario", "--seed", "--allow-writing-to-package-directory",
        "--golden", "--defsym", "--bad-rows", "--out-of-order", "--stats", "--runs", "--warmup", "--filter",
        "--build-tests", "--skip-build", "--help", "--package-path", "--sanitize",
        "--headless", "--dump-dom", "--no-sandbox", "--screenshot", "--window-size",  // Chromium's
        "--bogus",  // the README's example of an unknown option
        "--input", "--work", "--touchstone", "--master", "--keep-pieces", "--split-only",  // the Spark recipe's
        "--deploy-mode", "--num-executors", "--executor-cores", "--executor-memory", "--conf", "--archives",  // spark-submit's
        "--static-swift-stdlib",
    ]

    @Test func everyDocumentedFlagExists() throws {
        var known = Set<String>()
        for command in [["stats"], ["discover"], ["check"], ["report"], ["map", "validate"], ["map", "draft"], ["split"], []] {
            let help = try CLI.run(["help"] + command).stdout
            for match in help.matches(of: /--[a-z][a-z0-9-]+/) { known.insert(String(match.output)) }
        }
        let docs = CLI.packageRoot.appendingPathComponent("docs")
        let files = [CLI.packageRoot.appendingPathComponent("README.md")]
            + (try FileManager.default.contentsOfDirectory(at: docs, includingPropertiesForKeys: nil).filter { $0.pathExtension == "md" })
        #expect(files.count > 5)
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                for match in line.matches(of: /(?:^|[^A-Za-z0-9-])(--[a-z][a-z0-9-]+)/) {
                    let flag = String(match.output.1)
                    #expect(known.contains(flag) || Self.otherTools.contains(flag), "\(file.lastPathComponent):\(n + 1): \(flag) is not a touchstone flag")
                }
            }
        }
    }
}
