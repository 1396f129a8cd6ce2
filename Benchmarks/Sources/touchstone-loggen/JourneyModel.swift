/// A reference to pre-encoded field bytes in a `FieldArena`.
struct FieldRef {
    var offset: Int
    var length: Int
}

/// Pre-encoded CSV field values in one allocation, appended to rows with `memcpy`.
final class FieldArena {
    private let storage: UnsafeMutablePointer<UInt8>
    private let count: Int

    init(bytes: [UInt8]) {
        count = bytes.count
        storage = .allocate(capacity: max(count, 1))
        bytes.withUnsafeBufferPointer { source in
            if let base = source.baseAddress {
                storage.update(from: base, count: count)
            }
        }
    }

    deinit {
        storage.deallocate()
    }

    /// Appends a field's bytes to `writer`.
    @inline(__always)
    func write(_ field: FieldRef, to writer: ByteWriter) {
        writer.append(storage + field.offset, length: field.length)
    }

    /// A copy of a field's bytes (slow path: bad rows).
    func bytes(of field: FieldRef) -> [UInt8] {
        Array(UnsafeBufferPointer(start: storage + field.offset, count: field.length))
    }
}

/// A scenario's model whose transition tables point to the scenario spec's steps are broken.
struct ModelError: Error, CustomStringConvertible {
    var description: String
}

/// A `ScenarioSpec` compiled into flat arrays of indices, cumulative probabilities and
/// pre-encoded fields, so that simulation and row writing never touch a `String`.
///
/// Probabilities are normalised by division and summed; with no fused multiply-adds and no
/// libm calls the tables are bit-identical on every platform.
final class JourneyModel {
    let spec: ScenarioSpec
    let arena: FieldArena
    let delimiter: UInt8
    let languageCount: Int
    let headerRow: [UInt8]

    // Steps, indexed by step.
    let stepCount: Int
    /// Encoded (quoted when needed) names, index `step * languageCount + language`.
    let stepName: [FieldRef]
    /// Names without quoting, same index; used by "extra field" bad rows.
    let stepRawName: [FieldRef]
    /// Whether the raw name contains the delimiter but no quote (so writing it unquoted
    /// splits it into two fields without opening a quote), same index.
    let stepRawNameSplits: [Bool]
    let stepStage: [Int]
    let stepTiming: [StepTiming]
    let stepDelayMedian: [Int64]
    let stepSigmaMilli: [Int64]
    let transitionStart: [Int]
    let transitionTarget: [Int]
    let transitionCumulative: [Double]
    let transitionKind: [TransitionKind]
    let channelOptionStart: [Int]
    let channelOptionChannel: [Int]
    let channelOptionCumulative: [Double]
    let channelOptionCumulativeOffline: [Double]

    let stageName: [FieldRef]
    let channelName: [FieldRef]
    let channelUsesLocalOffset: [Bool]
    let entryStep: [Int]
    let entryCumulative: [Double]

    /// Per attribute column (`attributes[column]`), per value.
    let attributeValueName: [[FieldRef]]
    let attributeCumulative: [[Double]]
    let attributePrefersOffline: [[Bool]]
    let attributeDelayPercent: [[Int64]]
    let attributeOffsets: [[[Int]]]
    let attributeLanguage: [[Int]]

    let garbageTimestamps: [FieldRef]
    let extraFieldValues: [FieldRef]

