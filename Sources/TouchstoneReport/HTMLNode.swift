/// A typed HTML (and inline SVG) tree whose text and attribute values are escaped when
/// written, by construction: the only way to add unescaped markup is `trusted`, which takes a
/// `StaticString` — a literal in our source, never data. Element and attribute names are
/// static too.
///
/// The output is polyglot markup: it parses as HTML5 and as XML (void elements written `<br/>`,
/// every other element closed explicitly, attribute values double-quoted), so tests can check
/// it with an XML parser. Characters XML 1.0 forbids (C0 controls other than tab, line feed
/// and carriage return; U+FFFE, U+FFFF) are written as U+FFFD.
public indirect enum HTMLNode: Sendable {
    case element(StaticString, [(StaticString, String)], [HTMLNode])
    /// Text, escaped.
    case text(String)
    /// Markup from a literal in our source (CSS, JavaScript, the doctype).
    case trusted(StaticString)
    /// JSON for a `<script type="application/json">` block: `<`, `>`, `&`, U+2028 and U+2029
    /// written as `\u` escapes, so no text can close the script or break the XML.
    case json(String)
    case group([HTMLNode])

    /// Elements that have no end tag in HTML.
    static let voidElements: Set<String> = ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]

    /// The markup.
    public var rendered: String {
        var out = ""
        out.reserveCapacity(1 << 16)
        write(to: &out)
        return out
    }

    public func write(to out: inout String) {
        switch self {
        case .element(let name, let attributes, let children):
            out += "<"
            out += name.description
            for (key, value) in attributes {
                out += " "
                out += key.description
                out += "=\""
                HTMLNode.escape(value, into: &out, attribute: true)
                out += "\""
            }
            if children.isEmpty && HTMLNode.voidElements.contains(name.description) {
                out += "/>"
                return
            }
            out += ">"
            for c in children { c.write(to: &out) }
            out += "</"
            out += name.description
            out += ">"
        case .text(let s):
            HTMLNode.escape(s, into: &out, attribute: false)
        case .trusted(let s):
            out += s.description
        case .json(let s):
            for ch in s.unicodeScalars {
                switch ch {
                case "<": out += "\\u003c"
                case ">": out += "\\u003e"
                case "&": out += "\\u0026"
                case "\u{2028}": out += "\\u2028"
                case "\u{2029}": out += "\\u2029"
                default: out.unicodeScalars.append(HTMLNode.xmlSafe(ch))
                }
            }
        case .group(let nodes):
            for n in nodes { n.write(to: &out) }
        }
    }

    /// `s` with `&`, `<`, `>` (and in attributes `"`, `'`, tab and line breaks) as character
    /// references; characters XML forbids as U+FFFD. Entity-like text such as `&amp;` is
    /// escaped again, so it shows literally.
    public static func escape(_ s: String, into out: inout String, attribute: Bool) {
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where attribute: out += "&quot;"
            case "'" where attribute: out += "&#39;"
            case "\n" where attribute: out += "&#10;"
            case "\r": out += "&#13;"
            case "\t" where attribute: out += "&#9;"
            default: out.unicodeScalars.append(xmlSafe(ch))
            }
        }
    }

    public static func escaped(_ s: String, attribute: Bool = false) -> String {
        var out = ""
        escape(s, into: &out, attribute: attribute)
        return out
    }

    /// `ch`, or U+FFFD when XML 1.0 does not allow it in a document.
    static func xmlSafe(_ ch: Unicode.Scalar) -> Unicode.Scalar {
        let v = ch.value
        if v < 0x20 && v != 0x09 && v != 0x0A && v != 0x0D { return "\u{FFFD}" }
        if v == 0xFFFE || v == 0xFFFF { return "\u{FFFD}" }
        return ch
    }
}

/// Shorthands for building trees: `el("p", ["class": "x"], .text(t))`.
@inlinable func el(_ name: StaticString, _ attributes: [(StaticString, String)] = [], _ children: HTMLNode...) -> HTMLNode {
    .element(name, attributes, children)
}

@inlinable func el(_ name: StaticString, _ attributes: [(StaticString, String)] = [], children: [HTMLNode]) -> HTMLNode {
    .element(name, attributes, children)
}

/// Estimated widths of text in the report's sans-serif font, for laying out SVG boxes.
public enum TextMeasure {
    /// An upper estimate of the width of `s` at `fontSize` px in a bold sans-serif: 0.68 em per
    /// ASCII character (1.05 for `M`, `W`, `m`, `w`, `@`, `%`; 0.85 for other wide capitals; 0.45 for
    /// narrow ones), 1 em per other character (CJK, emoji).
    public static func width(_ s: String, fontSize: Double) -> Double {
        var em = 0.0
        for ch in s.unicodeScalars {
            if ch.value < 0x80 {
                switch ch {
                case "M", "W", "m", "w", "@", "%": em += 1.05
                case "G", "O", "Q", "D", "H", "N", "U", "C", "R", "A", "V", "X", "Y", "K": em += 0.85
                case "i", "l", "j", "I", "!", ".", ",", ":", ";", "'", "|", " ", "f", "t", "r": em += 0.45
                default: em += 0.68
                }
            } else {
                em += 1.0
            }
        }
        return em * fontSize
    }

    /// `s` broken at spaces into lines of at most `limit` characters (a longer word stays whole
    /// on its own line); never drops a character but the spaces it breaks at.
    public static func wrap(_ s: String, limit: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in s.split(separator: " ", omittingEmptySubsequences: false) {
            if current.isEmpty {
                current = String(word)
            } else if current.count + 1 + word.count <= limit {
                current += " " + word
            } else {
                lines.append(current)
                current = String(word)
            }
        }
        lines.append(current)
        return lines
    }
}
