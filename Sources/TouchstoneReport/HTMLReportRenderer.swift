import TouchstoneConformance
import TouchstoneTraces

/// Renders a `JourneyReport` as one self-contained HTML page (docs/report.md): inline CSS, an
/// inline SVG journey graph laid out by `LayeredLayout`, two tiny inline scripts, no external
/// resources. Formats values and computes nothing; every string from the log or the map goes
/// through `HTMLNode.text`, attributes or `.json`, so it is escaped by construction. The same
/// report gives the same bytes.
public struct HTMLReportRenderer: Sendable {
    /// The `--by` attribute, when given.
    public var groupBy: String?
    /// The `--score` attribute, when given.
    public var score: String?
    public var verdicts: CheckVerdicts

    public init(groupBy: String? = nil, score: String? = nil, verdicts: CheckVerdicts = CheckVerdicts()) {
        self.groupBy = groupBy
        self.score = score
        self.verdicts = verdicts
    }

    /// Section ids, in page order (`experience` only with a score, `segments` only with `--by`).
    public static let sectionIDs = ["summary", "matrix", "graph", "funnel", "deviations", "variants", "timing", "moments", "experience", "segments"]

    /// Cards shown per matrix cell before the rest are folded away.
    public static let cardsPerCell = 4

    /// The conformance colour scale: lower bounds of the five classes `c0`…`c4`.
    public static let scale: [Double] = [0, 0.5, 0.7, 0.85, 0.95]

    /// The colour class of a conformance rate.
    public static func colourClass(_ rate: Double?) -> String {
        guard let rate else { return "cn" }
        var c = 0
        for (i, bound) in scale.enumerated() where rate >= bound { c = i }
        return "c\(c)"
    }

    public func render(_ j: JourneyReport) -> String {
        let r = j.report
        var title = "Journey report: " + r.map.name
        if let v = r.map.version { title += " (version " + v + ")" }
        let page = HTMLNode.group([
            .trusted("<!DOCTYPE html>\n"),
            el("html", [("xmlns", "http://www.w3.org/1999/xhtml"), ("lang", "en"), ("data-js-errors", "0")],
               el("head", [],
                  el("meta", [("charset", "utf-8")]),
                  el("meta", [("name", "viewport"), ("content", "width=device-width, initial-scale=1")]),
                  el("meta", [("name", "generator"), ("content", "touchstone report")]),
                  el("title", [], .text(title)),
                  el("script", [], .trusted(HTMLReportAssets.errorRecorder)),
                  el("style", [], .trusted(HTMLReportAssets.css))),
               el("body", children: [
                   header(j),
                   el("main", children: sections(j)),
                   el("footer", [],
                      el("p", [], .text("Made by touchstone report. Every figure is defined in docs/report.md; the same log and map give the same page."))),
                   el("script", [("type", "application/json"), ("id", "touchstone-data")], .json(data(j))),
                   el("script", [], .trusted(HTMLReportAssets.afterLoad)),
               ])),
            .trusted("\n"),
        ])
        return page.rendered
    }

    // MARK: Formatting

