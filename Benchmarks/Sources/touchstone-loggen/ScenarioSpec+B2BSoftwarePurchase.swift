extension ScenarioSpec {
    /// `b2b`: a company buying business software, from first trigger to use and support.
    ///
    /// Happy path: trigger → blog post → whitepaper → web demo → sales call → personal demo
    /// → reference call → offer → negotiation → order → kickoff → data migration → training
    /// → active use ⇄ support. Marketing-system rows (web, app, e-mail, social, portal) carry
    /// `Z` timestamps; CRM rows (phone, video call, on-site, event, partner) carry the
    /// customer's local offset. Enterprise customers are slower and prefer on-site meetings.
    static var b2bSoftwarePurchase: ScenarioSpec {
        ScenarioSpec(
            header: ["customer_id", "touchpoint", "timestamp", "stage", "channel", "segment", "region"],
            delimiter: UInt8(ascii: ","),
            timestampStyle: .iso8601,
            customerIDStyle: .hexadecimal(prefix: "ACC-"),
            stages: ["awareness", "consideration", "evaluation", "purchase", "implementation", "use", "support"],
            entries: [
                ("Industry event", 0.18), ("Peer recommendation", 0.17), ("LinkedIn ad click", 0.25),
                ("Webinar attended", 0.15), ("Blog post read", 0.20), ("Comparison site visit", 0.05),
            ],
            steps: [
                // awareness
                StepSpec(
                    "Industry event", stage: "awareness", channels: [.offline("event")],
                    delay: .days(30), timing: .businessHours,
                    next: [
                        .to("Blog post read", 0.30), .to("Whitepaper download", 0.20),
                        .to("Web demo", 0.10, .skippedStep), .to("Sales call", 0.15, .skippedStep),
                        .to("Comparison site visit", 0.07), .dropOut(0.07),
                    ]),
                StepSpec(
                    "Peer recommendation", stage: "awareness",
                    channels: [.offline("partner", 0.3), .online("email", 0.3), .offline("phone", 0.4)],
                    delay: .days(30), timing: .wakingHours,
                    next: [
                        .to("Comparison site visit", 0.28), .to("Blog post read", 0.20),
                        .to("Web demo", 0.20, .skippedStep), .to("Reference call", 0.05, .skippedStep),
                        .to("Personal demo", 0.10, .skippedStep), .dropOut(0.07),
                    ]),
                StepSpec(
                    "LinkedIn ad click", stage: "awareness", channels: [.online("social")],
                    delay: .days(5), timing: .wakingHours,
                    next: [
                        .to("Blog post read", 0.40), .to("Whitepaper download", 0.20),
                        .to("LinkedIn ad click", 0.10, .repeatVisit), .dropOut(0.12),
                    ]),
                StepSpec(
                    "Webinar attended", stage: "awareness", channels: [.online("webinar")],
                    delay: .days(14), timing: .businessHours,
                    next: [
                        .to("Whitepaper download", 0.30), .to("Web demo", 0.25, .skippedStep),
                        .to("Blog post read", 0.20), .dropOut(0.10),
                    ]),
                // consideration
                StepSpec(
                    "Blog post read", stage: "consideration", channels: [.online("web")],
                    delay: .days(2, sigma: 1.0), timing: .wakingHours,
                    next: [
                        .to("Blog post read", 0.20, .repeatVisit), .to("Whitepaper download", 0.25),
                        .to("Comparison site visit", 0.18), .to("Pricing page visit", 0.15),
                        .to("Web demo", 0.05, .skippedStep), .dropOut(0.07),
                    ]),
                StepSpec(
                    "Whitepaper download", stage: "consideration",
                    channels: [.online("web", 0.85), .online("email", 0.15)],
                    delay: .days(3), timing: .wakingHours,
                    next: [
                        .to("Comparison site visit", 0.20), .to("Pricing page visit", 0.20), .to("Web demo", 0.25),
                        .to("Sales call", 0.15), .to("Blog post read", 0.05, .backtracked), .dropOut(0.06),
                    ]),
                StepSpec(
                    "Comparison site visit", stage: "consideration", channels: [.online("review site")],
                    delay: .days(2), timing: .wakingHours,
                    next: [
                        .to("Pricing page visit", 0.30), .to("Web demo", 0.30),
                        .to("Whitepaper download", 0.10, .backtracked), .dropOut(0.12),
                    ]),
                StepSpec(
                    "Pricing page visit", stage: "consideration", channels: [.online("web")],
                    delay: .days(1), timing: .wakingHours,
                    next: [
                        .to("Web demo", 0.35), .to("Sales call", 0.25), .to("Pricing page visit", 0.10, .repeatVisit),
                        .to("Free trial started", 0.10), .dropOut(0.08),
                    ]),
                // evaluation
                StepSpec(
                    "Web demo", stage: "evaluation", channels: [.online("web")],
                    delay: .days(2), timing: .wakingHours,
                    next: [
                        .to("Free trial started", 0.25), .to("Sales call", 0.30), .to("Personal demo", 0.15, .skippedStep),
                        .to("Web demo", 0.05, .repeatVisit), .to("Pricing page visit", 0.07, .backtracked),
                        .dropOut(0.07),
                    ]),
                StepSpec(
                    "Free trial started", stage: "evaluation", channels: [.online("app")],
                    delay: .days(1), timing: .wakingHours,
                    next: [
                        .to("Sales call", 0.35), .to("Personal demo", 0.20), .to("Offer sent", 0.10, .skippedStep),
                        .to("Comparison site visit", 0.10, .backtracked), .dropOut(0.10),
                    ]),
                StepSpec(
                    "Sales call", stage: "evaluation", channels: [.offline("phone", 0.7), .online("video call", 0.3)],
                    delay: .days(3), timing: .businessHours,
                    next: [
                        .to("Personal demo", 0.40), .to("Offer sent", 0.17, .skippedStep), .to("Reference call", 0.10),
                        .to("Sales call", 0.10, .repeatVisit), .to("Whitepaper download", 0.05, .backtracked),
                        .dropOut(0.07),
                    ]),
                StepSpec(
                    "Personal demo", stage: "evaluation",
                    channels: [.online("video call", 0.6), .offline("on-site", 0.4)],
                    delay: .days(5, sigma: 0.7), timing: .businessHours,
                    next: [
                        .to("Reference call", 0.25), .to("Security questionnaire", 0.15),
                        .to("Offer sent", 0.35, .skippedStep), .to("Personal demo", 0.08, .repeatVisit),
                        .to("Comparison site visit", 0.05, .backtracked), .dropOut(0.05),
                    ]),
                StepSpec(
                    "Reference call", stage: "evaluation", channels: [.offline("phone", 0.6), .online("video call", 0.4)],
                    delay: .days(6), timing: .businessHours,
                    next: [
                        .to("Offer sent", 0.55), .to("Security questionnaire", 0.15),
                        .to("Sales call", 0.10, .backtracked), .dropOut(0.08),
                    ]),
                StepSpec(
                    "Security questionnaire", stage: "evaluation",
                    channels: [.online("email", 0.8), .online("portal", 0.2)],
                    delay: .days(7), timing: .businessHours,
                    next: [
                        .to("Offer sent", 0.60), .to("Sales call", 0.15, .backtracked),
                        .to("Negotiation", 0.10, .skippedStep), .dropOut(0.06),
                    ]),
                // purchase
                StepSpec(
                    "Offer sent", stage: "purchase", channels: [.online("email")],
                    delay: .days(5), timing: .businessHours,
                    next: [
                        .to("Negotiation", 0.50), .to("Order signed", 0.20, .skippedStep),
                        .to("Offer sent", 0.08, .repeatVisit), .to("Personal demo", 0.07, .backtracked),
                        .dropOut(0.06),
                    ]),
                StepSpec(
                    "Negotiation", stage: "purchase",
                    channels: [.online("video call", 0.5), .offline("phone", 0.3), .offline("on-site", 0.2)],
                    delay: .days(7), timing: .businessHours,
                    next: [
                        .to("Order signed", 0.55), .to("Offer sent", 0.20, .backtracked),
                        .to("Negotiation", 0.10, .repeatVisit), .to("Reference call", 0.05, .backtracked),
                        .dropOut(0.04),
                    ]),
                StepSpec(
                    "Order signed", stage: "purchase", channels: [.online("e-signature")],
                    delay: .days(4), timing: .businessHours,
                    next: [
                        .to("Implementation kickoff", 0.85), .to("Onboarding training", 0.10, .skippedStep),
                        .dropOut(0.02),
                    ]),
                // implementation
                StepSpec(
                    "Implementation kickoff", stage: "implementation",
                    channels: [.online("video call", 0.6), .offline("on-site", 0.4)],
                    delay: .days(10), timing: .businessHours,
                    next: [
                        .to("Data migration", 0.50), .to("Onboarding training", 0.40),
                        .to("Support ticket", 0.05, .skippedStep), .dropOut(0.02),
                    ]),
                StepSpec(
                    "Data migration", stage: "implementation",
                    channels: [.online("portal", 0.7), .online("video call", 0.3)],
                    delay: .days(7), timing: .businessHours,
                    next: [
                        .to("Onboarding training", 0.70), .to("Support ticket", 0.20, .skippedStep),
                        .to("Data migration", 0.05, .repeatVisit), .dropOut(0.02),
                    ]),
                StepSpec(
                    "Onboarding training", stage: "implementation",
                    channels: [.online("video call", 0.6), .offline("on-site", 0.25), .online("web", 0.15)],
                    delay: .days(7), timing: .businessHours,
                    next: [
                        .to("Weekly active use", 0.65), .to("Onboarding training", 0.15, .repeatVisit),
                        .to("Support ticket", 0.10, .skippedStep), .dropOut(0.04),
                    ]),
                // use
                StepSpec(
                    "Weekly active use", stage: "use", channels: [.online("app")],
                    delay: .days(10), timing: .wakingHours,
                    next: [
                        .to("Weekly active use", 0.35, .repeatVisit), .to("Support ticket", 0.20),
                        .to("Quarterly business review", 0.20), .complete(0.25),
                    ]),
                StepSpec(
                    "Quarterly business review", stage: "use",
                    channels: [.online("video call", 0.7), .offline("on-site", 0.3)],
                    delay: .days(45), timing: .businessHours,
                    next: [
                        .to("Weekly active use", 0.40), .to("Support ticket", 0.10),
                        .to("Offer sent", 0.05, .backtracked), .complete(0.45),
                    ]),
                // support
                StepSpec(
                    "Support ticket", stage: "support",
                    channels: [.online("portal", 0.5), .online("email", 0.3), .offline("phone", 0.2)],
                    delay: .days(20), timing: .wakingHours,
                    next: [
                        .to("Ticket resolved", 0.75), .to("Support ticket", 0.10, .repeatVisit),
                        .to("Sales call", 0.03, .backtracked), .dropOut(0.05),
                    ]),
                StepSpec(
                    "Ticket resolved", stage: "support", channels: [.online("portal", 0.8), .online("email", 0.2)],
                    delay: .days(2, sigma: 1.2), timing: .anytime,
                    next: [
                        .to("Weekly active use", 0.50), .to("Support ticket", 0.10, .repeatVisit), .complete(0.40),
                    ]),
            ],
            attributes: [
                [
                    AttributeValueSpec(name: "SMB", weight: 0.50, delayPercent: 70),
                    AttributeValueSpec(name: "Mid-Market", weight: 0.35),
                    AttributeValueSpec(name: "Enterprise", weight: 0.15, prefersOffline: true, delayPercent: 160),
                ],
                [
                    AttributeValueSpec(name: "EMEA", weight: 0.40, utcOffsetsMinutes: [0, 60, 60, 60, 120]),
                    AttributeValueSpec(name: "NA", weight: 0.35, utcOffsetsMinutes: [-300, -300, -360, -480]),
                    AttributeValueSpec(name: "APAC", weight: 0.15, utcOffsetsMinutes: [330, 480, 540, 600]),
                    AttributeValueSpec(name: "LATAM", weight: 0.10, utcOffsetsMinutes: [-180, -300]),
                ],
            ],
            localOffsetChannels: ["phone", "video call", "on-site", "event", "partner"],
            slowStepRate: 0.06,
            maxEventsPerCustomer: 80,
            defaultBadRowRate: 0,
            defaultOutOfOrderRate: 0.01,
            maxOutOfOrderLagSeconds: 2 * 86_400,
            garbageTimestamps: ["n/a", "2025-13-45T25:61:00Z", "0000-00-00T00:00:00Z", "#VALUE!", "", "TBD"],
            extraFieldValues: ["see CRM notes", "imported", "duplicate?"]
        )
    }
}
