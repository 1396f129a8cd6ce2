import TouchstoneDiscovery
import TouchstoneTraces

/// The `csv` format: edges, trace starts and ends (docs/discover.md).
extension DiscoveryRenderer {
    /// Header of the CSV format.
    public static let csvHeader = "source,target,frequency,customers,mean_s,median_s,p90_s,max_s"

    /// Header of the CSV format with `--by`: one block of rows per shown value.
    public static let csvSegmentHeader = "segment," + csvHeader

    func csv(_ r: DiscoveryResult) -> String {
        if let segments = r.segments { return csv(segments) }
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

    /// `--by`: per shown value, its edges by frequency, then its trace starts and ends (node order).
    func csv(_ s: SegmentAnalysis) -> String {
        var out = DiscoveryRenderer.csvSegmentHeader + "\n"
        for segment in s.segments {
            let g = segment.graph
            let value = CSVField.text(segment.value) + ","
            for i in segment.edgesByFrequency {
                let e = g.edges[i]
                out += value + [CSVField.text(TraceMarker.escaped(g.nodes[e.from].name)), CSVField.text(TraceMarker.escaped(g.nodes[e.to].name)),
                                CSVField.number(e.frequency), CSVField.number(e.customers),
                                DecimalFormat.seconds(micros: e.duration.mean), DecimalFormat.seconds(micros: e.duration.median),
                                DecimalFormat.seconds(micros: e.duration.p90), DecimalFormat.seconds(micros: Double(e.duration.max))]
                    .joined(separator: ",") + "\n"
            }
            for n in g.nodes where n.starts > 0 {
                out += value + "\(CSVField.quoted(GraphView.startName)),\(CSVField.text(TraceMarker.escaped(n.name))),\(n.starts),\(n.starts),,,,\n"
            }
            for n in g.nodes where n.ends > 0 {
                out += value + "\(CSVField.text(TraceMarker.escaped(n.name))),\(CSVField.quoted(GraphView.endName)),\(n.ends),\(n.ends),,,,\n"
            }
        }
        return out
    }
}
