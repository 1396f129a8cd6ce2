import TouchstoneIngest
import TouchstoneTraces


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

/// Something that walks the traces once over the node column of a level.
protocol TraceWalker {
    mutating func build<ID: NodeIdentifier>(_ column: UnsafeBufferPointer<ID>, _ ts: UnsafeBufferPointer<Int64>, _ bounds: [Int])
}

extension EventLog {
    /// Runs `walker` over the column of `level` (touchpoints, stages or channels) with the
    /// timestamps and trace bounds.
    func walk<W: TraceWalker>(_ level: DiscoveryLevel, _ walker: inout W) {
        events.timestamps.withUnsafeBufferPointer { ts in
            switch level {
            case .touchpoint: events.activities.withUnsafeBufferPointer { walker.build($0, ts, traceBounds) }
            case .stage: events.stages.withUnsafeBufferPointer { walker.build($0, ts, traceBounds) }
            case .channel: events.channels.withUnsafeBufferPointer { walker.build($0, ts, traceBounds) }
            }
        }
    }
}
