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
    /// For a detected column chosen because it is filled: the candidates placed before it in
    /// `ColumnMapping.detectable` that were passed over, and how full each column is.
    public var fill: FillChoice? = nil
}

/// Why detection chose a later candidate: the earlier ones are too empty in the first rows.
public struct FillChoice: Sendable, Equatable {
    /// Data rows sampled at the start of the input.
    public var sampledRows: Int
    /// Rows of the sample in which the chosen column is non-empty.
    public var filled: Int
    /// Earlier candidates passed over (header name, non-empty rows of the sample).
    public var passedOver: [PassedOver]

    public struct PassedOver: Sendable, Equatable {
        public var name: String
        public var filled: Int
    }
}

/// The roles of an input's columns after resolving a `ColumnSelection` against its header.
public struct ColumnMapping: Sendable, Equatable {
    public var columns: [MappedColumn]
    /// Number of fields every row must have.
    public var fieldCount: Int

    public func column(_ role: ColumnRole) -> MappedColumn? { columns.first { $0.role == role } }

    /// Header names that detection accepts for each role, most specific first. Matching
    /// compares names with `normalize(_:)`: case, spaces, punctuation, `_` and `-` ignored.
    public static let detectable: [(ColumnRole, [String])] = [
        (.caseID, ["case:concept:name", "customer_id", "case_id", "customer", "contact_id", "user_id",
                   "user_pseudo_id", "client_id", "visitor_id", "person_id", "lead_id", "who_id",
                   "requester_id", "record_id", "account_id", "anonymous_id", "distinct_id", "ticket_id",
                   "case", "kunde", "kunden_id", "kundennummer", "client"]),
        (.touchpoint, ["concept:name", "touchpoint", "activity", "activity_name", "activity_type", "event",
                       "event_name", "event_type", "action", "step", "interaction_type", "type",
                       "status", "aktivität", "aktivitaet", "ereignis", "activité"]),
        (.timestamp, ["time:timestamp", "timestamp", "event_timestamp", "event_time", "event_date",
                      "activity_date", "activity_datetime", "created_at", "created_date", "occurred_at",
                      "updated_at", "datetime", "date_time", "time", "ts", "date", "zeitstempel",
                      "zeitpunkt", "horodatage"]),
        (.stage, ["stage", "journey_stage", "lifecycle_stage", "deal_stage", "stage_name", "phase",
                  "stufe", "étape"]),
        (.channel, ["channel", "default_channel_group", "channel_grouping", "via", "kanal", "canal"]),
    ]

    /// Share of the sampled rows in which a candidate column must be non-empty to count as
    /// filled (see `resolve`).
    public static let filledShare = 0.9

