import CZlib
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads an input's bytes into a caller-owned buffer, as UTF-8: plain files and standard input
/// with `read(2)`, gzip content (detected by its magic bytes) through `GzipReader`, and other
/// encodings (`--encoding`, or a UTF-16 BOM or NUL pattern) through a `Transcoder`.
final class ByteSource {
    private var fd: Int32 = -1
    private var gzip: GzipReader?
    /// Bytes read ahead (the gzip magic of standard input, the start for encoding detection),
    /// served first.
    private var lookahead: [UInt8] = []
    let name: String
    /// Size in bytes for plain files, nil for compressed or streamed input.
    private(set) var plainSize: Int?

    /// The encoding asked for (nil: detect), and the one used once the start was read.
    private let requested: TextEncoding?
    private(set) var encoding = TextEncoding.utf8
    private(set) var evidence = EncodingEvidence.assumed
    private var decided = false
    /// Transcoding: the decoder and its input buffer (`raw[rawStart..<rawEnd]` not yet decoded).
    private var transcoder: Transcoder?
    private var raw = UnsafeMutableRawBufferPointer(start: nil, count: 0)
    private var rawStart = 0
    private var rawEnd = 0
    private var rawEnded = false

    /// Whether bytes are converted (an encoding other than UTF-8).
    var transcodes: Bool { transcoder != nil }
    /// Code units read as U+FFFD because they are not valid in the input's encoding.
    var replacements: Int { transcoder?.replacements ?? 0 }

    /// - Parameter maxExpansion: most decompressed bytes per compressed byte (nil: no limit).
    /// - Parameter encoding: the input's encoding; nil detects it (a BOM, UTF-16's NULs, else UTF-8).
    init(_ input: InputSource, maxExpansion: Int? = nil, encoding: TextEncoding? = nil) throws(IngestError) {
        name = input.description
        requested = encoding
        switch input {
        case .standardInput:
            let dupFD = dup(0)
            guard dupFD >= 0 else { throw IngestError(source: name, message: "cannot read standard input") }
            fd = dupFD
            var head = [UInt8](repeating: 0, count: 2)
            var got = 0
            while got < 2 {
                let n = head.withUnsafeMutableBytes { Glibc.read(dupFD, $0.baseAddress.map { $0 + got }, 2 - got) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                got += n
            }
            lookahead = Array(head[0..<got])
            if got == 2 && head[0] == 0x1f && head[1] == 0x8b {
                do {
                    gzip = try GzipReader(fd: dupFD, name: name, prefix: lookahead, compressedSize: nil, maxExpansion: maxExpansion)
                } catch {
                    close(dupFD)
                    fd = -1
                    throw error
                }
                lookahead = []
            }
        case .file(let path):
            let f = open(path, O_RDONLY)
            guard f >= 0 else {
                throw IngestError(source: path, message: "cannot open: " + String(cString: strerror(errno)))
            }
            fd = f
            var info = stat()
            if fstat(f, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
                close(f)
                fd = -1
                throw IngestError(source: path, message: "is a directory, not a log file")
            }
            var magic: (UInt8, UInt8) = (0, 0)
            let n = withUnsafeMutableBytes(of: &magic) { pread(f, $0.baseAddress, 2, 0) }
            let regular = (info.st_mode & S_IFMT) == S_IFREG
            if n == 2 && magic.0 == 0x1f && magic.1 == 0x8b {
                do {
                    gzip = try GzipReader(fd: f, name: path, prefix: [], compressedSize: regular ? Int(info.st_size) : nil,
                                          maxExpansion: maxExpansion)
                } catch {
                    close(f)
                    fd = -1
                    throw error
                }
            } else if regular {
                plainSize = Int(info.st_size)
            }
        }
    }

    deinit {
        if fd >= 0 { close(fd) }
        raw.deallocate()
    }

    /// Reads the input's first bytes (up to 4 KiB, after gzip) and decides its encoding; done by
    /// the first `read` otherwise.
    func decideEncoding() throws(IngestError) {
        guard !decided else { return }
        decided = true
        let head = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 16)
        defer { head.deallocate() }
        let n = try readRaw(into: head)
        let start = UnsafeRawBufferPointer(rebasing: head[0..<n])
        let (resolved, why, bomLength) = TextEncoding.detect(start, requested: requested)
        encoding = resolved
        evidence = why
        if resolved == .utf8 {
            lookahead = Array(start) + lookahead
            return
        }
        transcoder = Transcoder(encoding: resolved)
        raw = .allocate(byteCount: 1 << 20, alignment: 16)
        rawEnd = n - bomLength
        if let b = raw.baseAddress, rawEnd > 0, let h = head.baseAddress { b.copyMemory(from: h + bomLength, byteCount: rawEnd) }
        rawEnded = n == 0
    }

