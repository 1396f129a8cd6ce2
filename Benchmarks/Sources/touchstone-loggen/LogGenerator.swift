/// How a bad row is damaged.
enum BadRowKind: Int, CaseIterable {
    /// The last one or two fields are missing (too few delimiters).
    case missingFields
    /// The case id is empty.
    case emptyCustomerID
    /// The activity is empty.
    case emptyActivity
    /// The timestamp is not a date (`n/a`, `32.13.2025 25:00:00`, …).
    case garbageTimestamp
    /// One field too many: an unquoted activity containing the delimiter, or a trailing note.
    case extraField

    /// Relative frequency among bad rows.
    var weight: Double {
        switch self {
        case .missingFields: 0.25
        case .emptyCustomerID: 0.20
        case .emptyActivity: 0.15
        case .garbageTimestamp: 0.25
        case .extraField: 0.15
        }
    }

    var label: String {
        switch self {
        case .missingFields: "missing_fields"
        case .emptyCustomerID: "empty_customer_id"
        case .emptyActivity: "empty_activity"
        case .garbageTimestamp: "garbage_timestamp"
        case .extraField: "extra_field"
        }
    }
}

/// Counts of what one run wrote.
struct GenerationStatistics {
    var rows = 0
    var customers = 0
    /// Bad rows by `BadRowKind.rawValue`.
    var badRows = [Int](repeating: 0, count: BadRowKind.allCases.count)
    /// Events held back until after a later event of the same customer.
    var lateRows = 0
    /// The most events waiting in the heap at once.
    var peakPendingEvents = 0
    var bytes: Int64 = 0
    var journeys: JourneyStatistics
    /// Mean events per journey in the pilot run that set the arrival rate.
    var pilotMeanEvents = 0.0
}

/// Writes one log: customers arrive in time order, each journey is simulated whole, and
/// its events wait in a min-heap until everything earlier has been written, so the file
/// interleaves customers in time order like a real export.
///
/// Cost: O(N log P) time for N events with P pending, memory O(P) (32 bytes per pending
/// event); output goes through one 1 MiB buffer.
struct LogGenerator {
    let options: GeneratorOptions
    let model: JourneyModel
    let simulator: JourneySimulator
    let badRowRate: Double
    let outOfOrderRate: Double
    private let idPrefix: [UInt8]
    private let badRowCumulative: [Double]

    /// Journeys simulated to estimate the mean journey length.
    static let pilotJourneys: Int64 = 4096
    /// Customers arrive over this many milliseconds (the year 2025), whatever `--events`.
    static let arrivalWindowMilliseconds: Int64 = 365 * 86_400_000

    init(options: GeneratorOptions) throws(ModelError) {
        self.options = options
        let spec = options.scenario.spec
        model = try JourneyModel(spec: spec)
        guard model.stepCount < 256, model.channelName.count < 256, model.languageCount < 256,
            model.attributeValueName.allSatisfy({ $0.count < 256 })
        else {
            throw ModelError(description: "a scenario may have at most 255 steps, channels and values")
        }
        simulator = JourneySimulator(model: model)
        badRowRate = options.badRowRate ?? spec.defaultBadRowRate
        outOfOrderRate = options.outOfOrderRate ?? spec.defaultOutOfOrderRate
        switch spec.customerIDStyle {
        case .hexadecimal(let prefix), .decimal(let prefix):
            idPrefix = Array(prefix.utf8)
        case .sequential:
            idPrefix = []
        }
        var running = 0.0
        let total = BadRowKind.allCases.reduce(0) { $0 + $1.weight }
        badRowCumulative = BadRowKind.allCases.map { kind in
            running += kind.weight
            return running / total
        }
    }

