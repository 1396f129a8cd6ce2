import TouchstoneIngest
import TouchstoneReport
#if canImport(Glibc)
import Glibc
#endif

/// Documented exit codes.
enum ExitStatus {
    static let ok: Int32 = 0
    static let thresholdFailed: Int32 = 1
    static let usageOrInputError: Int32 = 2
}

/// A failure found by the frontend (not by the library), with its exit status.
struct FrontendError: Error {
    var message: String
    var exitStatus: Int32 = ExitStatus.usageOrInputError
    /// `message` is complete diagnostic lines (`path:line:column: error: …`), printed as they
    /// are instead of after `error: `.
    var isFormatted = false

    init(message: String, exitStatus: Int32 = ExitStatus.usageOrInputError) {
        self.message = message
        self.exitStatus = exitStatus
    }

    /// A problem with a whole input file (no line): printed as `path: error: message`.
    init(file path: String, message: String, exitStatus: Int32 = ExitStatus.usageOrInputError) {
        self.init(formattedLines: "\(path): error: \(message)", exitStatus: exitStatus)
    }

    /// Diagnostics already formatted, one per line (e.g. every problem of a journey map).
    init(formattedLines: String, exitStatus: Int32 = ExitStatus.usageOrInputError) {
        self.message = formattedLines
        self.exitStatus = exitStatus
        self.isFormatted = true
    }
}

/// Prints to standard error in the `path:line:column: error: message` form.
enum Diagnostics {
    /// `--quiet`: notes are not printed (errors always are). Set once, before a command runs.
    nonisolated(unsafe) static var quiet = false

    static func printError(_ error: IngestError) {
        var prefix = ""
        if let source = error.source { prefix += source + ":" }
        if let line = error.line {
            prefix += "\(line):"
            if let column = error.column { prefix += "\(column):" }
        }
        write((prefix.isEmpty ? "" : prefix + " ") + "error: " + error.message + "\n")
    }

    static func printError(_ message: String) { write("error: " + message + "\n") }

    /// Prints a frontend error: its pre-formatted lines as they are, else `error: message`.
    static func printError(_ error: FrontendError) {
        if error.isFormatted {
            write(error.message.hasSuffix("\n") ? error.message : error.message + "\n")
        } else {
            printError(error.message)
        }
    }

    static func note(_ message: String) {
        if !quiet { write("note: " + message + "\n") }
    }

    static func warning(_ message: String) { write("warning: " + message + "\n") }

    /// Writes `text` with every line made terminal-safe and bounded (`TerminalText.diagnostic`):
    /// log text in a message can neither drive the terminal nor print megabytes.
    static func write(_ text: String) {
        var text = TerminalText.diagnostic(text)
        text.withUTF8 { bytes in _ = Glibc.write(2, bytes.baseAddress, bytes.count) }
    }
}
