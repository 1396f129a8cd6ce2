#if canImport(Glibc)
import Glibc
#endif
import TouchstoneReport

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
            TemporaryFiles.shared.add(temporary)
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

    func write(raw bytes: UnsafeRawBufferPointer) throws(FrontendError) {
        guard bytes.count > 0 else { return }
        if fwrite(bytes.baseAddress, 1, bytes.count, stream) != bytes.count { try failed() }
    }

    /// Writes every piece `produce` hands to the sink straight into the file's buffered
    /// stream, in order; the first failed write is thrown once `produce` returns (later
    /// pieces are dropped).
    func stream(_ produce: (@escaping JSONWriter.Sink) -> Void) throws(FrontendError) {
        var failure: FrontendError?
        produce { bytes in
            guard failure == nil, bytes.count > 0 else { return }
            if fwrite(bytes.baseAddress, 1, bytes.count, stream) != bytes.count {
                do throws(FrontendError) { try failed() } catch { failure = error }
            }
        }
        if let failure { throw failure }
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
            TemporaryFiles.shared.remove(temporaryPath)
            throw FrontendError(message: "\(path): cannot write: " + reason)
        }
        TemporaryFiles.shared.remove(temporaryPath)
    }

    private func failed() throws(FrontendError) {
        if errno == EPIPE { exit(0) }
        if let temporaryPath { unlink(temporaryPath); TemporaryFiles.shared.remove(temporaryPath) }
        throw FrontendError(message: "\(path ?? "standard output"): write failed: " + String(cString: strerror(errno)))
    }
}

/// Temporary output files not yet renamed into place; a run that ends with an error removes
/// them, so it leaves neither a partial result nor litter beside yesterday's file.
final class TemporaryFiles: @unchecked Sendable {
    static let shared = TemporaryFiles()
    private var paths: [String] = []
    private var lock = pthread_mutex_t()

    private init() { pthread_mutex_init(&lock, nil) }

    func add(_ path: String) { pthread_mutex_lock(&lock); paths.append(path); pthread_mutex_unlock(&lock) }

    func remove(_ path: String) {
        pthread_mutex_lock(&lock)
        paths.removeAll { $0 == path }
        pthread_mutex_unlock(&lock)
    }

    /// Deletes every temporary file still pending.
    func removeAll() {
        pthread_mutex_lock(&lock)
        for p in paths { unlink(p) }
        paths = []
        pthread_mutex_unlock(&lock)
    }
}

/// Checks the outputs of a run before anything is read or written: each must be writable, and
/// none may be the same file as an input or as another output (same device and inode, so links
/// count; an output that does not exist yet is compared by its resolved path). Standard input
/// and output (`-`) and special files such as `/dev/null` are exempt.
enum OutputPlan {
    /// - Parameters:
    ///   - inputs: the log paths.
    ///   - outputs: option name and path of each output given.
    static func verify(inputs: [String], outputs: [(option: String, path: String?)]) throws(FrontendError) {
        enum Identity: Equatable { case file(dev: UInt64, ino: UInt64), path(String) }
        func identity(_ path: String) -> (Identity, special: Bool)? {
            var info = stat()
            if stat(path, &info) == 0 {
                return (.file(dev: UInt64(info.st_dev), ino: UInt64(info.st_ino)), (info.st_mode & S_IFMT) != S_IFREG)
            }
            // Not there yet: the resolved directory plus the name.
            let slash = path.lastIndex(of: "/")
            let directory = slash.map { String(path[..<$0]) } ?? "."
            let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
            guard let resolved = realpath(directory.isEmpty ? "/" : directory, nil) else { return nil }
            defer { free(resolved) }
            return (.path(String(cString: resolved) + "/" + name), false)
        }
        var seen: [(what: String, id: Identity)] = []
        for input in inputs where input != "-" {
            if let (id, special) = identity(input), !special { seen.append(("input \(input)", id)) }
        }
        for (option, path) in outputs {
            guard let path, path != "-" else { continue }
            var info = stat()
            let exists = stat(path, &info) == 0
            if exists && (info.st_mode & S_IFMT) == S_IFDIR {
                throw FrontendError(message: "\(option) \(path): is a directory")
            }
            let slash = path.lastIndex(of: "/")
            let directory = slash.map { String(path[..<$0]) } ?? "."
            if exists ? access(path, W_OK) != 0 : access(directory.isEmpty ? "/" : directory, W_OK | X_OK) != 0 {
                throw FrontendError(message: "\(option) \(path): cannot write there: " + String(cString: strerror(errno)))
            }
            guard let (id, special) = identity(path) else {
                throw FrontendError(message: "\(option) \(path): its folder does not exist")
            }
            if special { continue }
            if let clash = seen.first(where: { $0.id == id }) {
                throw FrontendError(message: "\(option) \(path) is the same file as the \(clash.what); refusing to overwrite it")
            }
            seen.append(("\(option) \(path)", id))
        }
    }
}
