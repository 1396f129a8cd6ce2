import TouchstoneTraces

// The conformance section of a summary file (docs/summary-format.md). Every keyed table is
// written in bytewise key order, so equal summaries write equal bytes.

extension KeyFigures {
    func encode(into w: inout BinaryWriter) {
        w.count(customers); w.count(conformant); w.varint(fitnessUnits.high); w.fixed64(fitnessUnits.low)
        for n in outcomes { w.count(n) }
        for n in deviationCustomers { w.count(n) }
    }

    init(from r: inout BinaryReader) throws(BinaryFormatError) {
        self.init()
        customers = try r.number(); conformant = try r.number(); fitnessUnits = WideSum(high: try r.varint(), low: try r.fixed64())
        for i in outcomes.indices { outcomes[i] = try r.number() }
        for i in deviationCustomers.indices { deviationCustomers[i] = try r.number() }
        guard conformant <= customers, outcomes.reduce(0, +) == customers, deviationCustomers.allSatisfy({ $0 <= customers }) else {
            throw r.fail("key figures that do not add up (conformant or outcomes against customers)")
        }
    }
}

extension Deviation {
    func encode(into w: inout BinaryWriter) { w.byte(UInt8(type.rawValue)); w.string(detail) }
    init(from r: inout BinaryReader) throws(BinaryFormatError) {
        let raw = try r.byte()
        guard let type = DeviationType(rawValue: Int(raw)) else { throw r.fail("unknown deviation type \(raw)") }
        self.init(type, try r.string())
    }
}

private extension BinaryWriter {
    mutating func counts(_ map: [String: Int]) {
        count(map.count)
        for (k, v) in map.sorted(by: { bytewiseLess($0.key, $1.key) }) { string(k); count(v) }
    }
}

private extension BinaryReader {
    mutating func counts() throws(BinaryFormatError) -> [String: Int] {
        let n = try count()
        var map: [String: Int] = [:]
        map.reserveCapacity(n)
        for _ in 0..<n {
            let k = try string()
            guard map.updateValue(try number(), forKey: k) == nil else { throw fail("key '\(k)' twice") }
        }
        return map
    }
}

extension ConformanceSummary {
    /// Writes every aggregate (the conformance section of a summary file).
    public func encode(into w: inout BinaryWriter) {
        figures.encode(into: &w)
        w.count(fitnessCounts.count)
        for (v, n) in fitnessCounts.sorted(by: { $0.key < $1.key }) { w.double(v); w.count(n) }
        w.count(deviationsByStep.count)
        for (d, t) in deviationsByStep.sorted(by: { $0.key < $1.key }) { d.encode(into: &w); w.count(t.events); w.count(t.customers) }
        w.count(transitions.count)
        for (p, t) in transitions.sorted(by: { $0.key < $1.key }) {
            w.string(p.from); w.string(p.to); w.count(t.count); w.count(t.customers); w.sketch(t.durations)
        }
        w.count(stages.count)
        for (k, t) in stages.sorted(by: { bytewiseLess($0.key, $1.key) }) { w.string(k); w.count(t.reached); w.count(t.droppedOut) }
        w.counts(stepCustomers)
        w.counts(stepEvents)
        w.counts(stepOverLimit)
        w.count(moments.count)
        for (k, m) in moments.sorted(by: { bytewiseLess($0.key, $1.key) }) {
            w.string(k); w.count(m.reached); w.count(m.reachedCompleted); w.count(m.notReached); w.count(m.notReachedCompleted)
        }
        w.count(groups.count)
        for (k, f) in groups.sorted(by: { bytewiseLess($0.key, $1.key) }) { w.string(k); f.encode(into: &w) }
        w.count(events); w.count(ignoredEvents)
        w.varint(asOf); w.varint(inProgressWindow)
        w.optionalVarint(firstEvent); w.optionalVarint(lastEvent)
        w.count(cells.count)
        // A touchpoint has one step, so touchpoint and channel order the cells completely.
        for (c, t) in cells.sorted(by: { $0.key < $1.key }) {
            w.string(c.touchpoint); w.string(c.channel); w.optionalString(c.step)
            w.count(t.events); w.count(t.customers); w.count(t.conformant)
        }
        w.counts(startSteps)
        w.counts(stepConformant)
        w.count(stepScores.count)
        for (k, s) in stepScores.sorted(by: { bytewiseLess($0.key, $1.key) }) { w.string(k); w.double(s.sum); w.count(s.events) }
        encodeVariants(into: &w)
        w.count(deviationExamples.count)
        for (d, ids) in deviationExamples.sorted(by: { $0.key < $1.key }) {
            d.encode(into: &w)
            w.count(ids.count)
            for id in ids { w.string(id) }
        }
    }

