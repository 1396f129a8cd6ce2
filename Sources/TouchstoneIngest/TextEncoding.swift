/// The character encoding of an input. Everything after the byte source works on UTF-8; other
/// encodings are transcoded to UTF-8 as they are read (`Transcoder`).
public enum TextEncoding: Sendable, Equatable, CustomStringConvertible {
    case utf8
    /// UTF-16 whose byte order comes from its byte-order mark (or its NUL pattern; else
    /// little-endian). Only as a requested encoding: an input's resolved one is LE or BE.
    case utf16
    case utf16LittleEndian
    case utf16BigEndian
    /// Windows-1252 (cp1252): Latin-1 plus `€`, smart quotes, dashes … in 0x80–0x9F.
    case windows1252
    /// ISO-8859-1 (Latin-1): each byte is the code point of the same value.
    case latin1

    /// The names `--encoding` accepts, as listed in usage errors.
    public static let supportedNames =
        "utf-8 (utf8), utf-16 (utf16), utf-16le, utf-16be, windows-1252 (cp1252), iso-8859-1 (latin1, latin-1)"

    /// Parses a name or alias, ignoring ASCII case, `_` as `-`, and surrounding spaces.
    public init?(name: String) {
        let key = String(name.lowercased().filter { $0 != " " }.map { $0 == "_" ? "-" : $0 })
        switch key {
        case "utf-8", "utf8": self = .utf8
        case "utf-16", "utf16": self = .utf16
        case "utf-16le", "utf16le": self = .utf16LittleEndian
        case "utf-16be", "utf16be": self = .utf16BigEndian
        case "windows-1252", "windows1252", "cp1252", "cp-1252": self = .windows1252
        case "iso-8859-1", "iso8859-1", "iso-88591", "latin1", "latin-1", "l1": self = .latin1
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .utf8: "UTF-8"
        case .utf16: "UTF-16"
        case .utf16LittleEndian: "UTF-16LE"
        case .utf16BigEndian: "UTF-16BE"
        case .windows1252: "Windows-1252"
        case .latin1: "ISO-8859-1"
        }
    }
}

/// How an input's encoding was decided.
public enum EncodingEvidence: String, Sendable, Equatable, CustomStringConvertible {
    public var description: String { rawValue }

    /// `--encoding` named it.
    case given
    /// A byte-order mark at the start of the input.
    case byteOrderMark = "byte-order mark"
    /// UTF-16 recognised without a BOM by its NUL bytes (every other byte of ASCII text).
    case nulPattern = "NUL-byte pattern"
    /// Nothing said otherwise: UTF-8.
    case assumed = "default"
}

extension TextEncoding {
    /// Detects the encoding from the first bytes of an input (after gzip): a BOM decides; a
    /// start where most of the first pairs of bytes hold one NUL on the same side is UTF-16
    /// without BOM; else UTF-8. `requested` (from `--encoding`) wins, except that `.utf16`
    /// takes its byte order from the BOM or the NUL pattern (little-endian when neither says).
    ///
    /// Returns the resolved encoding, the evidence, and the length of a UTF-16 BOM to skip
    /// (a UTF-8 BOM is left to the dialect sniffer, which skips it).
    static func detect(_ head: UnsafeRawBufferPointer, requested: TextEncoding?) -> (TextEncoding, EncodingEvidence, bomLength: Int) {
        let b = Array(head.prefix(4096))
        let utf16BOM: TextEncoding? = b.count >= 2 && b[0] == 0xFF && b[1] == 0xFE ? .utf16LittleEndian
            : b.count >= 2 && b[0] == 0xFE && b[1] == 0xFF ? .utf16BigEndian : nil
        switch requested {
        case .utf16:
            if let utf16BOM { return (utf16BOM, .byteOrderMark, 2) }
            if let byOrder = nulPattern(b) { return (byOrder, .nulPattern, 0) }
            return (.utf16LittleEndian, .given, 0)
        case .utf16LittleEndian?, .utf16BigEndian?:
            return (requested ?? .utf8, .given, utf16BOM == requested ? 2 : 0)
        case .some(let given):
            return (given, .given, 0)
        case nil:
            if let utf16BOM { return (utf16BOM, .byteOrderMark, 2) }
            if b.starts(with: [0xEF, 0xBB, 0xBF]) { return (.utf8, .byteOrderMark, 0) }
            if let byOrder = nulPattern(b) { return (byOrder, .nulPattern, 0) }
            return (.utf8, .assumed, 0)
        }
    }

    /// UTF-16 byte order told by NULs: at least 4 pairs, at least 3/4 of them with a NUL on
    /// one side and at most 1/10 with a NUL on the other (ASCII text in UTF-16).
    private static func nulPattern(_ b: [UInt8]) -> TextEncoding? {
        let pairs = b.count / 2
        guard pairs >= 4 else { return nil }
        var evenNUL = 0, oddNUL = 0
        for i in 0..<pairs {
            if b[2 * i] == 0 { evenNUL += 1 }
            if b[2 * i + 1] == 0 { oddNUL += 1 }
        }
        if oddNUL * 4 >= pairs * 3 && evenNUL * 10 <= pairs { return .utf16LittleEndian }
        if evenNUL * 4 >= pairs * 3 && oddNUL * 10 <= pairs { return .utf16BigEndian }
        return nil
    }
}
