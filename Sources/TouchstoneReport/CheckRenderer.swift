import TouchstoneConformance
import TouchstoneTraces

/// Output formats of `touchstone check`.
public enum CheckFormat: String, Sendable, CaseIterable {
    case text, json, markdown
}

/// The outcome of the nightly thresholds and the baseline, for renderers.
public struct CheckVerdicts: Sendable {
    public var thresholds: [(threshold: Threshold, value: Double, failed: Bool)]
    public var baseline: BaselineComparison?
    public init(thresholds: [(threshold: Threshold, value: Double, failed: Bool)] = [], baseline: BaselineComparison? = nil) {
        self.thresholds = thresholds
        self.baseline = baseline
    }
}

/// Renders a `ConformanceReport`; computes nothing beyond layout.
///
/// Durations: `text` uses `HumanDuration`; `json` gives seconds as decimals. Keys and meanings:
/// docs/check-json.md.
public struct CheckRenderer: Sendable {
    public var format: CheckFormat
    /// Maximum line width of the text format.
    public var width: Int
    /// Undesigned transitions and deviation rows shown in the text format (JSON has all).
    public var textRows: Int

    public init(format: CheckFormat, width: Int = 100, textRows: Int = 15) {
        self.format = format
        self.width = width
        self.textRows = textRows
    }

    /// The whole output, ending in a newline.
    public func render(_ report: ConformanceReport, groupBy: String? = nil, verdicts: CheckVerdicts = CheckVerdicts()) -> String {
        switch format {
        case .text: return text(report, groupBy: groupBy, verdicts: verdicts)
        case .json:
            var w = JSONWriter()
            json(report, groupBy: groupBy, verdicts: verdicts, &w)
            return w.output
        case .markdown: return MarkdownReportRenderer(verdicts: verdicts).render(JourneyReport(report))
        }
    }

    /// Writes the whole output to `sink` in order; JSON is streamed in pieces of about
    /// `JSONWriter.chunkSize` bytes, never held whole in memory.
    public func write(_ report: ConformanceReport, groupBy: String? = nil, verdicts: CheckVerdicts = CheckVerdicts(),
                      to sink: @escaping JSONWriter.Sink) {
        switch format {
        case .text:
            var text = text(report, groupBy: groupBy, verdicts: verdicts)
            text.withUTF8 { sink(UnsafeRawBufferPointer($0)) }
        case .json:
            var w = JSONWriter(sink: sink)
            json(report, groupBy: groupBy, verdicts: verdicts, &w)
            w.flush()
        case .markdown:
            var text = MarkdownReportRenderer(verdicts: verdicts).render(JourneyReport(report))
            text.withUTF8 { sink(UnsafeRawBufferPointer($0)) }
        }
    }

    /// Header of the per-customer CSV (`--per-customer FILE`).
    public static let perCustomerHeader = "customer,fitness,conformant,outcome,deviations"

    /// One per-customer CSV row (with its newline): deviations as `type:detail` joined by `;`,
    /// a `;` inside a detail written as `,`; text fields formula-safe and quoted when needed.
    public static func perCustomerRow(_ v: CustomerVerdict) -> String {
        var deviations = ""
        for (i, d) in v.deviations.enumerated() {
            if i > 0 { deviations += ";" }
            deviations += d.type.name
            deviations += ":"
            deviations += d.detail.utf8.contains(UInt8(ascii: ";")) ? String(d.detail.map { $0 == ";" ? "," : $0 }) : d.detail
        }
        var row = CSVField.text(v.customer)
        row += ","
        row += String(v.fitness)
        row += v.conformant ? ",true," : ",false,"
        row += v.outcome.name
        row += ","
        row += CSVField.text(deviations)
        row += "\n"
        return row
    }

    // MARK: JSON

