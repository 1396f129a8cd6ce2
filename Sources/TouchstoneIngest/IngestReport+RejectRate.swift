/// The reject-rate check: a run that rejects most of its log stops, saying why.
extension IngestReport {
    /// The share of rejected rows over which a run stops when no `--max-reject-rate` is given
    /// (more than half of the rows).
    public static let defaultMaxRejectRate = 0.5

    /// Why the run must stop because too many rows were rejected, or nil when it may go on.
    ///
    /// Over `maxRejectRate` (or, when it is nil, over `defaultMaxRejectRate`) the message says
    /// how many rows were rejected, the main reason (the most frequent; ties by name), the
    /// input, line and column of its first row, and a fix: the flag that most likely helps
    /// (`--timestamp-format` with a pattern that reads that row's value, `--delimiter`, a role
    /// flag for an empty column, `--encoding`, …). `maxRejectRate` 1 never stops.
    public func rejectRateFailure(maxRejectRate: Double?) -> String? {
        let limit = maxRejectRate ?? IngestReport.defaultMaxRejectRate
        if rejectionRate <= limit, rejectedLineRate > limit, let span = longestRejectedRow {
            // Few rows, but one of them swallowed most of the input (a quote that never closes).
            let input = span.source < inputs.count ? inputs[span.source].name : "input"
            var message = "\(rowsRejected) of \(rowsRead) rows rejected, but they hold \(IngestReport.percent(rejectedLineRate)) of the log's lines, "
            message += maxRejectRate == nil ? "more than half of the log" : "over --max-reject-rate \(limit)"
            message += ": the row at \(input):\(span.line) spans \(span.lines) lines, most likely a stray quote that opens a field running to a later quote or to the end of the input. "
            message += "Fix: correct the quoting at that line (or, if its field really is that long, raise --max-field-size)"
            if maxRejectRate == nil { message += "; pass --max-reject-rate 1 to use the remaining rows" }
            return message
        }
        guard rowsRead > 0, rejectionRate > limit else { return nil }
        var message = "\(rowsRejected) of \(rowsRead) rows rejected (\(IngestReport.percent(rejectionRate))), "
        message += maxRejectRate == nil ? "more than half of the log" : "over --max-reject-rate \(limit)"
        guard let (reason, count) = rejectionCounts.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) })
        else { return message }
        message += "; the main reason is \(reason.rawValue) (\(count) rows)"
        if let first = firstRejections[reason] {
            let input = first.source < inputs.count ? inputs[first.source].name : "input"
            message += ", first at \(input):\(first.line)"
            if let column = first.column { message += ":\(column)" + columnName(first).map { " (column '\($0)')" }.orEmpty }
            message += ": " + first.detail
            if let fix = suggestion(for: first) { message += ". " + fix }
        }
        if maxRejectRate == nil {
            message += ". If these rejections are expected, pass --max-reject-rate 1 to use the remaining rows"
        }
        return message
    }

    /// The header name of the rejection's column, when it is a mapped column.
    private func columnName(_ r: Rejection) -> String? {
        guard let column = r.column, r.source < mappings.count else { return nil }
        return mappings[r.source].columns.first { $0.index == column - 1 }?.name
    }

    private func suggestion(for r: Rejection) -> String? {
        let input = r.source < inputs.count ? inputs[r.source] : nil
        switch r.reason {
        case .badTimestamp:
            let value = r.column.flatMap { IngestReport.field($0 - 1, of: r.raw, delimiter: input?.delimiter ?? 0x2C) }
            var detector = TimestampFormatDetector()
            if let value {
                _ = value.withUnsafeBytes { detector.observe($0) }
                switch detector.finish() {
                case .success(let format) where format != input?.timestampFormat:
                    return "Fix: pass --timestamp-format '\(IngestReport.flagValue(format))', the format of that value (see docs/timestamps.md)"
                case .failure(let error) where error.message.hasPrefix("day/month"):
                    return "Fix: that value's " + error.message
                default:
                    break
                }
            }
            return "Fix: pass --timestamp-format with the pattern of these values (see docs/timestamps.md)"
        case .wrongFieldCount:
            let counts = IngestReport.delimiterCounts(r.raw)
            let current = input?.delimiter
            if let best = counts.filter({ $0.0 != current && $0.1 > 0 }).max(by: { $0.1 < $1.1 }) {
                return "Fix: check the delimiter (read as \(IngestReport.delimiterName(current ?? 0x2C))); if it is \(IngestReport.delimiterName(best.0)), pass --delimiter \(best.0 == 0x09 ? "tab" : "'" + String(UnicodeScalar(best.0)) + "'")"
            }
            return "Fix: check the delimiter (--delimiter) and the quoting of these rows"
        case .emptyCaseID: return "Fix: choose a customer id column that is filled, with --case COLUMN"
        case .emptyTouchpoint: return "Fix: choose a touchpoint column that is filled, with --activity COLUMN"
        case .emptyTimestamp: return "Fix: choose a timestamp column that is filled, with --timestamp COLUMN"
        case .badQuoting, .unterminatedQuote:
            return "Fix: check the delimiter (--delimiter) and the encoding (--encoding); the rows are not RFC 4180 CSV as read"
        case .fieldTooLarge: return "Fix: raise --max-field-size, or check the delimiter and quoting (--delimiter)"
        }
    }

    /// Field `index` of a raw row split at `delimiter` (surrounding quotes and spaces removed);
    /// good enough for a suggestion, not a parser.
    static func field(_ index: Int, of raw: [UInt8], delimiter: UInt8) -> [UInt8]? {
        var fields: [[UInt8]] = [[]]
        var inQuotes = false
        for b in raw {
            if b == 0x22 { inQuotes.toggle(); continue }
            if b == delimiter && !inQuotes { fields.append([]) } else { fields[fields.count - 1].append(b) }
        }
        guard index >= 0 && index < fields.count else { return nil }
        return Array(fields[index].drop { $0 == 0x20 }.reversed().drop { $0 == 0x20 }.reversed())
    }

    /// How often each delimiter candidate (`,` `;` tab `|`) occurs in `raw` outside quotes.
    static func delimiterCounts(_ raw: [UInt8]) -> [(UInt8, Int)] {
        var counts: [(UInt8, Int)] = [(0x2C, 0), (0x3B, 0), (0x09, 0), (0x7C, 0)]
        var inQuotes = false
        for b in raw {
            if b == 0x22 { inQuotes.toggle() } else if !inQuotes, let i = counts.firstIndex(where: { $0.0 == b }) {
                counts[i].1 += 1
            }
        }
        return counts
    }

    static func delimiterName(_ d: UInt8) -> String {
        d == 0x09 ? "tab" : "'" + String(UnicodeScalar(d)) + "'"
    }

    /// The `--timestamp-format` value that names `format`.
    static func flagValue(_ format: TimestampFormat) -> String {
        switch format {
        case .iso8601: "iso8601"
        case .epoch(.seconds): "epoch-s"
        case .epoch(.milliseconds): "epoch-ms"
        case .epoch(.microseconds): "epoch-us"
        case .pattern(let p): p.spec
        }
    }

    /// `rate` as a percentage with one decimal, e.g. `78.6%`.
    static func percent(_ rate: Double) -> String {
        let tenths = Int((rate * 1000).rounded())
        return "\(tenths / 10).\(tenths % 10)%"
    }
}

private extension Optional where Wrapped == String {
    var orEmpty: String { self ?? "" }
}
