import Dispatch

extension EventTable {
    /// Appends the events of `later`, a table of the same input's later part with the same
    /// mapped roles, after this table's events.
    ///
    /// Its names are interned here in its id order, which is their order of first appearance
    /// in the later part, so ids stay in order of first appearance over the whole input.
    /// Lines are shifted by `lineOffset`; new names that are not valid UTF-8 are counted in
    /// `invalidUTF8`. Columns move one at a time.
    ///
    /// - Parameter keepIndex: intern the later customer ids into this table's index (more
    ///   tables are appended after this one); otherwise they are appended without an index,
    ///   which is dropped (this table's customer ids are only read from here on).
    mutating func append(_ later: consuming EventTable, lineOffset: UInt32, invalidUTF8: inout Int, keepIndex: Bool = false) {
        var later = later
        // Only the later table's names are read from here on: free its lookup indexes first,
        // before this table's indexes grow.
        later.caseNames.dropIndex()
        later.activityNames.dropIndex()
        later.stageNames.dropIndex()
        later.channelNames.dropIndex()
        for a in later.attributeValueNames.indices { later.attributeValueNames[a].dropIndex() }
        func remap(_ from: SymbolTable, into to: inout SymbolTable) -> [UInt32] {
            var map: [UInt32] = []
            map.reserveCapacity(from.count)
            var next = UInt32(to.count)
            to.intern(allOf: from) { id, bytes in
                map.append(id)
                if id == next {
                    next += 1
                    if !isValidUTF8(bytes) { invalidUTF8 += 1 }
                }
            }
            return map
        }
        // Customer ids are only read from here on: the new ones are appended without an
        // index (looked up on two threads), not interned one by one into a growing index.
        let caseMap = keepIndex ? remap(later.caseNames, into: &caseNames)
            : caseNames.append(unindexed: later.caseNames) { if !isValidUTF8($0) { invalidUTF8 += 1 } }
        let activityMap = remap(later.activityNames, into: &activityNames)
        let stageMap = hasStages ? remap(later.stageNames, into: &stageNames) : []
        let channelMap = hasChannels ? remap(later.channelNames, into: &channelNames) : []
        var attributeMaps: [[UInt32]] = []
        for a in attributes.indices where a < later.attributes.count {
            attributeMaps.append(remap(later.attributeValueNames[a], into: &attributeValueNames[a]))
        }
        // The columns move on two threads for a large table, each appending to its own.
        let job = ColumnAppendJob(table: self, later: later, caseMap: caseMap, activityMap: activityMap, stageMap: stageMap,
                                  channelMap: channelMap, attributeMaps: attributeMaps, lineOffset: lineOffset)
        later = EventTable()
        cases = []; activities = []; stages = []; channels = []; timestamps = []; lines = []
        for a in attributes.indices { attributes[a] = [] }
        if job.count < 1 << 16 {
            job.run(part: 0)
            job.run(part: 1)
        } else {
            DispatchQueue.concurrentPerform(iterations: 2) { job.run(part: $0) }
        }
        job.moveColumns(into: &self)
        if !sourceIndices.isEmpty { sourceIndices.append(contentsOf: repeatElement(0, count: job.count)) }
    }
}

/// The column appends of `EventTable.append`, split in two parts for two threads: the
/// customers and timestamps in one, the other columns in the other. Each part writes only
/// its own columns, and frees each later column once it is appended (as a sequential append
/// would), so that the peak memory stays that of one column more.
private final class ColumnAppendJob: @unchecked Sendable {
    var cases: [CaseID], activities: [ActivityID], stages: [StageID], channels: [ChannelID]
    var timestamps: [Int64], lines: [UInt32], attributes: [[AttributeValueID]]
    var laterCases: [CaseID], laterActivities: [ActivityID], laterStages: [StageID], laterChannels: [ChannelID]
    var laterTimestamps: [Int64], laterLines: [UInt32], laterAttributes: [[AttributeValueID]]
    let caseMap: [UInt32], activityMap: [UInt32], stageMap: [UInt32], channelMap: [UInt32], attributeMaps: [[UInt32]]
    let lineOffset: UInt32
    let count: Int

    init(table: EventTable, later: EventTable, caseMap: [UInt32], activityMap: [UInt32], stageMap: [UInt32],
         channelMap: [UInt32], attributeMaps: [[UInt32]], lineOffset: UInt32) {
        cases = table.cases; activities = table.activities; stages = table.stages; channels = table.channels
        timestamps = table.timestamps; lines = table.lines; attributes = table.attributes
        laterCases = later.cases; laterActivities = later.activities; laterStages = later.stages
        laterChannels = later.channels; laterTimestamps = later.timestamps; laterLines = later.lines
        laterAttributes = later.attributes
        count = later.count
        self.caseMap = caseMap; self.activityMap = activityMap; self.stageMap = stageMap
        self.channelMap = channelMap; self.attributeMaps = attributeMaps
        self.lineOffset = lineOffset
    }

    func run(part: Int) {
        if part == 0 {
            let map = caseMap
            cases.append(contentsOf: laterCases.lazy.map { CaseID(rawValue: map[$0.index]) })
            laterCases = []
            timestamps.append(contentsOf: laterTimestamps)
            laterTimestamps = []
            return
        }
        let activityMap = activityMap
        activities.append(contentsOf: laterActivities.lazy.map { ActivityID(rawValue: activityMap[$0.index]) })
        laterActivities = []
        if !laterStages.isEmpty {
            let map = stageMap
            stages.append(contentsOf: laterStages.lazy.map { StageID(rawValue: map[$0.index]) })
            laterStages = []
        }
        if !laterChannels.isEmpty {
            let map = channelMap
            channels.append(contentsOf: laterChannels.lazy.map { ChannelID(rawValue: map[$0.index]) })
            laterChannels = []
        }
        for a in attributeMaps.indices where a < laterAttributes.count {
            let map = attributeMaps[a]
            attributes[a].append(contentsOf: laterAttributes[a].lazy.map { AttributeValueID(rawValue: map[$0.index]) })
            laterAttributes[a] = []
        }
        let offset = lineOffset
        lines.append(contentsOf: laterLines.lazy.map { $0 &+ offset })
        laterLines = []
    }

    /// Hands the columns back (this job keeps no reference, so they stay uniquely owned).
    func moveColumns(into table: inout EventTable) {
        table.cases = cases; cases = []
        table.activities = activities; activities = []
        table.stages = stages; stages = []
        table.channels = channels; channels = []
        table.timestamps = timestamps; timestamps = []
        table.lines = lines; lines = []
        table.attributes = attributes; attributes = []
    }
}
