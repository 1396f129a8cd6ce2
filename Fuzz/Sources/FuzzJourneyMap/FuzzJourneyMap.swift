import Foundation
import TouchstoneConformance
import TouchstoneIngest

/// Bytes → `JourneyMap(yaml:file:)`; when the map is valid, check a tiny log (two customers
/// walking the map's touchpoints in order and in reverse, plus an unmapped touchpoint) with
/// `ConformanceChecker`. Invariant: no crash; errors are fine.
public func fuzzJourneyMap(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let map = try? JourneyMap(yaml: text, file: "fuzz.yaml") else { return 0 }
    _ = map.goals
    let names = map.steps.prefix(20).compactMap { $0.touchpoints.first?.text }
    var csv = "customer,activity,timestamp\n"
    func row(_ customer: String, _ name: String, _ minute: Int) {
        let quoted = "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        csv += "\(customer),\(quoted),2026-01-01T\(minute / 60 % 24 < 10 ? "0" : "")\(minute / 60 % 24):\(minute % 60 < 10 ? "0" : "")\(minute % 60):00Z\n"
    }
    for (i, name) in names.enumerated() { row("c1", name, i) }
    for (i, name) in names.reversed().enumerated() { row("c2", name, i) }
    row("c2", "not in the map", names.count)
    let options = IngestOptions()
    let ingester = Ingester(options: options)
    guard (try? ingester.begin(source: "tiny")) != nil else { return 0 }
    let bytes = Array(csv.utf8)
    let ok = bytes.withUnsafeBytes { raw in (try? ingester.consume(raw)) != nil }
    guard ok, let (table, _) = try? ingester.finish() else { return 0 }
    let log = EventLog(table)
    let checker = ConformanceChecker(map: map, touchpoints: log.events.activityNames)
    if let summary = try? checker.check(log) {
        _ = summary.figures.customers
    }
    return 0
}
