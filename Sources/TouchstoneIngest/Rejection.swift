/// Why an input row was not used.
public enum RejectionReason: String, CaseIterable, Sendable, Comparable {
    /// The row has more or fewer fields than the header.
    case wrongFieldCount = "wrong_field_count"
    /// The customer (case) id is empty.
    case emptyCaseID = "empty_case_id"
    /// The touchpoint (activity) is empty.
    case emptyTouchpoint = "empty_touchpoint"
    /// The timestamp is empty.
    case emptyTimestamp = "empty_timestamp"
    /// The timestamp does not parse in the column's format.
    case badTimestamp = "bad_timestamp"
    /// A quote inside an unquoted field, or text after a closing quote (RFC 4180).
    case badQuoting = "bad_quoting"
    /// A quoted field that is never closed (before the end of input or the field size limit).
    case unterminatedQuote = "unterminated_quote"
    /// A field longer than the size limit.
    case fieldTooLarge = "field_too_large"

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// One input row that was not used, with where it is and why.
public struct Rejection: Sendable {
    /// 0-based index of the input in `EventTable.sources`.
    public var source: Int
    /// 1-based physical line where the row starts.
    public var line: Int
    /// 1-based number of the data record in its input (the header is not counted).
    public var record: Int
    /// 1-based column (field number) the problem is in, when it is in one field.
    public var column: Int?
    public var reason: RejectionReason
    /// A sentence describing the problem, e.g. `expected 5 fields, found 4`.
    public var detail: String
    /// The row's bytes as read, without its line terminator.
    public var raw: [UInt8]
}

/// A fatal ingest problem: unreadable input, unusable header or mapping, undetectable format.
public struct IngestError: Error, Sendable, CustomStringConvertible {
    /// The input concerned, when there is one.
    public var source: String?
    /// 1-based line, when the problem has a position.
    public var line: Int?
    /// 1-based column (field number), when the problem has a position.
    public var column: Int?
    public var message: String

    public init(source: String? = nil, line: Int? = nil, column: Int? = nil, message: String) {
        self.source = source
        self.line = line
        self.column = column
        self.message = message
    }

    /// `items` joined with `, ` for a message, bounded: at most `limit` items, each cut to
    /// `valueLimit` characters with `…`, then ` … (N more)` when some were left out, so a
    /// header of 500,000 columns gives a message of a few kilobytes, not megabytes.
    public static func boundedList(_ items: [String], limit: Int = 20, valueLimit: Int = 60) -> String {
        var text = items.prefix(limit).map { boundedValue($0, limit: valueLimit) }.joined(separator: ", ")
        if items.count > limit { text += ", … (\(items.count - limit) more)" }
        return text
    }

    /// `value` cut to `limit` characters with `…` appended when cut, for a message.
    public static func boundedValue(_ value: String, limit: Int = 60) -> String {
        var count = 0
        for i in value.indices {
            if count == limit { return value[..<i] + "…" }
            count += 1
        }
        return value
    }

    /// `path:line:column: message`, leaving out the parts that are unknown.
    public var description: String {
        var prefix = ""
        if let source { prefix += source + ":" }
        if let line { prefix += "\(line):" }
        if let column, line != nil { prefix += "\(column):" }
        return prefix.isEmpty ? message : prefix + " " + message
    }
}
