import TouchstoneDiscovery
import TouchstoneTraces
#if canImport(Glibc)
import Glibc  // libm for `rounded`, linked automatically in debug builds
#elseif canImport(Musl)
import Musl
#endif

/// Output formats of `touchstone discover`.
public enum DiscoveryFormat: String, Sendable, CaseIterable {
    case text, json, csv, dot, mermaid
}

/// Renders a `DiscoveryResult`; computes nothing beyond layout.
///
/// Durations: `text`, `dot` and `mermaid` use `HumanDuration`; `json` and `csv` give seconds
/// as decimals (up to 6 places, i.e. microsecond precision). See `docs/discover.md`.
public struct DiscoveryRenderer: Sendable {
    public var format: DiscoveryFormat
    /// Maximum line width of the text format, in characters.
    public var width: Int

    public init(format: DiscoveryFormat, width: Int = 100) {
        self.format = format
        self.width = width
    }

    /// The whole output, ending in a newline.
    public func render(_ result: DiscoveryResult) -> String {
        switch format {
        case .text: return TerminalText.escaped(text(result), keepingLineFeeds: true)
        case .json: return json(result)
        case .csv: return csv(result)
        case .dot: return dot(result)
        case .mermaid: return mermaid(result)
        }
    }

    // MARK: CSV

    /// Header of the CSV format.
    public static let csvHeader = "source,target,frequency,customers,mean_s,median_s,p90_s,max_s"

    func csv(_ r: DiscoveryResult) -> String {
        var out = DiscoveryRenderer.csvHeader + "\n"
        let g = r.graph
        for row in r.view.rows {
            switch row {
            case .edge(let i):
                let e = g.edges[i]
                out += [CSVField.text(TraceMarker.escaped(g.nodes[e.from].name)), CSVField.text(TraceMarker.escaped(g.nodes[e.to].name)),
                        CSVField.number(e.frequency), CSVField.number(e.customers),
                        DecimalFormat.seconds(micros: e.duration.mean), DecimalFormat.seconds(micros: e.duration.median),
                        DecimalFormat.seconds(micros: e.duration.p90), DecimalFormat.seconds(micros: Double(e.duration.max))]
                    .joined(separator: ",")
            case .start(let n):
                out += "\(CSVField.quoted(GraphView.startName)),\(CSVField.text(TraceMarker.escaped(g.nodes[n].name))),\(g.nodes[n].starts),\(g.nodes[n].starts),,,,"
            case .end(let n):
                out += "\(CSVField.text(TraceMarker.escaped(g.nodes[n].name))),\(CSVField.quoted(GraphView.endName)),\(g.nodes[n].ends),\(g.nodes[n].ends),,,,"
            }
            out += "\n"
        }
        return out
    }

    // MARK: JSON

