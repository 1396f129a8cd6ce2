import Foundation

/// Validated rows as bytes, handed from the parsing thread to the interning thread.
///
/// Per row: the customer id in `caseBytes`, then `fieldsPerRow` names (touchpoint, stage and
/// channel when mapped, attributes) back to back in `nameBytes`, plus timestamp, line and
/// input index. Storage is allocated once per block and reused.
final class RowBlock: @unchecked Sendable {
    static let capacity = 4096
    let fieldsPerRow: Int
    // Only one thread touches a block at a time (handed over under the worker's lock), so the
    // per-row accesses skip dynamic exclusivity checks.
    @exclusivity(unchecked) private(set) var count = 0
    @exclusivity(unchecked) var caseBytes = ByteBuffer(capacity: 64 * 1024)
    let caseEnds = UnsafeMutablePointer<Int>.allocate(capacity: RowBlock.capacity)
    @exclusivity(unchecked) var nameBytes = ByteBuffer(capacity: 128 * 1024)
    let nameEnds: UnsafeMutablePointer<Int>
    let timestamps = UnsafeMutablePointer<Int64>.allocate(capacity: RowBlock.capacity)
    let lines = UnsafeMutablePointer<UInt32>.allocate(capacity: RowBlock.capacity)
    let sources = UnsafeMutablePointer<UInt16>.allocate(capacity: RowBlock.capacity)
    @exclusivity(unchecked) private var namesInRow = 0

    init(fieldsPerRow: Int) {
        self.fieldsPerRow = fieldsPerRow
        nameEnds = .allocate(capacity: RowBlock.capacity * max(fieldsPerRow, 1))
    }

    deinit {
        caseEnds.deallocate(); nameEnds.deallocate()
        timestamps.deallocate(); lines.deallocate(); sources.deallocate()
    }

    var isFull: Bool { count == RowBlock.capacity }

    /// Adds one name of the row being built (call `fieldsPerRow` times, then `endRow`).
    @inline(__always)
    func appendName(_ bytes: UnsafeRawBufferPointer) {
        if let b = bytes.baseAddress { nameBytes.append(b, bytes.count) }
        nameEnds[count * fieldsPerRow + namesInRow] = nameBytes.count
        namesInRow += 1
    }

    @inline(__always)
    func endRow(case caseID: UnsafeRawBufferPointer, timestamp: Int64, line: UInt32, source: UInt16) {
        if let b = caseID.baseAddress { caseBytes.append(b, caseID.count) }
        caseEnds[count] = caseBytes.count
        timestamps[count] = timestamp
        lines[count] = line
        sources[count] = source
        namesInRow = 0
        count += 1
    }

    /// Name `k` of row `r`.
    @inline(__always)
    func name(_ r: Int, _ k: Int) -> UnsafeRawBufferPointer {
        let i = r * fieldsPerRow + k
        let start = i == 0 ? 0 : nameEnds[i - 1]
        return nameBytes.slice(start, nameEnds[i] - start)
    }

    func reset() {
        count = 0
        namesInRow = 0
        caseBytes.removeAll()
        nameBytes.removeAll()
    }
}

/// Interns names and appends event columns on a second thread, while the caller's thread
/// parses CSV: the two halves of ingest overlap. Blocks are processed strictly in the order
/// submitted, so ids are assigned in order of first appearance exactly as on one thread.
///
/// The producer calls `nextBlock`, fills it, `submit`s it, and finally `finish`es; the
/// worker owns `table` until `finish` returns it.
final class InternWorker: @unchecked Sendable {
    private let condition = NSCondition()
    private var ready: [RowBlock] = []
    private var spare: [RowBlock] = []
    private var allocated = 0
    private var closed = false
    private var done = false
    private var reserveRequest = 0
    private static let blocksInFlight = 4

    // Owned by the worker thread until `finish` (the thread works on a local copy).
    private var table: EventTable
    private var invalidUTF8 = 0
    let fieldsPerRow: Int
    /// Without a thread: blocks are interned on the caller's thread as they are submitted.
    private var inline: Builder?
    private var inlineBlock: RowBlock?

