/// Receives the piece files' bytes from a `PieceRouter` (the CLI writes them to files).
///
/// Called once per MiB of a piece's rows and at the end of each input, never per row.
public protocol PieceWriter: AnyObject {
    /// Appends whole rows to piece `piece`'s file for input `source`; the first call for a
    /// file comes before any other, and the file starts with `header` (the input's byte-order
    /// mark, if any, and its header line, as read).
    func write(piece: Int, source: Int, header: [UInt8], rows: UnsafeRawBufferPointer) throws(IngestError)
    /// Writes one row that must be the last of its file (a quote in it never closes, or it was
    /// cut to the kept size) to a file of its own in piece `piece`: `header`, then `row`.
    /// `index` counts such rows of input `source` from 1.
    func writeAlone(piece: Int, source: Int, index: Int, header: [UInt8], row: [UInt8]) throws(IngestError)
    /// Input `source` has no more rows: its piece files can be closed.
    func endInput(_ source: Int) throws(IngestError)
}

/// Routes every row of a log, verbatim, to the piece of its customer: `CustomerHash.piece`
/// (Spark's `pmod(xxhash64(customer), N)`) of the customer id as the ingest reads it (after
/// quotes, trimming and transcoding to UTF-8).
///
/// Given to `Ingester(options:onRejection:router:)`, which then validates and counts rows as
/// usual but keeps no events. Each row goes out as its raw bytes (a row of several lines
/// whole; its line end as in the input, the input's own line end added to a last row that has
/// none), in input order, so each piece keeps its rows in their original order. Rows without a
/// customer id (an empty or missing field, or a row that does not parse into fields: bad
/// quoting, a field over the size limit) go where Spark puts a null, piece `pmod(42, N)`.
/// A row whose quote never closes (`unterminated_quote`), or one cut to the kept size, would
/// swallow the rows after it in a piece file: it goes to a file of its own (`writeAlone`).
///
/// Cost: O(bytes); memory is one buffer of up to about 1 MiB per piece plus the distinct
/// customer ids of used rows (to count customers per piece).
public final class PieceRouter {
    public let pieces: Int
    /// Rows written to each piece (all rows: used and rejected).
    public private(set) var rowsPerPiece: [Int]
    /// Distinct customer ids of the used rows of each piece.
    public private(set) var customersPerPiece: [Int]
    private var customers = SymbolTable()
    private var buffers: [[UInt8]]
    private var header: [UInt8] = []
    private var byteOrderMark = false
    private var lineEnd: [UInt8] = [0x0A]
    private var source = -1
    private var aloneRows = 0
    private let writer: any PieceWriter
    /// The first failure of the writer; the ingester stops with it.
    var failure: IngestError?
    private static let flushBytes = 1 << 20

    public init(pieces: Int, writer: any PieceWriter) {
        precondition(pieces > 0, "pieces must be positive")
        self.pieces = pieces
        self.writer = writer
        rowsPerPiece = Array(repeating: 0, count: pieces)
        customersPerPiece = Array(repeating: 0, count: pieces)
        buffers = Array(repeating: [], count: pieces)
    }

    /// The piece of rows without a customer id (Spark's null hash, 42).
    public var pieceWithoutCustomer: Int { CustomerHash.piece(of: nil as UnsafeRawBufferPointer?, pieces: pieces) }

    /// A new input starts; `lineEnd` is its line end (`\n`, `\r\n` or `\r`).
    func beginInput(_ index: Int, lineEnd: [UInt8], byteOrderMark: Bool) {
        source = index
        self.lineEnd = lineEnd
        self.byteOrderMark = byteOrderMark
        header = byteOrderMark ? [0xEF, 0xBB, 0xBF] : []
        aloneRows = 0
    }

    /// The input's header line, as read (two parts: earlier chunks and the current one).
    func header(_ earlier: UnsafeRawBufferPointer, _ current: UnsafeRawBufferPointer) {
        header = byteOrderMark ? [0xEF, 0xBB, 0xBF] : []
        header.append(contentsOf: earlier)
        header.append(contentsOf: current)
        if header.last != lineEnd.last { header.append(contentsOf: lineEnd) }
    }

    /// A parsed row; `customer` is its customer id (nil when empty or missing).
    @inline(__always)
    func row(_ earlier: UnsafeRawBufferPointer, _ current: UnsafeRawBufferPointer, customer: UnsafeRawBufferPointer?) {
        let piece = CustomerHash.piece(of: customer, pieces: pieces)
        rowsPerPiece[piece] += 1
        buffers[piece].append(contentsOf: earlier)
        buffers[piece].append(contentsOf: current)
        if buffers[piece].last != lineEnd.last { buffers[piece].append(contentsOf: lineEnd) }
        if buffers[piece].count >= PieceRouter.flushBytes { flush(piece) }
    }

    /// A row that did not parse into fields (rejected; raw bytes without the line end).
    func unparsedRow(_ raw: [UInt8]) {
        raw.withUnsafeBytes { row(UnsafeRawBufferPointer(start: nil, count: 0), $0, customer: nil) }
    }

    /// A rejected row that must end its file (see `PieceWriter.writeAlone`).
    func aloneRow(_ raw: [UInt8]) {
        guard failure == nil else { return }
        let piece = pieceWithoutCustomer
        rowsPerPiece[piece] += 1
        aloneRows += 1
        do throws(IngestError) {
            try writer.writeAlone(piece: piece, source: source, index: aloneRows, header: header, row: raw + lineEnd)
        } catch { failure = error }
    }

    /// A used row's customer id, counted once per piece.
    @inline(__always)
    func countCustomer(_ customer: UnsafeRawBufferPointer) {
        let before = customers.count
        _ = customers.intern(customer)
        if customers.count > before { customersPerPiece[CustomerHash.piece(of: customer, pieces: pieces)] += 1 }
    }

    /// The input has ended: everything of it is handed to the writer.
    func endInput() {
        guard source >= 0 else { return }
        for piece in 0..<pieces where !buffers[piece].isEmpty { flush(piece) }
        guard failure == nil else { return }
        do throws(IngestError) { try writer.endInput(source) } catch { failure = error }
        source = -1
    }

    private func flush(_ piece: Int) {
        defer { buffers[piece].removeAll(keepingCapacity: true) }
        guard failure == nil else { return }
        var error: IngestError?
        buffers[piece].withUnsafeBytes { rows in
            do throws(IngestError) {
                try writer.write(piece: piece, source: source, header: header, rows: rows)
            } catch let e { error = e }
        }
        failure = error
    }
}