    func json(_ r: ConformanceReport, groupBy: String?, verdicts: CheckVerdicts, _ w: inout JSONWriter) {
        let s = r.summary
        let f = s.figures
        func seconds(_ micros: Double?) {
            if let micros { w.numberLiteral(DecimalFormat.seconds(micros: micros)) } else { w.null() }
        }
        w.beginObject()
        w.key("journey")
        w.beginObject()
        w.field("name", r.map.name)
        w.field("version", r.map.version)
        w.field("owner", r.map.owner)
        w.endObject()
        // An empty log without --as-of has no end.
        w.field("as_of", s.asOf == 0 && s.lastEvent == nil ? nil : formatTimestamp(s.asOf))
        w.key("in_progress_window_s"); seconds(Double(s.inProgressWindow))
        w.field("first_event", s.firstEvent.map(formatTimestamp))
        w.field("last_event", s.lastEvent.map(formatTimestamp))
        w.field("events", s.events)
        w.field("ignored_events", s.ignoredEvents)
        w.field("customers", f.customers)
        w.field("conformant_customers", f.conformant)
        w.field("conformance_rate", f.conformanceRate)
        w.field("mean_fitness", f.meanFitness)
        w.key("fitness")
        w.beginObject()
        w.field("mean", f.meanFitness)
        w.field("p10", r.fitnessP10)
        w.field("p50", r.fitnessP50)
        w.endObject()
        w.field("completion_rate", f.completionRate)
        if !r.approximate.isEmpty {
            w.key("approximate")
            w.beginArray()
            for a in r.approximate { w.string(a) }
            w.endArray()
        }
        w.key("outcomes")
        w.beginObject()
        for o in Outcome.allCases { w.field(o.name, f.outcome(o)) }
        w.endObject()
        w.key("deviations")
        w.beginObject()
        for t in DeviationType.allCases { w.field(t.name, f.customers(with: t)) }
        w.endObject()
        w.key("key_figures")
        w.beginObject()
        for (name, value) in s.keyFigures { w.field(name, value) }
        w.endObject()
        w.key("deviations_by_step")
        w.beginArray()
        for d in r.deviations {
            w.beginObject()
            w.field("type", d.deviation.type.name)
            w.field("detail", d.deviation.detail)
            w.field("events", d.events)
            w.field("customers", d.customers)
            w.field("share", d.share)
            w.endObject()
        }
        w.endArray()
        func transitions(_ key: String, _ list: [ConformanceReport.Transition]) {
            w.key(key)
            w.beginArray()
            for t in list {
                w.beginObject()
                w.field("from", t.from)
                w.field("to", t.to)
                w.field("count", t.count)
                w.field("customers", t.customers)
                w.key("median_s"); seconds(t.median)
                w.key("p90_s"); seconds(t.p90)
                w.field("direct", t.direct)
                w.endObject()
            }
            w.endArray()
        }
        transitions("designed_transitions", r.designedTransitions)
        transitions("undesigned_transitions", r.undesignedTransitions)
        w.key("funnel")
        w.beginArray()
        for stage in r.funnel {
            w.beginObject()
            w.field("stage", stage.id)
            w.field("name", stage.name)
            w.field("customers", stage.customers)
            w.field("share", stage.share)
            w.field("dropped_out", stage.droppedOut)
            w.endObject()
        }
        w.endArray()
        w.key("moments_of_truth")
        w.beginArray()
        for m in r.moments {
            w.beginObject()
            w.field("step", m.step)
            w.field("reached", m.reached)
            w.field("reached_completed", m.reachedCompleted)
            w.field("completion_if_reached", m.completionIfReached)
            w.field("not_reached", m.notReached)
            w.field("not_reached_completed", m.notReachedCompleted)
            w.field("completion_if_not_reached", m.completionIfNotReached)
            w.endObject()
        }
        w.endArray()
        w.key("timing")
        w.beginArray()
        for t in r.timing {
            w.beginObject()
            w.field("step", t.step)
            w.field("stage", t.stage)
            w.field("events", t.events)
            w.field("customers", t.customers)
            w.key("median_s"); seconds(t.median)
            w.key("p90_s"); seconds(t.p90)
            w.key("within_s"); seconds(t.within.map(Double.init))
            w.field("over_limit", t.overLimit)
            w.endObject()
        }
        w.endArray()
        w.key("groups")
        if let groupBy {
            w.beginObject()
            w.field("by", groupBy)
            w.key("values")
            w.beginArray()
            for (value, g) in r.groups {
                w.beginObject()
                w.field("value", value)
                w.field("customers", g.customers)
                w.field("conformant_customers", g.conformant)
                w.field("conformance_rate", g.conformanceRate)
                w.field("mean_fitness", g.meanFitness)
                w.field("completion_rate", g.completionRate)
                w.key("outcomes")
                w.beginObject()
                for o in Outcome.allCases { w.field(o.name, g.outcome(o)) }
                w.endObject()
                w.key("deviations")
                w.beginObject()
                for t in DeviationType.allCases { w.field(t.name, g.customers(with: t)) }
                w.endObject()
                w.endObject()
            }
            w.endArray()
            w.endObject()
        } else {
            w.null()
        }
        w.key("thresholds")
        w.beginArray()
        for t in verdicts.thresholds {
            w.beginObject()
            w.field("figure", t.threshold.figure)
            w.field("direction", t.threshold.direction == .under ? "under" : "over")
            w.field("limit", t.threshold.limit)
            w.field("value", t.value)
            w.field("failed", t.failed)
            w.endObject()
        }
        w.endArray()
        w.key("baseline")
        if let b = verdicts.baseline {
            w.beginArray()
            for c in b.changes {
                w.beginObject()
                w.field("figure", c.figure)
                w.field("previous", c.previous)
                w.field("current", c.current)
                w.field("change", c.delta)
                w.field("regression", c.isRegression)
                w.endObject()
            }
            w.endArray()
        } else {
            w.null()
        }
        w.endObject()
    }

