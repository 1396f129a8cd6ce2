/// The version `touchstone --version` prints: defined here only (docs: README.md).
enum TouchstoneVersion {
    static let current = "0.1.0"
}
