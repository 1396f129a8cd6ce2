/// One problem found in a journey map file, with its position.
public struct MapDiagnostic: Sendable, Equatable, CustomStringConvertible {
    /// The file name as given to `JourneyMap(yaml:file:)`.
    public var file: String
    /// 1-based line.
    public var line: Int
    /// 1-based column, counted in Unicode scalars.
    public var column: Int
    /// What is wrong, without position or severity.
    public var message: String

    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file; self.line = line; self.column = column; self.message = message
    }

    public init(file: String, location: MapLocation, message: String) {
        self.init(file: file, line: location.line, column: location.column, message: message)
    }

    /// The position as a `MapLocation`.
    public var location: MapLocation { MapLocation(line: line, column: column) }

    /// `file:line:column: error: message`.
    public var description: String { "\(file):\(line):\(column): error: \(message)" }
}

/// Every problem found in a journey map, sorted by line, then column. Never empty when thrown.
public struct MapErrors: Error, Sendable, Equatable, CustomStringConvertible {
    public var diagnostics: [MapDiagnostic]

    public init(_ diagnostics: [MapDiagnostic]) { self.diagnostics = diagnostics }

    /// One `file:line:column: error: message` line per diagnostic, joined by newlines.
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
