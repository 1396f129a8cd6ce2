/// Column values of up to `capacity` accepted rows, appended to the `EventTable` in bulk
/// together with their batched customer ids (one append per column per batch instead of
/// one per row). The owner calls `release()` exactly once.
struct RowBatch {
    static let capacity = 256
    private(set) var count = 0
    let attributeCount: Int
    private let activities = UnsafeMutablePointer<ActivityID>.allocate(capacity: RowBatch.capacity)
    private let stages = UnsafeMutablePointer<StageID>.allocate(capacity: RowBatch.capacity)
    private let channels = UnsafeMutablePointer<ChannelID>.allocate(capacity: RowBatch.capacity)
    private let timestamps = UnsafeMutablePointer<Int64>.allocate(capacity: RowBatch.capacity)
    private let lines = UnsafeMutablePointer<UInt32>.allocate(capacity: RowBatch.capacity)
    private let sources = UnsafeMutablePointer<UInt16>.allocate(capacity: RowBatch.capacity)
    /// Attribute `a` of row `r` is at `a * capacity + r`.
    private let attributes: UnsafeMutablePointer<AttributeValueID>

    init(attributeCount: Int) {
        self.attributeCount = attributeCount
        attributes = .allocate(capacity: max(1, attributeCount) * RowBatch.capacity)
    }

    var isFull: Bool { count == RowBatch.capacity }

    @inline(__always)
    mutating func append(activity: ActivityID, stage: StageID, channel: ChannelID, timestamp: Int64, line: UInt32, source: UInt16) {
        activities[count] = activity
        stages[count] = stage
        channels[count] = channel
        timestamps[count] = timestamp
        lines[count] = line
        sources[count] = source
        count += 1
    }

    /// Sets attribute `a` of the row appended last.
    @inline(__always)
    func setAttribute(_ a: Int, _ value: AttributeValueID) {
        attributes[a * RowBatch.capacity + count - 1] = value
    }

    /// Appends the batched rows to `table` and empties the batch.
    mutating func flush(into table: inout EventTable) {
        guard count > 0 else { return }
        table.activities.append(contentsOf: UnsafeBufferPointer(start: activities, count: count))
        if table.hasStages { table.stages.append(contentsOf: UnsafeBufferPointer(start: stages, count: count)) }
        if table.hasChannels { table.channels.append(contentsOf: UnsafeBufferPointer(start: channels, count: count)) }
        table.timestamps.append(contentsOf: UnsafeBufferPointer(start: timestamps, count: count))
        table.lines.append(contentsOf: UnsafeBufferPointer(start: lines, count: count))
        // Input indices are stored only once a second input contributes events.
        if table.sourceIndices.isEmpty, (0..<count).contains(where: { sources[$0] != 0 }) {
            table.sourceIndices = Array(repeating: 0, count: table.lines.count - count)
        }
        if !table.sourceIndices.isEmpty {
            table.sourceIndices.append(contentsOf: UnsafeBufferPointer(start: sources, count: count))
        }
        for a in 0..<min(attributeCount, table.attributes.count) {
            table.attributes[a].append(contentsOf: UnsafeBufferPointer(start: attributes + a * RowBatch.capacity, count: count))
        }
        count = 0
    }

    func release() {
        activities.deallocate(); stages.deallocate(); channels.deallocate()
        timestamps.deallocate(); lines.deallocate(); sources.deallocate(); attributes.deallocate()
    }
}

/// A fixed-size `Int` array with reference storage: stores are plain memory writes, with
/// no copy-on-write or uniqueness checks on the per-field path.
final class IntSlots {
    let base: UnsafeMutablePointer<Int>
    let count: Int

    init(count: Int, repeating value: Int = 0) {
        self.count = count
        base = .allocate(capacity: max(count, 1))
        base.initialize(repeating: value, count: max(count, 1))
    }

    convenience init(_ array: [Int]) {
        self.init(count: array.count)
        for (i, v) in array.enumerated() { base[i] = v }
    }

    deinit { base.deallocate() }

    @inline(__always)
    subscript(_ i: Int) -> Int {
        get { base[i] }
        set { base[i] = newValue }
    }

    var array: [Int] { Array(UnsafeBufferPointer(start: base, count: count)) }
    var indices: Range<Int> { 0..<count }
}
