#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why writing the log failed.
enum WriteError: Error {
    /// The reader closed the pipe (`touchstone-loggen … | head`); not an error for the user.
    case brokenPipe
    /// `open(2)` failed for `--output`.
    case cannotOpen(path: String, errno: Int32)
    /// `write(2)` failed for another reason.
    case writeFailed(errno: Int32)
}

/// A large, reused output buffer flushed with `write(2)`.
///
/// Rows are appended with `memcpy` of pre-encoded fields and hand-formatted digits; the
/// buffer is flushed once it holds `flushThreshold` bytes (1 MiB). The largest row is a few
/// hundred bytes, far below `slack`, so appends never check capacity themselves: callers
/// call `flushIfNeeded()` once per row.
final class ByteWriter {
    /// Bytes held before a flush.
    static let flushThreshold = 1 << 20
    /// Room past the threshold for one row (rows are < 4 KiB).
    static let slack = 64 << 10

    private let fileDescriptor: Int32
    private let ownsDescriptor: Bool
    private let buffer: UnsafeMutablePointer<UInt8>
    /// Bytes currently buffered.
    private(set) var count = 0
    /// Bytes written to the file descriptor so far.
    private(set) var bytesFlushed: Int64 = 0

    /// Writes to standard output.
    convenience init() {
        self.init(fileDescriptor: STDOUT_FILENO, ownsDescriptor: false)
    }

    /// Creates (or truncates) `path` and writes to it.
    convenience init(path: String) throws(WriteError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else {
            throw .cannotOpen(path: path, errno: errno)
        }
        self.init(fileDescriptor: fd, ownsDescriptor: true)
    }

    private init(fileDescriptor: Int32, ownsDescriptor: Bool) {
        self.fileDescriptor = fileDescriptor
        self.ownsDescriptor = ownsDescriptor
        buffer = .allocate(capacity: Self.flushThreshold + Self.slack)
    }

    deinit {
        buffer.deallocate()
        if ownsDescriptor {
            close(fileDescriptor)
        }
    }

    /// Flushes when the buffer is past the threshold; call once per row.
    @inline(__always)
    func flushIfNeeded() throws(WriteError) {
        if count >= Self.flushThreshold {
            try flush()
        }
    }

    /// Writes every buffered byte, retrying short writes and `EINTR`.
    func flush() throws(WriteError) {
        var offset = 0
        while offset < count {
            let written = write(fileDescriptor, buffer + offset, count - offset)
            if written < 0 {
                let code = errno
                if code == EINTR { continue }
                if code == EPIPE { throw .brokenPipe }
                throw .writeFailed(errno: code)
            }
            offset += written
        }
        bytesFlushed += Int64(count)
        count = 0
    }

    /// Appends one byte.
    @inline(__always)
    func append(_ byte: UInt8) {
        buffer[count] = byte
        count += 1
    }

    /// Appends `length` bytes from `source`.
    @inline(__always)
    func append(_ source: UnsafePointer<UInt8>, length: Int) {
        (buffer + count).update(from: source, count: length)
        count += length
    }

    /// Appends the bytes of `bytes`.
    func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { chunk in
            if let base = chunk.baseAddress {
                append(base, length: chunk.count)
            }
        }
    }

    /// Appends `value` (0...99) as two decimal digits.
    @inline(__always)
    func appendTwoDigits(_ value: Int) {
        buffer[count] = UInt8(truncatingIfNeeded: 48 + value / 10)
        buffer[count + 1] = UInt8(truncatingIfNeeded: 48 + value % 10)
        count += 2
    }

    /// Appends `value` (0...9999) as four decimal digits.
    @inline(__always)
    func appendFourDigits(_ value: Int) {
        appendTwoDigits(value / 100)
        appendTwoDigits(value % 100)
    }

    /// Appends `value` as exactly `width` decimal digits, zero-padded (value < 10^width).
    @inline(__always)
    func appendDecimal(_ value: UInt64, width: Int) {
        var rest = value
        var index = count + width - 1
        while index >= count {
            buffer[index] = UInt8(truncatingIfNeeded: 48 + rest % 10)
            rest /= 10
            index -= 1
        }
        count += width
    }

    /// Appends the low 32 bits of `value` as eight lowercase hexadecimal digits.
    @inline(__always)
    func appendHex8(_ value: UInt32) {
        for shift in stride(from: 28, through: 0, by: -4) {
            let nibble = UInt8(truncatingIfNeeded: (value >> UInt32(shift)) & 0xF)
            buffer[count] = nibble < 10 ? 48 + nibble : 87 + nibble
            count += 1
        }
    }

    /// Returns a copy of the buffered bytes from `start` to the end.
    func copyBytes(from start: Int) -> [UInt8] {
        Array(UnsafeBufferPointer(start: buffer + start, count: count - start))
    }

    /// Drops the buffered bytes from `newCount` on (used to rewrite a row as a bad row).
    func truncate(to newCount: Int) {
        count = newCount
    }
}