    // swiftlint:disable:next function_body_length
    init(spec: ScenarioSpec) throws(ModelError) {
        self.spec = spec
        delimiter = spec.delimiter
        var arenaBytes: [UInt8] = []
        func encode(_ value: String, quoted: Bool = true) -> FieldRef {
            let raw = Array(value.utf8)
            let needsQuotes =
                quoted
                && raw.contains { $0 == spec.delimiter || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }
            let start = arenaBytes.count
            if needsQuotes {
                arenaBytes.append(UInt8(ascii: "\""))
                for byte in raw {
                    if byte == UInt8(ascii: "\"") { arenaBytes.append(byte) }
                    arenaBytes.append(byte)
                }
                arenaBytes.append(UInt8(ascii: "\""))
            } else {
                arenaBytes.append(contentsOf: raw)
            }
            return FieldRef(offset: start, length: arenaBytes.count - start)
        }
        func cumulative(_ weights: [Double]) throws(ModelError) -> [Double] {
            let total = weights.reduce(0, +)
            guard total > 0, weights.allSatisfy({ $0 >= 0 }) else {
                throw ModelError(description: "weights must be non-negative with a positive sum")
            }
            var running = 0.0
            return weights.map { weight in
                running += weight
                return running / total
            }
        }

        languageCount = spec.steps.map(\.names.count).max() ?? 1
        stepCount = spec.steps.count
        var indexOfStep: [String: Int] = [:]
        for (index, step) in spec.steps.enumerated() {
            guard let key = step.names.first, step.names.count == languageCount else {
                throw ModelError(description: "step \(index) needs \(languageCount) names")
            }
            guard indexOfStep.updateValue(index, forKey: key) == nil else {
                throw ModelError(description: "duplicate step \(key)")
            }
        }
        func stepIndex(_ name: String) throws(ModelError) -> Int {
            guard let index = indexOfStep[name] else {
                throw ModelError(description: "unknown step \(name)")
            }
            return index
        }

        var indexOfStage: [String: Int] = [:]
        var stageRefs: [FieldRef] = []
        for stage in spec.stages {
            indexOfStage[stage] = stageRefs.count
            stageRefs.append(encode(stage))
        }
        stageName = stageRefs

        var indexOfChannel: [String: Int] = [:]
        var channelRefs: [FieldRef] = []
        var channelLocal: [Bool] = []
        for step in spec.steps {
            for choice in step.channels where indexOfChannel[choice.name] == nil {
                indexOfChannel[choice.name] = channelRefs.count
                channelRefs.append(encode(choice.name))
                channelLocal.append(spec.localOffsetChannels.contains(choice.name))
            }
        }
        channelName = channelRefs
        channelUsesLocalOffset = channelLocal

        var names: [FieldRef] = []
        var rawNames: [FieldRef] = []
        var rawSplits: [Bool] = []
        var stages: [Int] = []
        var starts: [Int] = []
        var targets: [Int] = []
        var transitionCumulatives: [Double] = []
        var kinds: [TransitionKind] = []
        var optionStarts: [Int] = []
        var optionChannels: [Int] = []
        var optionCumulative: [Double] = []
        var optionCumulativeOffline: [Double] = []
        for step in spec.steps {
            for name in step.names {
                names.append(encode(name))
                rawNames.append(encode(name, quoted: false))
                let utf8 = Array(name.utf8)
                rawSplits.append(utf8.contains(spec.delimiter) && !utf8.contains(UInt8(ascii: "\"")))
            }
            guard let stage = indexOfStage[step.stage] else {
                throw ModelError(description: "unknown stage \(step.stage)")
            }
            stages.append(stage)
            starts.append(targets.count)
            for transition in step.next {
                if let target = transition.target {
                    targets.append(try stepIndex(target))
                } else {
                    targets.append(-1)
                }
                kinds.append(transition.kind)
            }
            transitionCumulatives += try cumulative(step.next.map(\.weight))
            optionStarts.append(optionChannels.count)
            for choice in step.channels {
                optionChannels.append(indexOfChannel[choice.name] ?? 0)
            }
            optionCumulative += try cumulative(step.channels.map(\.weight))
            optionCumulativeOffline += try cumulative(step.channels.map { $0.isOffline ? $0.weight * 3 : $0.weight })
        }
        starts.append(targets.count)
        optionStarts.append(optionChannels.count)
        stepName = names
        stepRawName = rawNames
        stepRawNameSplits = rawSplits
        stepStage = stages
        stepTiming = spec.steps.map(\.timing)
        stepDelayMedian = spec.steps.map(\.delay.medianSeconds)
        stepSigmaMilli = spec.steps.map { Int64(($0.delay.sigma * 1000).rounded()) }
        transitionStart = starts
        transitionTarget = targets
        transitionCumulative = transitionCumulatives
        transitionKind = kinds
        channelOptionStart = optionStarts
        channelOptionChannel = optionChannels
        channelOptionCumulative = optionCumulative
        channelOptionCumulativeOffline = optionCumulativeOffline

        var entries: [Int] = []
        for entry in spec.entries {
            entries.append(try stepIndex(entry.step))
        }
        entryStep = entries
        entryCumulative = try cumulative(spec.entries.map(\.weight))

        var valueNames: [[FieldRef]] = []
        var valueCumulative: [[Double]] = []
        for column in spec.attributes {
            valueNames.append(column.map { encode($0.name) })
            valueCumulative.append(try cumulative(column.map(\.weight)))
        }
        attributeValueName = valueNames
        attributeCumulative = valueCumulative
        attributePrefersOffline = spec.attributes.map { $0.map(\.prefersOffline) }
        attributeDelayPercent = spec.attributes.map { $0.map(\.delayPercent) }
        let offsets = spec.attributes.map { $0.map(\.utcOffsetsMinutes) }
        let languages = spec.attributes.map { $0.map(\.language) }
        let languageLimit = languageCount
        attributeOffsets = offsets
        attributeLanguage = languages
        guard (0...2).contains(spec.attributes.count),
            languages.allSatisfy({ $0.allSatisfy { $0 < languageLimit } }),
            offsets.allSatisfy({ $0.allSatisfy { !$0.isEmpty } })
        else {
            throw ModelError(description: "attribute columns are malformed")
        }

        garbageTimestamps = spec.garbageTimestamps.map { encode($0) }
        extraFieldValues = spec.extraFieldValues.map { encode($0) }
        guard !garbageTimestamps.isEmpty, !extraFieldValues.isEmpty else {
            throw ModelError(description: "bad-row value lists must not be empty")
        }

        var header: [UInt8] = []
        for (index, column) in spec.header.enumerated() {
            if index > 0 { header.append(spec.delimiter) }
            header += Array(column.utf8)
        }
        header.append(10)
        headerRow = header
        guard spec.header.count == 5 + spec.attributes.count else {
            throw ModelError(description: "header must have 5 + attribute columns")
        }
        arena = FieldArena(bytes: arenaBytes)
    }

    /// Picks an index in `start..<end` from normalised cumulative weights.
    @inline(__always)
    static func pick(_ cumulative: [Double], _ start: Int, _ end: Int, _ u: Double) -> Int {
        var index = start
        while index < end - 1, u >= cumulative[index] {
            index += 1
        }
        return index
    }
}
