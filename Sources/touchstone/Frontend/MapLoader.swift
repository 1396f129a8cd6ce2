import TouchstoneConformance
import TouchstoneSummary
#if canImport(Glibc)
import Glibc
#endif

/// Reads a journey map file and validates it, for every command that takes a map.
enum MapLoader {
    /// The largest map file read, in bytes; a journey map is a few kilobytes.
    static let maxBytes = 16 << 20

    /// Reads and validates the journey map at `path`.
    ///
    /// - Throws: `FrontendError` (exit status 2): `cannot read journey map 'path': reason` when
    ///   the file cannot be read, or every map diagnostic, pre-formatted as
    ///   `path:line:column: error: message` lines.
    static func load(path: String) throws(FrontendError) -> JourneyMap {
        try loadWithFingerprint(path: path).map
    }

    /// The map at `path` and the fingerprint of its file's bytes (`CustomerFingerprint`), which
    /// a summary records so that `check --from-summary` uses the map it was made with.
    static func loadWithFingerprint(path: String) throws(FrontendError) -> (map: JourneyMap, fingerprint: UInt64) {
        let text = try readText(path)
        do {
            return (try JourneyMap(yaml: text, file: path), CustomerFingerprint.of(bytes: Array(text.utf8)))
        } catch {
            throw FrontendError(formattedLines: error.description)
        }
    }

    /// The file's text, which must be UTF-8.
    private static func readText(_ path: String) throws(FrontendError) -> String {
        func failure(_ reason: String) -> FrontendError { FrontendError(file: path, message: "cannot read the journey map: \(reason)") }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw failure(String(cString: strerror(errno))) }
        defer { Glibc.close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n == 0 { break }
            if n < 0 {
                if errno == EINTR { continue }
                throw failure(String(cString: strerror(errno)))
            }
            bytes += chunk[0..<n]
            if bytes.count > maxBytes { throw failure("larger than \(maxBytes >> 20) MiB; is this a journey map?") }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw failure("not UTF-8 text") }
        return text
    }
}
