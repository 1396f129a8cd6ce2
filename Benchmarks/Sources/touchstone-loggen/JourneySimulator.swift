/// The attributes drawn for one customer when they arrive.
struct CustomerProfile {
    /// Value index in attribute column 0 and 1 (column 1 is 0 when the scenario has one).
    var attribute0: Int
    var attribute1: Int
    var prefersOffline: Bool
    /// Scales every delay, in percent.
    var delayPercent: Int64
    /// The customer's local UTC offset, in minutes.
    var offsetMinutes: Int
    /// Index into the step names' languages.
    var language: Int
}

/// One customer's simulated events, reused between customers.
struct Journey {
    /// Seconds since the Unix epoch (UTC), strictly increasing.
    var times: [Int64] = []
    var steps: [Int] = []
    var channels: [Int] = []

    var count: Int { times.count }

    mutating func removeAll() {
        times.removeAll(keepingCapacity: true)
        steps.removeAll(keepingCapacity: true)
        channels.removeAll(keepingCapacity: true)
    }
}

/// What the journey model did, as counted while simulating.
struct JourneyStatistics {
    /// Transitions taken, indexed by `TransitionKind.rawValue`.
    var transitions = [Int](repeating: 0, count: TransitionKind.allCases.count)
    /// Drop-outs by the stage of the customer's last event.
    var dropOutsByStage: [Int]
    /// Events whose channel differs from the customer's previous event.
    var channelSwitches = 0
    /// Events that took 4–15 times their usual delay.
    var slowSteps = 0
    /// Journeys cut at `maxEventsPerCustomer`.
    var cappedJourneys = 0
    /// The last journey, cut so that the log has exactly `--events` rows.
    var truncatedJourneys = 0
    /// Journeys whose next event would fall on or after `CivilTime.exportEnd`.
    var openAtExport = 0

    init(stageCount: Int) {
        dropOutsByStage = [Int](repeating: 0, count: stageCount)
    }
}

/// Simulates journeys through a `JourneyModel`.
///
/// A journey starts at a weighted entry touchpoint and follows weighted transitions until a
/// drop-out or completion edge (or the per-customer cap). Each step's delay is log-normal-ish:
/// the median times `e^(sigma·z)` with z from a sum of four uniforms and the exponential from
/// a table built by repeated multiplication, so no libm call can make two platforms differ.
/// 5–8% of steps are slowed 4–15×; business-hours and waking-hours steps move forward into
/// those hours in the customer's local time.
struct JourneySimulator {
    let model: JourneyModel
    /// `e^(k/32)` for k in -256...256, at index `k + 256`.
    private let exponentials: [Double]

    /// The probability of keeping the previous event's channel when the step offers it.
    static let channelStickiness = 0.6

    init(model: JourneyModel) {
        self.model = model
        var table = [Double](repeating: 1, count: 513)
        let up = 1.0317434074991028  // e^(1/32)
        let down = 0.9692332344763441  // e^(-1/32)
        for k in 1...256 {
            table[256 + k] = table[256 + k - 1] * up
            table[256 - k] = table[256 - k + 1] * down
        }
        exponentials = table
    }

    /// Draws a new customer's attributes.
    func drawProfile(_ random: inout RandomSource) -> CustomerProfile {
        var values = [0, 0]
        var prefersOffline = false
        var delayPercent: Int64 = 100
        var offset = 0
        for column in model.attributeCumulative.indices {
            let cumulative = model.attributeCumulative[column]
            let value = JourneyModel.pick(cumulative, 0, cumulative.count, random.unit())
            values[column] = value
            prefersOffline = prefersOffline || model.attributePrefersOffline[column][value]
            delayPercent = delayPercent * model.attributeDelayPercent[column][value] / 100
            let offsets = model.attributeOffsets[column][value]
            if offsets.count > 1 || offsets[0] != 0 {
                offset = offsets[Int(random.below(Int64(offsets.count)))]
            }
        }
        return CustomerProfile(
            attribute0: values[0],
            attribute1: values[1],
            prefersOffline: prefersOffline,
            delayPercent: delayPercent,
            offsetMinutes: offset,
            language: model.attributeLanguage.first.map { $0[values[0]] } ?? 0
        )
    }

