import TouchstoneDiscovery
import TouchstoneTraces

/// The `json` format (docs/discover-json.md).
extension DiscoveryRenderer {
    func json(_ r: DiscoveryResult, _ w: inout JSONWriter) {
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
        if !r.approximate.isEmpty { w.field("approximate", r.approximate) }
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
            w.beginObject()
            edgeFields(g, i, &w)
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
        if let s = r.segments {
            w.key("segments")
            w.beginObject()
            w.field("by", s.attribute)
            w.field("values", s.valueCount)
            w.field("shown", s.segments.count)
            w.field("hidden_values", s.hiddenValues)
            w.field("hidden_customers", s.hiddenCustomers)
            w.field("hidden_events", s.hiddenEvents)
            w.key("items")
            w.beginArray()
            for segment in s.segments {
                let sg = segment.graph
                w.beginObject()
                w.field("value", segment.value)
                w.field("customers", segment.customers)
                w.field("share", segment.share)
                w.field("events", segment.events)
                w.field("transitions", segment.transitions)
                w.field("variants", segment.variants)
                w.key("median_duration_s"); seconds(segment.medianDuration)
                w.key("mean_duration_s"); seconds(segment.meanDuration)
                w.key("edges")
                w.beginArray()
                for i in segment.edgesByFrequency {
                    w.beginObject()
                    edgeFields(sg, i, &w)
                    w.endObject()
                }
                w.endArray()
                w.endObject()
            }
            w.endArray()
            w.endObject()
        }
        w.endObject()
    }

    /// The fields of edge `i` of `g` (one object of `edges`, without `visible`).
    private func edgeFields(_ g: DirectlyFollowsGraph, _ i: Int, _ w: inout JSONWriter) {
        func seconds(_ micros: Double?) {
            if let micros { w.numberLiteral(DecimalFormat.seconds(micros: micros)) } else { w.null() }
        }
        let e = g.edges[i]
        w.field("source", g.nodes[e.from].name)
        w.field("target", g.nodes[e.to].name)
        w.field("frequency", e.frequency)
        w.field("customers", e.customers)
        w.field("share", e.share)
        w.key("mean_s"); seconds(e.duration.mean)
        w.key("median_s"); seconds(e.duration.median)
        w.key("p90_s"); seconds(e.duration.p90)
        w.key("max_s"); seconds(Double(e.duration.max))
    }
}
