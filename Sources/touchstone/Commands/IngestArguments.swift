import ArgumentParser
import TouchstoneIngest

/// Input and ingest options shared by every command that reads a log: one or more logs plus
/// `IngestOptionArguments`. Reads of `ingest.timezone` etc. go to the options group.
@dynamicMemberLookup
struct IngestArguments: ParsableArguments {
    @Argument(help: ArgumentHelp("Log files read as one log (same columns); '-' reads standard input; .gz is decompressed.",
                                 valueName: "log"))
    var inputs: [String] = []

    @OptionGroup var reading: IngestOptionArguments

    subscript<Value>(dynamicMember keyPath: KeyPath<IngestOptionArguments, Value>) -> Value { reading[keyPath: keyPath] }

    mutating func validate() throws {
        try IngestOptionArguments.validate(inputs: inputs)
    }

    /// The usage error for a command run without logs (and, where it takes one, without
    /// `--from-summary`): logs are optional to the parser only so that a summary can replace them.
    func requireLogs(unless summary: String? = nil) throws {
        if inputs.isEmpty && summary == nil { throw ValidationError("missing expected argument '<log> ...'") }
    }
}

/// How to read logs (columns, delimiter, timestamps, rejects, …), without the log paths; for
/// commands whose logs are optional (`map validate MAP [LOG…]`).
struct IngestOptionArguments: ParsableArguments {
    @Option(name: .customLong("case"), parsing: .unconditional, help: ArgumentHelp("Customer (case) id column: header name or 1-based position.", valueName: "column"))
    var caseColumn: ColumnReference?

    @Option(name: .customLong("activity"), parsing: .unconditional, help: ArgumentHelp("Touchpoint (activity) column.", valueName: "column"))
    var activityColumn: ColumnReference?

    @Option(name: .customLong("timestamp"), parsing: .unconditional, help: ArgumentHelp("Timestamp column.", valueName: "column"))
    var timestampColumn: ColumnReference?

    @Option(name: .customLong("stage"), parsing: .unconditional, help: ArgumentHelp("Journey stage column (optional).", valueName: "column"))
    var stageColumn: ColumnReference?

    @Option(name: .customLong("channel"), parsing: .unconditional, help: ArgumentHelp("Channel column (optional).", valueName: "column"))
    var channelColumn: ColumnReference?

    @Option(name: .customLong("attribute"), parsing: .unconditionalSingleValue, help: ArgumentHelp("A column kept per event for filtering (repeatable).", valueName: "column"))
    var attributeColumns: [ColumnReference] = []

    @Option(parsing: .unconditional, help: ArgumentHelp("Field delimiter: one ASCII character, or 'tab'. Default: detected from the header (, ; tab |).", valueName: "char"))
    var delimiter: Delimiter?

    @Option(help: ArgumentHelp("Character encoding of the logs: \(TextEncoding.supportedNames). Default: detected (a BOM, UTF-16's NUL bytes), else UTF-8.", valueName: "name"),
            transform: { text in
                guard let encoding = TextEncoding(name: text) else {
                    throw ValidationError("unknown encoding '\(text)'; supported: \(TextEncoding.supportedNames)")
                }
                return encoding
            })
    var encoding: TextEncoding?

    @Flag(name: .customLong("no-header"), help: "The first line is data; map columns by position.")
    var noHeader = false

    @Option(name: .customLong("timestamp-format"), parsing: .unconditional,
            help: ArgumentHelp("strftime-style pattern, e.g. '%d.%m.%Y %H:%M:%S', or iso8601, epoch-s, epoch-ms, epoch-us. Default: detected.", valueName: "pattern"),
            transform: { text in try TimestampFormatArgument(parsing: text) })
    var timestampFormat: TimestampFormatArgument?

    @Option(parsing: .unconditional, help: ArgumentHelp("Zone of timestamps without an offset: UTC, +01:00, or an IANA name such as Europe/Berlin.", valueName: "zone"),
            transform: { text in
                do { return try TimeZoneSpec(parsing: text) } catch { throw ValidationError("\((error as? TimestampError)?.message ?? "\(error)")") }
            })
    var timezone: TimeZoneSpec = .utc

    @Option(help: ArgumentHelp("Write every rejected row to this CSV file (line,record,reason,row).", valueName: "file"))
    var rejects: String?

    @Option(name: .customLong("max-reject-rate"),
            help: ArgumentHelp("Fail with exit code 2 when more than this share of rows (0…1) is rejected. Default: more than half stops the run; 1 accepts any share.", valueName: "rate"))
    var maxRejectRate: Double?

    @Flag(help: "Drop exact duplicate events (same customer, touchpoint and timestamp), keeping the first.")
    var dedupe = false

    @Option(name: .customLong("max-field-size"), help: ArgumentHelp("Longest field accepted, in bytes.", valueName: "bytes"))
    var maxFieldSize: Int = 128 * 1024

    @Option(name: .customLong("max-expansion"),
            help: ArgumentHelp("Most times a gzip input may expand (decompressed size / compressed size); 0: no limit. Stops gzip bombs.", valueName: "ratio"))
    var maxExpansion: Int = 1000

    mutating func validate() throws {
        if maxExpansion < 0 { throw ValidationError("--max-expansion must be 0 (no limit) or more, got \(maxExpansion)") }
        if let rate = maxRejectRate, !(rate >= 0 && rate <= 1) {
            throw ValidationError("--max-reject-rate must be between 0 and 1, got \(rate)")
        }
        if maxFieldSize < 1 { throw ValidationError("--max-field-size must be at least 1") }
    }

    /// Checks the log paths themselves: standard input can be read once.
    static func validate(inputs: [String]) throws {
        if inputs.filter({ $0 == "-" }).count > 1 { throw ValidationError("standard input ('-') can be read only once") }
    }

    var options: IngestOptions {
        var o = IngestOptions()
        o.columns = ColumnSelection(caseID: caseColumn, touchpoint: activityColumn, timestamp: timestampColumn,
                                    stage: stageColumn, channel: channelColumn, attributes: attributeColumns)
        o.delimiter = delimiter?.byte
        o.hasHeader = !noHeader
        o.encoding = encoding
        o.timestampFormat = timestampFormat?.format
        o.timeZone = timezone
        o.maxFieldBytes = maxFieldSize
        o.maxExpansion = maxExpansion == 0 ? nil : maxExpansion
        return o
    }

}

extension ColumnReference: ExpressibleByArgument {
    public init?(argument: String) {
        guard !argument.isEmpty else { return nil }
        self.init(parsing: argument)
    }
}


/// A delimiter given on the command line: exactly one ASCII byte.
struct Delimiter: ExpressibleByArgument {
    var byte: UInt8
    init?(argument: String) {
        switch argument {
        case "tab", "\\t", "\t": byte = 0x09
        default:
            let bytes = Array(argument.utf8)
            guard bytes.count == 1, bytes[0] < 0x80, bytes[0] != 0x22, bytes[0] != 0x0A, bytes[0] != 0x0D else { return nil }
            byte = bytes[0]
        }
    }
}

/// `--timestamp-format`: a named format or a strftime-style pattern.
struct TimestampFormatArgument {
    var format: TimestampFormat
    init(parsing argument: String) throws {
        switch argument.lowercased() {
        case "iso8601", "iso": format = .iso8601
        case "epoch-s", "epoch", "unix": format = .epoch(.seconds)
        case "epoch-ms": format = .epoch(.milliseconds)
        case "epoch-us": format = .epoch(.microseconds)
        default:
            do { format = .pattern(try TimestampPattern(argument)) } catch {
                throw ValidationError(error.message)
            }
        }
    }
}
