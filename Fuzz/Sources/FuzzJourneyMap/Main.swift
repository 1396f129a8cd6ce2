#if canImport(Glibc)
import Glibc
#endif
/// SwiftPM links every executable with `main` defined as the module's entry point
/// (`--defsym main=FuzzJourneyMap_main`), so libFuzzer's own `main` is never linked; this entry point
/// hands the command line to libFuzzer instead.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

/// libFuzzer's runtime refers to this symbol even though `LLVMFuzzerRunDriver` gets the callback;
/// it lives here, not beside `fuzzJourneyMap`, because the test suite links both harness files into one
/// module (Tests/FuzzReplayTests), where two definitions would clash.
@_cdecl("LLVMFuzzerTestOneInput")
public func llvmFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    fuzzJourneyMap(data, size)
}

@main
enum Driver {
    static func main() {
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzJourneyMap(data, size) })
    }
}
