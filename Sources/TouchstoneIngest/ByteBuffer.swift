/// A growable byte buffer with manual storage, for the per-field hot path (no
/// copy-on-write or uniqueness checks). The owner calls `release()` exactly once.
struct ByteBuffer {
    private(set) var base: UnsafeMutableRawPointer
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        base = .allocate(byteCount: self.capacity, alignment: 8)
    }

    @inline(__always)
    mutating func append(_ bytes: UnsafeRawPointer, _ length: Int) {
        if count + length > capacity { grow(to: count + length) }
        (base + count).copyMemory(from: bytes, byteCount: length)
        count += length
    }

    @inline(__always)
    mutating func removeAll() { count = 0 }

    /// Replaces the contents with `array`.
    mutating func assign(_ array: [UInt8]) {
        count = 0
        array.withUnsafeBytes { raw in if let b = raw.baseAddress { append(b, raw.count) } }
    }

    @inline(__always)
    func slice(_ start: Int, _ length: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base + start, count: length)
    }

    var array: [UInt8] { Array(UnsafeRawBufferPointer(start: base, count: count)) }

    private mutating func grow(to needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let fresh = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 8)
        fresh.copyMemory(from: base, byteCount: count)
        base.deallocate()
        base = fresh
        capacity = newCapacity
    }

    func release() { base.deallocate() }
}
