#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CLibCSV

/// The one place that calls libcsv: owns a `csv_parser` and maps its status codes to
/// `IngestError`.
///
/// The callbacks are non-capturing C function pointers; the `context` pointer given to
/// `parse` is handed back to them unchanged.
final class CSVParser {
    typealias FieldCallback = @convention(c) (UnsafeMutableRawPointer?, Int, UnsafeMutableRawPointer?) -> Void
    typealias RecordCallback = @convention(c) (Int32, UnsafeMutableRawPointer?) -> Void

    private let parser: UnsafeMutablePointer<csv_parser>
    private let delimiter: UInt8
    private let lineEnd: UInt8

    /// Strict RFC 4180 quoting (a quote inside an unquoted field, or text after a closing
    /// quote, stops the parse), and fields not NUL-terminated.
    ///
    /// With `lineEnd` LF (LF and CRLF files) only LF ends a record: a carriage return is a
    /// field character that, like a space, is trimmed at the ends of an unquoted field (which
    /// removes the CR of a CRLF line end). libcsv's default would end a record at a lone CR
    /// too, splitting one line into two records. With `lineEnd` CR (old Mac files) only CR
    /// ends a record and an LF is trimmed like a space, for the same reason: the ingester
    /// cuts the input into lines at its line end only, so a record must never end elsewhere.
    /// The custom character classes cost a call per byte, so they are set only for input
    /// holding such a stray byte (a CR not followed by LF; an LF in a CR file); for all other
    /// input libcsv's defaults give the same fields.
    init(delimiter: UInt8, lineEnd: UInt8 = 0x0A) throws(IngestError) {
        parser = .allocate(capacity: 1)
        self.delimiter = delimiter
        self.lineEnd = lineEnd
        guard csv_init(parser, UInt8(CSV_STRICT | CSV_STRICT_FINI)) == 0 else {
            parser.deallocate()
            throw IngestError(message: "libcsv: out of memory while creating a parser")
        }
        configure()
    }

    /// Whether the one-terminator character classes are set (see `init`).
    private var onlyLineEndTerminates = false

    /// Sets the delimiter; `csv_init` has reset the character classes to libcsv's defaults.
    private func configure() {
        csv_set_delim(parser, delimiter)
        onlyLineEndTerminates = false
    }

    /// Sets libcsv's classes so that only the line end ends a record (LF files: LF only, CR
    /// trimmed like a space; CR files: CR only, LF trimmed like a space), or its defaults.
    private func setOnlyLineEndTerminates(_ on: Bool) {
        guard on != onlyLineEndTerminates else { return }
        onlyLineEndTerminates = on
        if lineEnd == 0x0D {
            csv_set_term_func(parser, on ? isCarriageReturn : nil)
            csv_set_space_func(parser, on ? isSpaceTabOrLineFeed : nil)
            return
        }
        csv_set_term_func(parser, on ? isLineFeed : nil)
        csv_set_space_func(parser, on ? isSpaceTabOrCarriageReturn : nil)
    }

    /// Whether `bytes` holds a CR that is not directly followed by an LF within `bytes` (a CR
    /// at the end may start a CRLF split across two calls: the LF-only classes handle both).
    private static func hasLoneCarriageReturn(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        var pos = 0
        while pos < bytes.count, let found = memchr(base + pos, 0x0D, bytes.count - pos) {
            let i = UnsafeRawPointer(found) - base
            if i + 1 == bytes.count || bytes[i + 1] != 0x0A { return true }
            pos = i + 2
        }
        return false
    }

    deinit {
        csv_free(parser)
        parser.deallocate()
    }

    /// Forgets all parse state (after a parse error), keeping the dialect.
    func reset() throws(IngestError) {
        csv_free(parser)
        guard csv_init(parser, UInt8(CSV_STRICT | CSV_STRICT_FINI)) == 0 else {
            throw IngestError(message: "libcsv: out of memory while resetting the parser")
        }
        configure()
    }

    enum Outcome {
        case parsed
        /// Strict-mode quoting error at this byte offset of the input given to `parse`.
        case badQuoting(offset: Int)
    }

    /// Feeds `bytes` to libcsv, which calls `field` per field and `record` per record end.
    func parse(_ bytes: UnsafeRawBufferPointer, context: UnsafeMutableRawPointer,
                        field: FieldCallback, record: RecordCallback) throws(IngestError) -> Outcome {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return .parsed }
        if lineEnd == 0x0A {
            setOnlyLineEndTerminates(Self.hasLoneCarriageReturn(bytes))
        } else if lineEnd == 0x0D {
            setOnlyLineEndTerminates(memchr(base, 0x0A, bytes.count) != nil)
        }
        let consumed = csv_parse(parser, base, bytes.count, field, record, context)
        if consumed == bytes.count { return .parsed }
        let status = csv_error(parser)
        if status == CSV_EPARSE { return .badQuoting(offset: consumed) }
        throw IngestError(message: "libcsv: " + CSVParser.describe(status))
    }

    /// Ends the input: submits a last record that had no line terminator.
    func finish(context: UnsafeMutableRawPointer, field: FieldCallback, record: RecordCallback) throws(IngestError) {
        let status = csv_fini(parser, field, record, context)
        if status != 0 && status != CSV_EPARSE {
            throw IngestError(message: "libcsv: " + CSVParser.describe(status))
        }
    }

    /// Whether no record is in progress.
    var isBetweenRecords: Bool { touchstone_csv_between_records(parser) != 0 }
    /// Whether a quoted field is open (its closing quote not yet seen).
    var isInOpenQuote: Bool { touchstone_csv_in_open_quote(parser) != 0 }
    /// Whether the field in progress began with a quote.
    var isInQuotedField: Bool { touchstone_csv_field_quoted(parser) != 0 }
    /// Bytes buffered for the field in progress.
    var pendingFieldBytes: Int { touchstone_csv_pending_field_bytes(parser) }

    private static func describe(_ status: Int32) -> String {
        guard let text = csv_strerror(status) else { return "error \(status)" }
        return String(cString: text)
    }
}

/// libcsv terminator class for LF files: only LF ends a record.
private let isLineFeed: @convention(c) (UInt8) -> Int32 = { $0 == 0x0A ? 1 : 0 }

/// libcsv terminator class for CR files: only CR ends a record.
private let isCarriageReturn: @convention(c) (UInt8) -> Int32 = { $0 == 0x0D ? 1 : 0 }

/// libcsv space class for LF files: space and tab (libcsv's default) plus CR.
private let isSpaceTabOrCarriageReturn: @convention(c) (UInt8) -> Int32 = { c in
    c == 0x20 || c == 0x09 || c == 0x0D ? 1 : 0
}

/// libcsv space class for CR files: space and tab (libcsv's default) plus LF.
private let isSpaceTabOrLineFeed: @convention(c) (UInt8) -> Int32 = { c in
    c == 0x20 || c == 0x09 || c == 0x0A ? 1 : 0
}
