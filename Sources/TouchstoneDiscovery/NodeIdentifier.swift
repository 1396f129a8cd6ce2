import TouchstoneIngest

/// A typed id column that can serve as the node of a journey graph.
protocol NodeIdentifier { var rawValue: UInt32 { get } }
extension ActivityID: NodeIdentifier {}
extension StageID: NodeIdentifier {}
extension ChannelID: NodeIdentifier {}

extension EventLog {
    /// Checks that `level` is available in this log.
    func requireLevel(_ level: DiscoveryLevel) throws(DiscoveryError) {
        switch level {
        case .touchpoint: return
        case .stage: if !events.hasStages { throw .levelUnavailable(.stage) }
        case .channel: if !events.hasChannels { throw .levelUnavailable(.channel) }
        }
    }

    /// Names of every node id at `level` (the whole symbol table, in id order).
    func nodeNames(_ level: DiscoveryLevel) -> SymbolTable {
        switch level {
        case .touchpoint: return events.activityNames
        case .stage: return events.stageNames
        case .channel: return events.channelNames
        }
    }
}
