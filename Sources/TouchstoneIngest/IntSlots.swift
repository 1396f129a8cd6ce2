/// A fixed-size `Int` array with reference storage: stores are plain memory writes, with
/// no copy-on-write or uniqueness checks on the per-field path. Indices are checked in debug
/// builds (the tests and sanitizer runs); callers index only slots below `count`.
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
        get { assert(i >= 0 && i < count, "IntSlots index out of range"); return base[i] }
        set { assert(i >= 0 && i < count, "IntSlots index out of range"); base[i] = newValue }
    }

    var array: [Int] { Array(UnsafeBufferPointer(start: base, count: count)) }
    var indices: Range<Int> { 0..<count }
}
