import Dispatch
import TouchstoneIngest

/// What `DiscoveryResult` should compute.
public struct DiscoveryOptions: Sendable, Equatable {
    public var level: DiscoveryLevel
    public var filter: LogFilter
    public var pruning: DisplayPruning
    /// Keep at most this many variants.
    public var variantLimit: Int?
    /// Keep the smallest prefix of variants covering at least this share of customers (0…1).
    public var variantCoverage: Double?
    /// Funnel order of stages (names); `nil`: order of first appearance.
    public var stageOrder: [String]?
    /// `--by`: an attribute whose values get their own key figures and graph.
    public var segmentBy: String?
    /// Most values `segmentBy` shows (`nil`: `SegmentAnalysis.defaultLimit`).
    public var segmentLimit: Int?

    /// Variants `touchstone discover` keeps when neither `--variants` nor `--variant-coverage`
    /// is given, in every format.
    public static let defaultVariantLimit = 10

    public init(level: DiscoveryLevel = .touchpoint, filter: LogFilter = LogFilter(), pruning: DisplayPruning = DisplayPruning(),
                variantLimit: Int? = nil, variantCoverage: Double? = nil, stageOrder: [String]? = nil,
                segmentBy: String? = nil, segmentLimit: Int? = nil) {
        self.level = level
        self.filter = filter
        self.pruning = pruning
        self.variantLimit = variantLimit
        self.variantCoverage = variantCoverage
        self.stageOrder = stageOrder
        self.segmentBy = segmentBy
        self.segmentLimit = segmentLimit
    }
}

/// Everything `touchstone discover` reports: the journey graph, its display pruning, variants,
/// and, when the log has stages, the stage matrix and funnel.
///
/// Cost: the filter (one pass plus one gather per column when active), two passes for the
/// graph, one for variants, and one more stage-level graph when the level is not `stage`.
public struct DiscoveryResult: Sendable {
    public let level: DiscoveryLevel
    /// Customers and events before filtering.
    public let inputCustomers: Int
    public let inputEvents: Int
    /// Customers and events after filtering (what the analyses saw).
    public let customers: Int
    public let events: Int
    /// Applied filters, one line each (`LogFilter.descriptions`).
    public let filters: [String]
    /// Applied pruning, one line each (`DisplayPruning.descriptions`).
    public let pruning: [String]
    public let graph: DirectlyFollowsGraph
    /// The displayed part of `graph`.
    public let view: GraphView
    public let variants: VariantAnalysis
    /// Present when the log has a stage column.
    public let stages: StageAnalysis?
    /// Present with `DiscoveryOptions.segmentBy`.
    public let segments: SegmentAnalysis?
    /// The figures that are approximate, one phrase each: empty from a log, and from a summary
    /// whose duration sets at this level all stayed exact (see `DurationSketch`).
    public let approximate: [String]

    /// Filters `log` and runs every analysis.
    public init(_ log: EventLog, options: DiscoveryOptions = DiscoveryOptions()) throws(DiscoveryError) {
        try log.requireLevel(options.level)
        if options.stageOrder != nil { try log.requireLevel(.stage) }
        let filtered = try options.filter.apply(to: log)
        level = options.level
        inputCustomers = log.traceCount
        inputEvents = log.events.count
        customers = filtered.traceCount
        events = filtered.events.count
        filters = options.filter.descriptions
        pruning = options.pruning.descriptions
        // Three parts on two threads: the graph, the variants and (when the level is not the
        // stage) the stage-level graph; whichever thread is done first takes the third. The
        // stage analysis then only adds its matrix and funnel. Errors are thrown in the order
        // of a sequential run: graph, variants, stages.
        let parts = DiscoveryParts()
        let stagesAlongside = filtered.events.hasStages && options.level != .stage
        DispatchQueue.concurrentPerform(iterations: stagesAlongside ? 3 : 2) { part in
            switch part {
            case 0:
                parts.graph = Result { () throws(DiscoveryError) in try DirectlyFollowsGraph(filtered, level: options.level) }
            case 1:
                parts.variants = Result { () throws(DiscoveryError) in
                    try VariantAnalysis(filtered, level: options.level, limit: options.variantLimit, coverage: options.variantCoverage)
                }
            default:
                parts.stageGraph = Result { () throws(DiscoveryError) in try DirectlyFollowsGraph(filtered, level: .stage) }
            }
        }
        // (All parts always run; the fallbacks only keep the unwrapping total.)
        graph = try (parts.graph ?? Result { () throws(DiscoveryError) in try DirectlyFollowsGraph(filtered, level: options.level) }).get()
        view = options.pruning.apply(to: graph)
        variants = try (parts.variants ?? Result { () throws(DiscoveryError) in
            try VariantAnalysis(filtered, level: options.level, limit: options.variantLimit, coverage: options.variantCoverage)
        }).get()
        if let result = parts.stageGraph {
            stages = try StageAnalysis(filtered, order: options.stageOrder, graph: try result.get())
        } else if filtered.events.hasStages {
            stages = try StageAnalysis(filtered, order: options.stageOrder, graph: graph)
        } else {
            stages = nil
        }
        approximate = []
        segments = try options.segmentBy.map { name throws(DiscoveryError) in
            try SegmentAnalysis(filtered, attribute: name, level: options.level, limit: options.segmentLimit)
        }
    }
}

/// The analyses `DiscoveryResult` runs on two threads, each written by one of them.
private final class DiscoveryParts: @unchecked Sendable {
    var graph: Result<DirectlyFollowsGraph, DiscoveryError>?
    var variants: Result<VariantAnalysis, DiscoveryError>?
    var stageGraph: Result<DirectlyFollowsGraph, DiscoveryError>?
}
