import TouchstoneDiscovery
import TouchstoneTraces

/// The `mermaid` format and its label escaping (docs/discover.md).
extension DiscoveryRenderer {
    /// `s` escaped for a double-quoted Mermaid label: entity codes for `"`, `#`, `<`, `>`, `&`,
    /// backtick and `%` (so `%%` can't start a directive or comment), line breaks as `<br/>`,
    /// carriage returns dropped, other control and bidi formatting characters
    /// (`TerminalText.isUnsafe`) as the visible text `\u{hex}`.
    public static func mermaidEscape(_ s: String) -> String {
        var out = ""
        for ch in s.unicodeScalars {
            switch ch {
            case "\"": out += "#quot;"
            case "#": out += "#35;"
            case "<": out += "#lt;"
            case ">": out += "#gt;"
            case "&": out += "#amp;"
            case "`": out += "#96;"
            case "%": out += "#37;"
            case "\n": out += "<br/>"
            case "\r": break
            default:
                if TerminalText.isUnsafe(ch) { out += "\\u{\(String(ch.value, radix: 16))}" } else { out.unicodeScalars.append(ch) }
            }
        }
        return out
    }

    func mermaid(_ r: DiscoveryResult) -> String {
        let g = r.graph
        var out = ""
        // The filters and pruning as comments (escaped, so each stays one line).
        let title = ["Journey at \(r.level.rawValue) level: \(r.customers) of \(r.inputCustomers) customers"] + DiscoveryRenderer.statedFilters(r)
        for line in title { out += "%% " + DiscoveryRenderer.mermaidEscape(line) + "\n" }
        out += "flowchart LR\n  start((\"start\"))\n  end_((\"end\"))\n"
        for (i, n) in g.nodes.enumerated() where r.view.nodes[i] {
            out += "  n\(i)[\"\(DiscoveryRenderer.mermaidEscape(TraceMarker.escaped(n.name, markers: TraceMarker.displayMarkers)))<br/>\(n.events) event\(n.events == 1 ? "" : "s")\"]\n"
        }
        for row in r.view.rows {
            switch row {
            case .edge(let i):
                let e = g.edges[i]
                out += "  n\(e.from) -->|\"\(e.frequency) · \(HumanDuration.format(micros: e.duration.median))\"| n\(e.to)\n"
            case .start(let n):
                out += "  start -.->|\"\(g.nodes[n].starts)\"| n\(n)\n"
            case .end(let n):
                out += "  n\(n) -.->|\"\(g.nodes[n].ends)\"| end_\n"
            }
        }
        return out
    }
}
