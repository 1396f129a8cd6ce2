import TouchstoneIngest
import TouchstoneTraces

/// One touchpoint on one channel: a card of the journey matrix.
public struct TouchpointCell: Sendable, Hashable, Comparable {
    public var touchpoint: String
    /// The event's channel; empty when the log has no channel column.
    public var channel: String
    /// The step the map maps the touchpoint to; nil when no step matches (undesigned).
    public var step: String?
    public init(touchpoint: String, channel: String, step: String?) {
        self.touchpoint = touchpoint; self.channel = channel; self.step = step
    }
    /// Bytewise by touchpoint, then channel.
    public static func < (a: Self, b: Self) -> Bool {
        a.touchpoint != b.touchpoint ? bytewiseLess(a.touchpoint, b.touchpoint) : bytewiseLess(a.channel, b.channel)
    }
}

/// Events, customers and conformant customers of one touchpoint on one channel.
public struct CellTally: Sendable, Equatable {
    public var events = 0
    /// Customers with at least one such event.
    public var customers = 0
    /// Of `customers`, those whose whole journey conforms.
    public var conformant = 0
    public init(events: Int = 0, customers: Int = 0, conformant: Int = 0) {
        self.events = events; self.customers = customers; self.conformant = conformant
    }
}

/// The `--score` values on the events of one step: a sum and a count, so means merge exactly
/// (up to summation order).
public struct ScoreTally: Sendable, Equatable {
    public var sum: Double = 0
    /// Events of the step with a numeric score.
    public var events = 0
    public init(sum: Double = 0, events: Int = 0) { self.sum = sum; self.events = events }
    public var mean: Double? { events == 0 ? nil : sum / Double(events) }
}

/// A touchpoint variant: the whole sequence of a customer's touchpoints (ignored ones included),
/// kept as one byte string — names joined by a 0 byte, with 0 and 1 bytes inside a name written
/// as 1 1 and 1 2 — so that it hashes fast and its bytewise order is the order of the sequences
/// (name by name, bytewise; a prefix first).
public struct TouchpointVariant: Sendable, Hashable, Comparable {
    public private(set) var encoded: [UInt8]

    init(encoded: [UInt8]) { self.encoded = encoded }

    public init(_ touchpoints: [String]) {
        encoded = []
        for (i, t) in touchpoints.enumerated() {
            if i > 0 { encoded.append(0) }
            TouchpointVariant.append(t.utf8, to: &encoded)
        }
    }

    static func append<C: Collection>(_ name: C, to out: inout [UInt8]) where C.Element == UInt8 {
        if !name.contains(where: { $0 < 2 }) { out.append(contentsOf: name); return }
        for b in name {
            switch b {
            case 0: out.append(1); out.append(1)
            case 1: out.append(1); out.append(2)
            default: out.append(b)
            }
        }
    }

    /// The touchpoint names.
    public var touchpoints: [String] {
        var names: [String] = []
        var current: [UInt8] = []
        var escape = false
        for b in encoded {
            if escape { current.append(b - 1); escape = false; continue }
            switch b {
            case 0: names.append(String(decoding: current, as: UTF8.self)); current.removeAll(keepingCapacity: true)
            case 1: escape = true
            default: current.append(b)
            }
        }
        names.append(String(decoding: current, as: UTF8.self))
        return names
    }

    public static func < (a: Self, b: Self) -> Bool { a.encoded.lexicographicallyPrecedes(b.encoded) }

    /// All bytes at once (an array of bytes would feed the hasher one byte at a time).
    public func hash(into hasher: inout Hasher) {
        encoded.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}

/// Customers per touchpoint variant: distinct keys in no particular order, their encoded bytes
/// (see `TouchpointVariant`) in one arena, so a million variants cost no allocation each. One
/// check appends its variants (already distinct: no hashing); `merge` sums equal keys. Equal
/// when they hold the same counts per key, whatever the order.
public struct VariantCounts: Sendable, Equatable {
    private var arena: [UInt8] = []
    private var ends: [Int] = []
    public private(set) var tallies: [VariantTally] = []
    /// Distinct variants left out by `CheckOptions.variantLimit` (0 when every one is kept).
    /// Where it is not 0, `merge` is not exact for variants: `distinct` counts a variant
    /// of both pieces twice, and the kept ones are only each piece's most frequent.
    public internal(set) var omitted = 0
    public init() {}
    /// Variants kept.
    public var count: Int { tallies.count }
    /// Distinct variants, kept or omitted.
    public var distinct: Int { count + omitted }
    public var values: [VariantTally] { tallies }