    // MARK: Text

    func text(_ r: ConformanceReport, groupBy: String?, verdicts: CheckVerdicts) -> String {
        let s = r.summary
        let f = s.figures
        var lines: [String] = []
        func name(_ text: String) -> String { singleLine(text) }
        func line(_ text: String) { lines.append(truncate(singleLine(text), width)) }
        func pct(_ v: Double) -> String { DecimalFormat.percent(v) }
        func fixed(_ v: Double?) -> String {
            guard let v, v.isFinite else { return "-" }
            guard abs(v) < 1e12 else { return String(v) }
            let thousandths = Int64((v * 1000).rounded(.toNearestOrAwayFromZero))
            let frac = String(abs(thousandths % 1000))
            return "\(thousandths / 1000).\(String(repeating: "0", count: 3 - frac.count))\(frac)"
        }
        var title = "Conformance of \(r.map.name)"
        if let v = r.map.version { title += " (version \(v))" }
        line(title)
        let period = (s.firstEvent.map(formatTimestamp) ?? "-") + " … " + (s.lastEvent.map(formatTimestamp) ?? "-")
        line("Customers: \(f.customers)   Events: \(s.events) (+\(s.ignoredEvents) ignored)")
        line("Period: \(period)   As of: \(formatTimestamp(s.asOf))")
        line("Conformant: \(f.conformant) (\(pct(f.conformanceRate)))   Mean fitness: \(fixed(f.meanFitness))   p10: \(fixed(r.fitnessP10))   p50: \(fixed(r.fitnessP50))")
        line("Outcomes: completed \(f.outcome(.completed)) (\(pct(f.completionRate))), in progress \(f.outcome(.inProgress)), dropped out \(f.outcome(.droppedOut))")
        for a in r.approximate { line("Approximate: \(a)") }

        lines.append("")
        lines.append("Deviations (customers with each type)")
        var types = TextTable([
            .init(title: "Type", alignment: .left, flexible: false), .init(title: "Customers", alignment: .right, flexible: false),
            .init(title: "Share", alignment: .right, flexible: false),
        ])
        for t in DeviationType.allCases { types.add([t.name, String(f.customers(with: t)), pct(f.share(of: t))]) }
        lines += types.render(width: width)

        lines.append("")
        let shownDeviations = r.deviations.prefix(textRows)
        lines.append("Deviations by step (\(shownDeviations.count) shown of \(r.deviations.count), most customers first)")
        var byStep = TextTable([
            .init(title: "Type", alignment: .left, flexible: false), .init(title: "Step or detail", alignment: .left, flexible: true),
            .init(title: "Events", alignment: .right, flexible: false), .init(title: "Customers", alignment: .right, flexible: false),
            .init(title: "Share", alignment: .right, flexible: false),
        ])
        for d in r.deviations.sorted(by: { $0.customers != $1.customers ? $0.customers > $1.customers : $0.deviation < $1.deviation }).prefix(textRows) {
            byStep.add([d.deviation.type.name, name(d.deviation.detail), String(d.events), String(d.customers), pct(d.share)])
        }
        lines += byStep.render(width: width)

        lines.append("")
        lines.append("Funnel (customers reaching each designed stage)")
        var funnel = TextTable([
            .init(title: "Stage", alignment: .left, flexible: true), .init(title: "Customers", alignment: .right, flexible: false),
            .init(title: "Share", alignment: .right, flexible: false), .init(title: "Dropped out here", alignment: .right, flexible: false),
        ])
        for stage in r.funnel { funnel.add([name(stage.name), String(stage.customers), pct(stage.share), String(stage.droppedOut)]) }
        lines += funnel.render(width: width)

        lines.append("")
        let never = r.designedTransitions.filter { $0.count == 0 }.count
        lines.append("Designed transitions (\(r.designedTransitions.count), \(never) never taken)")
        var designed = TextTable([
            .init(title: "From", alignment: .left, flexible: true), .init(title: "To", alignment: .left, flexible: true),
            .init(title: "Count", alignment: .right, flexible: false), .init(title: "Customers", alignment: .right, flexible: false),
            .init(title: "Median", alignment: .right, flexible: false), .init(title: "P90", alignment: .right, flexible: false),
        ])
        for t in r.designedTransitions {
            designed.add([name(t.from) + (t.direct ? "" : " (via optional)"), name(t.to), t.count == 0 ? "never" : String(t.count), String(t.customers),
                          HumanDuration.format(micros: t.median), HumanDuration.format(micros: t.p90)])
        }
        lines += designed.render(width: width)

        lines.append("")
        let shownUndesigned = r.undesignedTransitions.prefix(textRows)
        lines.append("Undesigned transitions taken (\(shownUndesigned.count) shown of \(r.undesignedTransitions.count), most frequent first)")
        var undesigned = TextTable([
            .init(title: "From", alignment: .left, flexible: true), .init(title: "To", alignment: .left, flexible: true),
            .init(title: "Count", alignment: .right, flexible: false), .init(title: "Customers", alignment: .right, flexible: false),
            .init(title: "Median", alignment: .right, flexible: false),
        ])
        for t in shownUndesigned {
            undesigned.add([name(t.from), name(t.to), String(t.count), String(t.customers), HumanDuration.format(micros: t.median)])
        }
        lines += undesigned.render(width: width)

        if !r.moments.isEmpty {
            lines.append("")
            lines.append("Moments of truth (completion of those who reach it vs. those who don't)")
            var moments = TextTable([
                .init(title: "Step", alignment: .left, flexible: true), .init(title: "Reached", alignment: .right, flexible: false),
                .init(title: "Completed if reached", alignment: .right, flexible: false),
                .init(title: "Completed if not", alignment: .right, flexible: false),
            ])
            for m in r.moments {
                moments.add([name(m.step), String(m.reached), m.completionIfReached.map(pct) ?? "-", m.completionIfNotReached.map(pct) ?? "-"])
            }
            lines += moments.render(width: width)
        }

        let limited = r.timing.filter { $0.within != nil }
        if !limited.isEmpty {
            lines.append("")
            lines.append("Timing against `within` limits (time since the previous mapped event)")
            var timing = TextTable([
                .init(title: "Step", alignment: .left, flexible: true), .init(title: "Limit", alignment: .right, flexible: false),
                .init(title: "Median", alignment: .right, flexible: false), .init(title: "P90", alignment: .right, flexible: false),
                .init(title: "Over limit", alignment: .right, flexible: false),
            ])
            for t in limited {
                timing.add([name(t.step), t.within.map { DurationText.format(micros: $0) } ?? "-", HumanDuration.format(micros: t.median),
                             HumanDuration.format(micros: t.p90), String(t.overLimit)])
            }
            lines += timing.render(width: width)
        }

        if let groupBy {
            lines.append("")
            lines.append("By \(name(groupBy))")
            var groups = TextTable([
                .init(title: "Value", alignment: .left, flexible: true), .init(title: "Customers", alignment: .right, flexible: false),
                .init(title: "Conformance", alignment: .right, flexible: false), .init(title: "Mean fitness", alignment: .right, flexible: false),
                .init(title: "Completed", alignment: .right, flexible: false), .init(title: "Dropped out", alignment: .right, flexible: false),
            ])
            for (value, g) in r.groups {
                groups.add([name(value), String(g.customers), pct(g.conformanceRate), fixed(g.meanFitness), pct(g.completionRate),
                            String(g.outcome(.droppedOut))])
            }
            lines += groups.render(width: width)
        }

        if let b = verdicts.baseline {
            lines.append("")
            lines.append("Change since the baseline")
            var changes = TextTable([
                .init(title: "Figure", alignment: .left, flexible: false), .init(title: "Before", alignment: .right, flexible: false),
                .init(title: "Now", alignment: .right, flexible: false), .init(title: "Change", alignment: .right, flexible: false),
                .init(title: "", alignment: .left, flexible: false),
            ])
            for c in b.changes {
                let isCount = c.figure == "customers"
                let show: (Double) -> String = isCount ? { abs($0) < 1e15 ? String(Int64($0)) : String($0) } : { fixed($0) }
                changes.add([c.figure, show(c.previous), show(c.current), (c.delta >= 0 ? "+" : "") + show(c.delta), c.isRegression ? "regression" : ""])
            }
            lines += changes.render(width: width)
        }

        if !verdicts.thresholds.isEmpty {
            lines.append("")
            lines.append("Thresholds")
            for t in verdicts.thresholds {
                lines.append("  \(t.failed ? "FAILED" : "ok    ")  \(t.threshold.description): \(fixed(t.value))")
            }
        }
        return TerminalText.escaped(lines.joined(separator: "\n") + "\n", keepingLineFeeds: true)
    }
}
