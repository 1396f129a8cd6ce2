import TouchstoneConformance
import TouchstoneTraces

/// The designed-vs-real journey graph as inline SVG: a start node and one box per designed
/// step, placed by `LayeredLayout` with one column per stage; edges drawn as curves whose width
/// grows with the square root of their count. Text is escaped by `HTMLNode`.
struct JourneyGraphSVG {
    static let fontSize = 13.0
    static let smallSize = 11.0
    static let lineHeight = 16.0
    static let padding = 10.0
    static let wrapLimit = 20

    let node: HTMLNode

    /// The box size a label needs: wrapped lines plus a figures line, with padding.
    static func size(lines: [String], figures: String) -> (width: Double, height: Double) {
        let text = lines.map { TextMeasure.width($0, fontSize: fontSize) }.max() ?? 0
        let width = max(text, TextMeasure.width(figures, fontSize: smallSize), 60) + 2 * padding
        return (width.rounded(.up), Double(lines.count + 1) * lineHeight + 2 * padding - 4)
    }

    init(_ j: JourneyReport) {
        let map = j.report.map
        typealias R = HTMLReportRenderer
        // Node 0 is the start; step s is node s + 1. Layer = stage + 1.
        var labels: [[String]] = [["Start"]]
        var figures: [String] = [R.grouped(j.report.summary.figures.customers) + " customers"]
        var nodes = [LayeredLayout.Node]()
        let startSize = JourneyGraphSVG.size(lines: labels[0], figures: figures[0])
        nodes.append(.init(layer: 0, width: startSize.width, height: startSize.height))
        for step in j.steps {
            let lines = TextMeasure.wrap(step.name, limit: JourneyGraphSVG.wrapLimit)
            let fig = R.grouped(step.customers) + " cust. · " + R.pct(step.conformanceRate) + " conf."
            labels.append(lines)
            figures.append(fig)
            let size = JourneyGraphSVG.size(lines: lines, figures: fig)
            nodes.append(.init(layer: step.stage + 1, width: size.width, height: size.height))
        }
        let edges = j.edges.map { LayeredLayout.Edge(from: $0.from.map { $0 + 1 } ?? 0, to: $0.to + 1) }
        let top = 34.0  // stage titles
        let layout = LayeredLayout(nodes: nodes, edges: edges, columnGap: 48, rowGap: 24, top: top)
        let maxCount = max(j.edges.filter { $0.kind != .start }.map(\.count).max() ?? 1, 1)
        let maxStart = max(j.edges.filter { $0.kind == .start }.map(\.count).max() ?? 1, 1)
        var children: [HTMLNode] = []
        children.append(el("defs", [],
                           JourneyGraphSVG.marker("arrow-designed", "#35608f"), JourneyGraphSVG.marker("arrow-rare", "#9aa5b1"),
                           JourneyGraphSVG.marker("arrow-undesigned", "#d9480f"), JourneyGraphSVG.marker("arrow-start", "#9aa5b1")))
        // Stage titles over their columns, with a faint band.
        for column in layout.columns where column.layer > 0 {
            let stage = map.stages[column.layer - 1]
            children.append(el("rect", [("class", "band"), ("x", R.fixed(column.x - 8, 1)), ("y", R.fixed(8, 1)),
                                        ("width", R.fixed(column.width + 16, 1)), ("height", R.fixed(layout.height - 16, 1)), ("rx", "8")]))
            let title = stage.name
            children.append(el("text", [("class", "stage-title"), ("x", R.fixed(column.x + column.width / 2, 1)), ("y", "26"),
                                        ("text-anchor", "middle")], .text(title)))
        }
        // Edges under the nodes.
        let stepNames = map.steps.map(\.name)
        for e in j.edges {
            let from = e.from.map { $0 + 1 } ?? 0, to = e.to + 1
            let c = layout.curve(from: from, to: to)
            let p = c.points
            let d = "M" + R.fixed(p[0].x, 1) + "," + R.fixed(p[0].y, 1) + " C" + R.fixed(p[1].x, 1) + "," + R.fixed(p[1].y, 1) + " "
                + R.fixed(p[2].x, 1) + "," + R.fixed(p[2].y, 1) + " " + R.fixed(p[3].x, 1) + "," + R.fixed(p[3].y, 1)
            let share = Double(e.count) / Double(e.kind == .start ? maxStart : maxCount)
            let width = e.count == 0 ? 1.2 : 1.2 + 7 * share.squareRoot()
            let fromName = e.from.map { stepNames[$0] } ?? "start"
            var tip = fromName + " → " + stepNames[e.to] + ": "
            switch e.kind {
            case .start: tip += R.grouped(e.count) + " journeys start here"
            case .designed, .rare, .undesigned:
                tip += e.count == 0 ? "never taken" : R.grouped(e.count) + " times by " + R.grouped(e.customers) + " customers, median " + R.duration(e.median)
                tip += e.kind == .undesigned ? " (not designed)" : (e.kind == .rare ? " (designed, rarely taken)" : " (designed)")
            }
            children.append(el("path", [("class", "edge " + e.kind.rawValue), ("d", d), ("stroke-width", R.fixed(width, 2)),
                                        ("marker-end", "url(#arrow-" + e.kind.rawValue + ")"),
                                        ("data-count", String(e.count))],
                               el("title", [], .text(tip))))
        }
        // Nodes.
        for (i, box) in layout.boxes.enumerated() {
            let step = i == 0 ? nil : j.steps[i - 1]
            let mapStep = i == 0 ? nil : map.steps[i - 1]
            var cls = "node " + (i == 0 ? "start" : HTMLReportRenderer.colourClass(step?.conformanceRate))
            if mapStep?.isGoal == true { cls += " goal" }
            if mapStep?.isMomentOfTruth == true { cls += " moment" }
            if (step?.customers ?? 1) == 0 { cls += " unreached" }
            var tip = i == 0 ? "Start: " + R.grouped(j.report.summary.figures.customers) + " customers" : ""
            if let step {
                tip = step.name + " (" + step.id + "): " + R.grouped(step.customers) + " customers, " + R.grouped(step.events) + " events, "
                    + R.pct(step.conformanceRate) + " of them conformant; " + R.grouped(step.starts) + " journeys start here"
                if mapStep?.isGoal == true { tip += "; goal" }
                if mapStep?.isMomentOfTruth == true { tip += "; moment of truth" }
            }
            var group: [HTMLNode] = [el("title", [], .text(tip)),
                                     el("rect", [("x", R.fixed(box.x, 1)), ("y", R.fixed(box.y, 1)), ("width", R.fixed(box.width, 1)),
                                                 ("height", R.fixed(box.height, 1)), ("rx", "6")])]
            let inner = box.width - 2 * JourneyGraphSVG.padding
            for (k, line) in labels[i].enumerated() {
                group.append(el("text", [("class", "label"), ("x", R.fixed(box.x + JourneyGraphSVG.padding, 1)),
                                         ("y", R.fixed(box.y + JourneyGraphSVG.padding + 12 + Double(k) * JourneyGraphSVG.lineHeight, 1)),
                                         ("data-fit", R.fixed(inner, 1))], .text(line)))
            }
            group.append(el("text", [("class", "figures"), ("x", R.fixed(box.x + JourneyGraphSVG.padding, 1)),
                                     ("y", R.fixed(box.y + JourneyGraphSVG.padding + 12 + Double(labels[i].count) * JourneyGraphSVG.lineHeight, 1)),
                                     ("data-fit", R.fixed(inner, 1))], .text(figures[i])))
            if mapStep?.isMomentOfTruth == true || mapStep?.isGoal == true {
                group.append(el("text", [("class", "badge"), ("x", R.fixed(box.right - 6, 1)), ("y", R.fixed(box.y + 13, 1)),
                                         ("text-anchor", "end")], .text(mapStep?.isGoal == true ? "goal" : "★")))
            }
            children.append(el("g", [("class", cls), ("data-step", step?.id ?? "")], children: group))
        }
        node = el("svg", [("xmlns", "http://www.w3.org/2000/svg"), ("class", "journey-graph"), ("role", "img"),
                          ("viewBox", "0 0 " + R.fixed(layout.width, 0) + " " + R.fixed(layout.height, 0)),
                          ("width", R.fixed(layout.width, 0)), ("height", R.fixed(layout.height, 0)),
                          ("aria-label", "Designed versus real journey graph")], children: children)
    }

