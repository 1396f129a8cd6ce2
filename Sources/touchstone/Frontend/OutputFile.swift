#if canImport(Glibc)
import Glibc
#endif

/// Writes results to standard output or to `--output FILE`; a closed pipe ends quietly.
struct OutputFile {
    private let stream: UnsafeMutablePointer<FILE>
    private let path: String?

    init(path: String?) throws(FrontendError) {
        self.path = path
        if let path, path != "-" {
            guard let f = fopen(path, "wb") else {
                throw FrontendError(message: "\(path): cannot open for writing: " + String(cString: strerror(errno)))
            }
            stream = f
        } else {
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
        if path != nil && path != "-" { fclose(stream) }
    }

    private func failed() throws(FrontendError) {
        if errno == EPIPE { exit(0) }
        throw FrontendError(message: "\(path ?? "standard output"): write failed: " + String(cString: strerror(errno)))
    }
}
