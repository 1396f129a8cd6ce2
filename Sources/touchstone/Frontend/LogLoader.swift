import TouchstoneIngest
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
        let rejectsFile = try arguments.rejects.map { path throws(FrontendError) in try RejectsWriter(path: path, multipleInputs: inputs.count > 1, inputs: inputs) }
        let ingester = Ingester(options: arguments.options, onRejection: rejectsFile.map { writer in { writer.write($0) } })
        var (table, report) = try ingester.ingest(inputs.map(InputSource.init(argument:)))
        try rejectsFile?.close()
        for mapping in report.mappings.prefix(1) {
            let detected = mapping.columns.filter(\.detected)
            if !detected.isEmpty {
                Diagnostics.note("detected columns: " + detected.map { "\($0.role)=\($0.name)" }.joined(separator: ", "))
            }
        }
        if report.timestampFormatDetected, let format = report.timestampFormat {
            Diagnostics.note("detected timestamp format: \(format)")
        }
        if report.rowsRejected > 0 {
            Diagnostics.note("\(report.rowsRejected) of \(report.rowsRead) rows rejected" + (arguments.rejects == nil ? " (see --rejects FILE)" : ""))
        }
        if let limit = arguments.maxRejectRate, report.rejectionRate > limit {
            throw FrontendError(message: "\(report.rowsRejected) of \(report.rowsRead) rows rejected (\(percent(report.rejectionRate))), over --max-reject-rate \(limit)")
        }
        let events = table
        table = EventTable()  // the log below holds the only reference, so reordering frees as it goes
        return LoadedLog(log: EventLog(events, removeDuplicates: arguments.dedupe), report: report)
    }

    private static func percent(_ rate: Double) -> String {
        let tenths = (rate * 1000).rounded()
        return "\(Int(tenths) / 10).\(Int(tenths) % 10)%"
    }
}

/// Writes rejected rows as CSV: `line,record,reason,row` (plus `file` with several inputs).
final class RejectsWriter {
    private let output: OutputFile
    private let inputs: [String]
    private let multipleInputs: Bool
    private var failure: FrontendError?

    init(path: String, multipleInputs: Bool, inputs: [String]) throws(FrontendError) {
        output = try OutputFile(path: path)
        self.inputs = inputs
        self.multipleInputs = multipleInputs
        try output.write(multipleInputs ? "line,record,reason,row,file\n" : "line,record,reason,row\n")
    }

    func write(_ r: Rejection) {
        guard failure == nil else { return }
        var line = Array("\(r.line),\(r.record),".utf8)
        line += RejectsWriter.quoted(Array((r.reason.rawValue + ": " + r.detail).utf8))
        line.append(UInt8(ascii: ","))
        line += RejectsWriter.quoted(r.raw)
        if multipleInputs {
            line.append(UInt8(ascii: ","))
            line += RejectsWriter.quoted(Array((r.source < inputs.count ? inputs[r.source] : "").utf8))
        }
        line.append(0x0A)
        do throws(FrontendError) { try output.write(bytes: line) } catch { failure = error }
    }

    func close() throws(FrontendError) {
        if let failure { throw failure }
        try output.close()
    }

    /// RFC 4180 quoting, always applied; the bytes themselves are kept verbatim.
    static func quoted(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x22]
        out.reserveCapacity(bytes.count + 2)
        for b in bytes {
            out.append(b)
            if b == 0x22 { out.append(0x22) }
        }
        out.append(0x22)
        return out
    }
}
