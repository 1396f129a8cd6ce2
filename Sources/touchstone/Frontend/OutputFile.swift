#if canImport(Glibc)
import Glibc
#endif

/// Writes results to standard output or to `--output FILE`; a closed pipe ends quietly.
///
/// A regular file is written to a temporary file beside it and renamed into place by `close()`,
/// so a reader never sees half a result and a failed run leaves the previous file intact.
/// Special files (`/dev/null`, pipes, terminals) are written directly.
struct OutputFile {
    private let stream: UnsafeMutablePointer<FILE>
    private let path: String?
    private let temporaryPath: String?

    init(path: String?) throws(FrontendError) {
        self.path = path
        if let path, path != "-" {
            // Special files (/dev/null, pipes, terminals) are written directly: renaming over
            // them would replace the device or fifo with a regular file.
            var info = stat()
            if stat(path, &info) == 0 && (info.st_mode & S_IFMT) != S_IFREG {
                guard let f = fopen(path, "wb") else {
                    throw FrontendError(message: "\(path): cannot open for writing: " + String(cString: strerror(errno)))
                }
                temporaryPath = nil
                stream = f
                return
            }
            let temporary = path + ".touchstone-\(getpid()).tmp"
            guard let f = fopen(temporary, "wb") else {
                throw FrontendError(message: "\(path): cannot open for writing: " + String(cString: strerror(errno)))
            }
            temporaryPath = temporary
            stream = f
        } else {
            temporaryPath = nil
            guard let f = fdopen(1, "wb") else {
                throw FrontendError(message: "cannot write to standard output")
            }
            stream = f
        }
    }

    func write(_ text: String) throws(FrontendError) {
        var text = text
        let ok = text.withUTF8 { bytes in fwrite(bytes.baseAddress, 1, bytes.count, stream) == bytes.count }
        if !ok { try failed() }
    }

    func write(bytes: [UInt8]) throws(FrontendError) {
        let ok = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, stream) == $0.count }
        if !ok { try failed() }
    }

    func close() throws(FrontendError) {
        if fflush(stream) != 0 { try failed() }
        guard let path, path != "-" else { return }
        guard let temporaryPath else {
            if fclose(stream) != 0 { try failed() }
            return
        }
        if fclose(stream) != 0 { try failed() }
        if rename(temporaryPath, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw FrontendError(message: "\(path): cannot write: " + reason)
        }
    }

    private func failed() throws(FrontendError) {
        if errno == EPIPE { exit(0) }
        if let temporaryPath { unlink(temporaryPath) }
        throw FrontendError(message: "\(path ?? "standard output"): write failed: " + String(cString: strerror(errno)))
    }
}
