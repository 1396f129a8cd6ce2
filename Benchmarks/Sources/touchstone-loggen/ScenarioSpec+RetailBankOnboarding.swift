extension ScenarioSpec {
    /// `bank`: a consumer opening a retail-bank account across ads, social, website, app,
    /// branch, e-mail and helpdesk.
    ///
    /// Happy path: ad click → landing page → product page → rate calculator → application
    /// started → ID verification → document upload → account opened → first deposit → app
    /// login → card activated. Abandoned applications get e-mail reminders; failed online
    /// identification goes to the branch. Customers 55+ prefer branch and helpdesk.
    static var retailBankOnboarding: ScenarioSpec {
        ScenarioSpec(
            header: ["contact_id", "event", "event_time", "stage", "channel", "age_band", "product"],
            delimiter: UInt8(ascii: ","),
            timestampStyle: .sqlDateTime,
            customerIDStyle: .decimal(prefix: "CT"),
            stages: ["awareness", "interest", "application", "verification", "account opening", "activation", "service"],
            entries: [
                ("Display ad click", 0.28), ("Social post engagement", 0.20), ("Search ad click", 0.22),
                ("Landing page visit", 0.20), ("Branch consultation", 0.10),
            ],
            steps: [
                // awareness
                StepSpec(
                    "Display ad click", stage: "awareness", channels: [.online("ads")],
                    delay: .days(4), timing: .anytime,
                    next: [
                        .to("Landing page visit", 0.70), .to("Display ad click", 0.05, .repeatVisit), .dropOut(0.09),
                    ]),
                StepSpec(
                    "Social post engagement", stage: "awareness", channels: [.online("social")],
                    delay: .days(3), timing: .wakingHours,
                    next: [
                        .to("Landing page visit", 0.50), .to("Social post engagement", 0.10, .repeatVisit),
                        .to("Product page view", 0.10, .skippedStep), .dropOut(0.10),
                    ]),
                StepSpec(
                    "Search ad click", stage: "awareness", channels: [.online("ads")],
                    delay: .days(2), timing: .wakingHours,
                    next: [
                        .to("Landing page visit", 0.55), .to("Product page view", 0.25, .skippedStep), .dropOut(0.07),
                    ]),
                // interest
                StepSpec(
                    "Landing page visit", stage: "interest", channels: [.online("website")],
                    delay: .minutes(1, sigma: 1.0), timing: .anytime,
                    next: [
                        .to("Product page view", 0.55), .to("Rate calculator used", 0.15, .skippedStep),
                        .to("Application started", 0.08, .skippedStep), .dropOut(0.08),
                    ]),
                StepSpec(
                    "Product page view", stage: "interest",
                    channels: [.online("website", 0.7), .online("app", 0.3)],
                    delay: .minutes(4, sigma: 1.2), timing: .anytime,
                    next: [
                        .to("Rate calculator used", 0.40), .to("Application started", 0.25, .skippedStep),
                        .to("Branch consultation", 0.05), .to("Product page view", 0.08, .repeatVisit), .dropOut(0.08),
                    ]),
                StepSpec(
                    "Rate calculator used", stage: "interest", channels: [.online("website")],
                    delay: .minutes(3, sigma: 1.0), timing: .anytime,
                    next: [
                        .to("Application started", 0.45), .to("Product page view", 0.10, .backtracked),
                        .to("Branch consultation", 0.08), .dropOut(0.13),
                    ]),
                StepSpec(
                    "Branch consultation", stage: "interest", channels: [.offline("branch")],
                    delay: .days(3), timing: .businessHours,
                    next: [.to("Application started", 0.70), .dropOut(0.10)]),
                // application
                StepSpec(
                    "Application started", stage: "application",
                    channels: [.online("website", 0.55), .online("app", 0.35), .offline("branch", 0.10)],
                    delay: .minutes(10, sigma: 1.4), timing: .anytime,
                    next: [
                        .to("ID verification", 0.55), .to("Email reminder", 0.25),
                        .to("Document upload", 0.05, .skippedStep), .dropOut(0.05),
                    ]),
                StepSpec(
                    "Email reminder", stage: "application", channels: [.online("email")],
                    delay: .days(1, sigma: 0.4), timing: .anytime,
                    next: [
                        .to("Application resumed", 0.55), .to("Email reminder", 0.20, .repeatVisit), .dropOut(0.09),
                    ]),
                StepSpec(
                    "Application resumed", stage: "application",
                    channels: [.online("website", 0.5), .online("app", 0.5)],
                    delay: .hours(20, sigma: 1.0), timing: .wakingHours,
                    next: [
                        .to("ID verification", 0.70), .to("Email reminder", 0.10, .backtracked), .dropOut(0.07),
                    ]),
                // verification
                StepSpec(
                    "ID verification", stage: "verification",
                    channels: [.online("app", 0.6), .offline("branch", 0.25), .online("website", 0.15)],
                    delay: .minutes(30, sigma: 1.2), timing: .wakingHours,
                    next: [
                        .to("Document upload", 0.60), .to("Branch appointment", 0.10),
                        .to("ID verification", 0.08, .repeatVisit), .to("Helpdesk call", 0.07),
                        .to("Account opened", 0.05, .skippedStep), .dropOut(0.03),
                    ]),
                StepSpec(
                    "Document upload", stage: "verification",
                    channels: [.online("app", 0.6), .online("website", 0.4)],
                    delay: .hours(2, sigma: 1.2), timing: .wakingHours,
                    next: [
                        .to("Account opened", 0.60), .to("Document upload", 0.12, .repeatVisit),
                        .to("Helpdesk call", 0.08), .to("Branch appointment", 0.05), .dropOut(0.05),
                    ]),
                StepSpec(
                    "Branch appointment", stage: "verification", channels: [.offline("branch")],
                    delay: .days(4), timing: .businessHours,
                    next: [
                        .to("Account opened", 0.75), .to("Document upload", 0.10, .backtracked), .dropOut(0.05),
                    ]),
                // account opening
                StepSpec(
                    "Account opened", stage: "account opening",
                    channels: [.online("email", 0.8), .offline("branch", 0.2)],
                    delay: .days(1, sigma: 0.9), timing: .businessHours,
                    next: [
                        .to("First deposit", 0.45), .to("App login", 0.30, .skippedStep),
                        .to("Card activated", 0.10, .skippedStep), .dropOut(0.05),
                    ]),
                // activation
                StepSpec(
                    "First deposit", stage: "activation",
                    channels: [.online("app", 0.5), .online("website", 0.3), .offline("branch", 0.2)],
                    delay: .days(3), timing: .wakingHours,
                    next: [.to("App login", 0.50), .to("Card activated", 0.30), .complete(0.20)]),
                StepSpec(
                    "App login", stage: "activation", channels: [.online("app")],
                    delay: .days(2, sigma: 1.2), timing: .wakingHours,
                    next: [
                        .to("App login", 0.35, .repeatVisit), .to("Card activated", 0.20),
                        .to("First deposit", 0.15, .backtracked), .to("Helpdesk call", 0.07), .complete(0.23),
                    ]),
                StepSpec(
                    "Card activated", stage: "activation",
                    channels: [.online("app", 0.7), .offline("helpdesk", 0.3)],
                    delay: .days(5), timing: .wakingHours,
                    next: [.to("App login", 0.50), .to("Helpdesk call", 0.10), .complete(0.40)]),
                // service
                StepSpec(
                    "Helpdesk call", stage: "service", channels: [.offline("helpdesk")],
                    delay: .days(1), timing: .businessHours,
                    next: [
                        .to("Document upload", 0.30, .backtracked), .to("Account opened", 0.15),
                        .to("Branch appointment", 0.12, .backtracked), .to("App login", 0.10),
                        .to("Card activated", 0.08), .to("Landing page visit", 0.10, .backtracked), .dropOut(0.05),
                    ]),
            ],
            attributes: [
                [
                    AttributeValueSpec(name: "18-24", weight: 0.14, delayPercent: 80),
                    AttributeValueSpec(name: "25-34", weight: 0.24, delayPercent: 90),
                    AttributeValueSpec(name: "35-44", weight: 0.21),
                    AttributeValueSpec(name: "45-54", weight: 0.17),
                    AttributeValueSpec(name: "55-64", weight: 0.13, prefersOffline: true, delayPercent: 120),
                    AttributeValueSpec(name: "65+", weight: 0.11, prefersOffline: true, delayPercent: 140),
                ],
                [
                    AttributeValueSpec(name: "Current account", weight: 0.50),
                    AttributeValueSpec(name: "Savings account", weight: 0.25),
                    AttributeValueSpec(name: "Student account", weight: 0.12, delayPercent: 80),
                    AttributeValueSpec(name: "Joint account", weight: 0.13, delayPercent: 130),
                ],
            ],
            slowStepRate: 0.05,
            maxEventsPerCustomer: 60,
            defaultBadRowRate: 0,
            defaultOutOfOrderRate: 0.005,
            maxOutOfOrderLagSeconds: 6 * 3600,
            garbageTimestamps: ["n/a", "2025-02-30 10:00:00", "0000-00-00 00:00:00", "NULL", "", "2025-13-01 25:00:00"],
            extraFieldValues: ["manual entry", "migrated", "check"]
        )
    }
}
