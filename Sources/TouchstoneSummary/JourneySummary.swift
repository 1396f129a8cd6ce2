import CZlib
import TouchstoneConformance
import TouchstoneDiscovery
import TouchstoneIngest
import TouchstoneTraces

/// Rows read, used and rejected (by reason), events and duplicates of the pieces of a log:
/// what `stats` says about ingest, summed over pieces.
public struct IngestAccounting: Sendable, Equatable {
    public var rowsRead = 0
    public var rowsUsed = 0
    /// Rejected rows per reason (`RejectionReason` raw value).
    public var rejected: [String: Int] = [:]
    public var outOfOrderEvents = 0
    public var duplicateEvents = 0
    public var rowsRejected: Int { rejected.values.reduce(0, +) }
    public init() {}

    public init(_ report: IngestReport, log: EventLog) {
        rowsRead = report.rowsRead
        rowsUsed = report.rowsUsed
        for (reason, n) in report.rejectionCounts where n > 0 { rejected[reason.rawValue] = n }
        outOfOrderEvents = log.outOfOrderEvents
        duplicateEvents = log.duplicateEvents
    }

    mutating func merge(_ other: IngestAccounting) {
        rowsRead += other.rowsRead
        rowsUsed += other.rowsUsed
        rejected.merge(other.rejected, uniquingKeysWith: +)
        outOfOrderEvents += other.outOfOrderEvents
        duplicateEvents += other.duplicateEvents
    }
}

/// What a summary was made with, which every piece of one merge must share.
public struct SummarySettings: Sendable, Equatable {
    /// `--map`: the map's name and a fingerprint of its file's bytes; nil without a map.
    public var mapName: String?
    public var mapFingerprint: UInt64?
    /// `--as-of` (µs) and `--in-progress-window` (µs), with a map.
    public var asOf: Int64?
    public var inProgressWindow: Int64?
    /// `--by` and `--score`, with a map.
    public var groupBy: String?
    public var score: String?
    /// `--dedupe`.
    public var dedupe = false
    public init() {}

    /// The first difference from `other`, as a sentence; nil when they agree.
    public func difference(from other: SummarySettings) -> String? {
        if mapFingerprint != other.mapFingerprint || mapName != other.mapName {
            return "one was summarized \(mapName.map { "with the map '\($0)'" } ?? "without --map") and the other \(other.mapName.map { "with the map '\($0)'" } ?? "without --map")"
                + (mapName != nil && mapName == other.mapName ? " (a different version of its file)" : "")
        }
        if asOf != other.asOf { return "they were summarized with different --as-of times (\(asOf.map(String.init) ?? "none") and \(other.asOf.map(String.init) ?? "none") µs); outcomes would not agree" }
        if inProgressWindow != other.inProgressWindow { return "they were summarized with different --in-progress-window values" }
        if groupBy != other.groupBy { return "they were summarized with different --by attributes ('\(groupBy ?? "")' and '\(other.groupBy ?? "")')" }
        if score != other.score { return "they were summarized with different --score attributes ('\(score ?? "")' and '\(other.score ?? "")')" }
        if dedupe != other.dedupe { return "one was summarized with --dedupe and the other without" }
        return nil
    }
}

/// A mergeable summary of one customer-disjoint piece of a log (or of several merged pieces):
/// everything `discover` and `check` report, without the events. Written and read by
/// `touchstone summarize`, `merge` and `--from-summary`; the file format is in
/// docs/summary-format.md.
///
/// Size: O(customers) for the customer fingerprints (8 bytes each, delta-coded), plus the
/// discovery and conformance aggregates, which grow with distinct nodes, edges, variants and
/// steps, never with events (durations are sketches of at most `DurationSketch.exactLimit`
/// values or O(log range) buckets per edge and variant).
public struct JourneySummary: Sendable, Equatable {
    /// Current format version; `read` accepts only this one (see docs/summary-format.md).
    public static let formatVersion: UInt32 = 1
    /// The first 8 bytes of every summary file.
    public static let magic: [UInt8] = Array("TSUM".utf8) + [0x0D, 0x0A, 0x1A, 0x0A]

