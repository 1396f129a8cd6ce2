import Foundation
import Testing

/// `touchstone discover` shown well: default output that fits a terminal, stated filters,
/// pruning that keeps journey starts and ends, the large-graph warning (docs/discover.md).
@Suite("touchstone discover display")
struct DiscoverDisplayTests {
    static func sample(_ name: String) -> String {
        CLI.packageRoot.appendingPathComponent("SampleLogs/\(name)/\(name).csv").path
    }
    static let b2b = sample("b2b-software-purchase")

    @Test(arguments: ["b2b-software-purchase", "retail-bank-onboarding", "support-eu"])
    func defaultTextFitsTwoScreens(name: String) throws {
        let r = try CLI.run(["discover", DiscoverDisplayTests.sample(name)])
        #expect(r.status == 0)
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 87)
        #expect(lines.allSatisfy { $0.count <= 100 })
        // Every cut table says what it cut and how to see it.
        #expect(r.stdout.contains("… ") && r.stdout.contains("--table-rows all"))
        #expect(r.stdout.contains("more variants, less frequent (shown by --variants N or --variants all)"))
    }

    @Test func defaultTextCutsAreCounted() throws {
        let text = try CLI.run(["discover", DiscoverDisplayTests.b2b]).stdout
        #expect(text.contains("Transitions (88 shown of 88)\n"))
        #expect(text.contains("\n  … 73 more transitions, less frequent (shown by --table-rows all, --top-edges N, --format csv)\n"))
        #expect(text.contains("Nodes (24 shown of 24)\n"))
        #expect(text.contains("\n  … 9 more nodes with fewer events (shown by --table-rows all, --format json)\n"))
        #expect(text.contains("Variants (10 shown of 1608, covering 15.1% of customers)\n"))
        #expect(text.contains("\n  … 1598 more variants, less frequent (shown by --variants N or --variants all)\n"))
        #expect(text.contains("\n  … 7 more stage transitions with smaller counts (shown by --table-rows all, --format json)\n"))
        // The nodes kept are the 15 with the most events: Offer sent (1751) in, Reference call out.
        #expect(text.contains("\n  Offer sent ") && !text.contains("\n  Reference call "))

        let all = try CLI.run(["discover", "--table-rows", "all", "--variants", "all", DiscoverDisplayTests.b2b]).stdout
        #expect(all.split(separator: "\n", omittingEmptySubsequences: false).count == 1770 + 1)  // ends in a newline
        #expect(!all.contains("  … "))
        #expect(all.contains("Variants (1608 shown of 1608, covering 100.0% of customers)\n"))

        let top = try CLI.run(["discover", "--top-edges", "30", DiscoverDisplayTests.b2b]).stdout
        #expect(top.contains("Transitions (30 shown of 88)\n"))
        #expect(!top.contains("more transitions"))
        let rows = try CLI.run(["discover", "--table-rows", "3", "--top-edges", "30", DiscoverDisplayTests.b2b]).stdout
        #expect(rows.contains("\n  … 27 more transitions, less frequent"))
        #expect(rows.contains("\n  … 21 more nodes with fewer events"))
    }

    @Test func variantsDefaultToTenInJSON() throws {
        func variants(_ extra: [String]) throws -> (shown: Int?, distinct: Int?) {
            let r = try CLI.run(["discover", "--format", "json"] + extra + [DiscoverDisplayTests.b2b])
            let v = CLI.json(r.stdout)?["variants"] as? [String: Any]
            return (v?["shown"] as? Int, v?["distinct"] as? Int)
        }
        #expect(try variants([]) == (10, 1608))
        #expect(try variants(["--variants", "all"]) == (1608, 1608))
        #expect(try variants(["--variants", "3"]) == (3, 1608))
        #expect(try variants(["--variant-coverage", "0.5"]) == (552, 1608))  // not capped at 10
        let bad = try CLI.run(["discover", "--variants", "none", DiscoverDisplayTests.b2b])
        #expect(bad.status == 2)
        #expect(try CLI.run(["discover", "--table-rows", "0", DiscoverDisplayTests.b2b]).status == 2)
    }

    @Test func filtersAreStatedInDOTAndMermaid() throws {
        let args = ["--where", "stage=purchase", "--since", "2025-03-01", "--top-edges", "5", DiscoverDisplayTests.b2b]
        let dot = try CLI.run(["discover", "--format", "dot"] + args).stdout
        #expect(dot.contains("""
              labelloc=t;
              labeljust=l;
              label="Journey at touchpoint level: 1142 of 2112 customers\\lFilters: since 2025-03-01T00:00:00Z; where stage=purchase\\lPruning: top-edges 5 (hidden: 83 edges, 0 nodes)\\l";

            """))
        let mermaid = try CLI.run(["discover", "--format", "mermaid"] + args).stdout
        #expect(mermaid.hasPrefix("""
            %% Journey at touchpoint level: 1142 of 2112 customers
            %% Filters: since 2025-03-01T00:00:00Z; where stage=purchase
            %% Pruning: top-edges 5 (hidden: 83 edges, 0 nodes)
            flowchart LR

            """))
        // Escaped like every label: no way out of the DOT string or the Mermaid comment line.
        let dir = try CLI.temporaryDirectory()
        let log = dir.appendingPathComponent("nasty.csv")
        try Data("customer_id,touchpoint,timestamp\nc1,\"Offer \"\"sent\"\"\n%%{init}%% #1\",2024-01-01T10:00:00Z\nc1,Call,2024-01-01T11:00:00Z\n".utf8).write(to: log)
        let nasty = ["--where", "touchpoint=Offer \"sent\"\n%%{init}%% #1", log.path]
        let nastyDot = try CLI.run(["discover", "--format", "dot"] + nasty).stdout
        #expect(nastyDot.contains(#"Filters: where touchpoint=Offer \"sent\"\n%%{init}%% #1\l"#))
        let nastyMermaid = try CLI.run(["discover", "--format", "mermaid"] + nasty).stdout
        #expect(nastyMermaid.contains("\n%% Filters: where touchpoint=Offer #quot;sent#quot;<br/>#37;#37;{init}#37;#37; #35;1\n"))
        // The CSV stays a plain table.
        let csv = try CLI.run(["discover", "--format", "csv"] + args).stdout
        #expect(csv.hasPrefix("source,target,frequency,customers,mean_s,median_s,p90_s,max_s\n"))
        #expect(!csv.contains("Filters"))
    }

    @Test func pruningKeepsJourneyStartsAndEnds() throws {
        let csv = try CLI.run(["discover", "--format", "csv", "--top-edges", "5", DiscoverDisplayTests.b2b]).stdout
        let rows = csv.split(separator: "\n").dropFirst()
        // 5 edges, plus all 6 start rows and 24 end rows (every touchpoint ends some journey).
        #expect(rows.count == 35)
        #expect(rows.filter { $0.hasPrefix("<start>,") }.count == 6)
        #expect(rows.filter { $0.contains(",<end>,") }.count == 24)
        #expect(rows.contains("<start>,LinkedIn ad click,528,528,,,,"))
        let strict = try CLI.run(["discover", "--format", "json", "--min-frequency", "1000", DiscoverDisplayTests.b2b]).stdout
        let j = try #require(CLI.json(strict))
        #expect(j["hidden_edges"] as? Int == 88 && j["hidden_nodes"] as? Int == 0)
    }

    @Test func largeGraphsWarnButAreWritten() throws {
        let dir = try CLI.temporaryDirectory()
        let out = dir.appendingPathComponent("support.dot")
        let support = DiscoverDisplayTests.sample("support-eu")
        let r = try CLI.run(["discover", "--format", "dot", "--output", out.path, support])
        #expect(r.status == 0)
        #expect(r.stderr.contains("warning: the graph has 88 nodes, more than 50, and may be hard to read; it was written all the same."))
        #expect(r.stderr.contains("--top-edges 30"))
        let dot = try String(contentsOf: out, encoding: .utf8)
        let nodeLines = dot.split(separator: "\n").filter { $0.hasPrefix("  n") && $0.dropFirst(3).first?.isNumber == true && !$0.contains(" -> ") }
        #expect(nodeLines.count == 88)
        let mermaid = try CLI.run(["discover", "--format", "mermaid", support])
        #expect(mermaid.stderr.contains("warning: the graph has 88 nodes, more than 50"))
        let stage = try CLI.run(["discover", "--format", "dot", "--level", "stage", support])
        #expect(!stage.stderr.contains("warning:"))
        let small = try CLI.run(["discover", "--format", "mermaid", DiscoverDisplayTests.b2b])
        #expect(!small.stderr.contains("warning:"))
        let text = try CLI.run(["discover", support])
        #expect(!text.stderr.contains("warning:"))
    }
}