    func json(_ r: DiscoveryResult) -> String {
        var w = JSONWriter()
        let g = r.graph
        func seconds(_ micros: Double?) {
            if let micros { w.numberLiteral(DecimalFormat.seconds(micros: micros)) } else { w.null() }
        }
        w.beginObject()
        w.field("level", r.level.rawValue)
        w.field("customers", r.customers)
        w.field("events", r.events)
        w.field("input_customers", r.inputCustomers)
        w.field("input_events", r.inputEvents)
        w.field("filters", r.filters)
        w.field("pruning", r.pruning)
        w.field("transitions", g.transitions)
        w.field("hidden_edges", r.view.hiddenEdges)
        w.field("hidden_nodes", r.view.hiddenNodes)
        w.key("nodes")
        w.beginArray()
        for (i, n) in g.nodes.enumerated() {
            w.beginObject()
            w.field("name", n.name)
            w.field("events", n.events)
            w.field("visits", n.visits)
            w.field("customers", n.customers)
            w.field("starts", n.starts)
            w.field("ends", n.ends)
            w.field("outgoing", n.outgoing)
            w.key("median_time_to_next_s"); seconds(n.medianTimeToNext)
            w.field("visible", r.view.nodes[i])
            w.endObject()
        }
        w.endArray()
        w.key("edges")
        w.beginArray()
        let visible = Set(r.view.edges)
        for i in r.view.allEdges {
            let e = g.edges[i]
            w.beginObject()
            w.field("source", g.nodes[e.from].name)
            w.field("target", g.nodes[e.to].name)
            w.field("frequency", e.frequency)
            w.field("customers", e.customers)
            w.field("share", e.share)
            w.key("mean_s"); seconds(e.duration.mean)
            w.key("median_s"); seconds(e.duration.median)
            w.key("p90_s"); seconds(e.duration.p90)
            w.key("max_s"); seconds(Double(e.duration.max))
            w.field("visible", visible.contains(i))
            w.endObject()
        }
        w.endArray()
        w.key("variants")
        w.beginObject()
        w.field("distinct", r.variants.variantCount)
        w.field("shown", r.variants.variants.count)
        w.key("items")
        w.beginArray()
        for (rank, v) in r.variants.variants.enumerated() {
            w.beginObject()
            w.field("rank", rank + 1)
            w.field("steps", r.variants.names(v))
            w.field("customers", v.customers)
            w.field("share", v.share)
            w.field("cumulative_share", v.cumulativeShare)
            w.key("median_throughput_s"); seconds(v.medianThroughput)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        w.key("stages")
        if let s = r.stages {
            let m = s.matrix
            w.beginObject()
            w.field("order", m.stages)
            w.field("explicit_order", s.funnel.explicitOrder)
            w.key("matrix")
            w.beginArray()
            for row in m.counts.indices {
                w.beginObject()
                w.field("from", row == 0 ? GraphView.startName : TraceMarker.escaped(m.stages[row - 1]))
                w.field("total", m.rowTotal(row))
                w.key("to")
                w.beginArray()
                for column in m.counts[row].indices where m.counts[row][column] > 0 {
                    w.beginObject()
                    w.field("stage", column == m.stages.count ? GraphView.endName : TraceMarker.escaped(m.stages[column]))
                    w.field("count", m.counts[row][column])
                    w.field("row_share", m.rowShare(row, column))
                    w.endObject()
                }
                w.endArray()
                w.endObject()
            }
            w.endArray()
            w.key("funnel")
            w.beginArray()
            for step in s.funnel.steps {
                w.beginObject()
                w.field("stage", step.stage)
                w.field("customers", step.customers)
                w.field("share", step.share)
                w.field("from_previous", step.fromPrevious)
                w.endObject()
            }
            w.endArray()
            w.endObject()
        } else {
            w.null()
        }
        w.endObject()
        return w.output
    }

    // MARK: Text

    func text(_ r: DiscoveryResult) -> String {
        let g = r.graph
        var lines: [String] = []
        func header(_ s: String) { lines.append(truncate(singleLine(s), width)) }
        header("Journey discovery at \(r.level.rawValue) level")
        header("Customers: \(r.customers) of \(r.inputCustomers)   Events: \(r.events) of \(r.inputEvents)   Transitions: \(g.transitions)")
        header("Filters: " + (r.filters.isEmpty ? "none" : r.filters.joined(separator: "; ")))
        var pruning = "Pruning: " + (r.pruning.isEmpty ? "none" : r.pruning.joined(separator: "; "))
        if !r.pruning.isEmpty { pruning += " (hidden: \(r.view.hiddenEdges) edges, \(r.view.hiddenNodes) nodes)" }
        header(pruning)
        func name(_ s: String) -> String { singleLine(s) }

        lines.append("")
        lines.append("Transitions (\(r.view.edges.count) shown of \(g.edges.count))")
        var edges = TextTable([
            .init(title: "Source", alignment: .left, flexible: true), .init(title: "Target", alignment: .left, flexible: true),
            .init(title: "Freq", alignment: .right, flexible: false), .init(title: "Cust", alignment: .right, flexible: false),
            .init(title: "Share", alignment: .right, flexible: false), .init(title: "Mean", alignment: .right, flexible: false),
            .init(title: "Median", alignment: .right, flexible: false), .init(title: "P90", alignment: .right, flexible: false),
            .init(title: "Max", alignment: .right, flexible: false),
        ])
        for i in r.view.edges {
            let e = g.edges[i]
            edges.add([name(g.nodes[e.from].name), name(g.nodes[e.to].name), String(e.frequency), String(e.customers),
                       DecimalFormat.percent(e.share), HumanDuration.format(micros: e.duration.mean),
                       HumanDuration.format(micros: e.duration.median), HumanDuration.format(micros: e.duration.p90),
                       HumanDuration.format(micros: Double(e.duration.max))])
        }
        lines += edges.render(width: width)

        lines.append("")
        lines.append("Nodes (\(r.view.nodes.filter { $0 }.count) shown of \(g.nodes.count))")
        var nodes = TextTable([
            .init(title: "Name", alignment: .left, flexible: true), .init(title: "Events", alignment: .right, flexible: false),
            .init(title: "Visits", alignment: .right, flexible: false), .init(title: "Customers", alignment: .right, flexible: false),
            .init(title: "Starts", alignment: .right, flexible: false), .init(title: "Ends", alignment: .right, flexible: false),
            .init(title: "Median to next", alignment: .right, flexible: false),
        ])
        for (i, n) in g.nodes.enumerated() where r.view.nodes[i] {
            nodes.add([name(n.name), String(n.events), String(n.visits), String(n.customers), String(n.starts), String(n.ends),
                       HumanDuration.format(micros: n.medianTimeToNext)])
        }
        lines += nodes.render(width: width)

        let v = r.variants
        lines.append("")
        let covered = v.variants.last.map { DecimalFormat.percent($0.cumulativeShare) } ?? "0.0%"
        lines.append("Variants (\(v.variants.count) shown of \(v.variantCount), covering \(covered) of customers)")
        var variants = TextTable([
            .init(title: "#", alignment: .right, flexible: false), .init(title: "Customers", alignment: .right, flexible: false),
            .init(title: "Share", alignment: .right, flexible: false), .init(title: "Cumul.", alignment: .right, flexible: false),
            .init(title: "Median time", alignment: .right, flexible: false), .init(title: "Steps", alignment: .left, flexible: true),
        ])
        for (rank, variant) in v.variants.enumerated() {
            variants.add([String(rank + 1), String(variant.customers), DecimalFormat.percent(variant.share),
                          DecimalFormat.percent(variant.cumulativeShare), HumanDuration.format(micros: variant.medianThroughput),
                          v.names(variant).map(name).joined(separator: " → ")])
        }
        lines += variants.render(width: width)

        if let s = r.stages {
            let m = s.matrix
            lines.append("")
            lines.append("Stage transitions (visits; count and share of row)")
            var columns: [TextTable.Column] = [.init(title: "From \\ to", alignment: .left, flexible: true)]
            func stageName(_ s: String) -> String { name(TraceMarker.escaped(s, markers: TraceMarker.displayMarkers)) }
            for stage in m.stages { columns.append(.init(title: stageName(stage), alignment: .right, flexible: true)) }
            columns.append(.init(title: "end", alignment: .right, flexible: false))
            var matrix = TextTable(columns)
            for row in m.counts.indices {
                var cells = [row == 0 ? "start" : stageName(m.stages[row - 1])]
                for column in m.counts[row].indices {
                    let c = m.counts[row][column]
                    cells.append(c == 0 ? "·" : "\(c) \(DecimalFormat.percent(m.rowShare(row, column)))")
                }
                matrix.add(cells)
            }
            let cellWidth = matrix.rows.flatMap { $0.dropFirst() }.map(displayWidth).max() ?? 1
            if 2 + 12 + (m.stages.count + 1) * (cellWidth + 2) <= width {
                lines += matrix.render(width: width)
            } else {
                var list = TextTable([
                    .init(title: "From", alignment: .left, flexible: true), .init(title: "To", alignment: .left, flexible: true),
                    .init(title: "Count", alignment: .right, flexible: false), .init(title: "Row share", alignment: .right, flexible: false),
                ])
                for row in m.counts.indices {
                    for column in m.counts[row].indices where m.counts[row][column] > 0 {
                        list.add([row == 0 ? "start" : stageName(m.stages[row - 1]), column == m.stages.count ? "end" : stageName(m.stages[column]),
                                  String(m.counts[row][column]), DecimalFormat.percent(m.rowShare(row, column))])
                    }
                }
                lines += list.render(width: width)
            }
            lines.append("")
            lines.append("Stage funnel (" + (s.funnel.explicitOrder ? "given order" : "order of first appearance") + ")")
            var funnel = TextTable([
                .init(title: "Stage", alignment: .left, flexible: true), .init(title: "Customers", alignment: .right, flexible: false),
                .init(title: "Share", alignment: .right, flexible: false), .init(title: "Of previous", alignment: .right, flexible: false),
            ])
            for step in s.funnel.steps {
                funnel.add([name(step.stage), String(step.customers), DecimalFormat.percent(step.share), DecimalFormat.percent(step.fromPrevious)])
            }
            lines += funnel.render(width: width)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: DOT

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
        var out = "digraph journey {\n  rankdir=LR;\n  node [shape=box, style=rounded];\n"
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

    // MARK: Mermaid

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
        var out = "flowchart LR\n  start((\"start\"))\n  end_((\"end\"))\n"
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
