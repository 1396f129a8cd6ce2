/// Formats microseconds since the Unix epoch (UTC) as ISO 8601, e.g. `2024-03-01T09:30:00Z`;
/// fractional seconds appear only when present (`…:00.25Z`).
///
/// The ingester accepts only years 0000–9999, which always print as four digits. Any other
/// value (never produced by an ingest) uses ISO 8601's expanded form with an explicit sign,
/// `+10000-01-01T…` or `-0001-12-31T…`, so a year is never malformed.
public func formatTimestamp(_ micros: Int64) -> String {
    let perDay: Int64 = 86_400_000_000
    var days = micros / perDay
    var rest = micros % perDay
    if rest < 0 { rest += perDay; days -= 1 }
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let day = doy - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
    let seconds = rest / 1_000_000
    let fraction = rest % 1_000_000
    func pad(_ v: Int64, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
    let yearText = year < 0 ? "-" + pad(-year, 4) : year > 9999 ? "+" + String(year) : pad(year, 4)
    var text = "\(yearText)-\(pad(month, 2))-\(pad(day, 2))T\(pad(seconds / 3600, 2)):\(pad(seconds / 60 % 60, 2)):\(pad(seconds % 60, 2))"
    if fraction != 0 {
        var f = pad(fraction, 6)
        while f.last == "0" { f.removeLast() }
        text += "." + f
    }
    return text + "Z"
}
