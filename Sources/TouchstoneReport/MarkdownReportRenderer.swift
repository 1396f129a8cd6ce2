import TouchstoneConformance
import TouchstoneTraces

/// `check --format markdown`: a short summary for wiki pages and merge-request comments — key
/// figures, the main deviations and a Mermaid graph of where journeys leave the design.
/// Text from the log or map is escaped for Markdown tables (`markdownEscape`) and for Mermaid
/// labels (`DiscoveryRenderer.mermaidEscape`: no `%%` directives, no HTML).
public struct MarkdownReportRenderer: Sendable {
    public var verdicts: CheckVerdicts
    /// Deviation rows and graph edges shown.
    public var rows: Int

    public init(verdicts: CheckVerdicts = CheckVerdicts(), rows: Int = 8) {
        self.verdicts = verdicts
        self.rows = rows
    }

    /// `s` safe inside a Markdown table cell: `\`, `|`, `` ` ``, `*`, `_`, `[`, `]`, `#`, `~`, `!`
    /// backslash-escaped, `<`, `>`, `&`, `%` as entities, line breaks as spaces, control characters
    /// as U+FFFD.
    public static func markdownEscape(_ s: String) -> String {
        var out = ""
        for ch in s.unicodeScalars {
            switch ch {
            case "\\", "|", "`", "*", "_", "[", "]", "#", "~", "!", "(", ")": out += "\\"; out.unicodeScalars.append(ch)
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "%": out += "&#37;"
            case "\n", "\r", "\t": out += " "
            default: out.unicodeScalars.append(TerminalText.isUnsafe(ch) ? "\u{FFFD}" : ch)
            }
        }
        return out
    }

    public func render(_ j: JourneyReport) -> String {
        typealias H = HTMLReportRenderer
        let r = j.report, s = r.summary, f = s.figures
        let e = MarkdownReportRenderer.markdownEscape
        var out = "## Journey conformance: " + e(r.map.name) + (r.map.version.map { " (version " + e($0) + ")" } ?? "") + "\n\n"
        let period = (s.firstEvent.map(formatTimestamp) ?? "–") + " – " + (s.lastEvent.map(formatTimestamp) ?? "–")
        out += "Period " + period + ", as of " + formatTimestamp(s.asOf) + ".\n\n"
        out += "| Customers | Events | Conformance | Mean fitness | Completion |\n|---:|---:|---:|---:|---:|\n"
        out += "| " + H.grouped(f.customers) + " | " + H.grouped(s.events) + " | " + H.pct(f.conformanceRate) + " | "
            + H.fixed(f.meanFitness) + " | " + H.pct(f.completionRate) + " |\n"
        for a in r.approximate { out += "\nApproximate: " + e(a) + ".\n" }
        if let b = verdicts.baseline, !b.changes.isEmpty {
            let shown = b.changes.filter { ["customers", "conformance", "fitness", "completion"].contains($0.figure) }
            out += "\nSince the baseline: " + shown.map { c in
                let delta = c.figure == "customers" ? (c.delta >= 0 ? "+" : "") + H.grouped(Int(c.delta.rounded()))
                    : (c.delta >= 0 ? "+" : "−") + H.fixed(abs(c.delta) * 100, 1) + " pts"
                return c.figure + " " + delta + (c.isRegression ? " (worse)" : "")
            }.joined(separator: ", ") + ".\n"
        }
        if !verdicts.thresholds.isEmpty {
            out += "\n" + verdicts.thresholds.map { ($0.failed ? "**Failed**: " : "Met: ") + "`" + $0.threshold.description + "` (" + H.fixed($0.value) + ")" }
                .joined(separator: " · ") + "\n"
        }
        out += "\n### Main deviations\n\n"
        if j.deviations.isEmpty {
            out += "None: every customer followed the design.\n"
        } else {
            out += "| Type | Step or detail | Customers | Share | Examples |\n|---|---|---:|---:|---|\n"
            for d in j.deviations.prefix(rows) {
                out += "| " + d.deviation.type.name.replacingUnderscores() + " | " + e(d.deviation.detail) + " | " + H.grouped(d.customers) + " | "
                    + H.pct(d.share) + " | " + d.examples.map(e).joined(separator: ", ") + " |\n"
            }
        }
        // The graph: the most frequent undesigned transitions and where customers drop out.
        let map = r.map
        let undesigned = j.edges.filter { $0.kind == .undesigned }.prefix(rows)
        let drops = j.deviations.filter { $0.deviation.type == .droppedOut && map.stepIndex($0.deviation.detail) != nil }.prefix(3)
        if !undesigned.isEmpty || !drops.isEmpty {
            out += "\n### Where journeys leave the design\n\n```mermaid\nflowchart LR\n"
            var used: [Int] = []
            for edge in undesigned { for s in [edge.from, edge.to].compactMap({ $0 }) where !used.contains(s) { used.append(s) } }
            for d in drops { if let s = map.stepIndex(d.deviation.detail), !used.contains(s) { used.append(s) } }
            for s in used.sorted() {
                out += "  s\(s)[\"" + DiscoveryRenderer.mermaidEscape(map.steps[s].name) + "\"]\n"
            }
            var links = 0
            for edge in undesigned {
                guard let from = edge.from else { continue }
                out += "  s\(from) -->|\"" + H.grouped(edge.count) + "×\"| s\(edge.to)\n"
                links += 1
            }
            if !drops.isEmpty { out += "  out((\"dropped out\"))\n" }
            for d in drops {
                guard let s = map.stepIndex(d.deviation.detail) else { continue }
                out += "  s\(s) -.->|\"" + H.grouped(d.customers) + "\"| out\n"
                links += 1
            }
            if links > 0 { out += "  linkStyle " + (0..<links).map(String.init).joined(separator: ",") + " stroke:#d9480f\n" }
            out += "```\n"
            out += "\nArrows: undesigned transitions taken (times); dotted: customers dropping out after a step.\n"
        }
        return out
    }
}

private extension String {
    /// Deviation type names with `_` escaped for Markdown.
    func replacingUnderscores() -> String { MarkdownReportRenderer.markdownEscape(self) }
}
