import TouchstoneDiscovery
import TouchstoneTraces

/// The `csv` format: edges, trace starts and ends (docs/discover.md).
extension DiscoveryRenderer {
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
}
