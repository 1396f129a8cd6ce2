import ArgumentParser

/// Options every command that does work takes (`stats`, `discover`, `map validate`,
/// `map draft`, `check`, `report`).
struct CommonOptions: ParsableArguments {
    @Flag(help: "Print no notes on standard error (errors are still printed).")
    var quiet = false
}

/// A command with `CommonOptions`; `Touchstone.main` applies them before `run()`.
protocol CommonOptionsCommand {
    var common: CommonOptions { get }
}
