import TouchstoneTraces

extension JourneyMap {
    /// The map as a journey-map YAML file (the format `JourneyMap(yaml:file:)` reads).
    ///
    /// Every string is written as a YAML double-quoted scalar with escapes, so names taken
    /// from untrusted logs (quotes, backslashes, `#`, `:`, leading `-`, control characters)
    /// round-trip exactly; booleans and counts are plain, durations use `DurationText`.
    /// `flow` lists only steps whose successors differ from the file-order default (or were
    /// given explicitly). Map locations are not written.
    public var yamlText: String {
        var out = ""
        func line(_ indent: Int, _ text: String) {
            out += String(repeating: " ", count: indent) + text + "\n"
        }
        let q = JourneyMap.yamlQuoted
        line(0, "journey: " + q(name))
        if let version { line(0, "version: " + q(version)) }
        if let owner { line(0, "owner: " + q(owner)) }
        if let description { line(0, "description: " + q(description)) }
        if !segment.isEmpty {
            line(0, "segment:")
            line(2, "where:")
            for c in segment { line(4, q(c.attribute) + ": " + q(c.value)) }
        }
        line(0, "stages:")
        for stage in stages {
            line(2, "- id: " + q(stage.id))
            if stage.name != stage.id { line(4, "name: " + q(stage.name)) }
            if let within = stage.within { line(4, "within: " + q(DurationText.format(micros: within))) }
            line(4, "steps:")
            for index in stage.steps where index < steps.count {
                let step = steps[index]
                line(6, "- id: " + q(step.id))
                if step.name != step.id { line(8, "name: " + q(step.name)) }
                line(8, "touchpoints: [" + step.touchpoints.map { q($0.text) }.joined(separator: ", ") + "]")
                if step.isOptional { line(8, "optional: true") }
                if step.isRepeatable { line(8, "repeatable: true") }
                if step.isMomentOfTruth { line(8, "moment_of_truth: true") }
                if step.isGoal { line(8, "goal: true") }
                if let within = step.within { line(8, "within: " + q(DurationText.format(micros: within))) }
            }
        }
        let flowSteps = steps.indices.filter { s in
            let defaultSuccessors = s + 1 < steps.count ? [s + 1] : []
            let explicit = s < flowIsExplicit.count && flowIsExplicit[s]
            return s < successors.count && (explicit || successors[s] != defaultSuccessors)
        }
        if !flowSteps.isEmpty {
            line(0, "flow:")
            for s in flowSteps {
                let targets = successors[s].filter { steps.indices.contains($0) }.map { q(steps[$0].id) }
                line(2, q(steps[s].id) + ": [" + targets.joined(separator: ", ") + "]")
            }
        }
        if !ignore.isEmpty {
            line(0, "ignore: [" + ignore.map { q($0.text) }.joined(separator: ", ") + "]")
        }
        if !rules.isEmpty {
            line(0, "rules:")
            func id(_ s: Int) -> String { steps.indices.contains(s) ? q(steps[s].id) : q("") }
            for rule in rules {
                switch rule {
                case .never(let pattern, _):
                    line(2, "- never: " + q(pattern.text))
                case .response(let a, let b, let within, _):
                    let limit = within.map { ", within: " + q(DurationText.format(micros: $0)) } ?? ""
                    line(2, "- response: {if: \(id(a)), then: \(id(b))\(limit)}")
                case .precedence(let a, let b, _):
                    line(2, "- precedence: {first: \(id(a)), then: \(id(b))}")
                case .atMost(let s, let times, _):
                    line(2, "- at_most: {step: \(id(s)), times: \(times)}")
                }
            }
        }
        return out
    }

    /// `text` as a YAML double-quoted scalar: `"` and `\` escaped, control characters, line
    /// and paragraph separators, the byte-order mark and other non-printable characters as
    /// `\u` escapes with four hex digits (YAML 1.1 and 1.2 read them the same way); so are the
    /// bidi formatting characters (U+061C, U+200E, U+200F, U+202A…U+202E, U+2066…U+2069),
    /// which would reorder the line on a terminal.
    public static func yamlQuoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                let v = scalar.value
                let printable = (v >= 0x20 && v < 0x7F) || (v >= 0xA0 && v <= 0xD7FF && v != 0x2028 && v != 0x2029)
                    || (v >= 0xE000 && v <= 0xFFFD && v != 0xFEFF) || (v >= 0x10000 && v <= 0x10FFFF)
                let bidi = v == 0x061C || v == 0x200E || v == 0x200F || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
                if printable && !bidi {
                    out.unicodeScalars.append(scalar)
                } else if v <= 0xFFFF {
                    out += "\\u" + hex(v, digits: 4)
                } else {
                    out += "\\U" + hex(v, digits: 8)
                }
            }
        }
        return out + "\""
    }

    /// The pattern text that matches exactly the touchpoint `name` and nothing else: the name
    /// itself when it reads as exact text, else an anchored regular expression
    /// `/\A…\z/` with every ASCII punctuation character escaped and control characters as
    /// `\x{…}` (a name containing `*` or of the form `/…/`).
    public static func exactPattern(for name: String) -> String {
        let readsAsExact = !name.contains("*") && !(name.count >= 2 && name.hasPrefix("/") && name.hasSuffix("/"))
        if readsAsExact { return name }
        var body = ""
        for scalar in name.unicodeScalars {
            let v = scalar.value
            if v < 0x20 || v == 0x7F || (v >= 0x80 && v < 0xA0) || v == 0x2028 || v == 0x2029 || v == 0x85 {
                body += "\\x{" + hex(v, digits: 2) + "}"
            } else if v < 0x80 && !(scalar.properties.isAlphabetic || (v >= 0x30 && v <= 0x39) || v == 0x20) {
                body += "\\" + String(scalar)
            } else {
                body.unicodeScalars.append(scalar)
            }
        }
        return "/\\A" + body + "\\z/"
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