    /// - Parameters:
    ///   - template: an empty table whose mapped roles and attributes are set.
    ///   - threaded: whether to intern on a thread of its own. When every core already parses
    ///     (the two halves of a large file), a second thread per parser only adds hand-overs
    ///     and leaves the scheduler to balance four threads on two cores, so blocks are then
    ///     interned on the parsing thread instead.
    init(template: EventTable, threaded: Bool = true) {
        table = template
        fieldsPerRow = 1 + (template.hasStages ? 1 : 0) + (template.hasChannels ? 1 : 0) + template.attributes.count
        if threaded {
            let thread = Thread { [self] in self.run() }
            thread.name = "touchstone-intern"
            thread.start()
        } else {
            inline = Builder(table: template)
            table = EventTable()
        }
    }

    /// An empty block to fill (waits while all blocks are in flight).
    func nextBlock() -> RowBlock {
        if inline != nil {
            if let block = inlineBlock { return block }
            let block = RowBlock(fieldsPerRow: fieldsPerRow)
            inlineBlock = block
            return block
        }
        condition.lock()
        defer { condition.unlock() }
        while spare.isEmpty && allocated >= InternWorker.blocksInFlight { condition.wait() }
        if let block = spare.popLast() { return block }
        allocated += 1
        return RowBlock(fieldsPerRow: fieldsPerRow)
    }

    func submit(_ block: RowBlock) {
        if inline != nil {
            if reserveRequest > 0 {
                inline!.table.reserve(reserveRequest, stages: inline!.table.hasStages, channels: inline!.table.hasChannels)
                reserveRequest = 0
            }
            inline!.process(block)
            block.reset()
            return
        }
        condition.lock()
        ready.append(block)
        condition.signal()
        condition.unlock()
    }

    /// Asks the worker to reserve room for `events` events before its next block.
    func reserve(_ events: Int) {
        if inline != nil { reserveRequest = events; return }
        condition.lock()
        reserveRequest = events
        condition.unlock()
    }

    /// Waits for every submitted block and returns the table and the count of new names that
    /// are not valid UTF-8.
    func finish() -> (EventTable, Int) {
        if let builder = inline {
            inline = nil
            return (builder.table, builder.invalidUTF8)
        }
        condition.lock()
        closed = true
        condition.broadcast()
        while !done { condition.wait() }
        condition.unlock()
        return (table, invalidUTF8)
    }

    /// Stops the worker without waiting (after a fatal error).
    func abandon() {
        if inline != nil { inline = nil; return }
        condition.lock()
        closed = true
        ready.removeAll()
        condition.broadcast()
        condition.unlock()
    }

    private func run() {
        condition.lock()
        var builder = Builder(table: table)
        table = EventTable()
        condition.unlock()
        while true {
            condition.lock()
            while ready.isEmpty && !closed { condition.wait() }
            if ready.isEmpty && closed {
                table = builder.table
                invalidUTF8 = builder.invalidUTF8
                done = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let block = ready.removeFirst()
            let reserve = reserveRequest
            reserveRequest = 0
            condition.unlock()
            if reserve > 0 { builder.table.reserve(reserve, stages: builder.table.hasStages, channels: builder.table.hasChannels) }
            builder.process(block)
            block.reset()
            condition.lock()
            spare.append(block)
            condition.broadcast()
            condition.unlock()
        }
    }

}

/// The interning thread's state, a value it owns outright (no shared access to check).
private struct Builder {
    var table: EventTable
    var invalidUTF8 = 0
    var hashes: [UInt32] = []
    var keys: [SymbolTable.Key] = []
    var caseIDs: [CaseID] = []
    var activities: [ActivityID] = []
    var stages: [StageID] = []
    var channels: [ChannelID] = []
    var attributes: [[AttributeValueID]]

    init(table: EventTable) {
        self.table = table
        attributes = Array(repeating: [], count: table.attributes.count)
    }

