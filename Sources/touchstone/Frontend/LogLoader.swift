import TouchstoneIngest
import TouchstoneReport
#if canImport(Glibc)
import Glibc
#endif

/// A log read from the command line's inputs, with what happened while reading it.
struct LoadedLog {
    var log: EventLog
    var report: IngestReport
}

/// Reads the inputs named by `IngestArguments`: ingest, rejects file, reject-rate check, traces.
enum LogLoader {
    static func load(_ arguments: IngestArguments) throws -> LoadedLog {
        try load(inputs: arguments.inputs, arguments.reading)
    }

    /// Reads `inputs` (paths, `-` for standard input) as one log, with `arguments`' options.
    static func load(inputs: [String], _ arguments: IngestOptionArguments) throws -> LoadedLog {
        guard !inputs.isEmpty else {
            throw FrontendError(message: "no log given: name one or more log files ('-' reads standard input)")
        }
        for path in inputs { try refuseUnsupportedFormat(path) }
        let rejectsFile = try arguments.rejects.map { path throws(FrontendError) in try RejectsWriter(path: path, multipleInputs: inputs.count > 1, inputs: inputs) }
        let ingester = Ingester(options: arguments.options, onRejection: rejectsFile.map { writer in { writer.write($0) } })
        var (table, report) = try ingester.ingest(inputs.map(InputSource.init(argument:)))
        try rejectsFile?.close()
        noteIngest(report)
        if report.rowsRejected > 0 {
            Diagnostics.note("\(report.rowsRejected) of \(report.rowsRead) rows rejected" + (arguments.rejects == nil ? " (see --rejects FILE)" : ""))
        }
        if let failure = report.rejectRateFailure(maxRejectRate: arguments.maxRejectRate) {
            throw FrontendError(message: failure)
        }
        let events = table
        table = EventTable()  // the log below holds the only reference, so reordering frees as it goes
        return LoadedLog(log: EventLog(events, removeDuplicates: arguments.dedupe), report: report)
    }

    /// Notes on stderr about what was detected while reading: columns, per-input dialects and
    /// formats (or the one timestamp format), encodings, replaced and invalid bytes.
    static func noteIngest(_ report: IngestReport) {
        for mapping in report.mappings.prefix(1) {
            let detected = mapping.columns.filter(\.detected)
            if !detected.isEmpty {
                Diagnostics.note("detected columns: " + detected.map { "\($0.role)=\($0.name)" }.joined(separator: ", "))
            }
            for c in detected {
                guard let fill = c.fill else { continue }
                let others = fill.passedOver.map { "'\($0.name)' in \($0.filled)" }.joined(separator: ", ")
                Diagnostics.note("\(c.role) column '\(c.name)' chosen over \(fill.passedOver.map { "'\($0.name)'" }.joined(separator: ", ")): it is filled in \(fill.filled) of the first \(fill.sampledRows) rows, \(others); pass --\(ColumnMapping.flagName(c.role)) to choose")
            }
        }
        if report.inputs.count > 1 {
            // Each input is its own export: say what was detected in each.
            for (i, input) in report.inputs.enumerated() {
                var note = inputSummary(input)
                // Columns of an input whose header differs from the first input's.
                if i > 0, i < report.mappings.count, report.mappings[i].columns.map(\.name) != report.mappings[0].columns.map(\.name) {
                    note += ", columns " + report.mappings[i].columns.map { "\($0.role)=\($0.name)" }.joined(separator: ", ")
                }
                Diagnostics.note(note)
            }
        } else if report.timestampFormatDetected, let format = report.timestampFormat {
            Diagnostics.note("detected timestamp format: \(format)")
        }
        for input in report.inputs {
            if report.inputs.count == 1 && input.encoding != .utf8 {
                Diagnostics.note("\(input.name): encoding \(input.encoding) (\(input.encodingEvidence)), read as UTF-8")
            }
            if input.replacedCharacters > 0 {
                Diagnostics.note("\(input.name): \(input.replacedCharacters) code unit\(input.replacedCharacters == 1 ? " is" : "s are") not valid \(input.encoding) and read as U+FFFD")
            }
            if let line = input.firstInvalidUTF8Line {
                Diagnostics.note("\(input.name):\(line): bytes that are not valid UTF-8 (the first such line); rows are used with these bytes as they are (shown as U+FFFD); if this export is Windows-1252 or Latin-1, pass --encoding windows-1252 (or --encoding latin1)")
            }
        }
    }

