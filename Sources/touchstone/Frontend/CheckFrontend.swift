import ArgumentParser
import Foundation
import TouchstoneConformance
import TouchstoneIngest
import TouchstoneReport

/// What `touchstone check` was asked to do, after argument parsing.
struct CheckRequest {
    var mapPath: String
    var format: CheckFormat = .text
    var output: String?
    var perCustomer: String?
    var options = CheckOptions()
    var thresholds: [Threshold] = []
    var baseline: String?
    var failOnRegression = false
    /// `check --html FILE`: also write the HTML report.
    var html: String?
    /// `touchstone report`: the HTML report is the result (to `output`).
    var reportOnly = false
    var minFrequency = 1
    /// `--from-summary FILE`: check a merged summary instead of a log.
    var fromSummary: String?
    /// Whether `--in-progress-window` was given (a summary's own window is used otherwise).
    var windowGiven = false
}

/// Orchestrates a check: map, log, checker, renderers, thresholds. No loop over data here.
enum CheckFrontend {
    static func run(_ request: CheckRequest, ingest: IngestArguments) throws {
        try OutputPlan.verify(inputs: ingest.inputs + [request.mapPath] + (request.baseline.map { [$0] } ?? []) + (request.fromSummary.map { [$0] } ?? []),
                              outputs: [("--output", request.output), ("--per-customer", request.perCustomer), ("--html", request.html),
                                         ("--rejects", ingest.rejects)])
        let (map, fingerprint) = try MapLoader.loadWithFingerprint(path: request.mapPath)
        let previous = try request.baseline.map(readBaseline)
        var request = request
        request.options.reportDetails = request.reportOnly || request.html != nil || request.format == .markdown
        // The page and the Markdown summary list the top variants only: no need to name the rest.
        if request.options.reportDetails { request.options.variantLimit = JourneyReport.defaultTopVariants }
        var rows: [(key: [UInt8], line: String)] = []
        let summary: ConformanceSummary
        if let path = request.fromSummary {
            if request.perCustomer != nil {
                throw FrontendError(message: "--per-customer needs the events; a summary holds none: run check on the log (or on each piece and concatenate, see docs/scale-out.md)")
            }
            summary = try SummaryFrontend.conformance(from: path, inputs: ingest.inputs, mapPath: request.mapPath,
                                                       fingerprint: fingerprint, request: &request)
        } else {
            let loaded = try LogLoader.load(CheckFrontend.ingestArguments(ingest, map: map, options: request.options))
            let checker = ConformanceChecker(map: map, touchpoints: loaded.log.events.activityNames)
            let collect = request.perCustomer != nil
            do {
                summary = try checker.check(loaded.log, options: request.options,
                                            verdict: collect ? { rows.append((Array($0.customer.utf8), CheckRenderer.perCustomerRow($0))) } : nil)
            } catch { throw FrontendError(file: request.mapPath, message: "\(error)") }
        }
        let report = ConformanceReport(map: map, summary: summary)
        let figures = summary.figures
        let thresholds = request.thresholds.map { ($0, $0.value(in: figures), $0.fails(figures)) }
        let comparison = previous.map { BaselineComparison(current: summary, previous: $0) }
        let verdicts = CheckVerdicts(thresholds: thresholds, baseline: comparison)
        let journey = request.reportOnly || request.html != nil || request.format == .markdown
            ? JourneyReport(report, minFrequency: request.minFrequency) : nil
        let html = request.reportOnly || request.html != nil ? journey.map {
            HTMLReportRenderer(groupBy: request.options.groupBy, score: request.options.score, verdicts: verdicts).render($0)
        } : nil
        let out = try OutputFile(path: request.output)
        if request.reportOnly, let html {
            try out.write(html)
        } else if request.format == .markdown, let journey {
            try out.write(MarkdownReportRenderer(verdicts: verdicts).render(journey))
        } else {
            let renderer = CheckRenderer(format: request.format)
            try out.stream { renderer.write(report, groupBy: request.options.groupBy, verdicts: verdicts, to: $0) }
        }
        try out.close()
        if !request.reportOnly, let path = request.html, let html {
            let file = try OutputFile(path: path)
            try file.write(html)
            try file.close()
        }
        if let path = request.perCustomer {
            rows.sort { bytewiseLess($0.key, $1.key) }
            let file = try OutputFile(path: path)
            try file.write(CheckRenderer.perCustomerHeader + "\n")
            for row in rows { try file.write(row.line) }
            try file.close()
        }
        var failed: [String] = []
        for (threshold, value, fails) in thresholds where fails {
            failed.append("threshold failed: \(threshold.figure) is \(value) \(threshold.direction == .under ? "<" : ">") \(threshold.limit) (\(threshold))")
        }
        if request.failOnRegression, let comparison {
            for c in comparison.regressions {
                failed.append("regression: \(c.figure) went from \(c.previous) to \(c.current) (--fail-on-regression)")
            }
        }
        if !failed.isEmpty {
            for line in failed { Diagnostics.printError(line) }
            throw ExitCode(ExitStatus.thresholdFailed)
        }
    }

    /// `ingest` with the attribute columns the map's segment, `--by` and `--score` need mapped
    /// (no `--attribute` flag needed for them).
    static func ingestArguments(_ ingest: IngestArguments, map: JourneyMap, options: CheckOptions) -> IngestArguments {
        var ingest = ingest
        var wanted = map.segment.map(\.attribute).filter { !ConformanceChecker.roleNames.contains($0) }
        if let by = options.groupBy { wanted.append(by) }
        if let score = options.score { wanted.append(score) }
        for name in wanted where !ingest.attributeColumns.contains(ColumnReference.name(name)) {
            ingest.reading.attributeColumns.append(.name(name))
        }
        return ingest
    }

    /// The key figures of a previous `check --format json` output.
    static func readBaseline(_ path: String) throws(FrontendError) -> [String: Double] {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw FrontendError(file: path, message: "cannot read the baseline: \(error.localizedDescription)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let figures = object["key_figures"] as? [String: Any] else {
            throw FrontendError(file: path, message: "not a `touchstone check --format json` output (no key_figures object)")
        }
        var result: [String: Double] = [:]
        for (k, v) in figures {
            guard let n = v as? NSNumber else { continue }
            let value = n.doubleValue
            // Shares are 0…1; customers a whole count. Anything else is not our output.
            let valid = k == "customers" ? (value >= 0 && value <= 9.0e15 && value.rounded() == value) : (value >= 0 && value <= 1)
            guard value.isFinite, valid else {
                throw FrontendError(file: path, message: "key_figures.\(k) is \(value), not a figure `check` writes")
            }
            result[k] = value
        }
        return result
    }
}

/// Bytewise order of two byte strings (a prefix sorts first), by `memcmp`.
func bytewiseLess(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    let n = min(a.count, b.count)
    let c: Int32 = a.withUnsafeBufferPointer { pa in
        b.withUnsafeBufferPointer { pb in
            guard n > 0, let x = pa.baseAddress, let y = pb.baseAddress else { return 0 }
            return memcmp(x, y, n)
        }
    }
    return c != 0 ? c < 0 : a.count < b.count
}
