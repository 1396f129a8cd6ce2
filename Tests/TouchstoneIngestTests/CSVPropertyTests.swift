import Testing
@testable import TouchstoneIngest

/// Random CSV documents checked against a deliberately naive reference.
///
/// A seeded generator writes well-formed documents (RFC 4180 quoting, no bad or unterminated
/// quotes) in a random dialect: delimiter `,` `;` tab `|`, LF or CRLF line ends, optional BOM,
/// optional final newline, blank lines between rows, a shuffled header with an optional
/// unmapped `note` column, quoted fields holding delimiters, `""`, CR, LF and non-ASCII UTF-8,
/// padded unquoted fields, empty fields, valid/invalid ISO timestamps and ragged rows.
/// A byte-at-a-time state machine (no libcsv) and the rules of `docs/ingest.md` give the
/// expected events and rejections; the ingester, fed whole and in random chunks, must agree.
@Suite struct CSVPropertyTests {
    static let quote = UInt8(ascii: "\""), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
    static let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")

    // MARK: - Generator

    /// Names that need no quoting (in any of the four dialects).
    static let plainWords = ["home", "pricing", "cart", "c1", "c2", "C3", "checkout", "sign-up", "x_y", "a", "42x",
                             "two words", "café", "Rücksendung", "日本語", "🚀", "\u{00A0}nbsp\u{00A0}"]
    /// Names that must be quoted (in some or all dialects) or that only survive inside quotes.
    static let specialWords = ["a,b", "x;y", "tab\there", "p|q", ",;|\t", "say \"hi\"", "\"", "\"\"", "line\nbreak",
                               "crlf\r\ninside", "cr\ronly", "\n", "two\n\nblank", "end\r\n", " padded ", "\tlead",
                               "Anfrage; dringend", "ü\n\"ö\"", "é,\r\n🚀"]
    /// Never accepted by an exact ISO parser, and not shaped like an epoch or a day/month date
    /// (which could make format detection pick another format).
    static let invalidTimestamps = ["2023-02-29T10:00:00Z", "2100-02-29T00:00:00Z", "1900-02-29T12:00:00Z",
                                    "2024-13-01T00:00:00Z", "2024-00-10T00:00:00Z", "2024-04-31T12:00:00Z",
                                    "2024-01-00T08:00:00Z", "2024-01-02T25:00:00Z", "2024-01-02T03:60:00Z",
                                    "not a time", "soon", "2024-01-02X03:04:05Z"]

    struct Generator {
        var random: SplitMix64
        var delimiter: UInt8

        mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &random) < p }
        mutating func pick<T>(_ items: [T]) -> T { items.randomElement(using: &random)! }

        func canBeUnquoted(_ value: [UInt8]) -> Bool {
            guard let first = value.first, let last = value.last else { return true }
            let pads: Set<UInt8> = [CSVPropertyTests.space, CSVPropertyTests.tab]
            return !pads.contains(first) && !pads.contains(last)
                && !value.contains { $0 == delimiter || $0 == CSVPropertyTests.quote || $0 == CSVPropertyTests.cr || $0 == CSVPropertyTests.lf }
        }

        /// Spaces (and tabs, unless tab is the delimiter) that libcsv trims around unquoted fields.
        mutating func padding() -> [UInt8] {
            guard chance(0.25) else { return [] }
            let pads = delimiter == CSVPropertyTests.tab ? [CSVPropertyTests.space] : [CSVPropertyTests.space, CSVPropertyTests.tab]
            return (0..<Int.random(in: 1...3, using: &random)).map { _ in pick(pads) }
        }

        /// `value` as a field: quoted when it has to be (or at random), `""`-escaped.
        mutating func field(_ text: String) -> [UInt8] {
            let value = Array(text.utf8)
            if canBeUnquoted(value) && !value.isEmpty && !chance(0.3) {
                return padding() + value + padding()
            }
            var out = [CSVPropertyTests.quote]
            for byte in value {
                out.append(byte)
                if byte == CSVPropertyTests.quote { out.append(CSVPropertyTests.quote) }
            }
            out.append(CSVPropertyTests.quote)
            return out
        }

        /// An empty field: nothing, only spaces/tabs, or `""`.
        mutating func emptyField() -> [UInt8] {
            switch Int.random(in: 0..<3, using: &random) {
            case 0: return []
            case 1: return chance(0.5) ? [CSVPropertyTests.quote, CSVPropertyTests.quote] : padding()
            default: return [CSVPropertyTests.quote, CSVPropertyTests.quote]
            }
        }

        mutating func name() -> [UInt8] { field(chance(0.6) ? pick(CSVPropertyTests.plainWords) : pick(CSVPropertyTests.specialWords)) }

        mutating func validTimestamp() -> [UInt8] {
            func pad(_ v: Int, _ w: Int) -> String { String(repeating: "0", count: max(0, w - String(v).count)) + String(v) }
            let year = Int.random(in: 1950...2099, using: &random), month = Int.random(in: 1...12, using: &random)
            let day = Int.random(in: 1...CSVPropertyTests.daysIn(year, month), using: &random)
            let text = "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(Int.random(in: 0...23, using: &random), 2)):"
                + "\(pad(Int.random(in: 0...59, using: &random), 2)):\(pad(Int.random(in: 0...59, using: &random), 2))Z"
            return field(text)
        }

        mutating func anyField() -> [UInt8] {
            switch Int.random(in: 0..<4, using: &random) {
            case 0: return emptyField()
            case 1: return validTimestamp()
            default: return name()
            }
        }

        /// Roles by column: 0 customer, 1 touchpoint, 2 timestamp, 3 note.
        mutating func row(roles: [Int]) -> [UInt8] {
            let kind = Int.random(in: 0..<20, using: &random)
            var fields: [[UInt8]]
            if kind == 0 {
                // Wrong field count: 1…6 fields, never the header's count, never a blank line.
                var count = roles.count
                while count == roles.count { count = Int.random(in: 1...6, using: &random) }
                fields = (0..<count).map { _ in anyField() }
                if count == 1 && fields[0].allSatisfy({ $0 == CSVPropertyTests.space || $0 == CSVPropertyTests.tab }) {
                    fields[0] = name()
                }
            } else {
                // At most one fault per row (the documented order of checks is not under test).
                fields = roles.map { role in
                    switch role {
                    case 0: return kind == 1 ? emptyField() : name()
                    case 1: return kind == 2 ? emptyField() : name()
                    case 2: return kind == 3 ? emptyField() : kind == 4 ? field(pick(CSVPropertyTests.invalidTimestamps)) : validTimestamp()
                    default: return chance(0.3) ? emptyField() : name()
                    }
                }
            }
            var out: [UInt8] = []
            for (i, f) in fields.enumerated() {
                if i > 0 { out.append(delimiter) }
                out += f
            }
            return out
        }

        mutating func document() -> [UInt8] {
            let eol: [UInt8] = chance(0.5) ? [CSVPropertyTests.cr, CSVPropertyTests.lf] : [CSVPropertyTests.lf]
            let names = ["customer_id", "touchpoint", "timestamp", "note"]
            var roles = chance(0.3) ? [0, 1, 2, 3] : [0, 1, 2]
            if chance(0.5) { roles.shuffle(using: &random) }
            var out: [UInt8] = chance(0.3) ? [0xEF, 0xBB, 0xBF] : []
            // Header names: ASCII case and surrounding spaces are ignored by column detection.
            for (i, role) in roles.enumerated() {
                if i > 0 { out.append(delimiter) }
                var text = names[role]
                if chance(0.15) { text = text.uppercased() }
                if role == 3 && chance(0.5) {
                    // Quoted: other delimiter characters (and a line break) inside quotes do not
                    // count for delimiter detection.
                    out += field(pick(["note", ",,,,;;;;||||\t\t\t\tnote", "multi\nline note", "notiz \"x\""]))
                    continue
                }
                if chance(0.15) { text = " " + text + " " }
                out += Array(text.utf8)
            }
            let rows = Int.random(in: 0...14, using: &random)
            for _ in 0..<rows {
                out += eol
                while chance(0.12) { out += (chance(0.5) ? [] : [UInt8](repeating: CSVPropertyTests.space, count: 2)) + eol }
                out += row(roles: roles)
            }
            if chance(0.75) {
                out += eol
                // Trailing blank lines.
                while chance(0.1) { out += [UInt8](repeating: CSVPropertyTests.space, count: Int.random(in: 0...2, using: &random)) + eol }
                // Sometimes a last line of only spaces with no line end (e.g. "…Z\n "): blank too.
                if chance(0.2) { out += [UInt8](repeating: CSVPropertyTests.space, count: Int.random(in: 1...2, using: &random)) }
            }
            return out
        }
    }

    // MARK: - Reference

    struct Record { var fields: [[UInt8]]; var line: Int; var raw: [UInt8] }

    /// Splits `bytes` into records, byte by byte: BOM skipped, blank lines (empty or spaces)
    /// skipped and counted, quoted fields with `""` escapes and embedded line breaks, spaces and
    /// tabs (other than the delimiter) trimmed around unquoted fields, `line` = 1 + LFs before
    /// the record's first byte. Assumes well-formed quoting (the generator makes no other).
    static func referenceRecords(_ b: [UInt8], delimiter: UInt8) -> (records: [Record], blankLines: Int) {
        let n = b.count
        var i = b.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var line = 1, blank = 0
        var records: [Record] = []
        func isPad(_ c: UInt8) -> Bool { (c == space || c == tab) && c != delimiter }
        func isLineEnd(_ j: Int) -> Bool { b[j] == lf || (b[j] == cr && j + 1 < n && b[j + 1] == lf) }

        while i < n {
            var j = i
            while j < n && b[j] == space { j += 1 }
            if j == n { if j > i { blank += 1 }; break }
            if isLineEnd(j) {
                blank += 1
                i = b[j] == cr ? j + 2 : j + 1
                line += 1
                continue
            }
            let start = i, startLine = line
            var fields: [[UInt8]] = []
            while true {
                while i < n && isPad(b[i]) { i += 1 }
                var value: [UInt8] = []
                if i < n && b[i] == quote {
                    i += 1
                    while true {
                        precondition(i < n, "generator left a quote open")
                        if b[i] == quote {
                            if i + 1 < n && b[i + 1] == quote { value.append(quote); i += 2 } else { i += 1; break }
                        } else {
                            if b[i] == lf { line += 1 }
                            value.append(b[i]); i += 1
                        }
                    }
                } else {
                    while i < n && b[i] != delimiter && !isLineEnd(i) { value.append(b[i]); i += 1 }
                    while let last = value.last, isPad(last) { value.removeLast() }
                }
                fields.append(value)
                if i < n && b[i] == delimiter { i += 1; continue }
                precondition(i == n || isLineEnd(i), "text after a closing quote")
                records.append(Record(fields: fields, line: startLine, raw: Array(b[start..<i])))
                if i < n { i = b[i] == cr ? i + 2 : i + 1; line += 1 }
                break
            }
        }
        return (records, blank)
    }

    static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }
    static func daysIn(_ y: Int, _ m: Int) -> Int { m == 2 ? (isLeap(y) ? 29 : 28) : [4, 6, 9, 11].contains(m) ? 30 : 31 }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Exactly `YYYY-MM-DDTHH:MM:SSZ`, range-checked; epoch microseconds.
    static func referenceISO(_ v: [UInt8]) -> Int64? {
        guard v.count == 20, v[4] == UInt8(ascii: "-"), v[7] == UInt8(ascii: "-"), v[10] == UInt8(ascii: "T"),
              v[13] == UInt8(ascii: ":"), v[16] == UInt8(ascii: ":"), v[19] == UInt8(ascii: "Z") else { return nil }
        func number(_ r: Range<Int>) -> Int? {
            var x = 0
            for k in r {
                guard v[k] >= UInt8(ascii: "0") && v[k] <= UInt8(ascii: "9") else { return nil }
                x = x * 10 + Int(v[k] - UInt8(ascii: "0"))
            }
            return x
        }
        guard let y = number(0..<4), let mo = number(5..<7), let d = number(8..<10),
              let h = number(11..<13), let mi = number(14..<16), let s = number(17..<19),
              (1...12).contains(mo), d >= 1, d <= daysIn(y, mo), h < 24, mi < 60, s < 60 else { return nil }
        let secs = Int64(daysFromCivil(y, mo, d)) * 86_400 + Int64(h * 3600 + mi * 60 + s)
        return secs * 1_000_000
    }

    struct Expected {
        var events: [IngestOutcome.Event] = []
        var rejects: [IngestOutcome.Reject] = []
        var rowsRead = 0, blankLines = 0
        /// Timestamp values exist but none decides the format: the run must stop with an error.
        var expectError = false
    }

    static func expected(_ bytes: [UInt8], delimiter: UInt8) -> Expected {
        let (records, blank) = referenceRecords(bytes, delimiter: delimiter)
        var result = Expected(blankLines: blank)
        guard let header = records.first else { return result }
        func text(_ f: [UInt8]) -> String { String(decoding: f, as: UTF8.self) }
        let names = header.fields.map { text($0).lowercased() }
        let caseColumn = names.firstIndex(of: "customer_id")!, activityColumn = names.firstIndex(of: "touchpoint")!
        let timeColumn = names.firstIndex(of: "timestamp")!
        var anyTime = false, anyValidTime = false
        for (k, r) in records.dropFirst().enumerated() {
            result.rowsRead += 1
            func reject(_ column: Int?, _ reason: RejectionReason) {
                result.rejects.append(.init(line: r.line, record: k + 1, column: column.map { $0 + 1 }, reason: reason, raw: text(r.raw)))
            }
            guard r.fields.count == header.fields.count else { reject(nil, .wrongFieldCount); continue }
            let time = referenceISO(r.fields[timeColumn])
            if time != nil { anyValidTime = true }
            if !r.fields[timeColumn].isEmpty { anyTime = true }
            if r.fields[caseColumn].isEmpty { reject(caseColumn, .emptyCaseID) }
            else if r.fields[activityColumn].isEmpty { reject(activityColumn, .emptyTouchpoint) }
            else if r.fields[timeColumn].isEmpty { reject(timeColumn, .emptyTimestamp) }
            else if let time {
                result.events.append(.init(customer: text(r.fields[caseColumn]), touchpoint: text(r.fields[activityColumn]),
                                           micros: time, line: r.line))
            } else { reject(timeColumn, .badTimestamp) }
        }
        // Detection samples the non-empty timestamps of rows with the right field count; with
        // samples but none in a known format it stops the run (with none, all rows are rejected).
        result.expectError = anyTime && !anyValidTime
        return result
    }

    // MARK: - Property

    static func escaped(_ bytes: [UInt8]) -> String {
        var s = ""
        for b in bytes {
            switch b {
            case lf: s += "\\n"
            case cr: s += "\\r"
            case tab: s += "\\t"
            case quote: s += "\\\""
            case UInt8(ascii: "\\"): s += "\\\\"
            case 0x20..<0x7F: s.append(Character(Unicode.Scalar(b)))
            default: s += "\\x" + String(b, radix: 16, uppercase: true)
            }
        }
        return s
    }

    /// Differences between `actual` and `expected`, empty when they agree.
    static func differences(_ actual: IngestOutcome, _ expected: Expected) -> [String] {
        var out: [String] = []
        if expected.expectError {
            if actual.error == nil { out.append("expected an error (no valid timestamp), got \(actual)") }
            return out
        }
        if let error = actual.error { return ["unexpected error: \(error)"] }
        let lr = { (r: IngestOutcome.Reject) in "\(r.line):\(r.reason.rawValue)" }
        if actual.rejects.map(lr) != expected.rejects.map(lr) {
            out.append("rejects (line:reason) expected \(expected.rejects.map(lr)) got \(actual.rejects.map(lr))")
        } else if actual.rejects != expected.rejects {
            out.append("reject details expected \(expected.rejects) got \(actual.rejects)")
        }
        if actual.events != expected.events {
            out.append("events expected \(expected.events) got \(actual.events)")
        }
        if actual.rowsRead != expected.rowsRead { out.append("rowsRead expected \(expected.rowsRead) got \(actual.rowsRead)") }
        if actual.rowsRead != actual.rowsUsed + actual.rejects.count || actual.rowsUsed != actual.events.count {
            out.append("rowsRead \(actual.rowsRead) != used \(actual.rowsUsed) + rejected \(actual.rejects.count)")
        }
        if actual.blankLines != expected.blankLines { out.append("blankLines expected \(expected.blankLines) got \(actual.blankLines)") }
        return out
    }

    static let delimiters: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), tab, UInt8(ascii: "|")]

    @Test(arguments: [UInt64(0x5EED_0001), 0x5EED_0002, 0x5EED_0003, 0x5EED_0004, 0x5EED_0005, 0x5EED_0006])
    func matchesReference(seed: UInt64) {
        var random = SplitMix64(state: seed)
        var failures = 0
        for index in 0..<50 {
            let delimiter = Self.delimiters.randomElement(using: &random)!
            var generator = Generator(random: SplitMix64(state: random.next()), delimiter: delimiter)
            let bytes = generator.document()
            let chunk = Int.random(in: 1...64, using: &random)
            let want = Self.expected(bytes, delimiter: delimiter)
            // Without the column fill sample the chunks reach the parser as they come; with it a
            // document under 101 lines is held back and parsed whole.
            var unsampled = IngestOptions()
            unsampled.samplesColumnFill = false
            for (label, size, options) in [("whole", nil, IngestOptions()), ("chunk \(chunk)", chunk, IngestOptions()),
                                           ("chunk \(chunk), no sample", chunk, unsampled)] as [(String, Int?, IngestOptions)] {
                let problems = Self.differences(ingest(bytes, chunk: size, options: options), want)
                if !problems.isEmpty {
                    failures += 1
                    let message = "seed \(seed) document \(index) (\(label)): \"\(Self.escaped(bytes))\"\n" + problems.joined(separator: "\n")
                    Issue.record(Comment(rawValue: message))
                }
            }
            if failures >= 3 { break }
        }
    }

    /// The reference itself, on a hand-checked document (so a broken reference cannot pass
    /// vacuously by agreeing with nothing).
    @Test func referenceSanity() {
        let doc = Array("\u{FEFF}customer_id;touchpoint;timestamp\r\n  c1 ;\"a;\"\"b\"\"\r\nc\";2024-02-29T00:00:01Z\r\n\r\n  \r\n;x;2024-01-01T00:00:00Z\r\nc2;y;2023-02-29T00:00:00Z\r\nc3;z".utf8)
        let want = Self.expected(doc, delimiter: UInt8(ascii: ";"))
        #expect(want.events == [.init(customer: "c1", touchpoint: "a;\"b\"\r\nc", micros: seconds(1_709_164_801), line: 2)])
        #expect(want.rejects.map { "\($0.line):\($0.record):\($0.column ?? 0):\($0.reason.rawValue)" }
                == ["6:2:1:empty_case_id", "7:3:3:bad_timestamp", "8:4:0:wrong_field_count"])
        #expect(want.blankLines == 2 && want.rowsRead == 4)
        #expect(Self.differences(ingest(doc), want).isEmpty)
    }
}
