/// The parsed command line of `touchstone-loggen`.
struct GeneratorOptions {
    var scenario: Scenario
    /// Data rows to write (the header is extra).
    var events: Int
    var seed: UInt64
    /// `nil` writes to standard output.
    var outputPath: String?
    /// Share of rows damaged into bad rows; `nil` uses the scenario's default.
    var badRowRate: Double?
    /// Share of events written late (after a later event of the same customer); `nil` uses
    /// the scenario's default.
    var outOfOrderRate: Double?
    /// Print generation statistics to standard error.
    var printStatistics = false

    /// The most events per log: the heap key keeps 28 bits for the sequence number.
    static let maximumEvents = 250_000_000

    static let usage = """
        USAGE: touchstone-loggen --scenario b2b|bank|support|web --events N --seed S
                                 [--output FILE] [--bad-rows RATE] [--out-of-order RATE] [--stats]

        Writes a deterministic synthetic customer-journey log as CSV: the same arguments give
        byte-identical output on every machine.

        OPTIONS:
          --scenario NAME       b2b      B2B software purchase (comma, ISO 8601 with Z/offsets)
                                bank     retail-bank account opening (comma, YYYY-MM-DD HH:MM:SS)
                                support  EU e-commerce support (';', dd.MM.yyyy HH:mm:ss, bad rows)
                                web      web-shop analytics: five columns, short visits of many
                                         visitors, quoted names with commas, 5% rows out of order
          --events N            data rows to write, 1...250000000 (header not counted)
          --seed S              unsigned 64-bit seed
          --output FILE         write to FILE instead of standard output
          --bad-rows RATE       share of damaged rows, 0...0.5 (default: b2b/bank 0, support 0.004)
          --out-of-order RATE   share of rows written after a later row of the same customer,
                                0...0.5 (default: b2b 0.01, bank 0.005, support 0.003, web 0.05)
          --stats               print counts of what was generated to standard error
          -h, --help            show this help
        """
}

/// A command-line mistake; printed with the usage hint and exit code 2.
struct UsageError: Error, CustomStringConvertible {
    var description: String
}

extension GeneratorOptions {
    /// Parses arguments (without the program name).
    ///
    /// - Returns: `nil` when help was requested.
    static func parse(_ arguments: [String]) throws(UsageError) -> GeneratorOptions? {
        var scenario: Scenario?
        var events: Int?
        var seed: UInt64?
        var outputPath: String?
        var badRowRate: Double?
        var outOfOrderRate: Double?
        var printStatistics = false
        var index = 0
        func value(for option: String) throws(UsageError) -> String {
            index += 1
            guard index < arguments.count else {
                throw UsageError(description: "missing value for \(option)")
            }
            return arguments[index]
        }
        func rate(_ text: String, _ option: String) throws(UsageError) -> Double {
            guard let rate = Double(text), rate.isFinite, (0...0.5).contains(rate) else {
                throw UsageError(description: "\(option) must be a number from 0 to 0.5, got '\(text)'")
            }
            return rate
        }
        while index < arguments.count {
            let option = arguments[index]
            switch option {
            case "-h", "--help":
                return nil
            case "--scenario":
                let text = try value(for: option)
                guard let parsed = Scenario(rawValue: text) else {
                    throw UsageError(description: "unknown scenario '\(text)' (expected b2b, bank, support or web)")
                }
                scenario = parsed
            case "--events":
                let text = try value(for: option)
                guard let parsed = Int(text), (1...maximumEvents).contains(parsed) else {
                    throw UsageError(description: "--events must be an integer from 1 to \(maximumEvents), got '\(text)'")
                }
                events = parsed
            case "--seed":
                let text = try value(for: option)
                guard let parsed = UInt64(text) else {
                    throw UsageError(description: "--seed must be an unsigned 64-bit integer, got '\(text)'")
                }
                seed = parsed
            case "--output":
                let text = try value(for: option)
                guard !text.isEmpty else {
                    throw UsageError(description: "--output must not be empty")
                }
                outputPath = text
            case "--bad-rows":
                badRowRate = try rate(try value(for: option), option)
            case "--out-of-order":
                outOfOrderRate = try rate(try value(for: option), option)
            case "--stats":
                printStatistics = true
            default:
                throw UsageError(description: "unknown argument '\(option)'")
            }
            index += 1
        }
        guard let scenario else { throw UsageError(description: "missing --scenario") }
        guard let events else { throw UsageError(description: "missing --events") }
        guard let seed else { throw UsageError(description: "missing --seed") }
        return GeneratorOptions(
            scenario: scenario,
            events: events,
            seed: seed,
            outputPath: outputPath,
            badRowRate: badRowRate,
            outOfOrderRate: outOfOrderRate,
            printStatistics: printStatistics
        )
    }
}
