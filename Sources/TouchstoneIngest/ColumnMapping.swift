/// What a column means to Touchstone.
public enum ColumnRole: Hashable, Sendable, CustomStringConvertible {
    case caseID, touchpoint, timestamp, stage, channel
    /// A user-named attribute kept per event (`--attribute NAME`).
    case attribute(String)

    public var description: String {
        switch self {
        case .caseID: "case"
        case .touchpoint: "touchpoint"
        case .timestamp: "timestamp"
        case .stage: "stage"
        case .channel: "channel"
        case .attribute(let name): "attribute " + name
        }
    }
}

/// A column named by its header text or its 1-based position.
public enum ColumnReference: Hashable, Sendable, CustomStringConvertible {
    case name(String)
    /// 1-based column position.
    case position(Int)

    /// Digits mean a position, anything else a header name.
    public init(parsing text: String) {
        if !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let n = Int(text), n >= 1 {
            self = .position(n)
        } else {
            self = .name(text)
        }
    }

    public var description: String {
        switch self {
        case .name(let n): "'\(n)'"
        case .position(let p): "column \(p)"
        }
    }
}

/// Which columns the user asked for; nil roles are detected from the header.
public struct ColumnSelection: Sendable {
    public var caseID: ColumnReference?
    public var touchpoint: ColumnReference?
    public var timestamp: ColumnReference?
    public var stage: ColumnReference?
    public var channel: ColumnReference?
    /// Attribute columns by header name (or position), kept per event.
    public var attributes: [ColumnReference] = []

    public init(caseID: ColumnReference? = nil, touchpoint: ColumnReference? = nil, timestamp: ColumnReference? = nil,
                stage: ColumnReference? = nil, channel: ColumnReference? = nil, attributes: [ColumnReference] = []) {
        self.caseID = caseID
        self.touchpoint = touchpoint
        self.timestamp = timestamp
        self.stage = stage
        self.channel = channel
        self.attributes = attributes
    }
}

/// One resolved role: the column used, and whether it was detected rather than given.
public struct MappedColumn: Sendable, Equatable {
    public var role: ColumnRole
    /// 0-based column index in the input.
    public var index: Int
    /// Header text of the column (`column N` without a header).
    public var name: String
    public var detected: Bool
}

/// The roles of an input's columns after resolving a `ColumnSelection` against its header.
public struct ColumnMapping: Sendable, Equatable {
    public var columns: [MappedColumn]
    /// Number of fields every row must have.
    public var fieldCount: Int

    public func column(_ role: ColumnRole) -> MappedColumn? { columns.first { $0.role == role } }

    /// Header names that detection accepts for each role, most specific first. Matching
    /// ignores ASCII case and surrounding spaces.
    public static let detectable: [(ColumnRole, [String])] = [
        (.caseID, ["case:concept:name", "customer_id", "case_id", "caseid", "customerid", "customer",
                   "user_id", "userid", "contact_id", "contactid", "client_id", "account_id",
                   "visitor_id", "person_id", "case", "kunde", "kunden_id", "kundennummer", "client"]),
        (.touchpoint, ["concept:name", "touchpoint", "activity", "activity_name", "event", "event_name",
                       "action", "step", "aktivität", "aktivitaet", "ereignis", "activité"]),
        (.timestamp, ["time:timestamp", "timestamp", "event_time", "event_timestamp", "created_at",
                      "occurred_at", "datetime", "date_time", "time", "ts", "date", "zeitstempel",
                      "zeitpunkt", "horodatage"]),
        (.stage, ["stage", "journey_stage", "phase", "lifecycle_stage", "stufe", "étape"]),
        (.channel, ["channel", "kanal", "canal"]),
    ]

