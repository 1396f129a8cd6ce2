extension ScenarioSpec {
    /// `support`: a European web shop's order, delivery, service and returns journey,
    /// exported the European way: `;` delimiter, `dd.MM.yyyy HH:mm:ss`, German column names,
    /// and touchpoint names in the customer's language (German, French, Swedish, Danish).
    ///
    /// Happy path: product page → cart → order → payment → shipping confirmation → tracking
    /// → delivered. Deviations: cart abandonment, failed delivery and parcel-shop pickup,
    /// delays, e-mail/phone/chat service loops with escalation, complaints, returns with
    /// refund, and repeat orders. A few names contain `;` or `"` and are quoted.
    static var supportEU: ScenarioSpec {
        ScenarioSpec(
            header: ["Kunde", "Aktivität", "Zeitstempel", "Phase", "Kanal", "Land"],
            delimiter: UInt8(ascii: ";"),
            timestampStyle: .europeanDotted,
            customerIDStyle: .sequential(base: 10_000_000),
            stages: ["Kauf", "Versand", "Zustellung", "Kundenservice", "Rückgabe", "Erstattung", "Bewertung"],
            entries: [
                ("Produktseite angesehen", 0.85), ("In den Warenkorb gelegt", 0.10), ("Rückfrage per E-Mail", 0.05),
            ],
            steps: [
                // Kauf
                StepSpec(
                    "Produktseite angesehen", "Page produit consultée", "Produktsida visad", "Produktside vist",
                    stage: "Kauf", channels: [.online("Webshop", 0.6), .online("App", 0.4)],
                    delay: .minutes(4, sigma: 1.2), timing: .wakingHours,
                    next: [
                        .to("Produktseite angesehen", 0.30, .repeatVisit), .to("In den Warenkorb gelegt", 0.40),
                        .to("Rückfrage per E-Mail", 0.03), .dropOut(0.09),
                    ]),
                StepSpec(
                    "In den Warenkorb gelegt", "Ajouté au panier", "Lagd i varukorgen", "Lagt i kurven",
                    stage: "Kauf", channels: [.online("Webshop", 0.6), .online("App", 0.4)],
                    delay: .minutes(3, sigma: 1.0), timing: .wakingHours,
                    next: [
                        .to("Bestellung aufgegeben", 0.55), .to("Produktseite angesehen", 0.15, .backtracked),
                        .dropOut(0.10),
                    ]),
                StepSpec(
                    "Bestellung aufgegeben", "Commande passée", "Beställning lagd", "Bestilling afgivet",
                    stage: "Kauf", channels: [.online("Webshop", 0.6), .online("App", 0.35), .offline("Telefon", 0.05)],
                    delay: .minutes(5, sigma: 1.5), timing: .wakingHours,
                    next: [.to("Zahlung bestätigt", 0.90), .to("Chat mit Kundenservice", 0.05), .dropOut(0.02)]),
                StepSpec(
                    "Zahlung bestätigt", "Paiement confirmé", "Betalning bekräftad", "Betaling bekræftet",
                    stage: "Kauf", channels: [.online("Zahlungsdienst")],
                    delay: .minutes(2, sigma: 1.0), timing: .anytime,
                    next: [
                        .to("Versandbestätigung", 0.90), .to("Lieferverzögerung gemeldet", 0.04, .skippedStep),
                        .to("Anruf beim Kundenservice", 0.04), .dropOut(0.01),
                    ]),
                StepSpec(
                    "Erneute Bestellung", "Nouvelle commande", "Ny beställning", "Ny bestilling",
                    stage: "Kauf", channels: [.online("Webshop", 0.5), .online("App", 0.5)],
                    delay: .days(20, sigma: 1.0), timing: .wakingHours,
                    next: [.to("Zahlung bestätigt", 0.90), .dropOut(0.03)]),
                // Versand
                StepSpec(
                    "Versandbestätigung", "Confirmation d'expédition", "Leveransbekräftelse",
                    "Forsendelsesbekræftelse",
                    stage: "Versand", channels: [.online("E-Mail")],
                    delay: .days(1, sigma: 0.6), timing: .businessHours,
                    next: [
                        .to("Sendungsverfolgung geöffnet", 0.55), .to("Lieferung zugestellt", 0.30, .skippedStep),
                        .to("Lieferverzögerung gemeldet", 0.08),
                        .to("Zustellversuch \"Empfänger nicht angetroffen\"", 0.07, .skippedStep),
                    ]),
                StepSpec(
                    "Sendungsverfolgung geöffnet", "Suivi du colis consulté", "Spårning öppnad", "Sporing åbnet",
                    stage: "Versand", channels: [.online("App", 0.6), .online("Webshop", 0.4)],
                    delay: .hours(12, sigma: 1.0), timing: .wakingHours,
                    next: [
                        .to("Sendungsverfolgung geöffnet", 0.25, .repeatVisit), .to("Lieferung zugestellt", 0.50),
                        .to("Zustellversuch \"Empfänger nicht angetroffen\"", 0.08),
                        .to("Lieferverzögerung gemeldet", 0.07), .to("Anruf beim Kundenservice", 0.03),
                        .to("Chat mit Kundenservice", 0.03), .dropOut(0.01),
                    ]),
                StepSpec(
                    "Lieferverzögerung gemeldet", "Retard de livraison signalé", "Leveransförsening aviserad",
                    "Leveringsforsinkelse meldt",
                    stage: "Versand", channels: [.online("E-Mail")],
                    delay: .days(1), timing: .anytime,
                    next: [
                        .to("Sendungsverfolgung geöffnet", 0.35), .to("Lieferung zugestellt", 0.35),
                        .to("Anruf beim Kundenservice", 0.10), .to("Chat mit Kundenservice", 0.10),
                        .to("Rückfrage per E-Mail", 0.10),
                    ]),
                // Zustellung
                StepSpec(
                    "Zustellversuch \"Empfänger nicht angetroffen\"", "Tentative de livraison \"destinataire absent\"",
                    "Leveransförsök \"mottagaren ej anträffad\"", "Leveringsforsøg \"modtager ikke truffet\"",
                    stage: "Zustellung", channels: [.online("Paketdienst")],
                    delay: .days(2, sigma: 0.6), timing: .businessHours,
                    next: [
                        .to("Abholung im Paketshop", 0.60), .to("Lieferung zugestellt", 0.25),
                        .to("Anruf beim Kundenservice", 0.10), .dropOut(0.02),
                    ]),
                StepSpec(
                    "Abholung im Paketshop", "Retrait en point relais", "Uthämtning hos ombud", "Afhentning i pakkeshop",
                    stage: "Zustellung", channels: [.offline("Paketshop")],
                    delay: .days(1), timing: .wakingHours,
                    next: [
                        .to("Bewertung abgegeben", 0.20), .to("Reklamation eingereicht", 0.05),
                        .to("Retoure angemeldet; Etikett erstellt", 0.10), .complete(0.65),
                    ]),
                StepSpec(
                    "Lieferung zugestellt", "Colis livré", "Paket levererat", "Pakke leveret",
                    stage: "Zustellung", channels: [.online("Paketdienst")],
                    delay: .days(2, sigma: 0.6), timing: .businessHours,
                    next: [
                        .complete(0.55), .to("Bewertung abgegeben", 0.15),
                        .to("Retoure angemeldet; Etikett erstellt", 0.12), .to("Reklamation eingereicht", 0.06),
                        .to("Rückfrage per E-Mail", 0.07), .to("Erneute Bestellung", 0.05, .backtracked),
                    ]),
                // Kundenservice
                StepSpec(
                    "Rückfrage per E-Mail", "Question par e-mail", "Fråga via e-post", "Spørgsmål via e-mail",
                    stage: "Kundenservice", channels: [.online("E-Mail")],
                    delay: .days(1), timing: .wakingHours,
                    next: [
                        .to("Ticket gelöst", 0.45), .to("Rückfrage per E-Mail", 0.20, .repeatVisit),
                        .to("Anruf beim Kundenservice", 0.15), .to("Reklamation eingereicht", 0.05), .dropOut(0.05),
                    ]),
                StepSpec(
                    "Anruf beim Kundenservice", "Appel au service client", "Samtal till kundtjänst",
                    "Opkald til kundeservice",
                    stage: "Kundenservice", channels: [.offline("Telefon")],
                    delay: .days(1), timing: .businessHours,
                    next: [
                        .to("Ticket gelöst", 0.50), .to("Ticket eskaliert; Rückruf geplant", 0.15),
                        .to("Anruf beim Kundenservice", 0.10, .repeatVisit), .to("Rückfrage per E-Mail", 0.10),
                        .dropOut(0.05),
                    ]),
                StepSpec(
                    "Chat mit Kundenservice", "Chat avec le service client", "Chatt med kundtjänst",
                    "Chat med kundeservice",
                    stage: "Kundenservice", channels: [.online("Chat", 0.7), .online("App", 0.3)],
                    delay: .hours(6), timing: .wakingHours,
                    next: [
                        .to("Ticket gelöst", 0.45), .to("Anruf beim Kundenservice", 0.20),
                        .to("Rückfrage per E-Mail", 0.10), .to("Chat mit Kundenservice", 0.10, .repeatVisit),
                        .dropOut(0.05),
                    ]),
                StepSpec(
                    "Reklamation eingereicht", "Réclamation", "Reklamation inlämnad", "Reklamation indsendt",
                    stage: "Kundenservice", channels: [.online("Kundenportal", 0.6), .online("E-Mail", 0.4)],
                    delay: .days(1), timing: .wakingHours,
                    next: [
                        .to("Ticket eskaliert; Rückruf geplant", 0.25), .to("Retoure angemeldet; Etikett erstellt", 0.35),
                        .to("Ticket gelöst", 0.25), .to("Anruf beim Kundenservice", 0.10), .dropOut(0.02),
                    ]),
                StepSpec(
                    "Ticket eskaliert; Rückruf geplant", "Ticket escaladé ; rappel prévu",
                    "Ärende eskalerat; återuppringning planerad", "Sag eskaleret; tilbagekald planlagt",
                    stage: "Kundenservice", channels: [.offline("Telefon")],
                    delay: .days(2), timing: .businessHours,
                    next: [
                        .to("Anruf beim Kundenservice", 0.40), .to("Ticket gelöst", 0.40),
                        .to("Reklamation eingereicht", 0.10, .backtracked), .dropOut(0.03),
                    ]),
                StepSpec(
                    "Ticket gelöst", "Ticket résolu", "Ärende löst", "Sag løst",
                    stage: "Kundenservice", channels: [.online("E-Mail", 0.7), .online("Kundenportal", 0.3)],
                    delay: .days(1), timing: .anytime,
                    next: [
                        .complete(0.60), .to("Bewertung abgegeben", 0.20), .to("Erneute Bestellung", 0.10, .backtracked),
                        .to("Retoure angemeldet; Etikett erstellt", 0.05), .to("Rückfrage per E-Mail", 0.05, .backtracked),
                    ]),
                // Rückgabe
                StepSpec(
                    "Retoure angemeldet; Etikett erstellt", "Retour enregistré ; étiquette créée",
                    "Retur registrerad; etikett skapad", "Retur registreret; label oprettet",
                    stage: "Rückgabe", channels: [.online("Kundenportal", 0.7), .online("App", 0.3)],
                    delay: .days(3), timing: .wakingHours,
                    next: [.to("Rücksendung", 0.85), .dropOut(0.05)]),
                StepSpec(
                    "Rücksendung", "Colis retourné", "Retur skickad", "Retur afsendt",
                    stage: "Rückgabe", channels: [.online("Paketdienst", 0.7), .offline("Paketshop", 0.3)],
                    delay: .days(2), timing: .wakingHours,
                    next: [
                        .to("Rücksendung eingegangen", 0.90), .to("Anruf beim Kundenservice", 0.05), .dropOut(0.02),
                    ]),
                StepSpec(
                    "Rücksendung eingegangen", "Retour reçu à l'entrepôt", "Retur mottagen", "Retur modtaget",
                    stage: "Rückgabe", channels: [.online("Lager")],
                    delay: .days(4), timing: .businessHours,
                    next: [
                        .to("Erstattung veranlasst", 0.85), .to("Rückfrage per E-Mail", 0.10), .dropOut(0.02),
                    ]),
                // Erstattung
                StepSpec(
                    "Erstattung veranlasst", "Remboursement effectué", "Återbetalning genomförd", "Refusion gennemført",
                    stage: "Erstattung", channels: [.online("Zahlungsdienst")],
                    delay: .days(3), timing: .businessHours,
                    next: [
                        .complete(0.70), .to("Bewertung abgegeben", 0.15), .to("Erneute Bestellung", 0.10, .backtracked),
                        .to("Rückfrage per E-Mail", 0.05),
                    ]),
                // Bewertung
                StepSpec(
                    "Bewertung abgegeben", "Avis déposé", "Omdöme lämnat", "Anmeldelse afgivet",
                    stage: "Bewertung", channels: [.online("Webshop", 0.6), .online("E-Mail", 0.4)],
                    delay: .days(4), timing: .wakingHours,
                    next: [.complete(0.85), .to("Erneute Bestellung", 0.15, .backtracked)]),
            ],
            attributes: [
                [
                    AttributeValueSpec(name: "Deutschland", weight: 0.40, language: 0),
                    AttributeValueSpec(name: "Österreich", weight: 0.10, language: 0),
                    AttributeValueSpec(name: "Schweiz", weight: 0.08, language: 0),
                    AttributeValueSpec(name: "Frankreich", weight: 0.15, language: 1),
                    AttributeValueSpec(name: "Belgien", weight: 0.05, language: 1),
                    AttributeValueSpec(name: "Luxemburg", weight: 0.02, language: 1),
                    AttributeValueSpec(name: "Schweden", weight: 0.07, language: 2),
                    AttributeValueSpec(name: "Finnland", weight: 0.03, language: 2),
                    AttributeValueSpec(name: "Dänemark", weight: 0.06, language: 3),
                    AttributeValueSpec(name: "Norwegen", weight: 0.04, language: 3),
                ]
            ],
            slowStepRate: 0.05,
            maxEventsPerCustomer: 60,
            defaultBadRowRate: 0.004,
            defaultOutOfOrderRate: 0.003,
            maxOutOfOrderLagSeconds: 12 * 3600,
            garbageTimestamps: ["32.13.2025 25:00:00", "n/a", "00.00.0000 00:00:00", "#WERT!", "", "31.02.2025 10:00:00"],
            extraFieldValues: ["Kommentar: Rückruf erwünscht", "Notiz", "siehe Ticket"]
        )
    }
}