    /// The touchstone version that wrote the file.
    public var writer: String
    /// Pieces merged into this summary (1 for `summarize`).
    public var pieces = 1
    public var settings: SummarySettings
    public var ingest: IngestAccounting
    /// Fingerprints of every customer id (`CustomerFingerprint`), ascending and distinct.
    public var customers: [UInt64]
    public var discovery: DiscoverySummary
    /// With `--map`: the conformance aggregates.
    public var conformance: ConformanceSummary?

    public init(writer: String, settings: SummarySettings, ingest: IngestAccounting, customers: [UInt64],
                discovery: DiscoverySummary, conformance: ConformanceSummary?) {
        self.writer = writer
        self.settings = settings
        self.ingest = ingest
        self.customers = customers
        self.discovery = discovery
        self.conformance = conformance
    }

    /// The fingerprints of every customer of `log`, ascending and distinct.
    public static func customerFingerprints(_ log: EventLog) -> [UInt64] {
        var out = [UInt64]()
        out.reserveCapacity(log.traceCount)
        let names = log.events.caseNames
        for t in 0..<log.traceCount {
            out.append(names.bytes(log.traceCases[t].rawValue).withUnsafeBufferPointer { CustomerFingerprint.of($0) })
        }
        out.sort()
        return out
    }

    /// Adds a summary of other customers.
    ///
    /// - Throws: `SummaryMergeError` when the settings differ or a customer is in both.
    public mutating func merge(_ other: JourneySummary) throws(SummaryMergeError) {
        if let difference = settings.difference(from: other.settings) { throw .settingsDiffer(difference) }
        guard (conformance == nil) == (other.conformance == nil) else { throw .settingsDiffer("one has conformance aggregates and the other not") }
        customers = try Self.mergeFingerprints(customers, other.customers)
        pieces += other.pieces
        ingest.merge(other.ingest)
        discovery.merge(other.discovery)
        if var mine = conformance, let theirs = other.conformance {
            do { try mine.merge(theirs, compactDurations: true) } catch { throw .settingsDiffer(error.message) }
            conformance = mine
        }
    }

    /// Merges many summaries, building the lookup tables of the merged discovery and variant
    /// aggregates once rather than once per piece: `touchstone merge` of n pieces costs O(total
    /// size), not O(n × total size). `finish()` equals merging one by one with `merge`.
    public struct Merger {
        var summary: JourneySummary
        var discovery: DiscoverySummary.Merger
        var variantIndex: [TouchpointVariant: Int]

        public init(_ first: JourneySummary) {
            summary = first
            discovery = DiscoverySummary.Merger(first.discovery)
            summary.discovery = DiscoverySummary()
            variantIndex = first.conformance?.variants.index ?? [:]
        }

        public mutating func add(_ other: JourneySummary) throws(SummaryMergeError) {
            if let difference = summary.settings.difference(from: other.settings) { throw .settingsDiffer(difference) }
            guard (summary.conformance == nil) == (other.conformance == nil) else {
                throw .settingsDiffer("one has conformance aggregates and the other not")
            }
            summary.customers = try JourneySummary.mergeFingerprints(summary.customers, other.customers)
            summary.pieces += other.pieces
            summary.ingest.merge(other.ingest)
            discovery.add(other.discovery)
            if var mine = summary.conformance, var theirs = other.conformance {
                summary.conformance = nil  // no copy while merging
                let variants = theirs.variants
                theirs.variants = VariantCounts()
                do { try mine.merge(theirs, compactDurations: true) } catch { throw .settingsDiffer(error.message) }
                mine.variants.merge(variants, index: &variantIndex)
                summary.conformance = mine
            }
        }

        public consuming func finish() -> JourneySummary {
            var result = summary
            result.discovery = discovery.finish()
            return result
        }
    }

