/// An event waiting to be written, ordered by `key`.
struct PendingEvent {
    /// `(emission second - CivilTime.logStart) << 28 | sequence`: the order rows are written
    /// in. Emission is the event's own time, or later for an out-of-order (late-synced) row;
    /// the generation sequence number breaks ties deterministically.
    var key: UInt64
    /// The event's time, seconds since the Unix epoch (UTC).
    var timestamp: Int64
    var customer: UInt32
    var offsetMinutes: Int16
    var step: UInt8
    var channel: UInt8
    var attribute0: UInt8
    var attribute1: UInt8
    var language: UInt8
}

/// A binary min-heap of `PendingEvent` by `key`.
///
/// Holds the not-yet-written events of customers whose journeys are still running:
/// O(log n) push and pop, memory proportional to those events (32 bytes each).
struct EventHeap {
    private var storage: [PendingEvent] = []

    var isEmpty: Bool { storage.isEmpty }
    var count: Int { storage.count }

    /// The smallest key, if any.
    var minimumKey: UInt64? { storage.first?.key }

    mutating func push(_ event: PendingEvent) {
        storage.append(event)
        var child = storage.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard event.key < storage[parent].key else { break }
            storage[child] = storage[parent]
            child = parent
        }
        storage[child] = event
    }

    /// Removes and returns the event with the smallest key.
    mutating func popMinimum() -> PendingEvent? {
        guard let last = storage.popLast() else { return nil }
        guard let top = storage.first else { return last }
        let count = storage.count
        var parent = 0
        while true {
            var child = 2 * parent + 1
            if child >= count { break }
            if child + 1 < count, storage[child + 1].key < storage[child].key {
                child += 1
            }
            guard storage[child].key < last.key else { break }
            storage[parent] = storage[child]
            parent = child
        }
        storage[parent] = last
        return top
    }
}