    mutating func process(_ block: RowBlock) {
        let n = block.count
        guard n > 0 else { return }
        // Customer ids: read all their slots before interning any (overlapping cache misses).
        var symbols = table.caseNames
        table.caseNames = SymbolTable(seed: symbols.seed)  // hand over the storage: no copy on write
        var next = symbols.count
        var invalid = 0
        caseIDs.removeAll(keepingCapacity: true)
        let caseBytes = block.caseBytes.slice(0, block.caseBytes.count)
        let ends = UnsafeBufferPointer(start: block.caseEnds, count: n)
        var start = 0, index = 0
        symbols.intern(batch: caseBytes, ends: ends, hashes: &hashes, keys: &keys) { id in
            caseIDs.append(CaseID(rawValue: id))
            if Int(id) == next {
                next += 1
                if !isValidUTF8(UnsafeRawBufferPointer(rebasing: caseBytes[start..<ends[index]])) { invalid += 1 }
            }
            start = ends[index]
            index += 1
        }
        table.caseNames = symbols
        table.cases.append(contentsOf: caseIDs)
        // Names of the small tables.
        activities.removeAll(keepingCapacity: true)
        stages.removeAll(keepingCapacity: true)
        channels.removeAll(keepingCapacity: true)
        for a in attributes.indices { attributes[a].removeAll(keepingCapacity: true) }
        let hasStages = table.hasStages, hasChannels = table.hasChannels
        for r in 0..<n {
            var k = 0
            activities.append(ActivityID(rawValue: internSymbol(&table.activityNames, block.name(r, k), &invalid)))
            k += 1
            if hasStages {
                stages.append(StageID(rawValue: internSymbol(&table.stageNames, block.name(r, k), &invalid)))
                k += 1
            }
            if hasChannels {
                channels.append(ChannelID(rawValue: internSymbol(&table.channelNames, block.name(r, k), &invalid)))
                k += 1
            }
            for a in attributes.indices {
                attributes[a].append(AttributeValueID(rawValue: internSymbol(&table.attributeValueNames[a], block.name(r, k), &invalid)))
                k += 1
            }
        }
        table.activities.append(contentsOf: activities)
        if hasStages { table.stages.append(contentsOf: stages) }
        if hasChannels { table.channels.append(contentsOf: channels) }
        for a in attributes.indices { table.attributes[a].append(contentsOf: attributes[a]) }
        table.timestamps.append(contentsOf: UnsafeBufferPointer(start: block.timestamps, count: n))
        table.lines.append(contentsOf: UnsafeBufferPointer(start: block.lines, count: n))
        // Input indices are stored only once a second input contributes events.
        let sources = UnsafeBufferPointer(start: block.sources, count: n)
        if table.sourceIndices.isEmpty, sources.contains(where: { $0 != 0 }) {
            table.sourceIndices = Array(repeating: 0, count: table.lines.count - n)
        }
        if !table.sourceIndices.isEmpty { table.sourceIndices.append(contentsOf: sources) }
        invalidUTF8 += invalid
    }
}

/// Interns `bytes`, counting new names that are not valid UTF-8 in `invalid`.
@inline(__always)
func internSymbol(_ symbols: inout SymbolTable, _ bytes: UnsafeRawBufferPointer, _ invalid: inout Int) -> UInt32 {
    let before = symbols.count
    let id = symbols.intern(bytes)
    if symbols.count != before && !isValidUTF8(bytes) { invalid += 1 }
    return id
}

/// Whether `bytes` is well-formed UTF-8.
func isValidUTF8(_ bytes: UnsafeRawBufferPointer) -> Bool {
    var ascii = true
    for b in bytes where b >= 0x80 { ascii = false; break }
    if ascii { return true }
    var iterator = bytes.makeIterator()
    var decoder = UTF8()
    while true {
        switch decoder.decode(&iterator) {
        case .scalarValue: continue
        case .emptyInput: return true
        case .error: return false
        }
    }
}
