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
        cases.append(contentsOf: later.cases.lazy.map { CaseID(rawValue: caseMap[$0.index]) })
        later.cases = []
        let activityMap = remap(later.activityNames, into: &activityNames)
        activities.append(contentsOf: later.activities.lazy.map { ActivityID(rawValue: activityMap[$0.index]) })
        later.activities = []
        if hasStages {
            let map = remap(later.stageNames, into: &stageNames)
            stages.append(contentsOf: later.stages.lazy.map { StageID(rawValue: map[$0.index]) })
            later.stages = []
        }
        if hasChannels {
            let map = remap(later.channelNames, into: &channelNames)
            channels.append(contentsOf: later.channels.lazy.map { ChannelID(rawValue: map[$0.index]) })
            later.channels = []
        }
        for a in attributes.indices where a < later.attributes.count {
            let map = remap(later.attributeValueNames[a], into: &attributeValueNames[a])
            attributes[a].append(contentsOf: later.attributes[a].lazy.map { AttributeValueID(rawValue: map[$0.index]) })
            later.attributes[a] = []
        }
        timestamps.append(contentsOf: later.timestamps)
        later.timestamps = []
        lines.append(contentsOf: later.lines.lazy.map { $0 &+ lineOffset })
        later.lines = []
        if !sourceIndices.isEmpty { sourceIndices.append(contentsOf: repeatElement(0, count: later.count)) }
    }
}