    /// Simulates one journey into `journey`.
    ///
    /// - Parameters:
    ///   - start: the arrival, seconds since the Unix epoch (UTC); the first event is at or
    ///     after it. Later events stop before `CivilTime.exportEnd`.
    ///   - limit: the most events to produce (the per-customer cap, or fewer for the last
    ///     customer of a log).
    func simulate(
        _ profile: CustomerProfile,
        start: Int64,
        limit: Int,
        random: inout RandomSource,
        into journey: inout Journey,
        statistics: inout JourneyStatistics
    ) {
        journey.removeAll()
        let spec = model.spec
        var step = model.entryStep[
            JourneyModel.pick(model.entryCumulative, 0, model.entryCumulative.count, random.unit())]
        var time = moveIntoHours(start, model.stepTiming[step], profile.offsetMinutes, &random)
        var previousChannel = -1
        while true {
            let channel = chooseChannel(step, profile, previousChannel, &random)
            if previousChannel >= 0, channel != previousChannel {
                statistics.channelSwitches += 1
            }
            previousChannel = channel
            journey.times.append(time)
            journey.steps.append(step)
            journey.channels.append(channel)
            if journey.count >= limit {
                if limit < spec.maxEventsPerCustomer {
                    statistics.truncatedJourneys += 1
                } else {
                    statistics.cappedJourneys += 1
                }
                return
            }
            let transition = JourneyModel.pick(
                model.transitionCumulative, model.transitionStart[step], model.transitionStart[step + 1],
                random.unit())
            let kind = model.transitionKind[transition]
            statistics.transitions[kind.rawValue] += 1
            let target = model.transitionTarget[transition]
            guard target >= 0 else {
                if kind == .droppedOut {
                    statistics.dropOutsByStage[model.stepStage[step]] += 1
                }
                return
            }
            var delay = self.delay(before: target, profile, &random)
            if random.chance(spec.slowStepRate) {
                delay = delay * random.inRange(400...1500) / 100
                statistics.slowSteps += 1
            }
            time = moveIntoHours(time + delay, model.stepTiming[target], profile.offsetMinutes, &random)
            if time >= CivilTime.exportEnd {
                statistics.transitions[kind.rawValue] -= 1  // not taken before the export
                statistics.openAtExport += 1
                return
            }
            step = target
        }
    }

    /// The delay before `step`, in seconds (at least 1).
    @inline(__always)
    private func delay(before step: Int, _ profile: CustomerProfile, _ random: inout RandomSource) -> Int64 {
        let median = model.stepDelayMedian[step] * profile.delayPercent / 100
        let bits = random.next()
        // Irwin–Hall: four 16-bit uniforms; the sum's mean is 131070, its deviation 37837.
        let sum = Int64(bits & 0xFFFF) + Int64((bits >> 16) & 0xFFFF) + Int64((bits >> 32) & 0xFFFF)
            + Int64(bits >> 48)
        let k = min(256, max(-256, (sum - 131_070) * model.stepSigmaMilli[step] * 32 / 37_837_000))
        let seconds = Int64(Double(median) * exponentials[Int(k) + 256])
        return max(1, seconds)
    }

    /// Picks the event's channel: often the previous one if the step offers it, otherwise a
    /// weighted choice (offline channels weigh triple for offline-leaning customers).
    @inline(__always)
    private func chooseChannel(
        _ step: Int, _ profile: CustomerProfile, _ previous: Int, _ random: inout RandomSource
    ) -> Int {
        let start = model.channelOptionStart[step]
        let end = model.channelOptionStart[step + 1]
        if previous >= 0, end - start > 1, random.chance(Self.channelStickiness) {
            for option in start..<end where model.channelOptionChannel[option] == previous {
                return previous
            }
        }
        let cumulative = profile.prefersOffline ? model.channelOptionCumulativeOffline : model.channelOptionCumulative
        return model.channelOptionChannel[JourneyModel.pick(cumulative, start, end, random.unit())]
    }

    /// Moves `time` forward into the hours `timing` allows, in the customer's local time.
    @inline(__always)
    private func moveIntoHours(
        _ time: Int64, _ timing: StepTiming, _ offsetMinutes: Int, _ random: inout RandomSource
    ) -> Int64 {
        let offset = Int64(offsetMinutes) * 60
        let (day, secondOfDay) = CivilTime.split(time + offset)
        switch timing {
        case .anytime:
            return time
        case .wakingHours:
            if secondOfDay >= 7 * 3600 || random.chance(0.15) {
                return time
            }
            return day * CivilTime.secondsPerDay + 7 * 3600 + random.below(14 * 3600) - offset
        case .businessHours:
            let weekday = CivilTime.weekday(ofDay: day)
            if weekday < 5, secondOfDay >= 8 * 3600, secondOfDay < 18 * 3600 {
                return time
            }
            var target = weekday < 5 && secondOfDay < 8 * 3600 ? day : day + 1
            while CivilTime.weekday(ofDay: target) >= 5 {
                target += 1
            }
            return target * CivilTime.secondsPerDay + 8 * 3600 + random.below(10 * 3600) - offset
        }
    }
}
