import TouchstoneTraces

/// What the HTML and Markdown reports show beyond `ConformanceReport`, arranged for layout:
/// the journey matrix, per-step figures along the designed journey, the designed-vs-real
/// journey graph, ranked deviations with example customers and the top variants. Every number
/// comes from the `ConformanceSummary`; renderers format it and compute nothing.
///
/// Cost: O(cards + steps² + deviations + variants × log variants) on top of the report.
public struct JourneyReport: Sendable {
    /// One card of the journey matrix: a touchpoint on a channel.
    public struct Card: Sendable, Equatable {
        public var touchpoint: String
        public var channel: String
        /// The step it is mapped to; nil for an undesigned touchpoint.
        public var step: String?
        public var events: Int
        public var customers: Int
        public var conformant: Int
        /// Conformant over customers, 0…1.
        public var conformanceRate: Double { customers == 0 ? 0 : Double(conformant) / Double(customers) }
    }

    /// The journey matrix: stages as columns, channels as rows, cards in cells.
    public struct Matrix: Sendable, Equatable {
        /// Map stage ids, in map order.
        public var stages: [String]
        /// Channels by events descending, then bytewise; `""` stands for "no channel column".
        public var channels: [String]
        /// `cells[channel][stage]`: mapped cards by events descending, then touchpoint.
        public var cells: [[[Card]]]
        /// Cards of touchpoints no step maps, by events descending, then touchpoint, channel.
        public var undesigned: [Card]
    }

    /// A designed step with its real figures.
    public struct StepFigures: Sendable, Equatable {
        public var id: String
        public var name: String
        /// Index into `map.stages`.
        public var stage: Int
        public var customers: Int
        public var events: Int
        public var conformant: Int
        /// Customers whose first mapped event is this step.
        public var starts: Int
        /// Mean `--score` on the step's events; nil without scored events.
        public var meanScore: Double?
        public var scoredEvents: Int
        public var conformanceRate: Double? { customers == 0 ? nil : Double(conformant) / Double(customers) }
    }

    /// How an edge of the journey graph relates to the design.
    public enum EdgeKind: String, Sendable, Equatable {
        /// Designed and taken at least `rareBelow` times.
        case designed
        /// Designed but taken fewer than `rareBelow` times (maybe never).
        case rare
        /// Taken, not designed: where journeys leave the map.
        case undesigned
        /// From the start to the steps where journeys begin.
        case start
    }

    /// An edge of the journey graph between steps (indices into `map.steps`; `from` is nil for
    /// the start).
    public struct Edge: Sendable, Equatable {
        public var from: Int?
        public var to: Int
        public var kind: EdgeKind
        public var count: Int
        public var customers: Int
        public var median: Double?
    }

    /// A deviation row with example customers.
    public struct RankedDeviation: Sendable, Equatable {
        public var deviation: Deviation
        public var events: Int
        public var customers: Int
        public var share: Double
        /// Up to `ConformanceSummary.exampleLimit` customer ids, bytewise smallest first.
        public var examples: [String]
    }

    /// A touchpoint variant with its customers.
    public struct Variant: Sendable, Equatable {
        public var touchpoints: [String]
        public var customers: Int
        public var share: Double
        public var conformant: Int
        public var fitness: Double
        public var conformanceRate: Double { customers == 0 ? 0 : Double(conformant) / Double(customers) }
    }

    public let report: ConformanceReport
    public let matrix: Matrix
    /// Every step in map order.
    public let steps: [StepFigures]
    /// Whether any event carried a numeric score.
    public let hasScores: Bool
    /// Journey graph edges: start edges (by step order), designed direct flow edges (map order),
    /// then undesigned edges taken at least `minFrequency` times (most frequent first).
    public let edges: [Edge]
    /// Transitions taken fewer than this many times count as rare.
    public let rareBelow: Int
    /// Undesigned transitions left out by `minFrequency`.
    public let prunedEdges: Int
    /// All deviations by customers descending, then type, then detail.
    public let deviations: [RankedDeviation]
    /// The most frequent variants, by customers descending, then touchpoints bytewise.
    public let topVariants: [Variant]
    /// Distinct variants (0 when variants were not collected); with `CheckOptions.variantLimit`,
    /// the omitted ones included.
    public let variantCount: Int

    /// - Parameters:
    ///   - minFrequency: undesigned transitions taken fewer times are not drawn; designed ones
    ///     taken fewer times are drawn as rare. Start edges are always drawn.
    ///   - topVariants: how many variants to list.
    /// How many variants a report lists (`CheckOptions.variantLimit` for a report).
    public static let defaultTopVariants = 10