    /// The encoded key of variant `i`.
    public func keyBytes(_ i: Int) -> ArraySlice<UInt8> { arena[(i == 0 ? 0 : ends[i - 1])..<ends[i]] }
    public func key(_ i: Int) -> TouchpointVariant { TouchpointVariant(encoded: Array(keyBytes(i))) }
    public var entries: [(key: TouchpointVariant, tally: VariantTally)] { tallies.indices.map { (key($0), tallies[$0]) } }

    /// Adds a variant not yet present from its touchpoints' ids, given every id's encoded name.
    mutating func appendDistinct(ids: UnsafeBufferPointer<ActivityID>, encodedNames: [[UInt8]], _ tally: VariantTally) {
        for (i, id) in ids.enumerated() {
            if i > 0 { arena.append(0) }
            arena.append(contentsOf: encodedNames[id.index])
        }
        ends.append(arena.count)
        tallies.append(tally)
    }

    mutating func append(_ key: TouchpointVariant, _ tally: VariantTally) {
        arena += key.encoded
        ends.append(arena.count)
        tallies.append(tally)
    }

    mutating func reserveCapacity(_ n: Int, bytes: Int) {
        ends.reserveCapacity(n)
        tallies.reserveCapacity(n)
        arena.reserveCapacity(bytes)
    }

    public var dictionary: [TouchpointVariant: VariantTally] {
        Dictionary(entries.map { ($0.key, $0.tally) }, uniquingKeysWith: { a, b in
            VariantTally(customers: a.customers + b.customers, conformant: a.conformant + b.conformant, fitness: a.fitness)
        })
    }

    public subscript(key: TouchpointVariant) -> VariantTally? { dictionary[key] }

    public mutating func merge(_ other: VariantCounts) {
        guard count > 0 else { let omitted = self.omitted; self = other; self.omitted += omitted; return }
        guard other.count > 0 else { omitted += other.omitted; return }
        var index = self.index
        merge(other, index: &index)
    }

    /// Where each variant is (for `merge(_:index:)`).
    public var index: [TouchpointVariant: Int] {
        Dictionary(tallies.indices.map { (key($0), $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// `merge(_:)` with `index` (this one's `index`, kept up to date) built once by the caller, so
    /// that merging many pieces does not rebuild it each time.
    public mutating func merge(_ other: VariantCounts, index: inout [TouchpointVariant: Int]) {
        omitted += other.omitted
        for (k, v) in other.entries {
            if let i = index[k] {
                tallies[i].customers += v.customers
                tallies[i].conformant += v.conformant
            } else {
                index[k] = count
                append(k, v)
            }
        }
    }

    public static func == (a: Self, b: Self) -> Bool { a.omitted == b.omitted && a.dictionary == b.dictionary }
}

/// Customers of one variant; the fitness is the variant's (it depends on the sequence only).
public struct VariantTally: Sendable, Equatable {
    public var customers = 0
    public var conformant = 0
    public var fitness: Double = 1
    public init(customers: Int = 0, conformant: Int = 0, fitness: Double = 1) {
        self.customers = customers; self.conformant = conformant; self.fitness = fitness
    }
}

extension ConformanceSummary {
    /// Example customers kept per deviation: the ones whose ids sort first bytewise, so the
    /// examples of merged pieces are the examples of the whole.
    public static let exampleLimit = 3

    /// Merges the report aggregates of `other` (called by `merge`).
    mutating func mergeReportAggregates(_ other: ConformanceSummary) {
        for (k, v) in other.cells {
            var c = cells[k, default: CellTally()]
            c.events += v.events; c.customers += v.customers; c.conformant += v.conformant
            cells[k] = c
        }
        stepConformant.merge(other.stepConformant, uniquingKeysWith: +)
        startSteps.merge(other.startSteps, uniquingKeysWith: +)
        for (k, v) in other.stepScores {
            var s = stepScores[k, default: ScoreTally()]
            s.sum += v.sum; s.events += v.events
            stepScores[k] = s
        }
        variants.merge(other.variants)
        for (k, v) in other.deviationExamples {
            deviationExamples[k] = Self.smallest(deviationExamples[k, default: []] + v)
        }
    }

    /// The `exampleLimit` bytewise-smallest distinct ids of `ids`.
    static func smallest(_ ids: [String]) -> [String] {
        var list: [String] = []
        for id in ids.sorted(by: bytewiseLess) where list.last != id {
            list.append(id)
            if list.count == exampleLimit { break }
        }
        return list
    }
}

/// Bytewise (UTF-8) order of two strings; a prefix sorts first.
public func bytewiseLess(_ a: String, _ b: String) -> Bool {
    a.utf8.lexicographicallyPrecedes(b.utf8)
}
