/// A growable byte buffer with manual storage, for the per-field hot path (no
/// copy-on-write or uniqueness checks).
///
/// Invariants: the buffer is `~Copyable`, so exactly one owner holds the storage and frees it
/// in `deinit` (no double free, no use after free through a copy). `slice(_:_:)` hands out a
/// view into the storage that is valid only until the next mutating call (`append` may move
/// the storage, `removeAll` and `assign` reuse it): callers use a slice within the statement or
/// call that produced it and never store it.
struct ByteBuffer: ~Copyable {
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

    /// A view of `length` bytes from `start`; valid until the next mutating call.
    @inline(__always)
    func slice(_ start: Int, _ length: Int) -> UnsafeRawBufferPointer {
        assert(start >= 0 && length >= 0 && start + length <= count, "ByteBuffer.slice out of range")
        return UnsafeRawBufferPointer(start: base + start, count: length)
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

    deinit { base.deallocate() }
}
