/// Column mapping: from an input's header (or first row) to the slots of mapped fields.
extension IngestState {
    mutating func resolveMapping(header: [String]?, fieldCount: Int) {
        let resolved: ColumnMapping
        do {
            resolved = try ColumnMapping.resolve(selection, header: header, fieldCount: fieldCount, source: sourceName,
                                                 filled: columnFill.filled, sampledRows: columnFill.rows)
        } catch {
            fatal = error
            return
        }
        let stage = resolved.column(.stage) != nil
        let channel = resolved.column(.channel) != nil
        let attributeNames = resolved.columns.compactMap { c -> String? in
            if case .attribute(let n) = c.role { return n }
            return nil
        }
        if report.mappings.isEmpty {
            table.hasStages = stage
            table.hasChannels = channel
            table.attributeNames = attributeNames
            table.attributes = Array(repeating: [], count: attributeNames.count)
            table.attributeValueNames = Array(repeating: SymbolTable(), count: attributeNames.count)
        } else if table.hasStages != stage || table.hasChannels != channel {
            let first = report.mappings[0]
            func has(_ m: ColumnMapping, _ r: ColumnRole) -> String { m.column(r).map { "'\($0.name)'" } ?? "none" }
            fatal = IngestError(source: sourceName, message: "inputs differ in mapped columns: stage \(has(first, .stage)) vs \(has(resolved, .stage)), channel \(has(first, .channel)) vs \(has(resolved, .channel)) (\(table.sources[0]) vs this input); map the same columns in every input")
            return
        }
        report.mappings.append(resolved)
        mapping = resolved
        fieldCountLimit = resolved.fieldCount
        (slotOfColumn, columnOfSlot) = IngestState.slotLayout(resolved)
        slotStart = IntSlots(count: columnOfSlot.count)
        slotLength = IntSlots(count: columnOfSlot.count)
        if worker == nil && router == nil {
            let started = InternWorker(template: table, threaded: !internOnParsingThread)
            worker = started
            block = started.nextBlock()
        }
    }

    /// Slot of each column and column of each slot for `mapping`.
    static func slotLayout(_ mapping: ColumnMapping) -> (slotOfColumn: IntSlots, columnOfSlot: IntSlots) {
        var slotOfColumn = Array(repeating: -1, count: mapping.fieldCount)
        let attributes = mapping.columns.filter { if case .attribute = $0.role { true } else { false } }.count
        var columnOfSlot = Array(repeating: -1, count: 5 + attributes)
        var nextAttribute = 5
        for c in mapping.columns {
            let slot: Int
            switch c.role {
            case .caseID: slot = 0
            case .touchpoint: slot = 1
            case .timestamp: slot = 2
            case .stage: slot = 3
            case .channel: slot = 4
            case .attribute: slot = nextAttribute; nextAttribute += 1
            }
            // A column may serve as an attribute and as a role; the role's slot wins and the
            // attribute reads the same bytes.
            if slotOfColumn[c.index] < 0 { slotOfColumn[c.index] = slot }
            columnOfSlot[slot] = c.index
        }
        return (IntSlots(slotOfColumn), IntSlots(columnOfSlot))
    }
}