    /// The union of two ascending, distinct fingerprint lists; a shared one is an error.
    static func mergeFingerprints(_ a: [UInt64], _ b: [UInt64]) throws(SummaryMergeError) -> [UInt64] {
        var merged = [UInt64]()
        merged.reserveCapacity(a.count + b.count)
        var shared = 0
        var example: UInt64 = 0
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if j == b.count || (i < a.count && a[i] < b[j]) { merged.append(a[i]); i += 1 }
            else if i == a.count || b[j] < a[i] { merged.append(b[j]); j += 1 }
            else { if shared == 0 { example = a[i] }; shared += 1; merged.append(a[i]); i += 1; j += 1 }
        }
        if shared > 0 { throw .sharedCustomers(shared, example: example) }
        return merged
    }

    /// Compacts every duration set (done before writing).
    public mutating func compact() {
        discovery.compact()
        conformance?.compactDurations()
    }

    /// The file's bytes: magic, version, payload length, payload, CRC-32 of the payload.
    public func encoded() -> [UInt8] {
        var p = BinaryWriter()
        p.string(writer)
        p.count(pieces)
        p.optionalString(settings.mapName)
        p.bool(settings.mapFingerprint != nil)
        if let f = settings.mapFingerprint { p.fixed64(f) }
        p.optionalVarint(settings.asOf)
        p.optionalVarint(settings.inProgressWindow)
        p.optionalString(settings.groupBy)
        p.optionalString(settings.score)
        p.bool(settings.dedupe)
        p.count(ingest.rowsRead); p.count(ingest.rowsUsed)
        p.count(ingest.rejected.count)
        for (k, v) in ingest.rejected.sorted(by: { $0.key < $1.key }) { p.string(k); p.count(v) }
        p.count(ingest.outOfOrderEvents); p.count(ingest.duplicateEvents)
        p.count(customers.count)
        var previous: UInt64 = 0
        for (k, c) in customers.enumerated() { p.uvarint(k == 0 ? c : c &- previous); previous = c }
        discovery.encode(into: &p)
        p.bool(conformance != nil)
        conformance?.encode(into: &p)
        var w = BinaryWriter()
        w.raw(Self.magic)
        w.fixed32(Self.formatVersion)
        w.fixed64(UInt64(p.bytes.count))
        w.raw(p.bytes)
        w.fixed32(Self.crc32(p.bytes[...]))
        return w.bytes
    }

    /// Reads a summary file's bytes.
    ///
    /// - Throws: `SummaryReadError` naming what is wrong: not a summary, another format
    ///   version, truncated, checksum mismatch, or malformed at a byte offset.
    public init(decoding bytes: [UInt8]) throws(SummaryReadError) {
        guard bytes.count >= Self.magic.count, Array(bytes[0..<Self.magic.count]) == Self.magic else {
            if bytes.starts(with: Array("TSUM".utf8)) { throw .notASummary("its first bytes were changed (a text-mode transfer?)") }
            throw .notASummary("it does not start with a Touchstone summary's signature")
        }
        var r = BinaryReader(bytes, from: Self.magic.count)
        do {
            let version = try r.fixed32()
            guard version == Self.formatVersion else { throw SummaryReadError.version(Int(version)) }
            let length = try r.fixed64()
            guard length <= UInt64(r.remaining), r.remaining - Int(length) == 4 else {
                throw SummaryReadError.truncated(expected: Int(clamping: length) + 4 + r.offset, actual: bytes.count)
            }
            let start = r.offset
            let end = start + Int(length)
            var tail = BinaryReader(bytes, from: end)
            let stored = try tail.fixed32()
            guard stored == Self.crc32(bytes[start..<end]) else { throw SummaryReadError.checksum }
            var p = BinaryReader(bytes, from: start, to: end)
            writer = try p.string()
            pieces = try p.number()
            settings = SummarySettings()
            settings.mapName = try p.optionalString()
            settings.mapFingerprint = try p.bool() ? try p.fixed64() : nil
            settings.asOf = try p.optionalVarint()
            settings.inProgressWindow = try p.optionalVarint()
            settings.groupBy = try p.optionalString()
            settings.score = try p.optionalString()
            settings.dedupe = try p.bool()
            ingest = IngestAccounting()
            ingest.rowsRead = try p.number(); ingest.rowsUsed = try p.number()
            for _ in 0..<(try p.count()) {
                let reason = try p.string()
                guard RejectionReason(rawValue: reason) != nil else { throw p.fail("unknown rejection reason '\(reason)'") }
                ingest.rejected[reason] = try p.number()
            }
            ingest.outOfOrderEvents = try p.number(); ingest.duplicateEvents = try p.number()
            guard ingest.rowsRead == ingest.rowsUsed + ingest.rowsRejected else {
                throw p.fail("rows read (\(ingest.rowsRead)) are not rows used (\(ingest.rowsUsed)) plus rejected (\(ingest.rowsRejected))")
            }
            let n = try p.count()
            var list = [UInt64]()
            list.reserveCapacity(n)
            var previous: UInt64 = 0
            for k in 0..<n {
                let delta = try p.uvarint()
                guard k == 0 || delta > 0 else { throw p.fail("customer fingerprints are not ascending and distinct") }
                let (c, overflow) = previous.addingReportingOverflow(delta)
                guard !overflow else { throw p.fail("customer fingerprint out of range") }
                list.append(c)
                previous = c
            }
            customers = list
            discovery = try DiscoverySummary(from: &p)
            conformance = try p.bool() ? try ConformanceSummary(from: &p) : nil
            guard p.isAtEnd else { throw p.fail("\(p.remaining) unexpected bytes after the summary") }
            guard discovery.customers == customers.count else {
                throw p.fail("\(customers.count) customer fingerprints for \(discovery.customers) customers")
            }
        } catch let error as SummaryReadError {
            throw error
        } catch let error as BinaryFormatError {
            throw .malformed(error)
        } catch {
            throw .malformed(BinaryFormatError(offset: r.offset, message: "\(error)"))
        }
    }

    static func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var crc: uLong = 0
        var rest = bytes[...]
        while !rest.isEmpty {
            let chunk = rest.prefix(1 << 30)
            crc = chunk.withUnsafeBufferPointer { CZlib.crc32(crc, $0.baseAddress, uInt($0.count)) }
            rest = rest.dropFirst(chunk.count)
        }
        return UInt32(truncatingIfNeeded: crc)
    }
}