    static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(ch)
        }
        return n < 0 ? "-" + out : out
    }

    static func pct(_ v: Double?) -> String { v.map { DecimalFormat.percent($0) } ?? "–" }

    static func fixed(_ v: Double?, _ decimals: Int = 3) -> String {
        guard let v, v.isFinite, abs(v) < 1e12 else { return "–" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let n = Int64((v * scale).rounded(.toNearestOrAwayFromZero))
        let whole = n.magnitude / UInt64(scale)
        if decimals == 0 { return (n < 0 ? "-" : "") + "\(whole)" }
        var frac = String(n.magnitude % UInt64(scale))
        frac = String(repeating: "0", count: decimals - frac.count) + frac
        return (n < 0 ? "-" : "") + "\(whole)" + (decimals > 0 ? "." + frac : "")
    }

    static func duration(_ micros: Double?) -> String { micros == nil ? "–" : HumanDuration.format(micros: micros) }

    // MARK: Header

    func header(_ j: JourneyReport) -> HTMLNode {
        let r = j.report, s = r.summary, f = s.figures
        var meta: [String] = []
        if let owner = r.map.owner { meta.append("Owner: " + owner) }
        let period = (s.firstEvent.map(formatTimestamp) ?? "–") + " – " + (s.lastEvent.map(formatTimestamp) ?? "–")
        meta.append("Period: " + period)
        meta.append("Outcomes as of " + (s.asOf == 0 && s.lastEvent == nil ? "–" : formatTimestamp(s.asOf)))
        for a in r.approximate { meta.append("Approximate: " + a) }
        let changes = Dictionary((verdicts.baseline?.changes ?? []).map { ($0.figure, $0) }, uniquingKeysWith: { a, _ in a })
        func kpi(_ id: String, _ label: String, _ value: String, raw: String, sub: String, figure: String?) -> HTMLNode {
            var children: [HTMLNode] = [
                el("div", [("class", "kpi-label")], .text(label)),
                el("div", [("class", "kpi-value"), ("id", "kf-" + id), ("data-value", raw)], .text(value)),
                el("div", [("class", "kpi-sub")], .text(sub)),
            ]
            if let figure, let c = changes[figure] {
                let isCount = figure == "customers"
                let delta = isCount ? (c.delta >= 0 ? "+" : "") + HTMLReportRenderer.grouped(Int(c.delta.rounded()))
                    : (c.delta >= 0 ? "+" : "−") + HTMLReportRenderer.fixed(abs(c.delta) * 100, 1) + " pts"
                let cls = c.isRegression ? "delta worse" : (c.delta == 0 || isCount ? "delta same" : "delta better")
                children.append(el("div", [("class", cls), ("id", "kf-" + id + "-change"), ("data-value", JSONWriter.plainDecimal(c.delta))],
                                   .text(delta + " since the baseline")))
            }
            return el("div", [("class", "kpi")], children: children)
        }
        let kpis = el("div", [("class", "kpis")],
                      kpi("customers", "Customers", Self.grouped(f.customers), raw: String(f.customers),
                          sub: Self.grouped(f.outcome(.inProgress)) + " in progress", figure: "customers"),
                      kpi("events", "Events", Self.grouped(s.events), raw: String(s.events),
                          sub: Self.grouped(s.ignoredEvents) + " ignored by the map", figure: nil),
                      kpi("conformance", "Conformance", Self.pct(f.conformanceRate), raw: JSONWriter.plainDecimal(f.conformanceRate),
                          sub: Self.grouped(f.conformant) + " customers follow the design", figure: "conformance"),
                      kpi("fitness", "Mean fitness", Self.fixed(f.meanFitness), raw: JSONWriter.plainDecimal(f.meanFitness),
                          sub: "median " + Self.fixed(r.fitnessP50) + ", p10 " + Self.fixed(r.fitnessP10), figure: "fitness"),
                      kpi("completion", "Completion", Self.pct(f.completionRate), raw: JSONWriter.plainDecimal(f.completionRate),
                          sub: Self.grouped(f.outcome(.completed)) + " reached a goal, " + Self.grouped(f.outcome(.droppedOut)) + " dropped out",
                          figure: "completion"))
        var nav: [HTMLNode] = []
        let names = ["matrix": "Matrix", "graph": "Journey graph", "funnel": "Funnel", "deviations": "Deviations", "variants": "Variants",
                     "timing": "Timing", "moments": "Moments of truth", "experience": "Experience", "segments": "Segments"]
        for id in Self.sectionIDs.dropFirst() where present(id, j) {
            nav.append(el("a", [("href", "#" + id)], .text(names[id] ?? id)))
        }
        var thresholdNodes: [HTMLNode] = []
        if !verdicts.thresholds.isEmpty {
            thresholdNodes.append(el("ul", [("class", "thresholds")], children: verdicts.thresholds.map { t in
                el("li", [("class", t.failed ? "failed" : "ok")],
                   .text((t.failed ? "Failed: " : "Met: ") + t.threshold.description + " (is " + Self.fixed(t.value) + ")"))
            }))
        }
        return el("header", [("id", "summary"), ("class", "top")], children: [
            el("div", [("class", "eyebrow")], .text("Touchstone · designed vs. real customer journey")),
            el("h1", [], .text(r.map.name), r.map.version.map { el("span", [("class", "version")], .text("version " + $0)) } ?? .group([])),
            r.map.description.map { el("p", [("class", "lead")], .text($0)) } ?? .group([]),
            el("p", [("class", "meta")], .text(meta.joined(separator: " · "))),
            kpis,
            .group(thresholdNodes),
            el("nav", [], children: nav),
        ])
    }

    func present(_ id: String, _ j: JourneyReport) -> Bool {
        switch id {
        case "experience": return score != nil
        case "segments": return groupBy != nil
        default: return true
        }
    }

    func sections(_ j: JourneyReport) -> [HTMLNode] {
        var list = [matrix(j), graph(j), funnel(j), deviations(j), variants(j), timing(j), moments(j)]
        if score != nil { list.append(experience(j)) }
        if groupBy != nil { list.append(segments(j)) }
        return list
    }

    func section(_ id: String, _ title: String, _ intro: String, _ children: [HTMLNode]) -> HTMLNode {
        el("section", [("id", id)], children: [el("h2", [], .text(title)), el("p", [("class", "intro")], .text(intro))] + children)
    }

    static func legend() -> HTMLNode {
        let labels = ["below 50%", "50–70%", "70–85%", "85–95%", "95% and more"]
        return el("div", [("class", "legend")], children: [el("span", [("class", "legend-title")], .text("Conformance of the customers passing:"))]
            + labels.enumerated().map { i, label in el("span", [("class", "swatch c\(i)")], .text(label)) })
    }

    // MARK: Matrix

    func card(_ c: JourneyReport.Card, stepName: String?) -> HTMLNode {
        var children: [HTMLNode] = [el("div", [("class", "card-title")], .text(c.touchpoint))]
        if let stepName, stepName != c.touchpoint { children.append(el("div", [("class", "card-step")], .text("step " + stepName))) }
        children.append(el("div", [("class", "card-figures")],
                           el("span", [("class", "card-volume")], .text(Self.grouped(c.events))), .text(" events · " + Self.grouped(c.customers) + " cust.")))
        children.append(el("div", [("class", "card-rate")], .text(Self.pct(c.conformanceRate) + " conformant")))
        let tip = c.touchpoint + (c.channel.isEmpty ? "" : " on " + c.channel) + ": " + Self.grouped(c.events) + " events, "
            + Self.grouped(c.customers) + " customers, " + Self.grouped(c.conformant) + " of them conformant (" + Self.pct(c.conformanceRate) + ")"
        return el("div", [("class", "card " + Self.colourClass(c.conformanceRate)), ("title", tip)], children: children)
    }

    func matrix(_ j: JourneyReport) -> HTMLNode {
        let map = j.report.map
        let m = j.matrix
        // A step's own name when the map gives one (not just its id).
        let stepNames = Dictionary(map.steps.filter { $0.name != $0.id }.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let head = el("thead", [], el("tr", [], children: [el("th", [("class", "corner")], .text("Channel \\ stage"))]
            + map.stages.map { el("th", [], .text($0.name)) }))
        var rows: [HTMLNode] = []
        for (r, channel) in m.channels.enumerated() {
            let label = channel.isEmpty ? "(no channel column)" : channel
            rows.append(el("tr", [], children: [el("th", [("class", "channel")], .text(label))] + m.cells[r].map { cards in
                // The busiest cards; the rest folded (a native <details>, no script).
                let shown = cards.prefix(Self.cardsPerCell).map { card($0, stepName: $0.step.flatMap { stepNames[$0] }) }
                let rest = cards.dropFirst(Self.cardsPerCell)
                guard !rest.isEmpty else { return el("td", [], children: shown) }
                let events = rest.reduce(0) { $0 + $1.events }
                let more = el("details", [("class", "more")],
                              el("summary", [], .text("+\(rest.count) more touchpoint\(rest.count == 1 ? "" : "s") (\(Self.grouped(events)) events)")),
                              .group(rest.map { card($0, stepName: $0.step.flatMap { stepNames[$0] }) }))
                return el("td", [], children: shown + [more])
            }))
        }
        var children: [HTMLNode] = [Self.legend(), el("div", [("class", "matrix-wrap")], el("table", [("class", "matrix")], head, el("tbody", [], children: rows)))]
        if m.undesigned.isEmpty {
            children.append(el("p", [("class", "note")], .text("Every touchpoint in the log is part of the design.")))
        } else {
            children.append(el("h3", [], .text("Touchpoints the design does not have (\(m.undesigned.count))")))
            children.append(el("div", [("class", "undesigned-cards")], children: m.undesigned.map { c in
                card(c, stepName: nil)
            }))
        }
        return section("matrix", "Journey matrix",
                       "Stages of the designed journey as columns, channels as rows; each card is a touchpoint with its events, the customers who had it, and how many of those customers followed the design end to end.",
                       children)
    }

    // MARK: Graph

    func graph(_ j: JourneyReport) -> HTMLNode {
        let svg = JourneyGraphSVG(j).node
        let legend = el("div", [("class", "graph-legend")],
                        el("span", [("class", "line designed")], .text("designed, taken")),
                        el("span", [("class", "line rare")], .text("designed, taken fewer than \(Self.grouped(j.rareBelow)) times")),
                        el("span", [("class", "line undesigned")], .text("taken, not designed")),
                        el("span", [("class", "line start")], .text("where journeys start")))
        var notes: [HTMLNode] = [legend, el("div", [("class", "graph-wrap")], svg)]
        if j.prunedEdges > 0 {
            notes.append(el("p", [("class", "note")], .text("\(Self.grouped(j.prunedEdges)) undesigned transitions taken fewer times than --min-frequency are not drawn.")))
        }
        return section("graph", "Designed vs. real journey",
                       "Steps left to right by stage. Line width grows with how often a transition is taken; hover a line or a step for counts and median times.",
                       notes)
    }

    // MARK: Funnel

    func funnel(_ j: JourneyReport) -> HTMLNode {
        let r = j.report
        let customers = r.summary.figures.customers
        var rows: [HTMLNode] = []
        for stage in r.funnel {
            let width = customers == 0 ? 0 : Double(stage.customers) / Double(customers) * 100
            let dropped = customers == 0 ? 0 : Double(stage.droppedOut) / Double(customers) * 100
            rows.append(el("div", [("class", "funnel-row"), ("data-stage", stage.id)],
                           el("div", [("class", "funnel-label")], .text(stage.name)),
                           el("div", [("class", "funnel-track")],
                              el("div", [("class", "funnel-bar"), ("style", "width:" + Self.fixed(width, 2) + "%")]),
                              el("div", [("class", "funnel-drop"), ("style", "width:" + Self.fixed(dropped, 2) + "%")])),
                           el("div", [("class", "funnel-figures")],
                              el("strong", [], .text(Self.grouped(stage.customers))), .text(" reached (" + Self.pct(stage.share) + ")"),
                              el("span", [("class", "drop-text")], .text(" · " + Self.grouped(stage.droppedOut) + " dropped out here")))))
        }
        return section("funnel", "Funnel",
                       "Customers with an event in each designed stage, and the dropped-out customers whose last mapped step lies in it (red).",
                       [el("div", [("class", "funnel")], children: rows)])
    }

    // MARK: Deviations and variants

    func deviations(_ j: JourneyReport) -> HTMLNode {
        let shown = j.deviations.prefix(25)
        let head = el("thead", [], el("tr", [], el("th", [], .text("Type")), el("th", [], .text("Step or detail")),
                                      el("th", [("class", "num")], .text("Customers")), el("th", [("class", "num")], .text("Share")),
                                      el("th", [("class", "num")], .text("Events")), el("th", [], .text("Example customers"))))
        let rows = shown.map { d in
            el("tr", [],
               el("td", [], el("span", [("class", "tag t-" + d.deviation.type.name)], .text(d.deviation.type.name))),
               el("td", [], .text(d.deviation.detail)),
               el("td", [("class", "num")], .text(Self.grouped(d.customers))),
               el("td", [("class", "num")], el("span", [("class", "sharebar"), ("style", "width:" + Self.fixed(min(d.share, 1) * 60, 1) + "px")]), .text(Self.pct(d.share))),
               el("td", [("class", "num")], .text(Self.grouped(d.events))),
               el("td", [("class", "ids")], .text(d.examples.joined(separator: ", "))))
        }
        var children: [HTMLNode] = []
        if j.deviations.isEmpty {
            children.append(el("p", [("class", "note")], .text("No deviations: every customer followed the design.")))
        } else {
            children.append(el("table", [("class", "data")], head, el("tbody", [], children: Array(rows))))
            if j.deviations.count > shown.count {
                children.append(el("p", [("class", "note")], .text("\(shown.count) of \(j.deviations.count) deviations shown; `check --format json` lists all.")))
            }
        }
        return section("deviations", "Deviations",
                       "Where journeys leave the design, ranked by the customers affected. Share is of all checked customers; examples are the customer ids that sort first.",
                       children)
    }

    func variants(_ j: JourneyReport) -> HTMLNode {
        let head = el("thead", [], el("tr", [], el("th", [("class", "num")], .text("#")), el("th", [], .text("Touchpoints in order")),
                                      el("th", [("class", "num")], .text("Customers")), el("th", [("class", "num")], .text("Share")),
                                      el("th", [("class", "num")], .text("Conformant")), el("th", [("class", "num")], .text("Fitness"))))
        let rows = j.topVariants.enumerated().map { i, v in
            el("tr", [],
               el("td", [("class", "num")], .text(String(i + 1))),
               el("td", [("class", "sequence")], children: v.touchpoints.enumerated().map { k, t in
                   .group([k > 0 ? el("span", [("class", "arrow")], .text(" → ")) : .group([]), el("span", [("class", "step-chip")], .text(t))])
               }),
               el("td", [("class", "num")], .text(Self.grouped(v.customers))),
               el("td", [("class", "num")], .text(Self.pct(v.share))),
               el("td", [("class", "num " + Self.colourClass(v.conformanceRate))], .text(Self.pct(v.conformanceRate))),
               el("td", [("class", "num")], .text(Self.fixed(v.fitness))))
        }
        return section("variants", "Top variants",
                       "The most common touchpoint sequences (\(Self.grouped(j.variantCount)) distinct), with the share of their customers who conform.",
                       [el("table", [("class", "data")], head, el("tbody", [], children: rows))])
    }

    // MARK: Timing

    func timing(_ j: JourneyReport) -> HTMLNode {
        let r = j.report
        let head = el("thead", [], el("tr", [], el("th", [], .text("Step")), el("th", [], .text("Stage")),
                                      el("th", [("class", "num")], .text("Events")), el("th", [("class", "num")], .text("Median")),
                                      el("th", [("class", "num")], .text("p90")), el("th", [("class", "num")], .text("Limit (within)")),
                                      el("th", [("class", "num")], .text("Over limit"))))
        let stageNames = Dictionary(r.map.stages.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let stepNames = Dictionary(r.map.steps.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let rows = r.timing.map { t in
            let over = t.within.map { limit in (t.p90 ?? 0) > Double(limit) } ?? false
            return el("tr", [("class", over ? "over" : "")],
                      el("td", [], .text(stepNames[t.step] ?? t.step)),
                      el("td", [], .text(stageNames[t.stage] ?? t.stage)),
                      el("td", [("class", "num")], .text(Self.grouped(t.events))),
                      el("td", [("class", "num")], .text(Self.duration(t.median))),
                      el("td", [("class", "num")], .text(Self.duration(t.p90))),
                      el("td", [("class", "num")], .text(t.within.map { DurationText.format(micros: $0) } ?? "–")),
                      el("td", [("class", "num")], .text(t.within == nil ? "–" : Self.grouped(t.overLimit) + " (" + Self.pct(t.events == 0 ? 0 : Double(t.overLimit) / Double(t.events)) + ")")))
        }
        return section("timing", "Timing",
                       "Time from the previous mapped event to each step's events: median and 90th percentile against the map's `within` limit. Rows whose p90 exceeds the limit are marked.",
                       [el("table", [("class", "data")], head, el("tbody", [], children: rows))])
    }

    // MARK: Moments of truth

    func moments(_ j: JourneyReport) -> HTMLNode {
        let r = j.report
        let stepNames = Dictionary(r.map.steps.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        guard !r.moments.isEmpty else {
            return section("moments", "Moments of truth", "The map marks no step as a moment of truth (`moment_of_truth: true`).", [])
        }
        let cards = r.moments.map { m in
            el("div", [("class", "moment")],
               el("div", [("class", "moment-title")], .text(stepNames[m.step] ?? m.step)),
               el("div", [("class", "moment-reached")], .text(Self.grouped(m.reached) + " customers reached it")),
               el("div", [("class", "compare")],
                  el("div", [],
                     el("div", [("class", "big " + Self.colourClass(m.completionIfReached))], .text(Self.pct(m.completionIfReached))),
                     el("div", [("class", "small")], .text("completed when reached (\(Self.grouped(m.reachedCompleted)) of \(Self.grouped(m.reached)))"))),
                  el("div", [],
                     el("div", [("class", "big " + Self.colourClass(m.completionIfNotReached))], .text(Self.pct(m.completionIfNotReached))),
                     el("div", [("class", "small")], .text("completed when not (\(Self.grouped(m.notReachedCompleted)) of \(Self.grouped(m.notReached)))")))))
        }
        return section("moments", "Moments of truth",
                       "Steps the map marks as moments of truth: how many customers reach them, and how often those who do and those who don't complete the journey.",
                       [el("div", [("class", "moments")], children: cards)])
    }

    // MARK: Experience curve

    func experience(_ j: JourneyReport) -> HTMLNode {
        let name = score ?? "score"
        guard j.hasScores else {
            return section("experience", "Experience curve (" + name + ")", "No event of a designed step carries a numeric " + name + " value.", [])
        }
        return section("experience", "Experience curve (" + name + ")",
                       "Mean " + name + " on the events of each designed step, along the journey in map order; steps without scored events are left out.",
                       [el("div", [("class", "graph-wrap")], ExperienceCurveSVG(j).node)])
    }

    // MARK: Segments

    func segments(_ j: JourneyReport) -> HTMLNode {
        let r = j.report
        let head = el("thead", [], el("tr", [], el("th", [], .text(groupBy ?? "value")), el("th", [("class", "num")], .text("Customers")),
                                      el("th", [("class", "num")], .text("Conformance")), el("th", [("class", "num")], .text("Mean fitness")),
                                      el("th", [("class", "num")], .text("Completion")), el("th", [("class", "num")], .text("Dropped out"))))
        let rows = r.groups.map { value, g in
            el("tr", [],
               el("td", [], .text(value.isEmpty ? "(empty)" : value)),
               el("td", [("class", "num")], .text(Self.grouped(g.customers))),
               el("td", [("class", "num " + Self.colourClass(g.conformanceRate))], .text(Self.pct(g.conformanceRate))),
               el("td", [("class", "num")], .text(Self.fixed(g.meanFitness))),
               el("td", [("class", "num")], .text(Self.pct(g.completionRate))),
               el("td", [("class", "num")], .text(Self.grouped(g.outcome(.droppedOut)))))
        }
        return section("segments", "Segments by " + (groupBy ?? "value"),
                       "The key figures per value of " + (groupBy ?? "the attribute") + " on each customer's first event.",
                       [el("table", [("class", "data")], head, el("tbody", [], children: rows))])
    }

    // MARK: Embedded data

    /// The key figures and per-step figures as JSON, for scripts and tests reading the page.
    func data(_ j: JourneyReport) -> String {
        let r = j.report, s = r.summary, f = s.figures
        var w = JSONWriter(indent: 0)
        w.beginObject()
        w.field("journey", r.map.name)
        w.field("version", r.map.version)
        w.key("key_figures")
        w.beginObject()
        for (name, value) in s.keyFigures { w.field(name, value) }
        w.field("events", s.events)
        w.endObject()
        w.field("conformant_customers", f.conformant)
        w.key("steps")
        w.beginArray()
        for step in j.steps {
            w.beginObject()
            w.field("id", step.id)
            w.field("name", step.name)
            w.field("customers", step.customers)
            w.field("conformant", step.conformant)
            w.field("mean_score", step.meanScore)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.output
    }
}