    /// Fills `buffer` (at least 4 bytes) with UTF-8 as far as the input allows; returns the
    /// byte count, 0 at the end.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(IngestError) -> Int {
        if !decided { try decideEncoding() }
        guard transcoder != nil, let rawBase = raw.baseAddress else { return try readRaw(into: buffer) }
        var produced = 0
        while buffer.count - produced >= 4 {
            if rawEnd - rawStart < 4 && !rawEnded {
                // Keep the incomplete unit, if any, and read on after it.
                let kept = rawEnd - rawStart
                if kept > 0 { memmove(rawBase, rawBase + rawStart, kept) }
                rawStart = 0
                rawEnd = kept
                let n = try readRaw(into: UnsafeMutableRawBufferPointer(rebasing: raw[kept...]))
                if n == 0 { rawEnded = true }
                rawEnd += n
            }
            guard rawEnd > rawStart else { break }
            let (consumed, made) = transcoder?.decode(UnsafeRawBufferPointer(rebasing: raw[rawStart..<rawEnd]),
                                                      into: UnsafeMutableRawBufferPointer(rebasing: buffer[produced...]),
                                                      atEnd: rawEnded) ?? (0, 0)
            rawStart += consumed
            produced += made
            if consumed == 0 && made == 0 && rawEnded { break }
        }
        return produced
    }

    /// Fills `buffer` with the input's bytes as stored (after gzip); 0 at the end.
    private func readRaw(into buffer: UnsafeMutableRawBufferPointer) throws(IngestError) -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        var filled = 0
        if !lookahead.isEmpty {
            filled = min(lookahead.count, buffer.count)
            lookahead.withUnsafeBytes { raw in
                if let b = raw.baseAddress { base.copyMemory(from: b, byteCount: filled) }
            }
            lookahead.removeFirst(filled)
        }
        if let gzip {
            if filled < buffer.count { filled += try gzip.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...])) }
            return filled
        }
        while filled < buffer.count {
            let n = Glibc.read(fd, base + filled, buffer.count - filled)
            if n < 0 {
                if errno == EINTR { continue }
                throw IngestError(source: name, message: "read failed: " + String(cString: strerror(errno)))
            }
            if n == 0 { break }
            filled += n
        }
        return filled
    }
}

/// Decompresses a gzip file or stream with zlib's `inflate`, member after member.
///
/// Unlike `gzread`, it fails on what would otherwise pass silently: a stream that ends inside
/// a member (truncated), bytes after the last member that are not another member, and output
/// beyond `maxExpansion` times the compressed size (a gzip bomb).
final class GzipReader {
    private let fd: Int32
    private let name: String
    private let compressedSize: Int?
    private let maxExpansion: Int?
    private var stream = z_stream()
    private let input: UnsafeMutableRawBufferPointer
    private var inputEnded = false
    /// Whether the last member ended and the next one has not begun.
    private var betweenMembers = false
    private var finished = false
    private var compressedRead = 0
    private var decompressed = 0
    private var members = 0

    init(fd: Int32, name: String, prefix: [UInt8], compressedSize: Int?, maxExpansion: Int?) throws(IngestError) {
        self.fd = fd
        self.name = name
        self.compressedSize = compressedSize
        self.maxExpansion = maxExpansion
        input = .allocate(byteCount: 1 << 20, alignment: 16)
        prefix.withUnsafeBytes { raw in
            if let b = raw.baseAddress, let base = input.baseAddress { base.copyMemory(from: b, byteCount: raw.count) }
        }
        compressedRead = prefix.count
        stream.next_in = input.baseAddress?.assumingMemoryBound(to: Bytef.self)
        stream.avail_in = UInt32(prefix.count)
        guard touchstone_inflate_init_gzip(&stream) == Z_OK else {
            input.deallocate()
            throw IngestError(source: name, message: "cannot start gzip decompression (out of memory)")
        }
    }

