import TouchstoneDiscovery
import TouchstoneTraces
#if canImport(Glibc)
import Glibc  // libm for `rounded`, linked automatically in debug builds
#elseif canImport(Musl)
import Musl
#endif

/// The `dot` format (Graphviz) and its label escaping (docs/discover.md).
extension DiscoveryRenderer {
    /// `s` escaped for a double-quoted DOT string: backslash, quote, line feeds as `\n`,
    /// carriage returns dropped, and every other control or bidi formatting character
    /// (`TerminalText.isUnsafe`, NUL included) written as the visible text `\u{hex}`.
    public static func dotEscape(_ s: String) -> String {
        var out = ""
        for ch in s.unicodeScalars {
            switch ch {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\r": break
            default:
                if TerminalText.isUnsafe(ch) { out += "\\\\u{\(String(ch.value, radix: 16))}" } else { out.unicodeScalars.append(ch) }
            }
        }
        return out
    }

    func penWidth(_ frequency: Int, _ low: Int, _ high: Int) -> String {
        let w = high > low ? 1 + 7 * Double(frequency - low) / Double(high - low) : 1
        return JSONWriter.plainDecimal((w * 100).rounded() / 100)
    }

    func dot(_ r: DiscoveryResult) -> String {
        let g = r.graph
        var out = "digraph journey {\n  rankdir=LR;\n"
        // The filters and pruning as the graph's title (left-aligned lines, `\l`).
        let title = ["Journey at \(r.level.rawValue) level: \(r.customers) of \(r.inputCustomers) customers"] + DiscoveryRenderer.statedFilters(r)
        out += "  labelloc=t;\n  labeljust=l;\n  label=\"" + title.map { DiscoveryRenderer.dotEscape($0) + "\\l" }.joined() + "\";\n"
        out += "  node [shape=box, style=rounded];\n"
        out += "  start [label=\"start\", shape=circle, style=filled, fillcolor=\"#d9f2d9\"];\n"
        out += "  end [label=\"end\", shape=doublecircle, style=filled, fillcolor=\"#f2d9d9\"];\n"
        for (i, n) in g.nodes.enumerated() where r.view.nodes[i] {
            out += "  n\(i) [label=\"\(DiscoveryRenderer.dotEscape(TraceMarker.escaped(n.name, markers: TraceMarker.displayMarkers)))\\n\(n.events) event\(n.events == 1 ? "" : "s")\"];\n"
        }
        let frequencies = r.view.edges.map { g.edges[$0].frequency }
        let low = frequencies.min() ?? 0, high = frequencies.max() ?? 0
        for row in r.view.rows {
            switch row {
            case .edge(let i):
                let e = g.edges[i]
                out += "  n\(e.from) -> n\(e.to) [label=\"\(e.frequency)\\n\(HumanDuration.format(micros: e.duration.median))\", penwidth=\(penWidth(e.frequency, low, high))];\n"
            case .start(let n):
                out += "  start -> n\(n) [label=\"\(g.nodes[n].starts)\", style=dashed];\n"
            case .end(let n):
                out += "  n\(n) -> end [label=\"\(g.nodes[n].ends)\", style=dashed];\n"
            }
        }
        return out + "}\n"
    }
}
