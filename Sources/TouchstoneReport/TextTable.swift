/// A plain-text table that fits a width budget: flexible columns share the room left by the
/// fixed ones and truncate their cells with `…`.
struct TextTable {
    enum Alignment { case left, right }
    struct Column {
        var title: String
        var alignment: Alignment
        var flexible: Bool
    }
    var columns: [Column]
    var rows: [[String]] = []

    init(_ columns: [Column]) { self.columns = columns }

    mutating func add(_ row: [String]) { rows.append(row) }

    /// The table as lines no wider than `width` characters (given enough room for fixed columns).
    func render(width: Int, indent: Int = 2) -> [String] {
        var widths = columns.indices.map { c in
            rows.reduce(displayWidth(columns[c].title)) { max($0, displayWidth($1[c])) }
        }
        let separators = max(0, columns.count - 1) * 2 + indent
        let fixed = columns.indices.filter { !columns[$0].flexible }.reduce(0) { $0 + widths[$1] }
        var flex = columns.indices.filter { columns[$0].flexible }
        var budget = max(0, width - separators - fixed)
        // Give narrow flexible columns what they need, split the rest evenly.
        flex.sort { widths[$0] < widths[$1] }
        var remaining = flex.count
        for c in flex {
            let share = max(1, budget / max(1, remaining))
            widths[c] = min(widths[c], share)
            budget -= widths[c]
            remaining -= 1
        }
        let pad = String(repeating: " ", count: indent)
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (c, cell) in cells.enumerated() {
                let text = truncate(cell, widths[c])
                let fill = String(repeating: " ", count: max(0, widths[c] - displayWidth(text)))
                let isLast = c == cells.count - 1
                switch columns[c].alignment {
                case .left: parts.append(isLast ? text : text + fill)
                case .right: parts.append(fill + text)
                }
            }
            return pad + parts.joined(separator: "  ")
        }
        return [line(columns.map(\.title))] + rows.map(line)
    }
}

/// `text` cut to at most `width` terminal columns, ending in `…` when cut.
func truncate(_ text: String, _ width: Int) -> String {
    if displayWidth(text) <= width { return text }
    if width <= 0 { return "" }
    var out = ""
    var used = 0
    for ch in text {
        let w = displayWidth(ch)
        if used + w > width - 1 { break }
        out.append(ch)
        used += w
    }
    return out + "…"
}

/// Terminal columns of `text`: 2 for East Asian wide and emoji characters, 1 otherwise.
func displayWidth(_ text: String) -> Int { text.reduce(0) { $0 + displayWidth($1) } }

func displayWidth(_ ch: Character) -> Int {
    guard let v = ch.unicodeScalars.first?.value else { return 0 }
    switch v {
    case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
         0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
         0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
        return 2
    default:
        return 1
    }
}

/// Log text made safe for one line of a terminal table: control and bidi formatting
/// characters (`TerminalText.isUnsafe`) become spaces.
func singleLine(_ text: String) -> String {
    var out = ""
    for s in text.unicodeScalars {
        if TerminalText.isUnsafe(s) { out += " " } else { out.unicodeScalars.append(s) }
    }
    return out
}
