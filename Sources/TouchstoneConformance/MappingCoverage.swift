import TouchstoneIngest

/// How well a journey map's patterns cover a log's touchpoints: what is ignored, what maps to
/// a step, what no step matches, which steps never occur and which touchpoints several steps
/// claim. Used by `touchstone map validate MAP LOG` to tune patterns before checking.
///
/// Events map as the checker maps them (`stepOfTouchpoint`): `ignore` first, then the first
/// step in file order with a matching pattern.
public struct MappingCoverage: Sendable, Equatable {
    /// A touchpoint name with how many events carry it.
    public struct TouchpointCount: Sendable, Equatable {
        public var name: String
        public var events: Int
        public init(name: String, events: Int) { self.name = name; self.events = events }
    }

    /// A touchpoint name matched by the patterns of more than one step; the first step wins.
    public struct SharedTouchpoint: Sendable, Equatable {
        public var name: String
        public var events: Int
        /// The ids of every step with a matching pattern, in file order (the first is used).
        public var steps: [String]
        public init(name: String, events: Int, steps: [String]) { self.name = name; self.events = events; self.steps = steps }
    }

    /// Events in the log.
    public var events: Int
    /// Events whose touchpoint matches an `ignore` pattern.
    public var ignoredEvents: Int
    /// Events mapped to a step.
    public var matchedEvents: Int
    /// Events neither ignored nor mapped (unmapped touchpoints).
    public var unmatchedEvents: Int { events - ignoredEvents - matchedEvents }
    /// `matchedEvents` over the events not ignored, 0…1; 0 when every event is ignored.
    public var shareMatched: Double {
        events - ignoredEvents == 0 ? 0 : Double(matchedEvents) / Double(events - ignoredEvents)
    }
    /// Every unmapped touchpoint with its events, most events first, then by name (bytewise).
    public var unmatchedTouchpoints: [TouchpointCount]
    /// Events per step, indexed like `JourneyMap.steps`.
    public var eventsPerStep: [Int]
    /// Ids of the steps no event maps to, in file order.
    public var stepsNeverMatched: [String]
    /// Touchpoints of the log that more than one step matches, most events first, then by name.
    public var sharedTouchpoints: [SharedTouchpoint]

    /// Measures `map` against `log`.
    ///
    /// - Complexity: O(distinct touchpoints × patterns) to match names, then O(events) to count;
    ///   memory O(distinct touchpoints + steps).
    public init(map: JourneyMap, log: EventLog) {
        let names = log.events.activityNames
        let stepOf = stepOfTouchpoint(map, names: names)
        var perName = [Int](repeating: 0, count: names.count)
        for activity in log.events.activities { perName[activity.index] += 1 }

        events = log.events.count
        ignoredEvents = 0
        matchedEvents = 0
        var perStep = [Int](repeating: 0, count: map.steps.count)
        var unmatched: [TouchpointCount] = []
        var shared: [SharedTouchpoint] = []
        for id in 0..<names.count where perName[id] > 0 {
            let step = stepOf[id]
            if step == ignoredTouchpoint {
                ignoredEvents += perName[id]
                continue
            }
            let name = names.name(UInt32(id))
            if step == unmappedTouchpoint {
                unmatched.append(TouchpointCount(name: name, events: perName[id]))
                continue
            }
            matchedEvents += perName[id]
            perStep[Int(step)] += perName[id]
            let claiming = map.steps.filter { candidate in candidate.touchpoints.contains { $0.matches(name) } }
            if claiming.count > 1 {
                shared.append(SharedTouchpoint(name: name, events: perName[id], steps: claiming.map(\.id)))
            }
        }
        func order(_ a: (events: Int, name: String), _ b: (events: Int, name: String)) -> Bool {
            a.events != b.events ? a.events > b.events : Array(a.name.utf8).lexicographicallyPrecedes(Array(b.name.utf8))
        }
        unmatchedTouchpoints = unmatched.sorted { order(($0.events, $0.name), ($1.events, $1.name)) }
        sharedTouchpoints = shared.sorted { order(($0.events, $0.name), ($1.events, $1.name)) }
        eventsPerStep = perStep
        stepsNeverMatched = map.steps.indices.filter { perStep[$0] == 0 }.map { map.steps[$0].id }
    }
}
