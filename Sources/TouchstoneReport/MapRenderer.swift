import TouchstoneConformance
import TouchstoneTraces

/// Renders `touchstone map validate`: a valid map's summary and, with a log, its mapping
/// coverage. Computes nothing: every number comes from `JourneyMap` and `MappingCoverage`.
public enum MapRenderer {
    /// A few lines naming the journey and counting its stages, steps, goals and rules.
    public static func summary(_ map: JourneyMap) -> String {
        var out = ""
        func line(_ s: String = "") { out += s + "\n" }
        line("\(map.file.isEmpty ? "journey map" : map.file): valid")
        line("Journey: \(Text.printable(map.name))" + (map.version.map { " (version \(Text.printable($0)))" } ?? ""))
        let optional = map.steps.filter(\.isOptional).count
        let repeatable = map.steps.filter(\.isRepeatable).count
        var stepNotes: [String] = []
        if optional > 0 { stepNotes.append("\(optional) optional") }
        if repeatable > 0 { stepNotes.append("\(repeatable) repeatable") }
        line("Stages: \(map.stages.count) (\(map.stages.map(\.id).joined(separator: ", ")))")
        line("Steps: \(map.steps.count)" + (stepNotes.isEmpty ? "" : " (\(stepNotes.joined(separator: ", ")))"))
        let goals = map.goals.map { map.steps[$0].id }
        line("Goals: " + (goals.isEmpty ? "none (walks end at steps without a successor)" : goals.joined(separator: ", ")))
        line("Rules: \(map.rules.count)" + (map.rules.isEmpty ? "" : " (\(map.rules.map(\.kind).joined(separator: ", ")))"))
        if !map.ignore.isEmpty { line("Ignored touchpoints: " + map.ignore.map { Text.printable($0.text) }.joined(separator: ", ")) }
        if !map.segment.isEmpty {
            line("Segment: " + map.segment.map { "\(Text.printable($0.attribute))=\(Text.printable($0.value))" }.joined(separator: ", "))
        }
        return TerminalText.escaped(out, keepingLineFeeds: true)
    }

    /// How the map's patterns cover a log: shares, the `top` most frequent unmapped
    /// touchpoints, steps never matched and touchpoints several steps match.
    public static func coverage(_ coverage: MappingCoverage, top: Int = 10) -> String {
        var out = "\nMapping coverage:\n"
        func line(_ s: String) { out += s + "\n" }
        let considered = coverage.events - coverage.ignoredEvents
        line("  Events: \(coverage.events)")
        line("  Ignored: \(coverage.ignoredEvents)")
        line("  Matched to a step: \(coverage.matchedEvents) of \(considered) not ignored (\(percent(coverage.shareMatched)))")
        line("  Unmatched: \(coverage.unmatchedEvents)")
        let shown = coverage.unmatchedTouchpoints.prefix(top)
        if shown.isEmpty {
            line("Unmatched touchpoints: none")
        } else {
            let more = coverage.unmatchedTouchpoints.count - shown.count
            line("Unmatched touchpoints (\(coverage.unmatchedTouchpoints.count)" + (more > 0 ? ", top \(shown.count)" : "") + "):")
            let width = min(70, shown.map { Text.printable($0.name).count }.max() ?? 0)
            for t in shown { line("  " + pad(Text.truncate(Text.printable(t.name), 70), width) + "  \(t.events)") }
        }
        line("Steps never matched: " + (coverage.stepsNeverMatched.isEmpty ? "none" : coverage.stepsNeverMatched.joined(separator: ", ")))
        if coverage.sharedTouchpoints.isEmpty {
            line("Touchpoints matched by several steps: none")
        } else {
            line("Touchpoints matched by several steps (the first step wins):")
            for t in coverage.sharedTouchpoints {
                line("  \(Text.truncate(Text.printable(t.name), 70))  \(t.events)  \(t.steps.joined(separator: ", "))")
            }
        }
        return TerminalText.escaped(out, keepingLineFeeds: true)
    }

    /// A share 0…1 as a percentage with one decimal: `0.9697` → `97.0%`.
    static func percent(_ share: Double) -> String {
        let tenths = Int((share * 1000).rounded())
        return "\(tenths / 10).\(tenths % 10)%"
    }

    private static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }
}
