import TouchstoneIngest

/// What `stepOfTouchpoint` gives a touchpoint no step matches: an *unmapped touchpoint*.
public let unmappedTouchpoint: Int32 = -1
/// What `stepOfTouchpoint` gives a touchpoint that matches an `ignore` pattern.
public let ignoredTouchpoint: Int32 = -2

/// The step each touchpoint name maps to, indexed by activity id (`ActivityID.index`).
///
/// A name matching any `ignore` pattern is `ignoredTouchpoint` (-2), whatever the steps say;
/// otherwise it is the index of the **first step in file order** with a matching pattern, or
/// `unmappedTouchpoint` (-1) when no step matches (docs/journey-map.md, "What a verdict means",
/// points 2–3). Each distinct name is matched once, so callers look events up by id instead of
/// matching strings per event.
///
/// - Parameters:
///   - map: the validated journey map.
///   - names: the log's touchpoint names (`EventTable.activityNames`).
/// - Returns: one entry per symbol of `names`, `count` entries in all.
/// - Complexity: O(distinct names × patterns × name length); memory 4 bytes per name.
public func stepOfTouchpoint(_ map: JourneyMap, names: SymbolTable) -> [Int32] {
    var result = [Int32](repeating: unmappedTouchpoint, count: names.count)
    for id in 0..<names.count {
        let name = names.name(UInt32(id))
        if map.ignore.contains(where: { $0.matches(name) }) {
            result[id] = ignoredTouchpoint
        } else if let step = map.steps.firstIndex(where: { step in step.touchpoints.contains { $0.matches(name) } }) {
            result[id] = Int32(step)
        }
    }
    return result
}