    /// `PATH: encoding …, delimiter …, line ends …, timestamp format …` for one of several inputs.
    private static func inputSummary(_ input: InputReport) -> String {
        var parts = ["encoding \(input.encoding)\(input.encodingEvidence == .assumed ? "" : " (\(input.encodingEvidence))")"]
        if input.byteOrderMark && input.encodingEvidence != .byteOrderMark { parts.append("byte-order mark") }
        if let d = input.delimiter { parts.append("delimiter " + (d == 0x09 ? "tab" : "'" + String(UnicodeScalar(d)) + "'")) }
        if let lineEnd = input.lineEnd { parts.append("line ends \(lineEnd)") }
        parts.append("timestamp format " + (input.timestampFormat.map { "\($0)\(input.timestampFormatDetected ? " (detected)" : "")" } ?? "none"))
        parts.append("\(input.rowsRead) rows, \(input.rowsRejected) rejected")
        return input.name + ": " + parts.joined(separator: ", ")
    }

    /// XES (the IEEE XML event log format) is not read yet: say so, with what to do instead,
    /// rather than rejecting every "row" of the XML as CSV.
    static func refuseUnsupportedFormat(_ path: String) throws(FrontendError) {
        let name = path.lowercased()
        guard name.hasSuffix(".xes") || name.hasSuffix(".xes.gz") else { return }
        throw FrontendError(file: path, message: "XES is not supported yet; export the log as CSV "
            + "(one row per event with customer id, touchpoint and timestamp columns), e.g. with pm4py: "
            + "pm4py.convert_to_dataframe(pm4py.read_xes(PATH)).to_csv(CSV_PATH, index=False)")
    }
}

/// Writes rejected rows as CSV: `line,record,reason,row,row_base64` (plus `file` with several
/// inputs).
///
/// `row` is the raw row made safe to open or print: invalid UTF-8 as U+FFFD, control and bidi
/// formatting characters other than tab, CR and LF as U+FFFD, and a leading `=`, `+`, `-`, `@`,
/// tab or CR neutralised with `'` (the same rule as `CSVField.text`; `reason` and `file` get it
/// too). `row_base64` is the raw row, byte for byte, in standard Base64 (RFC 4648, padded): the
/// only column to decode when the exact bytes matter. See docs/ingest.md.
final class RejectsWriter {
    private let output: OutputFile
    private let inputs: [String]
    private let multipleInputs: Bool
    private var failure: FrontendError?

    static let header = "line,record,reason,row,row_base64"

    init(path: String, multipleInputs: Bool, inputs: [String]) throws(FrontendError) {
        output = try OutputFile(path: path)
        self.inputs = inputs
        self.multipleInputs = multipleInputs
        try output.write(RejectsWriter.header + (multipleInputs ? ",file\n" : "\n"))
    }

    func write(_ r: Rejection) {
        guard failure == nil else { return }
        var line = "\(r.line),\(r.record),"
        line += RejectsWriter.field(r.reason.rawValue + ": " + r.detail)
        line += ","
        line += RejectsWriter.field(String(decoding: r.raw, as: UTF8.self))
        line += ","
        line += RejectsWriter.base64(r.raw)
        if multipleInputs {
            line += ","
            line += RejectsWriter.field(r.source < inputs.count ? inputs[r.source] : "")
        }
        line += "\n"
        do throws(FrontendError) { try output.write(line) } catch { failure = error }
    }

    func close() throws(FrontendError) {
        if let failure { throw failure }
        try output.close()
    }

    /// `text` made safe (controls and bidi characters other than tab, CR and LF as U+FFFD),
    /// neutralised against formulas with a leading `'`, and always quoted (RFC 4180).
    static func field(_ text: String) -> String {
        var safe = ""
        for s in text.unicodeScalars {
            if TerminalText.isUnsafe(s) && s != "\t" && s != "\r" && s != "\n" {
                safe.unicodeScalars.append("\u{FFFD}")
            } else {
                safe.unicodeScalars.append(s)
            }
        }
        if let first = safe.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) { safe = "'" + safe }
        var out = "\""
        for s in safe.unicodeScalars {
            if s == "\"" { out += "\"\"" } else { out.unicodeScalars.append(s) }
        }
        return out + "\""
    }

    /// Standard Base64 (RFC 4648 section 4) with `=` padding.
    static func base64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i + 3 <= bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            for shift in [18, 12, 6, 0] { out.append(alphabet[Int((n >> UInt32(shift)) & 63)]) }
            i += 3
        }
        let rest = bytes.count - i
        if rest > 0 {
            var n = UInt32(bytes[i]) << 16
            if rest == 2 { n |= UInt32(bytes[i + 1]) << 8 }
            out.append(alphabet[Int((n >> 18) & 63)])
            out.append(alphabet[Int((n >> 12) & 63)])
            out.append(rest == 2 ? alphabet[Int((n >> 6) & 63)] : UInt8(ascii: "="))
            out.append(UInt8(ascii: "="))
        }
        return String(decoding: out, as: UTF8.self)
    }
}
