#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How full each column is in the first data rows of an input, for column detection
/// (`ColumnMapping.resolve` prefers a filled candidate).
///
/// The sample is the data rows that end with a line end within the first `maxRows + 1` lines (header
/// included) and the first `maxBytes` bytes of the input, whichever is shorter; rows whose
/// field count differs from the header's are not counted. It is parsed once, on its own,
/// before the input is read as usual, so the result never depends on how the bytes arrive.
struct ColumnFillSample {
    static let maxRows = 100
    static let maxBytes = 1 << 20

    /// Rows sampled.
    var rows = 0
    /// Non-empty fields per column among the sampled rows.
    var filled: [Int] = []

    /// No sample (an input without a header).
    init() {}

    /// Where a search for the sample's end stopped: bytes scanned (from the input's start)
    /// and line ends seen, so that bytes arriving in small chunks are scanned once.
    struct Progress {
        var scanned = 0
        var lineEnds = 0
    }

    /// Whether `bytes` (the input's start, after a BOM at `start`) hold the whole sample:
    /// `maxRows + 1` line ends, or `maxBytes` bytes. Scans only what `progress` has not seen.
    static func isComplete(_ bytes: [UInt8], from start: Int, lineEnd: UInt8, progress: inout Progress) -> Bool {
        if bytes.count - start >= maxBytes { return true }
        var i = max(start, progress.scanned)
        while i < bytes.count {
            if bytes[i] == lineEnd {
                progress.lineEnds += 1
                if progress.lineEnds == maxRows + 1 { progress.scanned = i + 1; return true }
            }
            i += 1
        }
        progress.scanned = i
        return false
    }

    /// The end of the sample: just past the `maxRows + 1`th line end, when within `maxBytes`.
    private static func cut(_ bytes: [UInt8], from start: Int, lineEnd: UInt8) -> Int? {
        var seen = 0
        var i = start
        let limit = min(bytes.count, start + maxBytes)
        while i < limit {
            if bytes[i] == lineEnd {
                seen += 1
                if seen == maxRows + 1 { return i + 1 }
            }
            i += 1
        }
        return nil
    }

    /// Counts the sample at the start of `bytes`. Only rows ended by a line end count (a
    /// last row without one is left out), so any prefix holding the sample gives the same.
    init(_ bytes: [UInt8], from start: Int, dialect: Dialect) {
        let end = ColumnFillSample.cut(bytes, from: start, lineEnd: dialect.lineEnd) ?? min(bytes.count, start + ColumnFillSample.maxBytes)
        guard end > start, let parser = try? CSVParser(delimiter: dialect.delimiter, lineEnd: dialect.lineEnd) else { return }
        let counter = FillCounter()
        let context = Unmanaged.passUnretained(counter).toOpaque()
        withExtendedLifetime(counter) {
            bytes.withUnsafeBytes { raw in
                let slice = UnsafeRawBufferPointer(rebasing: raw[start..<end])
                _ = try? parser.parse(slice, context: context, field: fillField, record: fillRecord)
            }
        }
        rows = counter.rows
        filled = counter.filled
    }
}

/// The callbacks' state: the header's field count, then per-column counts of data rows.
private final class FillCounter {
    var headerFields = -1
    var field = 0
    var rowFilled: [Bool] = []
    var filled: [Int] = []
    var rows = 0
}

private let fillField: CSVParser.FieldCallback = { _, length, context in
    guard let context else { return }
    let c = Unmanaged<FillCounter>.fromOpaque(context).takeUnretainedValue()
    if c.field < c.rowFilled.count { c.rowFilled[c.field] = length > 0 }
    c.field += 1
}

private let fillRecord: CSVParser.RecordCallback = { _, context in
    guard let context else { return }
    let c = Unmanaged<FillCounter>.fromOpaque(context).takeUnretainedValue()
    defer { c.field = 0 }
    if c.headerFields < 0 {
        c.headerFields = c.field
        c.rowFilled = Array(repeating: false, count: c.field)
        c.filled = Array(repeating: 0, count: c.field)
        return
    }
    guard c.field == c.headerFields, c.rows < ColumnFillSample.maxRows else { return }
    c.rows += 1
    for i in c.rowFilled.indices where c.rowFilled[i] { c.filled[i] += 1 }
}