    /// Resolves `selection` against `header` (nil when the input has no header).
    public static func resolve(_ selection: ColumnSelection, header: [String]?, fieldCount: Int,
                               source: String) throws(IngestError) -> ColumnMapping {
        var columns: [MappedColumn] = []
        func listing() -> String {
            guard let header else { return "the input has no header; \(fieldCount) columns" }
            return "header: " + IngestError.boundedList(header.enumerated().map { "\($0.offset + 1)=\($0.element)" })
        }
        func find(_ ref: ColumnReference, _ role: ColumnRole) throws(IngestError) -> MappedColumn {
            switch ref {
            case .position(let p):
                guard p <= fieldCount else {
                    throw IngestError(source: source, message: "\(role) column \(p) does not exist: the input has \(fieldCount) columns (\(listing()))")
                }
                return MappedColumn(role: role, index: p - 1, name: header?[p - 1] ?? "column \(p)", detected: false)
            case .name(let name):
                guard let header else {
                    throw IngestError(source: source, message: "\(role) column '\(name)' cannot be found by name without a header; give its 1-based position")
                }
                let hits = header.indices.filter { header[$0] == name }
                if hits.count > 1 {
                    throw IngestError(source: source, message: "\(role) column '\(name)' appears \(hits.count) times (columns \(IngestError.boundedList(hits.map { String($0 + 1) }))); give its position instead")
                }
                guard let i = hits.first else {
                    throw IngestError(source: source, message: "no column named '\(name)' for \(role) (\(listing()))")
                }
                return MappedColumn(role: role, index: i, name: name, detected: false)
            }
        }
        func detect(_ role: ColumnRole, required: Bool) throws(IngestError) -> MappedColumn? {
            guard let header else {
                if !required { return nil }
                throw IngestError(source: source, message: "no \(role) column given and none can be detected without a header; pass --\(flag(role)) N (1-based position)")
            }
            let normalized = header.map { normalize($0) }
            let candidates = detectable.first { $0.0 == role }?.1 ?? []
            for candidate in candidates {
                let hits = normalized.indices.filter { normalized[$0] == candidate }
                if hits.count == 1, let i = hits.first {
                    if columns.contains(where: { $0.index == i }) { continue }
                    return MappedColumn(role: role, index: i, name: header[i], detected: true)
                }
                if hits.count > 1 {
                    throw IngestError(source: source, message: "cannot choose the \(role) column: '\(candidate)' appears \(hits.count) times; pass --\(flag(role)) (\(listing()))")
                }
            }
            if !required { return nil }
            throw IngestError(source: source, message: "cannot detect the \(role) column; pass --\(flag(role)) NAME or position (\(listing()))")
        }
        let required: [(ColumnRole, ColumnReference?)] = [(.caseID, selection.caseID), (.touchpoint, selection.touchpoint), (.timestamp, selection.timestamp)]
        // Given columns first, so detection never picks a column the user named for another role.
        for (role, ref) in required { if let ref { columns.append(try find(ref, role)) } }
        for (role, ref) in required where ref == nil { if let c = try detect(role, required: true) { columns.append(c) } }
        if let ref = selection.stage { columns.append(try find(ref, .stage)) } else if let c = try detect(.stage, required: false) { columns.append(c) }
        if let ref = selection.channel { columns.append(try find(ref, .channel)) } else if let c = try detect(.channel, required: false) { columns.append(c) }
        for ref in selection.attributes {
            let label: String
            switch ref {
            case .name(let n): label = n
            case .position(let p): label = header.flatMap { p <= $0.count ? $0[p - 1] : nil } ?? "column \(p)"
            }
            columns.append(try find(ref, .attribute(label)))
        }
        for (i, c) in columns.enumerated() {
            if let other = columns[..<i].first(where: { $0.index == c.index }), !(isAttribute(c.role) || isAttribute(other.role)) {
                throw IngestError(source: source, message: "column \(c.index + 1) ('\(c.name)') is mapped as both \(other.role) and \(c.role)")
            }
        }
        // Keep required roles in a fixed order for reports.
        let order: (ColumnRole) -> Int = { role in
            switch role { case .caseID: 0; case .touchpoint: 1; case .timestamp: 2; case .stage: 3; case .channel: 4; case .attribute: 5 }
        }
        columns = columns.enumerated().sorted { (order($0.element.role), $0.offset) < (order($1.element.role), $1.offset) }.map(\.element)
        return ColumnMapping(columns: columns, fieldCount: fieldCount)
    }

    private static func isAttribute(_ role: ColumnRole) -> Bool {
        if case .attribute = role { return true }
        return false
    }

    static func flag(_ role: ColumnRole) -> String {
        switch role {
        case .caseID: "case"
        case .touchpoint: "activity"
        case .timestamp: "timestamp"
        case .stage: "stage"
        case .channel: "channel"
        case .attribute: "attribute"
        }
    }

    static func normalize(_ name: String) -> String {
        String(name.trimmingSpaces.lowercased())
    }
}

extension String {
    /// The text without leading and trailing ASCII spaces and tabs.
    public var trimmingSpaces: Substring {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return s
    }
}