    static func marker(_ id: StaticString, _ colour: StaticString) -> HTMLNode {
        el("marker", [("id", id.description), ("viewBox", "0 0 10 10"), ("refX", "9"), ("refY", "5"), ("markerWidth", "9"),
                      ("markerHeight", "9"), ("orient", "auto-start-reverse"), ("markerUnits", "userSpaceOnUse")],
           el("path", [("d", "M0,0 L10,5 L0,10 z"), ("fill", colour.description)]))
    }
}

/// The experience curve: mean score per designed step in map order, as an SVG line chart.
struct ExperienceCurveSVG {
    let node: HTMLNode

    init(_ j: JourneyReport) {
        typealias R = HTMLReportRenderer
        let points = j.steps.filter { $0.meanScore != nil }
        let values = points.compactMap(\.meanScore)
        let low = min(values.min() ?? 0, 0), high = max(values.max() ?? 1, low + 1)
        let left = 56.0, right = 24.0, top = 20.0, bottom = 96.0
        let step = 96.0
        let width = left + right + step * Double(max(points.count - 1, 1))
        let height = 300.0
        let plot = height - top - bottom
        func y(_ v: Double) -> Double { top + plot * (1 - (v - low) / (high - low)) }
        func x(_ i: Int) -> Double { left + step * Double(i) }
        var children: [HTMLNode] = []
        // Axis with a few ticks.
        for k in 0...4 {
            let v = low + (high - low) * Double(k) / 4
            children.append(el("line", [("class", "grid"), ("x1", R.fixed(left - 6, 1)), ("x2", R.fixed(width - right, 1)),
                                        ("y1", R.fixed(y(v), 1)), ("y2", R.fixed(y(v), 1))]))
            children.append(el("text", [("class", "tick"), ("x", R.fixed(left - 10, 1)), ("y", R.fixed(y(v) + 4, 1)), ("text-anchor", "end")],
                               .text(R.fixed(v, 1))))
        }
        if points.count > 1 {
            let d = points.enumerated().map { i, p in (i == 0 ? "M" : "L") + R.fixed(x(i), 1) + "," + R.fixed(y(p.meanScore ?? 0), 1) }.joined(separator: " ")
            children.append(el("path", [("class", "curve"), ("d", d)]))
        }
        for (i, p) in points.enumerated() {
            let v = p.meanScore ?? 0
            children.append(el("g", [("class", "point"), ("data-step", p.id), ("data-value", JSONWriter.plainDecimal(v))],
                               el("title", [], .text(p.name + ": mean " + R.fixed(v, 2) + " over " + R.grouped(p.scoredEvents) + " scored events")),
                               el("circle", [("cx", R.fixed(x(i), 1)), ("cy", R.fixed(y(v), 1)), ("r", "5")]),
                               el("text", [("class", "value"), ("x", R.fixed(x(i), 1)), ("y", R.fixed(y(v) - 10, 1)), ("text-anchor", "middle")],
                                  .text(R.fixed(v, 2))),
                               el("text", [("class", "step-name"), ("x", R.fixed(x(i), 1)), ("y", R.fixed(height - bottom + 18, 1)),
                                           ("text-anchor", "end"), ("transform", "rotate(-35 " + R.fixed(x(i), 1) + " " + R.fixed(height - bottom + 18, 1) + ")")],
                                  .text(p.name))))
        }
        node = el("svg", [("xmlns", "http://www.w3.org/2000/svg"), ("class", "experience"), ("role", "img"),
                          ("viewBox", "0 0 " + R.fixed(width, 0) + " " + R.fixed(height, 0)),
                          ("width", R.fixed(width, 0)), ("height", R.fixed(height, 0)), ("aria-label", "Experience curve")], children: children)
    }
}