    /// Writes the header and exactly `options.events` rows to `writer`, then flushes.
    func run(writer: ByteWriter) throws(WriteError) -> GenerationStatistics {
        let spec = model.spec
        var statistics = GenerationStatistics(journeys: JourneyStatistics(stageCount: spec.stages.count))
        writer.append(model.headerRow)

        // Pilot run: the mean journey length (arrivals spread over the year, so cut by the
        // export date like the real ones) sets the arrival rate so that the customers of any
        // --events count arrive over one year.
        var pilotRandom = RandomSource(seed: options.seed, stream: RandomStream.pilot)
        var pilotStatistics = JourneyStatistics(stageCount: spec.stages.count)
        var journey = Journey()
        var pilotEvents: Int64 = 0
        for _ in 0..<Self.pilotJourneys {
            let profile = simulator.drawProfile(&pilotRandom)
            simulator.simulate(
                profile, start: CivilTime.logStart + pilotRandom.below(Self.arrivalWindowMilliseconds / 1000),
                limit: spec.maxEventsPerCustomer, random: &pilotRandom,
                into: &journey, statistics: &pilotStatistics)
            pilotEvents += Int64(journey.count)
        }
        statistics.pilotMeanEvents = Double(pilotEvents) / Double(Self.pilotJourneys)
        let meanGapMilliseconds = max(
            1, Self.arrivalWindowMilliseconds * pilotEvents / (Self.pilotJourneys * Int64(options.events)))

        var random = RandomSource(seed: options.seed, stream: RandomStream.journeys)
        var badRandom = RandomSource(seed: options.seed, stream: RandomStream.badRows)
        var heap = EventHeap()
        var arrivalMilliseconds = CivilTime.logStart * 1000
        var planned = 0
        var sequence: UInt64 = 0
        var customer: UInt32 = 0
        while planned < options.events {
            let arrival = arrivalMilliseconds / 1000
            let boundary = UInt64(arrival - CivilTime.logStart) << 28
            while let key = heap.minimumKey, key < boundary, let event = heap.popMinimum() {
                try emit(event, writer: writer, badRandom: &badRandom, statistics: &statistics)
            }
            let profile = simulator.drawProfile(&random)
            simulator.simulate(
                profile, start: arrival, limit: min(spec.maxEventsPerCustomer, options.events - planned),
                random: &random, into: &journey, statistics: &statistics.journeys)
            for index in 0..<journey.count {
                var emission = journey.times[index]
                if index + 1 < journey.count, random.chance(outOfOrderRate) {
                    emission = journey.times[index + 1] + 1 + random.below(spec.maxOutOfOrderLagSeconds)
                    statistics.lateRows += 1
                }
                heap.push(
                    PendingEvent(
                        key: UInt64(emission - CivilTime.logStart) << 28 | sequence,
                        timestamp: journey.times[index],
                        customer: customer,
                        offsetMinutes: Int16(truncatingIfNeeded: profile.offsetMinutes),
                        step: UInt8(truncatingIfNeeded: journey.steps[index]),
                        channel: UInt8(truncatingIfNeeded: journey.channels[index]),
                        attribute0: UInt8(truncatingIfNeeded: profile.attribute0),
                        attribute1: UInt8(truncatingIfNeeded: profile.attribute1),
                        language: UInt8(truncatingIfNeeded: profile.language)
                    ))
                sequence += 1
            }
            statistics.peakPendingEvents = max(statistics.peakPendingEvents, heap.count)
            planned += journey.count
            customer += 1
            arrivalMilliseconds += random.below(2 * meanGapMilliseconds + 1)
        }
        while let event = heap.popMinimum() {
            try emit(event, writer: writer, badRandom: &badRandom, statistics: &statistics)
        }
        try writer.flush()
        statistics.customers = Int(customer)
        statistics.bytes = writer.bytesFlushed
        return statistics
    }

    /// Writes one event as a row, or as a bad row with probability `badRowRate`.
    @inline(__always)
    private func emit(
        _ event: PendingEvent, writer: ByteWriter, badRandom: inout RandomSource,
        statistics: inout GenerationStatistics
    ) throws(WriteError) {
        try writer.flushIfNeeded()
        statistics.rows += 1
        if badRowRate > 0, badRandom.chance(badRowRate) {
            let kind = writeBadRow(event, writer: writer, random: &badRandom)
            statistics.badRows[kind.rawValue] += 1
        } else {
            writeRow(event, writer: writer)
        }
    }

    /// Appends a well-formed row.
    @inline(__always)
    private func writeRow(_ event: PendingEvent, writer: ByteWriter) {
        let delimiter = model.delimiter
        writeCustomerID(event.customer, writer: writer)
        writer.append(delimiter)
        writeField(1, event, writer: writer)
        writer.append(delimiter)
        writeField(2, event, writer: writer)
        writer.append(delimiter)
        writeField(3, event, writer: writer)
        writer.append(delimiter)
        writeField(4, event, writer: writer)
        if !model.attributeValueName.isEmpty {
            writer.append(delimiter)
            writeField(5, event, writer: writer)
        }
        if model.attributeValueName.count > 1 {
            writer.append(delimiter)
            writeField(6, event, writer: writer)
        }
        writer.append(10)
    }