    /// Resolves `selection` against `header` (nil when the input has no header).
    ///
    /// A role without a flag is detected: its candidates are the columns whose normalized
    /// header is one of the role's names, ordered by that name's place in `detectable`, then
    /// by position. `filled[i]` is how many of the `sampledRows` first data rows have column
    /// `i` non-empty. The first candidate filled in at least `filledShare` of the sampled rows
    /// wins; when none is, the candidate filled in most rows (the first of those on a tie).
    /// Without sampled rows, the first candidate wins. Two columns with the same normalized
    /// name that tie for the win are an error. Columns already mapped are skipped.
    public static func resolve(_ selection: ColumnSelection, header: [String]?, fieldCount: Int,
                               source: String, filled: [Int] = [], sampledRows: Int = 0) throws(IngestError) -> ColumnMapping {
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
        let normalized = header?.map { normalize($0) } ?? []
        func fill(_ i: Int) -> Int { i < filled.count ? filled[i] : 0 }
        func detect(_ role: ColumnRole) throws(IngestError) -> MappedColumn? {
            guard let header else { return nil }
            let names = (detectable.first { $0.0 == role }?.1 ?? []).map { normalize($0) }
            var candidates: [(column: Int, rank: Int)] = []
            for (rank, name) in names.enumerated() {
                for i in normalized.indices where normalized[i] == name && !columns.contains(where: { $0.index == i }) {
                    if !candidates.contains(where: { $0.column == i }) { candidates.append((i, rank)) }
                }
            }
            guard !candidates.isEmpty else { return nil }
            let isFilled: (Int) -> Bool = { sampledRows > 0 && Double(fill($0)) >= filledShare * Double(sampledRows) }
            let winner: (column: Int, rank: Int)
            let tied: [(column: Int, rank: Int)]
            if sampledRows == 0 {
                winner = candidates[0]
                tied = candidates.filter { $0.rank == winner.rank }
            } else if let first = candidates.first(where: { isFilled($0.column) }) {
                winner = first
                tied = candidates.filter { $0.rank == first.rank && isFilled($0.column) }
            } else {
                let most = candidates.map { fill($0.column) }.max() ?? 0
                winner = candidates.first { fill($0.column) == most } ?? candidates[0]
                tied = candidates.filter { $0.rank == winner.rank && fill($0.column) == most }
            }
            if tied.count > 1 {
                throw IngestError(source: source, message: "cannot choose the \(role) column: columns \(tied.map { String($0.column + 1) }.joined(separator: ", ")) are all named like '\(header[winner.column])'; pass --\(flag(role)) with a position (\(listing()))")
            }
            var chosen = MappedColumn(role: role, index: winner.column, name: header[winner.column], detected: true)
            let earlier = candidates.prefix { $0.column != winner.column }
            if !earlier.isEmpty {
                chosen.fill = FillChoice(sampledRows: sampledRows, filled: fill(winner.column),
                                         passedOver: earlier.map { .init(name: header[$0.column], filled: fill($0.column)) })
            }
            return chosen
        }
        let required: [(ColumnRole, ColumnReference?)] = [(.caseID, selection.caseID), (.touchpoint, selection.touchpoint), (.timestamp, selection.timestamp)]
        // Given columns first, so detection never picks a column the user named for another role.
        for (role, ref) in required { if let ref { columns.append(try find(ref, role)) } }
        var missing: [ColumnRole] = []
        for (role, ref) in required where ref == nil {
            if let c = try detect(role) { columns.append(c) } else { missing.append(role) }
        }
        if !missing.isEmpty {
            throw missingColumnsError(missing, header: header, fieldCount: fieldCount, source: source,
                                      taken: Set(columns.map(\.index)), listing: listing())
        }
        if let ref = selection.stage { columns.append(try find(ref, .stage)) } else if let c = try detect(.stage) { columns.append(c) }
        if let ref = selection.channel { columns.append(try find(ref, .channel)) } else if let c = try detect(.channel) { columns.append(c) }
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

    /// The command-line flag (without `--`) that names the column of `role`.
    public static func flagName(_ role: ColumnRole) -> String { flag(role) }

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

    /// A header name as detection compares it: lowercased, with every character that is
    /// not a letter or a digit removed (spaces, punctuation, `_`, `-`, `:`, `.`), so that
    /// `Contact ID`, `contact_id`, `contact-id` and `ContactId` are the same name.
    static func normalize(_ name: String) -> String {
        var out = ""
        for scalar in name.lowercased().unicodeScalars where scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
            out.unicodeScalars.append(scalar)
        }
        return out
    }

    /// One error for every required role that could not be detected, with the flags to pass.
    static func missingColumnsError(_ missing: [ColumnRole], header: [String]?, fieldCount: Int,
                                    source: String, taken: Set<Int>, listing: String) -> IngestError {
        let roles = missing.map(\.description)
        let what = roles.count == 1 ? "the \(roles[0]) column"
            : "the " + roles.dropLast().joined(separator: ", ") + " and " + (roles.last ?? "") + " columns"
        guard let header else {
            let flags = missing.map { "--\(flag($0)) N" }.joined(separator: " ")
            return IngestError(source: source, message: "cannot detect \(what) without a header; pass \(flags) (1-based positions; the input has \(fieldCount) columns)")
        }
        var used = taken
        var flags: [String] = []
        for role in missing {
            let guess = suggestion(for: role, header: header, skipping: used)
            if let guess { used.insert(guess) }
            flags.append("--\(flag(role)) " + (guess.map { shellQuoted(header[$0]) } ?? "COLUMN"))
        }
        return IngestError(source: source, message: "cannot detect \(what) from the header; pass \(flags.joined(separator: " ")) with the right header names or positions (\(listing))")
    }

    /// A header column (not in `skipping`) that looks like it could serve `role`: the first
    /// whose normalized name holds the first hint that matches (`id` only as the end; `edat`
    /// for `Created at`, `Updated at`). A guess for the error message.
    static func suggestion(for role: ColumnRole, header: [String], skipping: Set<Int>) -> Int? {
        let hints: [String]
        switch role {
        case .caseID: hints = ["id", "customer", "user", "contact", "client", "account"]
        case .touchpoint: hints = ["activity", "event", "action", "type", "name", "subject", "status"]
        case .timestamp: hints = ["timestamp", "time", "date", "edat"]
        default: return nil
        }
        for hint in hints {
            for (i, name) in header.enumerated() where !skipping.contains(i) {
                let n = normalize(name)
                if hint == "id" ? n.hasSuffix(hint) : n.contains(hint) { return i }
            }
        }
        return nil
    }

    /// `text` as one shell word: unchanged when it is only letters, digits and `_-.:/`,
    /// else in single quotes (a quote inside as `'\''`).
    static func shellQuoted(_ text: String) -> String {
        let plain = !text.isEmpty && text.unicodeScalars.allSatisfy { ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || "_-.:/".unicodeScalars.contains($0) }
        if plain { return text }
        return "'" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
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
