/// Text from a log made safe for a terminal, and bounded in size.
///
/// Unsafe on a terminal: C0 controls (except line feed, and tab where noted), DEL, C1 controls
/// (U+0080…U+009F, which include the 8-bit CSI U+009B) and the bidirectional formatting
/// characters (U+061C, U+200E, U+200F, U+202A…U+202E, U+2066…U+2069) that reorder what a
/// reader sees. `escaped` writes each as `\u{hex}`, so nothing a log contains can move the
/// cursor, change colours, set the window title or reorder a line. See docs/ingest.md.
public enum TerminalText {
    /// Whether `scalar` is a control or bidi formatting character (see the type's summary).
    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        switch v {
        case 0x00...0x1F, 0x7F...0x9F, 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    /// `text` with every unsafe scalar written as `\u{hex}`; line feeds kept when
    /// `keepingLineFeeds`, tabs always escaped.
    public static func escaped(_ text: String, keepingLineFeeds: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: { isUnsafe($0) }) else { return text }
        var out = ""
        for s in text.unicodeScalars {
            if isUnsafe(s) && !(keepingLineFeeds && s == "\n") {
                out += "\\u{\(String(s.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(s)
            }
        }
        return out
    }

    /// `text` cut after `limit` characters with ` … (N more characters)` appended when cut.
    public static func bounded(_ text: String, limit: Int) -> String {
        var count = 0
        var end = text.endIndex
        for i in text.indices {
            if count == limit { end = i; break }
            count += 1
        }
        guard end < text.endIndex else { return text }
        let more = text[end...].count
        return text[..<end] + " … (\(more) more characters)"
    }

    /// Every line of `text` escaped and bounded to `limit` characters: what stderr gets.
    public static func diagnostic(_ text: String, lineLimit: Int = 2_000) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { bounded(escaped(String($0)), limit: lineLimit) }
            .joined(separator: "\n")
    }
}

/// Touchpoint and stage names that could be read as a trace's start or end marker.
///
/// The markers (`<start>` and `<end>` in CSV and JSON, `start` and `end` in text, DOT and
/// Mermaid) are written as they are; a name that is a marker after any number of leading
/// backslashes gets one more backslash in front: the touchpoint `<start>` is written
/// `\<start>`, `\<start>` is written `\\<start>`. Strip one leading backslash from such a
/// name to get it back. Every other name is unchanged. See docs/discover.md.
public enum TraceMarker {
    /// The markers of the CSV and JSON formats.
    public static let dataMarkers = ["<start>", "<end>"]
    /// The markers of the text, DOT and Mermaid formats.
    public static let displayMarkers = ["start", "end"]

    /// `name`, escaped when it could be read as one of `markers`.
    public static func escaped(_ name: String, markers: [String] = dataMarkers) -> String {
        let unslashed = name.drop { $0 == "\\" }
        return markers.contains(where: { $0 == unslashed }) ? "\\" + name : name
    }
}
