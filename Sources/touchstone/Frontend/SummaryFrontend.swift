import Foundation
import TouchstoneConformance
import TouchstoneDiscovery
import TouchstoneIngest
import TouchstoneSummary
import TouchstoneTraces

/// What `touchstone summarize` was asked to do, after argument parsing.
struct SummarizeRequest {
    var output: String
    var mapPath: String?
    var options = CheckOptions()
}

/// `summarize`, `merge` and the `--from-summary` side of `discover`, `check` and `report`.
enum SummaryFrontend {
    /// The largest summary file read (a summary grows with customers, edges and variants).
    static let maxBytes = 16 << 30

    static func summarize(_ request: SummarizeRequest, ingest: IngestArguments) throws {
        try OutputPlan.verify(inputs: ingest.inputs + (request.mapPath.map { [$0] } ?? []),
                              outputs: [("--output", request.output), ("--rejects", ingest.rejects)])
        var settings = SummarySettings()
        settings.dedupe = ingest.dedupe
        var checked: (map: JourneyMap, options: CheckOptions)?
        var reading = ingest
        if let mapPath = request.mapPath {
            let (map, fingerprint) = try MapLoader.loadWithFingerprint(path: mapPath)
            guard let asOf = request.options.asOf else {
                throw FrontendError(message: "summarize --map needs --as-of TIME: outcomes depend on the end of the whole log, which one piece does not know; give every piece the same --as-of (e.g. the export time)")
            }
            settings.mapName = map.name
            settings.mapFingerprint = fingerprint
            settings.asOf = asOf
            settings.inProgressWindow = request.options.inProgressWindow
            settings.groupBy = request.options.groupBy
            settings.score = request.options.score
            var options = request.options
            options.reportDetails = true
            checked = (map, options)
            reading = CheckFrontend.ingestArguments(ingest, map: map, options: options)
        }
        let loaded = try LogLoader.load(reading)
        let log = loaded.log
        var conformance: ConformanceSummary?
        if let (map, options) = checked {
            let checker = ConformanceChecker(map: map, touchpoints: log.events.activityNames)
            do { conformance = try checker.check(log, options: options) } catch {
                throw FrontendError(file: map.file, message: "\(error)")
            }
        }
        var summary = JourneySummary(writer: "touchstone " + TouchstoneVersion.current, settings: settings,
                                     ingest: IngestAccounting(loaded.report, log: log),
                                     customers: JourneySummary.customerFingerprints(log),
                                     discovery: DiscoverySummary(log), conformance: conformance)
        summary.compact()
        let bytes = try write(summary, to: request.output)
        Diagnostics.note("\(request.output): \(log.traceCount) customers, \(log.events.count) events, \(bytes) bytes")
    }

    static func merge(_ paths: [String], output: String) throws {
        try OutputPlan.verify(inputs: paths, outputs: [("--output", output)])
        guard let first = paths.first else { throw FrontendError(message: "merge needs at least one summary") }
        var merger = JourneySummary.Merger(try read(first))
        for (k, path) in paths.enumerated().dropFirst() {
            let piece = try read(path)
            do { try merger.add(piece) } catch {
                throw FrontendError(file: path, message: "\(error) (merging into the summaries before it: \(paths.prefix(k).joined(separator: ", ")))")
            }
        }
        let merged = merger.finish()
        let bytes = try write(merged, to: output)
        let a = merged.ingest
        Diagnostics.note("\(output): \(merged.pieces) piece\(merged.pieces == 1 ? "" : "s"), \(merged.customers.count) customers, "
            + "\(merged.discovery.events) events; rows read \(a.rowsRead) = used \(a.rowsUsed) + rejected \(a.rowsRejected); \(bytes) bytes")
    }

    /// Writes `summary` to `path` (temporary file, renamed into place); returns its size.
    @discardableResult
    static func write(_ summary: JourneySummary, to path: String) throws(FrontendError) -> Int {
        let bytes = summary.encoded()
        let file = try OutputFile(path: path)
        try file.write(bytes: bytes)
        try file.close()
        return bytes.count
    }

    /// Reads and checks the summary file at `path`.
    static func read(_ path: String) throws(FrontendError) -> JourneySummary {
        let bytes: [UInt8]
        do {
            let url = URL(fileURLWithPath: path)
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            guard size <= maxBytes else { throw FrontendError(file: path, message: "larger than \(maxBytes >> 30) GiB; is this a summary?") }
            bytes = Array(try Data(contentsOf: url))
        } catch let error as FrontendError {
            throw error
        } catch {
            throw FrontendError(file: path, message: "cannot read the summary: \((error as NSError).localizedDescription)")
        }
        do { return try JourneySummary(decoding: bytes) } catch {
            throw FrontendError(file: path, message: "\(error)")
        }
    }

    /// `--from-summary` for discover: refuses log inputs (the summary replaces them).
    static func discovery(from path: String, inputs: [String]) throws(FrontendError) -> JourneySummary {
        try refuseInputs(inputs, path)
        return try read(path)
    }

    /// `--from-summary` for check and report: the summary's conformance aggregates, after
    /// checking it was made with this map and these outcome settings (adopting the summary's
    /// `--by`, `--score` and window when not given).
    static func conformance(from path: String, inputs: [String], mapPath: String, fingerprint: UInt64,
                            request: inout CheckRequest) throws(FrontendError) -> ConformanceSummary {
        try refuseInputs(inputs, path)
        let summary = try read(path)
        let s = summary.settings
        guard let conformance = summary.conformance, let summaryFingerprint = s.mapFingerprint else {
            throw FrontendError(file: path, message: "the summary has no conformance aggregates: it was made without --map; run `touchstone summarize … --map \(mapPath) --as-of TIME` on each piece")
        }
        guard summaryFingerprint == fingerprint else {
            throw FrontendError(file: path, message: "the summary was made with another journey map ('\(s.mapName ?? "")', or another version of its file) than \(mapPath); check with the map it was summarized with, or summarize again")
        }
        if let asOf = request.options.asOf, asOf != s.asOf {
            throw FrontendError(file: path, message: "--as-of differs from the summary's (\(s.asOf.map(formatTimestamp) ?? "none")); outcomes were decided when summarizing: leave --as-of out or summarize again")
        }
        if request.windowGiven, request.options.inProgressWindow != s.inProgressWindow {
            throw FrontendError(file: path, message: "--in-progress-window differs from the summary's; outcomes were decided when summarizing: leave it out or summarize again")
        }
        if let by = request.options.groupBy, by != s.groupBy {
            throw FrontendError(file: path, message: "the summary holds key figures by \(s.groupBy.map { "'\($0)'" } ?? "no attribute"), not by '\(by)'; summarize with --by \(by)")
        }
        if let score = request.options.score, score != s.score {
            throw FrontendError(file: path, message: "the summary holds scores of \(s.score.map { "'\($0)'" } ?? "no attribute"), not of '\(score)'; summarize with --score \(score)")
        }
        request.options.groupBy = s.groupBy
        request.options.score = s.score
        request.options.asOf = s.asOf
        if let window = s.inProgressWindow { request.options.inProgressWindow = window }
        return conformance
    }

    private static func refuseInputs(_ inputs: [String], _ path: String) throws(FrontendError) {
        guard inputs.isEmpty else {
            throw FrontendError(message: "give either log files or --from-summary \(path), not both (a summary already holds its logs)")
        }
    }
}
