/// Memory: manually managed buffers and reserving event columns ahead.
extension IngestState {
    /// Stops the interning worker; the buffers are freed when the state is deinitialized.
    func release() {
        worker?.abandon()
    }

    /// Reserves event columns for an input of `totalBytes`, from the rows per byte so far.
    mutating func reserveEstimate(totalBytes: Int) {
        guard report.bytesRead > 0, report.rowsRead > 0 else { return }
        let estimate = Double(totalBytes) * Double(report.rowsRead) / Double(report.bytesRead) * 1.05
        guard estimate.isFinite, estimate < 2_000_000_000 else { return }
        worker?.reserve(Int(estimate))
    }
}
