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

@main
enum Driver {
    static func main() {
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzJourneyMap(data, size) })
    }
}
