extension ScenarioSpec {
    /// `web`: visitors of an online shop as a web-analytics export sees them: five columns (no
    /// attribute column), many visitors with short visits (about three events each), page names
    /// with commas (so they are quoted), and 5% of rows written after a later row of the same
    /// visitor (late hits). It is the second benchmark shape, unlike `b2b` in every one of those.
    ///
    /// Happy path: landing page → category page → product page → cart → checkout (shipping) →
    /// checkout (payment) → order confirmation; most visits end after one to three pages.
    static var webShop: ScenarioSpec {
        ScenarioSpec(
            header: ["visitor_id", "event_name", "event_timestamp", "stage", "channel"],
            delimiter: UInt8(ascii: ","),
            timestampStyle: .iso8601,
            customerIDStyle: .hexadecimal(prefix: "v"),
            stages: ["awareness", "consideration", "purchase", "retention"],
            entries: [
                ("Home page, logged out", 0.30), ("Category page, shoes", 0.25), ("Search results, filtered", 0.20),
                ("Product page, size guide", 0.15), ("Newsletter click, weekly deals", 0.10),
            ],
            steps: [
                StepSpec(
                    "Home page, logged out", stage: "awareness",
                    channels: [.online("organic", 0.4), .online("direct", 0.4), .online("social", 0.2)],
                    delay: .minutes(1), timing: .anytime,
                    next: [
                        .to("Category page, shoes", 0.35), .to("Search results, filtered", 0.15),
                        .to("Home page, logged out", 0.05, .repeatVisit), .dropOut(0.45),
                    ]),
                StepSpec(
                    "Newsletter click, weekly deals", stage: "awareness", channels: [.online("email")],
                    delay: .hours(30), timing: .wakingHours,
                    next: [.to("Product page, size guide", 0.45), .to("Category page, shoes", 0.15), .dropOut(0.40)]),
                StepSpec(
                    "Category page, shoes", stage: "consideration",
                    channels: [.online("organic", 0.5), .online("paid", 0.3), .online("direct", 0.2)],
                    delay: .minutes(1, sigma: 0.8), timing: .anytime,
                    next: [
                        .to("Product page, size guide", 0.40), .to("Search results, filtered", 0.10),
                        .to("Category page, shoes", 0.08, .repeatVisit), .dropOut(0.42),
                    ]),
                StepSpec(
                    "Search results, filtered", stage: "consideration",
                    channels: [.online("organic", 0.6), .online("paid", 0.4)],
                    delay: .minutes(1, sigma: 0.8), timing: .anytime,
                    next: [
                        .to("Product page, size guide", 0.45), .to("Search results, filtered", 0.10, .repeatVisit),
                        .dropOut(0.45),
                    ]),
                StepSpec(
                    "Product page, size guide", stage: "consideration",
                    channels: [.online("organic", 0.4), .online("paid", 0.3), .online("app", 0.3)],
                    delay: .minutes(2, sigma: 1.0), timing: .anytime,
                    next: [
                        .to("Cart, add item", 0.30), .to("Category page, shoes", 0.10, .backtracked),
                        .to("Product page, size guide", 0.10, .repeatVisit), .dropOut(0.50),
                    ]),
                StepSpec(
                    "Cart, add item", stage: "purchase",
                    channels: [.online("direct", 0.7), .online("app", 0.3)],
                    delay: .minutes(3, sigma: 1.0), timing: .anytime,
                    next: [
                        .to("Checkout, shipping", 0.55), .to("Product page, size guide", 0.10, .backtracked),
                        .to("Cart reminder, \"you left something\"", 0.15), .dropOut(0.20),
                    ]),
                StepSpec(
                    "Cart reminder, \"you left something\"", stage: "purchase", channels: [.online("email")],
                    delay: .hours(20, sigma: 0.5), timing: .anytime,
                    next: [.to("Cart, add item", 0.35), .dropOut(0.65)]),
                StepSpec(
                    "Checkout, shipping", stage: "purchase",
                    channels: [.online("direct", 0.7), .online("app", 0.3)],
                    delay: .minutes(2, sigma: 0.8), timing: .anytime,
                    next: [.to("Checkout, payment", 0.75), .to("Cart, add item", 0.08, .backtracked), .dropOut(0.17)]),
                StepSpec(
                    "Checkout, payment", stage: "purchase",
                    channels: [.online("direct", 0.7), .online("app", 0.3)],
                    delay: .minutes(2, sigma: 0.8), timing: .anytime,
                    next: [
                        .to("Order confirmation, email", 0.85), .to("Checkout, payment", 0.05, .repeatVisit),
                        .dropOut(0.10),
                    ]),
                StepSpec(
                    "Order confirmation, email", stage: "retention", channels: [.online("email")],
                    delay: .minutes(1, sigma: 0.3), timing: .anytime,
                    next: [.to("Review request, 5 stars", 0.30), .complete(0.70)]),
                StepSpec(
                    "Review request, 5 stars", stage: "retention", channels: [.online("email")],
                    delay: .days(7), timing: .wakingHours,
                    next: [.complete(1.0)]),
            ],
            attributes: [],
            slowStepRate: 0.03,
            maxEventsPerCustomer: 40,
            defaultBadRowRate: 0,
            defaultOutOfOrderRate: 0.05,
            maxOutOfOrderLagSeconds: 2 * 3600,
            garbageTimestamps: ["(not set)", "", "null", "2025-02-30T10:00:00Z"],
            extraFieldValues: ["(not set)", "gclid=abc,def"]
        )
    }
}