    public init(_ report: ConformanceReport, minFrequency: Int = 1, topVariants: Int = JourneyReport.defaultTopVariants) {
        self.report = report
        let map = report.map
        let s = report.summary
        let customers = s.figures.customers
        // Matrix.
        var channelEvents: [String: Int] = [:]
        for (cell, tally) in s.cells { channelEvents[cell.channel, default: 0] += tally.events }
        let channels = channelEvents.keys.sorted { a, b in
            channelEvents[a] != channelEvents[b] ? channelEvents[a, default: 0] > channelEvents[b, default: 0] : bytewiseLess(a, b)
        }
        let channelIndex = Dictionary(uniqueKeysWithValues: channels.enumerated().map { ($1, $0) })
        var cells = [[[Card]]](repeating: [[Card]](repeating: [], count: map.stages.count), count: channels.count)
        var undesigned: [Card] = []
        for (cell, tally) in s.cells {
            let card = Card(touchpoint: cell.touchpoint, channel: cell.channel, step: cell.step, events: tally.events,
                            customers: tally.customers, conformant: tally.conformant)
            if let step = cell.step, let i = map.stepIndex(step), let row = channelIndex[cell.channel] {
                cells[row][map.steps[i].stage].append(card)
            } else {
                undesigned.append(card)
            }
        }
        func byVolume(_ a: Card, _ b: Card) -> Bool {
            if a.events != b.events { return a.events > b.events }
            if a.touchpoint != b.touchpoint { return bytewiseLess(a.touchpoint, b.touchpoint) }
            return bytewiseLess(a.channel, b.channel)
        }
        for r in cells.indices { for c in cells[r].indices { cells[r][c].sort(by: byVolume) } }
        matrix = Matrix(stages: map.stages.map(\.id), channels: channels, cells: cells, undesigned: undesigned.sorted(by: byVolume))
        // Steps.
        steps = map.steps.map { step in
            let score = s.stepScores[step.id]
            return StepFigures(id: step.id, name: step.name, stage: step.stage, customers: s.stepCustomers[step.id] ?? 0,
                               events: s.stepEvents[step.id] ?? 0, conformant: s.stepConformant[step.id] ?? 0,
                               starts: s.startSteps[step.id] ?? 0, meanScore: score?.mean, scoredEvents: score?.events ?? 0)
        }
        hasScores = s.stepScores.values.contains { $0.events > 0 }
        // Graph.
        let rare = max(minFrequency, 1, Int((Double(customers) * 0.01).rounded(.up)))
        rareBelow = rare
        var edges: [Edge] = []
        for (i, step) in map.steps.enumerated() where (s.startSteps[step.id] ?? 0) > 0 {
            edges.append(Edge(from: nil, to: i, kind: .start, count: s.startSteps[step.id] ?? 0, customers: s.startSteps[step.id] ?? 0, median: nil))
        }
        for t in report.designedTransitions where t.direct {
            guard let a = map.stepIndex(t.from), let b = map.stepIndex(t.to) else { continue }
            edges.append(Edge(from: a, to: b, kind: t.count < rare ? .rare : .designed, count: t.count, customers: t.customers, median: t.median))
        }
        var pruned = 0
        for t in report.undesignedTransitions {
            guard let a = map.stepIndex(t.from), let b = map.stepIndex(t.to) else { continue }
            if t.count < minFrequency { pruned += 1; continue }
            edges.append(Edge(from: a, to: b, kind: .undesigned, count: t.count, customers: t.customers, median: t.median))
        }
        // Designed transitions over optional steps that were taken are real flow too.
        for t in report.designedTransitions where !t.direct && t.count >= max(minFrequency, 1) {
            guard let a = map.stepIndex(t.from), let b = map.stepIndex(t.to) else { continue }
            edges.append(Edge(from: a, to: b, kind: t.count < rare ? .rare : .designed, count: t.count, customers: t.customers, median: t.median))
        }
        self.edges = edges
        prunedEdges = pruned
        // Deviations.
        deviations = report.deviations.map { d in
            RankedDeviation(deviation: d.deviation, events: d.events, customers: d.customers, share: d.share,
                            examples: s.deviationExamples[d.deviation] ?? [])
        }.sorted { a, b in
            if a.customers != b.customers { return a.customers > b.customers }
            if a.deviation.type != b.deviation.type { return a.deviation.type < b.deviation.type }
            return a.deviation < b.deviation
        }
        // Variants.
        variantCount = s.variants.distinct
        // The top few by one pass with a short sorted list (there may be a million variants).
        let all = s.variants
        func before(_ a: Int, _ b: Int) -> Bool {
            if all.tallies[a].customers != all.tallies[b].customers { return all.tallies[a].customers > all.tallies[b].customers }
            return all.keyBytes(a).lexicographicallyPrecedes(all.keyBytes(b))  // the order of the touchpoint sequences
        }
        var ranked: [Int] = []
        for entry in all.tallies.indices where topVariants > 0 {
            if ranked.count == topVariants, let last = ranked.last, !before(entry, last) { continue }
            let at = ranked.firstIndex { before(entry, $0) } ?? ranked.count
            ranked.insert(entry, at: at)
            if ranked.count > topVariants { ranked.removeLast() }
        }
        self.topVariants = ranked.map { i in
            let tally = all.tallies[i]
            return Variant(touchpoints: all.key(i).touchpoints, customers: tally.customers,
                    share: customers == 0 ? 0 : Double(tally.customers) / Double(customers), conformant: tally.conformant, fitness: tally.fitness)
        }
    }
}
