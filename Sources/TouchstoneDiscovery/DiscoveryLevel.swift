import TouchstoneIngest

/// What a node of the journey graph stands for.
public enum DiscoveryLevel: String, Sendable, CaseIterable {
    /// One node per touchpoint (activity); every event is a step.
    case touchpoint
    /// One node per journey stage; consecutive events of the same stage form one visit.
    case stage
    /// One node per channel; consecutive events of the same channel form one visit.
    case channel

    /// Whether consecutive events with the same node are merged into one visit.
    var mergesVisits: Bool { self != .touchpoint }
}
