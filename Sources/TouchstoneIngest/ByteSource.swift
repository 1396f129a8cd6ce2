import CZlib
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads an input's bytes into a caller-owned buffer: plain files with `read(2)`, gzip files
/// and standard input through zlib (which passes plain data through unchanged).
final class ByteSource {
    private var fd: Int32 = -1
    private var gz: gzFile?
    let name: String
    /// Size in bytes for plain files, nil for compressed or streamed input.
    private(set) var plainSize: Int?

    init(_ input: InputSource) throws(IngestError) {
        name = input.description
        switch input {
        case .standardInput:
            let dupFD = dup(0)
            guard dupFD >= 0, let g = gzdopen(dupFD, "rb") else {
                throw IngestError(source: name, message: "cannot read standard input")
            }
            gz = g
            gzbuffer(g, 1 << 20)
        case .file(let path):
            let f = open(path, O_RDONLY)
            guard f >= 0 else {
                throw IngestError(source: path, message: "cannot open: " + String(cString: strerror(errno)))
            }
            var info = stat()
            if fstat(f, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
                close(f)
                throw IngestError(source: path, message: "is a directory, not a log file")
            }
            var magic: (UInt8, UInt8) = (0, 0)
            let n = withUnsafeMutableBytes(of: &magic) { pread(f, $0.baseAddress, 2, 0) }
            if n == 2 && magic.0 == 0x1f && magic.1 == 0x8b {
                guard let g = gzdopen(f, "rb") else {
                    close(f)
                    throw IngestError(source: path, message: "cannot open gzip stream")
                }
                gz = g
                gzbuffer(g, 1 << 20)
            } else {
                fd = f
                if (info.st_mode & S_IFMT) == S_IFREG { plainSize = Int(info.st_size) }
            }
        }
    }

    deinit {
        if let gz { gzclose(gz) }
        if fd >= 0 { close(fd) }
    }

    /// Fills `buffer` as far as the input allows; returns the byte count, 0 at the end.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(IngestError) -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        var filled = 0
        while filled < buffer.count {
            let n: Int
            if let gz {
                let asked = UInt32(min(buffer.count - filled, Int(Int32.max)))
                n = Int(gzread(gz, base + filled, asked))
                if n < 0 {
                    var code: Int32 = 0
                    let text = gzerror(gz, &code).map { String(cString: $0) } ?? "unknown error"
                    throw IngestError(source: name, message: "cannot decompress: " + text)
                }
            } else {
                n = Glibc.read(fd, base + filled, buffer.count - filled)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw IngestError(source: name, message: "read failed: " + String(cString: strerror(errno)))
                }
            }
            if n == 0 { break }
            filled += n
        }
        return filled
    }
}
