import Foundation
import PyRuntime
import RunModel
import TraceLanguage
import VLoopFuzzDriver
import VirtualLoop

// The libFuzzer target for the whole path from bytes to a finished replay
// (docs/LIMITS.md, "Fuzzing and sanitizers"): the bytes are decoded as
// `vloop run` decodes a file, parsed, compiled and import-checked by the
// trace loader, and a trace that loads is replayed under tight limits, its
// event log and traceback rendered as `vloop run --events` would.
//
// This target exists only when the package is built with VLOOP_FUZZ=1 in the
// environment (scripts/fuzz does it, with `-sanitize=fuzzer,address`): its
// `main` hands over to libFuzzer's driver, which a plain `swift build` does
// not link.

/// The limits of one fuzzed replay: tight enough that an execution takes
/// well under a millisecond for a small input, loose enough to reach the
/// loop's timers, tasks and exceptions. Importing the standard-library
/// modules the generated traces use (json, dataclasses, enum, ...) takes
/// 20,000 to 50,000 instructions in the trace's first step: fewer per step,
/// and every generated trace would stop there.
let fuzzLimits = RunLimits(
    maxSteps: 1_000, maxTime: 3_600, maxInstructions: 100_000, detectsLivelock: true, livelockSteps: 200)

/// The name the fuzzed trace goes by in diagnostics and tracebacks.
let fuzzPath = "fuzz.trace"

/// One execution: what `vloop run --no-store --events` does with a file, in memory.
func fuzzOne(_ bytes: UnsafeBufferPointer<UInt8>) {
    // As `vloop run` reads a file: bytes that are not UTF-8, or a NUL, are an error at the first of them.
    let file = SourceFile(path: fuzzPath, data: Data(buffer: bytes))
    guard case .success(let loaded) = TraceLoader.load(file, builtinModules: World.builtinModuleNames) else {
        return
    }
    let report = TraceRunner.runHere(
        loaded.compiled, modules: loaded.modules, limits: fuzzLimits, seed: 0, perturbation: nil,
        recordingTaskSteps: false)
    var bytesOut = 0
    for event in report.events { bytesOut &+= event.jsonLine.utf8.count }
    if let traceback = report.traceback(files: loaded.sourceFiles) { bytesOut &+= traceback.utf8.count }
    for note in report.notes { bytesOut &+= note.utf8.count }
    if let hang = report.hang { bytesOut &+= hang.lines.count }
    precondition(bytesOut >= 0)
}

/// libFuzzer's callback: one input, always accepted into the corpus when it adds coverage.
func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzOne(UnsafeBufferPointer(start: data, count: size))
    return 0
}

/// The entry point: libFuzzer's driver, with the command line (libFuzzer's
/// options, corpus folders, inputs), on a thread with the 512 MiB stack that
/// `vloop run` gives a replay (TraceRunner): every input replays on that one
/// thread, made once, where making a thread for each replay, or handing each
/// input to another thread, costs more than a small replay.
@main enum FuzzMain {
    static func main() {
        let driver = Thread {
            var argc = CommandLine.argc
            var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
            exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzTestOneInput))
        }
        driver.stackSize = (1 << 29) * sanitizerStackFactor
        driver.start()
        while true { sleep(3600) }
    }
}