    deinit {
        inflateEnd(&stream)
        input.deallocate()
    }

    /// Reads more compressed bytes after those not yet consumed (which are moved to the front).
    private func refill() throws(IngestError) {
        guard let base = input.baseAddress else { return }
        let kept = Int(stream.avail_in)
        if kept > 0, let next = stream.next_in { base.copyMemory(from: UnsafeRawPointer(next), byteCount: kept) }
        var n: Int
        repeat {
            n = Glibc.read(fd, base + kept, input.count - kept)
        } while n < 0 && errno == EINTR
        if n < 0 { throw IngestError(source: name, message: "read failed: " + String(cString: strerror(errno))) }
        if n == 0 { inputEnded = true }
        compressedRead += n
        stream.next_in = base.assumingMemoryBound(to: Bytef.self)
        stream.avail_in = UInt32(kept + n)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(IngestError) -> Int {
        guard let base = buffer.baseAddress, !finished else { return 0 }
        var filled = 0
        while filled < buffer.count {
            if betweenMembers {
                // Another member, the end, or trailing bytes that are an error.
                while stream.avail_in < 2 && !inputEnded { try refill() }
                if stream.avail_in == 0 { finished = true; break }
                let next = stream.next_in
                if stream.avail_in < 2 || next?[0] != 0x1f || next?[1] != 0x8b {
                    let offset = compressedRead - Int(stream.avail_in)
                    throw IngestError(source: name, message: "bytes after the last gzip member are not another gzip member (at compressed byte \(offset) of \(compressedSizeText)); the file is damaged or not a gzip file")
                }
                guard inflateReset(&stream) == Z_OK else {
                    throw IngestError(source: name, message: "cannot restart gzip decompression")
                }
                betweenMembers = false
            }
            if stream.avail_in == 0 {
                if !inputEnded { try refill() }
                if stream.avail_in == 0 {
                    throw IngestError(source: name, message: "gzip stream is truncated: it ends inside member \(members + 1) after \(compressedRead) compressed bytes (\(decompressed + filled) bytes decompressed)")
                }
            }
            let room = min(buffer.count - filled, Int(UInt32.max))
            stream.next_out = (base + filled).assumingMemoryBound(to: Bytef.self)
            stream.avail_out = UInt32(room)
            let status = inflate(&stream, Z_NO_FLUSH)
            filled += room - Int(stream.avail_out)
            switch status {
            case Z_OK, Z_BUF_ERROR:
                break
            case Z_STREAM_END:
                members += 1
                betweenMembers = true
            case Z_NEED_DICT:
                throw IngestError(source: name, message: "cannot decompress: the gzip stream needs a preset dictionary")
            case Z_MEM_ERROR:
                throw IngestError(source: name, message: "cannot decompress: out of memory")
            default:
                let detail = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                throw IngestError(source: name, message: "cannot decompress: \(detail) (gzip data corrupt after \(compressedRead - Int(stream.avail_in)) compressed bytes)")
            }
            try checkExpansion(decompressed + filled)
        }
        decompressed += filled
        return filled
    }

    private var compressedSizeText: String {
        compressedSize.map { "\($0)" } ?? "\(compressedRead) read"
    }

    private func checkExpansion(_ total: Int) throws(IngestError) {
        guard let maxExpansion else { return }
        let compressed = max(compressedSize ?? 0, compressedRead)
        let (allowed, overflow) = compressed.multipliedReportingOverflow(by: maxExpansion)
        if !overflow && total > allowed {
            throw IngestError(source: name, message: "decompressed data exceeds \(maxExpansion) times its compressed size (\(compressed) bytes): stopped after \(total) bytes as a likely gzip bomb; raise the limit (--max-expansion) to read it")
        }
    }
}
