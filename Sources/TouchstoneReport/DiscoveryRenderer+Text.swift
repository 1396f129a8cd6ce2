import TouchstoneDiscovery
import TouchstoneTraces

/// The `text` format: header, transitions, nodes, variants, stages (docs/discover.md).
extension DiscoveryRenderer {
    func text(_ r: DiscoveryResult) -> String {
        let g = r.graph
        var lines: [String] = []
        func header(_ s: String) { lines.append(truncate(singleLine(s), width)) }
        header("Journey discovery at \(r.level.rawValue) level")
        header("Customers: \(r.customers) of \(r.inputCustomers)   Events: \(r.events) of \(r.inputEvents)   Transitions: \(g.transitions)")
        for line in DiscoveryRenderer.statedFilters(r) { header(line) }
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
        let shownEdges = transitionRows.map { Array(r.view.edges.prefix($0)) } ?? r.view.edges
        for i in shownEdges {
            let e = g.edges[i]
            edges.add([name(g.nodes[e.from].name), name(g.nodes[e.to].name), String(e.frequency), String(e.customers),
                       DecimalFormat.percent(e.share), HumanDuration.format(micros: e.duration.mean),
                       HumanDuration.format(micros: e.duration.median), HumanDuration.format(micros: e.duration.p90),
                       HumanDuration.format(micros: Double(e.duration.max))])
        }
        lines += edges.render(width: width)
        if shownEdges.count < r.view.edges.count {
            lines.append("  … \(r.view.edges.count - shownEdges.count) more transitions, less frequent (shown by --table-rows all, --top-edges N, --format csv)")
        }

        lines.append("")
        let visibleNodes = g.nodes.indices.filter { r.view.nodes[$0] }
        var listedNodes = visibleNodes
        if let tableRows, visibleNodes.count > tableRows {
            // The `tableRows` nodes with the most events (ties: first appearance), in graph order.
            let top = visibleNodes.sorted { g.nodes[$0].events != g.nodes[$1].events ? g.nodes[$0].events > g.nodes[$1].events : $0 < $1 }
            listedNodes = top.prefix(tableRows).sorted()
        }
        lines.append("Nodes (\(visibleNodes.count) shown of \(g.nodes.count))")
        var nodes = TextTable([
            .init(title: "Name", alignment: .left, flexible: true), .init(title: "Events", alignment: .right, flexible: false),
            .init(title: "Visits", alignment: .right, flexible: false), .init(title: "Customers", alignment: .right, flexible: false),
            .init(title: "Starts", alignment: .right, flexible: false), .init(title: "Ends", alignment: .right, flexible: false),
            .init(title: "Median to next", alignment: .right, flexible: false),
        ])
        for i in listedNodes {
            let n = g.nodes[i]
            nodes.add([name(n.name), String(n.events), String(n.visits), String(n.customers), String(n.starts), String(n.ends),
                       HumanDuration.format(micros: n.medianTimeToNext)])
        }
        lines += nodes.render(width: width)
        if listedNodes.count < visibleNodes.count {
            lines.append("  … \(visibleNodes.count - listedNodes.count) more nodes with fewer events (shown by --table-rows all, --format json)")
        }

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
        if v.variants.count < v.variantCount {
            lines.append("  … \(v.variantCount - v.variants.count) more variants, less frequent (shown by --variants N or --variants all)")
        }

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
                // Every non-zero cell in row order; when cut, the largest counts (ties: row order).
                var cells: [(row: Int, column: Int)] = []
                for row in m.counts.indices {
                    for column in m.counts[row].indices where m.counts[row][column] > 0 { cells.append((row, column)) }
                }
                var listed = cells.indices.map { $0 }
                if let tableRows, cells.count > tableRows {
                    let top = listed.sorted { a, b in
                        let x = m.counts[cells[a].row][cells[a].column], y = m.counts[cells[b].row][cells[b].column]
                        return x != y ? x > y : a < b
                    }
                    listed = top.prefix(tableRows).sorted()
                }
                for k in listed {
                    let (row, column) = cells[k]
                    list.add([row == 0 ? "start" : stageName(m.stages[row - 1]), column == m.stages.count ? "end" : stageName(m.stages[column]),
                              String(m.counts[row][column]), DecimalFormat.percent(m.rowShare(row, column))])
                }
                lines += list.render(width: width)
                if listed.count < cells.count {
                    lines.append("  … \(cells.count - listed.count) more stage transitions with smaller counts (shown by --table-rows all, --format json)")
                }
            }
            lines.append("  Row share: of all visits of the row's stage, journey ends included (the Share of a")
            lines.append("  transitions table leaves ends out: of the transitions leaving its source).")
            lines.append("")
            lines.append("Stage funnel (" + (s.funnel.explicitOrder ? "given order" : "order of first appearance")
                         + "; each step counts after all earlier ones, in time)")
            var funnel = TextTable([
                .init(title: "Stage", alignment: .left, flexible: true), .init(title: "Customers", alignment: .right, flexible: false),
                .init(title: "Share", alignment: .right, flexible: false), .init(title: "Of previous", alignment: .right, flexible: false),
            ])
            for step in s.funnel.steps {
                funnel.add([name(step.stage), String(step.customers), DecimalFormat.percent(step.share), DecimalFormat.percent(step.fromPrevious)])
            }
            lines += funnel.render(width: width)
        }
        if let s = r.segments { lines += segmentLines(s) }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `--by`: key figures per value, then each value's most frequent transitions.
    private func segmentLines(_ s: SegmentAnalysis) -> [String] {
        func name(_ text: String) -> String { text.isEmpty ? "(empty)" : singleLine(text) }
        var lines = [""]
        lines.append(truncate(singleLine("Segments by \(s.attribute) (\(s.segments.count) shown of \(s.valueCount) values; "
            + "a customer counts for the value of its first event)"), width))
        var table = TextTable([
            .init(title: "Value", alignment: .left, flexible: true), .init(title: "Customers", alignment: .right, flexible: false),
            .init(title: "Share", alignment: .right, flexible: false), .init(title: "Events", alignment: .right, flexible: false),
            .init(title: "Transitions", alignment: .right, flexible: false), .init(title: "Variants", alignment: .right, flexible: false),
            .init(title: "Median duration", alignment: .right, flexible: false),
            .init(title: "Mean duration", alignment: .right, flexible: false),
        ])
        for segment in s.segments {
            table.add([name(segment.value), String(segment.customers), DecimalFormat.percent(segment.share), String(segment.events),
                       String(segment.transitions), String(segment.variants), HumanDuration.format(micros: segment.medianDuration),
                       HumanDuration.format(micros: segment.meanDuration)])
        }
        lines += table.render(width: width)
        if s.hiddenValues > 0 {
            lines.append("  (\(s.hiddenValues) more value\(s.hiddenValues == 1 ? "" : "s") not shown: \(s.hiddenCustomers) customers, "
                + "\(s.hiddenEvents) events; --segments N shows more)")
        }
        lines.append("")
        lines.append("Top transitions per value (\(SegmentAnalysis.textEdgesPerValue) most frequent each; all in --format json or csv)")
        var edges = TextTable([
            .init(title: "Value", alignment: .left, flexible: true), .init(title: "Source", alignment: .left, flexible: true),
            .init(title: "Target", alignment: .left, flexible: true), .init(title: "Freq", alignment: .right, flexible: false),
            .init(title: "Cust", alignment: .right, flexible: false), .init(title: "Share", alignment: .right, flexible: false),
            .init(title: "Median", alignment: .right, flexible: false),
        ])
        for segment in s.segments {
            let g = segment.graph
            for i in segment.edgesByFrequency.prefix(SegmentAnalysis.textEdgesPerValue) {
                let e = g.edges[i]
                edges.add([name(segment.value), singleLine(g.nodes[e.from].name), singleLine(g.nodes[e.to].name), String(e.frequency),
                           String(e.customers), DecimalFormat.percent(e.share), HumanDuration.format(micros: e.duration.median)])
            }
        }
        lines += edges.render(width: width)
        return lines
    }
}
