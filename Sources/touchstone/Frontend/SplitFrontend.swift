import TouchstoneIngest
#if canImport(Glibc)
import Glibc
#endif

/// `touchstone split`: reads the inputs once, writing every row to its customer's piece.
enum SplitFrontend {
    static func run(inputs: [String], _ arguments: IngestOptionArguments, pieces: Int, directory: String) throws {
        for path in inputs { try LogLoader.refuseUnsupportedFormat(path) }
        let target = directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        try checkTarget(target)
        let staging = target + ".touchstone-\(getpid()).tmp"
        guard mkdir(staging, 0o777) == 0 else {
            throw FrontendError(message: "--output-dir \(directory): cannot create \(staging): " + String(cString: strerror(errno)))
        }
        let writer = PieceFilesWriter(staging: staging, pieces: pieces, names: fileNames(inputs))
        do {
            let router = PieceRouter(pieces: pieces, writer: writer)
            let rejectsFile = try arguments.rejects.map { path throws(FrontendError) in
                try RejectsWriter(path: path, multipleInputs: inputs.count > 1, inputs: inputs)
            }
            let ingester = Ingester(options: arguments.options, onRejection: rejectsFile.map { writer in { writer.write($0) } },
                                    router: router)
            let (_, report) = try ingester.ingest(inputs.map(InputSource.init(argument:)))
            try rejectsFile?.close()
            LogLoader.noteIngest(report)
            if report.rowsRejected > 0 {
                Diagnostics.note("\(report.rowsRejected) of \(report.rowsRead) rows rejected" + (arguments.rejects == nil ? " (see --rejects FILE)" : "")
                    + "; they are in the pieces too (rows without a customer id in piece \(router.pieceWithoutCustomer))")
            }
            if let failure = report.rejectRateFailure(maxRejectRate: arguments.maxRejectRate) {
                throw FrontendError(message: failure)
            }
            // An empty target folder is replaced; rename(2) does that atomically.
            guard rename(staging, target) == 0 else {
                throw FrontendError(message: "--output-dir \(directory): cannot rename \(staging) into place: " + String(cString: strerror(errno)))
            }
            for piece in 0..<pieces where router.rowsPerPiece[piece] > 0 {
                let rows = router.rowsPerPiece[piece], customers = router.customersPerPiece[piece]
                Diagnostics.note("\(writer.pieceName(piece)): \(rows) row\(rows == 1 ? "" : "s"), \(customers) customer\(customers == 1 ? "" : "s")")
            }
            let empty = router.rowsPerPiece.filter { $0 == 0 }.count
            Diagnostics.note("\(report.rowsRead) rows (\(report.rowsUsed) used, \(report.rowsRejected) rejected) of \(inputs.count) input\(inputs.count == 1 ? "" : "s") split into \(pieces) piece\(pieces == 1 ? "" : "s") in \(directory)"
                + (empty > 0 ? " (\(empty) piece\(empty == 1 ? " has" : "s have") no rows and no folder)" : ""))
        } catch {
            writer.abandon()
            rmdir(staging)
            throw error
        }
    }

    /// The target must not exist yet, or be an empty folder.
    private static func checkTarget(_ target: String) throws(FrontendError) {
        var info = stat()
        guard stat(target, &info) == 0 else { return }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            throw FrontendError(message: "--output-dir \(target): exists and is not a folder")
        }
        guard let dir = opendir(target) else {
            throw FrontendError(message: "--output-dir \(target): cannot read: " + String(cString: strerror(errno)))
        }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." {
                throw FrontendError(message: "--output-dir \(target): is not empty; split writes into a new or empty folder (so pieces of an earlier split are never mixed in)")
            }
        }
    }

    /// `NNNN-NAME` per input: its 1-based position (so the files of a piece sort in input
    /// order) and its file name without `.gz` (pieces are written plain); `-` is `stdin.csv`.
    static func fileNames(_ inputs: [String]) -> [String] {
        let width = max(4, String(inputs.count).count)
        return inputs.enumerated().map { i, path in
            var name = path == "-" ? "stdin.csv" : String(path.split(separator: "/").last ?? "input")
            if name.lowercased().hasSuffix(".gz") && name.count > 3 { name.removeLast(3) }
            return padded(i + 1, width) + "-" + name
        }
    }

    static func padded(_ n: Int, _ width: Int) -> String {
        let digits = String(n)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

/// Writes the piece files into the staging folder: `piece-K/NNNN-NAME` per piece and input,
/// opened at a piece's first rows of an input and closed (renamed into place) at the input's
/// end, so at most one file per piece is open.
final class PieceFilesWriter: PieceWriter {
    private let staging: String
    private let names: [String]
    private let pieceWidth: Int
    private var open: [Int: OutputFile] = [:]
    private var folders: Set<Int> = []
    private var written: [String] = []

    init(staging: String, pieces: Int, names: [String]) {
        self.staging = staging
        self.names = names
        pieceWidth = max(4, String(pieces - 1).count)
    }

    func pieceName(_ piece: Int) -> String { "piece-" + SplitFrontend.padded(piece, pieceWidth) }

    func write(piece: Int, source: Int, header: [UInt8], rows: UnsafeRawBufferPointer) throws(IngestError) {
        do throws(FrontendError) {
            let file: OutputFile
            if let existing = open[piece] {
                file = existing
            } else {
                file = try create(piece: piece, name: names[source])
                try file.write(bytes: header)
                open[piece] = file
            }
            try file.write(raw: rows)
        } catch {
            throw IngestError(message: error.message)
        }
    }

    func writeAlone(piece: Int, source: Int, index: Int, header: [UInt8], row: [UInt8]) throws(IngestError) {
        do throws(FrontendError) {
            let file = try create(piece: piece, name: names[source] + ".open-quote-\(index).csv")
            try file.write(bytes: header)
            try file.write(bytes: row)
            try file.close()
        } catch {
            throw IngestError(message: error.message)
        }
    }

    func endInput(_ source: Int) throws(IngestError) {
        let files = open
        open = [:]
        for piece in files.keys.sorted() {
            do throws(FrontendError) { try files[piece]?.close() } catch { throw IngestError(message: error.message) }
        }
    }

    private func create(piece: Int, name: String) throws(FrontendError) -> OutputFile {
        let folder = staging + "/" + pieceName(piece)
        if !folders.contains(piece) {
            guard mkdir(folder, 0o777) == 0 else {
                throw FrontendError(message: "\(folder): cannot create: " + String(cString: strerror(errno)))
            }
            folders.insert(piece)
        }
        let path = folder + "/" + name
        written.append(path)
        return try OutputFile(path: path)
    }

    /// Removes what was written (a failed split leaves no folder behind).
    func abandon() {
        for file in open.values { try? file.close() }
        open = [:]
        for path in written { unlink(path) }
        for piece in folders { rmdir(staging + "/" + pieceName(piece)) }
    }
}