    /// Appends column `column` (1 = activity … 6 = second attribute) of a row.
    @inline(__always)
    private func writeField(_ column: Int, _ event: PendingEvent, writer: ByteWriter) {
        let arena = model.arena
        let step = Int(event.step)
        switch column {
        case 1:
            arena.write(model.stepName[step * model.languageCount + Int(event.language)], to: writer)
        case 2:
            let channel = Int(event.channel)
            writer.appendTimestamp(
                event.timestamp, style: model.spec.timestampStyle,
                offsetMinutes: model.channelUsesLocalOffset[channel] ? Int(event.offsetMinutes) : nil)
        case 3:
            arena.write(model.stageName[model.stepStage[step]], to: writer)
        case 4:
            arena.write(model.channelName[Int(event.channel)], to: writer)
        case 5:
            arena.write(model.attributeValueName[0][Int(event.attribute0)], to: writer)
        default:
            arena.write(model.attributeValueName[1][Int(event.attribute1)], to: writer)
        }
    }

    /// Appends the case id of the `customer`-th arriving customer.
    @inline(__always)
    private func writeCustomerID(_ customer: UInt32, writer: ByteWriter) {
        switch model.spec.customerIDStyle {
        case .hexadecimal:
            writer.append(idPrefix)
            writer.appendHex8(Self.permute(customer))
        case .decimal:
            writer.append(idPrefix)
            writer.appendDecimal(UInt64(Self.permute(customer)), width: 10)
        case .sequential(let base):
            let number = base + UInt64(customer)
            var width = 1
            var limit: UInt64 = 10
            while number >= limit, width < 20 {
                width += 1
                limit = limit &* 10
            }
            writer.appendDecimal(number, width: width)
        }
    }

    /// A bijection of 32-bit integers (lowbias32), so permuted ids never collide.
    static func permute(_ value: UInt32) -> UInt32 {
        var x = value &+ 0x9E37_79B9
        x ^= x >> 16
        x &*= 0x7FEB_352D
        x ^= x >> 15
        x &*= 0x846C_A68B
        x ^= x >> 16
        return x
    }

    /// Appends a damaged version of the event's row; returns how it was damaged.
    ///
    /// The fields are the row's own encoded fields, so quoting stays balanced: no bad row
    /// opens a quote it does not close.
    private func writeBadRow(
        _ event: PendingEvent, writer: ByteWriter, random: inout RandomSource
    ) -> BadRowKind {
        let rowStart = writer.count
        let columnCount = 5 + model.attributeValueName.count
        var fields: [[UInt8]] = []
        for column in 0..<columnCount {
            let start = writer.count
            if column == 0 {
                writeCustomerID(event.customer, writer: writer)
            } else {
                writeField(column, event, writer: writer)
            }
            fields.append(writer.copyBytes(from: start))
        }
        writer.truncate(to: rowStart)

        let kind = BadRowKind.allCases[JourneyModel.pick(badRowCumulative, 0, badRowCumulative.count, random.unit())]
        switch kind {
        case .missingFields:
            fields.removeLast(random.chance(0.7) ? 1 : 2)
        case .emptyCustomerID:
            fields[0] = []
        case .emptyActivity:
            fields[1] = []
        case .garbageTimestamp:
            let garbage = model.garbageTimestamps[Int(random.below(Int64(model.garbageTimestamps.count)))]
            fields[2] = model.arena.bytes(of: garbage)
        case .extraField:
            let name = Int(event.step) * model.languageCount + Int(event.language)
            if model.stepRawNameSplits[name] {
                fields[1] = model.arena.bytes(of: model.stepRawName[name])
            } else {
                let note = model.extraFieldValues[Int(random.below(Int64(model.extraFieldValues.count)))]
                fields.append(model.arena.bytes(of: note))
            }
        }
        for (index, field) in fields.enumerated() {
            if index > 0 { writer.append(model.delimiter) }
            writer.append(field)
        }
        writer.append(10)
        return kind
    }
}