    /// Reads what `encode(into:)` wrote; every count and index is checked against the bytes.
    public init(from r: inout BinaryReader) throws(BinaryFormatError) {
        let figures = try KeyFigures(from: &r)
        var fitnessCounts: [Double: Int] = [:]
        for _ in 0..<(try r.count()) {
            let v = try r.double()
            guard v.isFinite, v >= 0, v <= 1 else { throw r.fail("fitness \(v) is not in 0…1") }
            fitnessCounts[v] = try r.number()
        }
        var deviations: [Deviation: DeviationTally] = [:]
        for _ in 0..<(try r.count()) {
            let d = try Deviation(from: &r)
            deviations[d] = DeviationTally(events: try r.number(), customers: try r.number())
        }
        var transitions: [StepPair: TransitionTally] = [:]
        for _ in 0..<(try r.count()) {
            let pair = StepPair(try r.string(), try r.string())
            var t = TransitionTally()
            t.count = try r.number(); t.customers = try r.number(); t.durations = try r.sketch()
            guard t.durations.count == t.count else { throw r.fail("transition \(pair.from) → \(pair.to): \(t.durations.count) durations for \(t.count) transitions") }
            transitions[pair] = t
        }
        var stages: [String: StageTally] = [:]
        for _ in 0..<(try r.count()) {
            let k = try r.string()
            var t = StageTally(); t.reached = try r.number(); t.droppedOut = try r.number()
            stages[k] = t
        }
        let stepCustomers = try r.counts(), stepEvents = try r.counts(), stepOverLimit = try r.counts()
        var moments: [String: MomentTally] = [:]
        for _ in 0..<(try r.count()) {
            let k = try r.string()
            var m = MomentTally()
            m.reached = try r.number(); m.reachedCompleted = try r.number(); m.notReached = try r.number(); m.notReachedCompleted = try r.number()
            moments[k] = m
        }
        var groups: [String: KeyFigures] = [:]
        for _ in 0..<(try r.count()) { let k = try r.string(); groups[k] = try KeyFigures(from: &r) }
        let events = try r.number(), ignored = try r.number()
        self.init(asOf: try r.varint(), inProgressWindow: try r.varint())
        firstEvent = try r.optionalVarint(); lastEvent = try r.optionalVarint()
        self.figures = figures
        self.fitnessCounts = fitnessCounts
        self.deviationsByStep = deviations
        self.transitions = transitions
        self.stages = stages
        self.stepCustomers = stepCustomers; self.stepEvents = stepEvents; self.stepOverLimit = stepOverLimit
        self.moments = moments
        self.groups = groups
        self.events = events; self.ignoredEvents = ignored
        for _ in 0..<(try r.count()) {
            let cell = TouchpointCell(touchpoint: try r.string(), channel: try r.string(), step: try r.optionalString())
            cells[cell] = CellTally(events: try r.number(), customers: try r.number(), conformant: try r.number())
        }
        startSteps = try r.counts()
        stepConformant = try r.counts()
        for _ in 0..<(try r.count()) { let k = try r.string(); stepScores[k] = ScoreTally(sum: try r.double(), events: try r.number()) }
        variants = try Self.decodeVariants(from: &r)
        for _ in 0..<(try r.count()) {
            let d = try Deviation(from: &r)
            var ids: [String] = []
            for _ in 0..<(try r.count(limit: ConformanceSummary.exampleLimit)) { ids.append(try r.string()) }
            deviationExamples[d] = ids
        }
        guard fitnessCounts.values.reduce(0, +) == figures.customers else {
            throw r.fail("fitness counts (\(fitnessCounts.values.reduce(0, +))) do not add up to the customers (\(figures.customers))")
        }
    }

    /// The touchpoint variants: a table of the distinct (encoded) touchpoint names, in order of
    /// first use, then each variant — in bytewise order of its encoded key — as name indices with
    /// its customers, conformant customers and fitness. Names are written once, not once per
    /// variant step.
    func encodeVariants(into w: inout BinaryWriter) {
        let order = variants.tallies.indices.sorted { variants.keyBytes($0).lexicographicallyPrecedes(variants.keyBytes($1)) }
        var index: [ArraySlice<UInt8>: Int] = [:]
        var names: [ArraySlice<UInt8>] = []
        var steps: [[Int]] = []
        steps.reserveCapacity(order.count)
        for i in order {
            var list: [Int] = []
            for segment in variants.keyBytes(i).split(separator: 0, omittingEmptySubsequences: false) {
                if let k = index[segment] { list.append(k) } else {
                    index[segment] = names.count
                    list.append(names.count)
                    names.append(segment)
                }
            }
            steps.append(list)
        }
        w.count(names.count)
        for name in names { w.count(name.count); w.raw(name) }
        w.count(order.count)
        for (k, i) in order.enumerated() {
            w.count(steps[k].count)
            for s in steps[k] { w.count(s) }
            let t = variants.tallies[i]
            w.count(t.customers); w.count(t.conformant); w.double(t.fitness)
        }
        w.count(variants.omitted)
    }

    static func decodeVariants(from r: inout BinaryReader) throws(BinaryFormatError) -> VariantCounts {
        var names: [[UInt8]] = []
        for _ in 0..<(try r.count()) {
            let name = Array(try r.raw(try r.count()))
            guard !name.contains(0) else { throw r.fail("a variant's touchpoint name holds a 0 byte") }
            names.append(name)
        }
        var variants = VariantCounts()
        let n = try r.count()
        variants.reserveCapacity(n, bytes: 0)
        var key: [UInt8] = []
        for _ in 0..<n {
            let k = try r.count()
            guard k > 0, !names.isEmpty else { throw r.fail("a variant without steps or names") }
            key.removeAll(keepingCapacity: true)
            for j in 0..<k {
                let s = try r.count(limit: names.count - 1)
                if j > 0 { key.append(0) }
                key += names[s]
            }
            let t = VariantTally(customers: try r.number(), conformant: try r.number(), fitness: try r.double())
            guard t.conformant <= t.customers, t.fitness.isFinite, t.fitness >= 0, t.fitness <= 1 else {
                throw r.fail("a variant's conformant customers or fitness out of range")
            }
            variants.append(TouchpointVariant(encoded: key), t)
        }
        variants.omitted = try r.number()
        return variants
    }

    /// Compacts every duration set (before writing a summary file).
    public mutating func compactDurations() {
        for k in Array(transitions.keys) { transitions[k]?.durations.compact() }
    }
}
