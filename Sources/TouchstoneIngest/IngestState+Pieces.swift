/// Splitting: every row's raw bytes go to a `PieceRouter` (when one is set) as they are read.
extension IngestState {
    /// Calls `body` with the open record's raw bytes as read: bytes from earlier chunks, then
    /// those of the current chunk up to the end of the current line (its line end included).
    func withRawParts(_ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Void) {
        let current = sliceEnd > chunkRecordStart
            ? UnsafeRawBufferPointer(rebasing: chunk[chunkRecordStart..<sliceEnd])
            : UnsafeRawBufferPointer(start: nil, count: 0)
        pending.withUnsafeBytes { body($0, current) }
    }

    /// The header line just ended.
    func routeHeader() {
        guard let router else { return }
        withRawParts { router.header($0, $1) }
    }

    /// A data record just ended (before it is validated): to the piece of its customer id.
    @inline(__always)
    func routeRecord() {
        guard let router else { return }
        var customer: UnsafeRawBufferPointer?
        if columnOfSlot.count > 0 {
            let column = columnOfSlot[0]
            if column >= 0 && fieldIndex > column && tooLargeColumn != column && slotLength[0] > 0 { customer = slotBytes(0) }
        }
        withRawParts { router.row($0, $1, customer: customer) }
    }
}