/// A stable 64-bit fingerprint of a customer id's bytes, for finding a customer in two pieces:
/// FNV-1a over the bytes, then MurmurHash3's 64-bit finalizer. Two different ids share one
/// with probability about 2⁻⁶⁴ per pair: among n customers, at most n²/2⁶⁵ (10⁸ customers:
/// under 3·10⁻⁴) — then `merge` reports a shared customer that is not.
public enum CustomerFingerprint {
    public static func of(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }

    public static func of(_ id: String) -> UInt64 {
        var s = id
        return s.withUTF8 { of($0) }
    }

    /// Fingerprint of a map file's bytes (same function).
    public static func of(bytes: [UInt8]) -> UInt64 { bytes.withUnsafeBufferPointer { of($0) } }
}

/// Pieces that cannot be merged.
public enum SummaryMergeError: Error, Sendable, Equatable, CustomStringConvertible {
    case settingsDiffer(String)
    case sharedCustomers(Int, example: UInt64)
    public var description: String {
        switch self {
        case .settingsDiffer(let why): return "the summaries cannot be merged: \(why)"
        case .sharedCustomers(let n, let example):
            let hex = String(example, radix: 16)
            return "\(n) customer\(n == 1 ? " is" : "s are") in both summaries (e.g. fingerprint \(String(repeating: "0", count: 16 - hex.count) + hex)), "
                + "so the pieces are not split by customer and would count \(n == 1 ? "it" : "them") twice; split the log with `touchstone split` (or by the same customer hash) and summarize each piece once"
        }
    }
}

/// A file that is not a readable summary.
public enum SummaryReadError: Error, Sendable, Equatable, CustomStringConvertible {
    case notASummary(String)
    case version(Int)
    case truncated(expected: Int, actual: Int)
    case checksum
    case malformed(BinaryFormatError)
    public var description: String {
        switch self {
        case .notASummary(let why): return "not a Touchstone summary: \(why)"
        case .version(let v):
            return v > Int(JourneySummary.formatVersion)
                ? "summary format version \(v) was written by a newer touchstone; this one reads version \(JourneySummary.formatVersion): upgrade touchstone"
                : "summary format version \(v) is older than this touchstone reads (version \(JourneySummary.formatVersion)); summarize the log again"
        case .truncated(let expected, let actual): return "the summary is truncated or has extra bytes (\(actual) bytes, expected \(expected))"
        case .checksum: return "the summary is corrupt (its CRC-32 checksum does not match)"
        case .malformed(let e): return "the summary is malformed \(e)"
        }
    }
}
