import PyRuntime
import TraceLanguage
import VirtualLoop

// What the micro-benchmarks (Benchmarks/Micro, scripts/bench-micro) reach of
// the loop's parts, which are internal to VirtualLoop (not a product).
//
// This is an SPI, not API: only a file that says `@_spi(Benchmarks) import
// VLoop` sees it, so `import VLoop` is unchanged for users and the types it
// drives (`TimerHeap`, `HandleQueue`, `EventLoop`, `Interpreter`'s calls)
// keep their `package` visibility. Rather than open those types, it offers
// whole drills: the loops of operations run inside VirtualLoop
// (`LoopPartsBench`), compiled as the loop's own calls are, and the Python
// ones inside the interpreter. It may change with any release.

/// The timer heap, the ready queue and `runOnce` of one loop, driven alone
/// (`LoopPartsBench` in VirtualLoop says what each drill does). Not thread-safe:
/// one thread at a time.
@_spi(Benchmarks) public final class LoopPartsBenchmark {
    private let bench = LoopPartsBench()

    public init() {}

    /// Replaces the heap drills' timers by one timer per deadline, timer `i` due at `deadlines[i]`.
    public func makeTimers(_ deadlines: [Double]) { bench.makeTimers(deadlines) }

    /// Pushes every timer onto the empty heap in label order, then pops them
    /// all. Returns the sum of `(position + 1) * label` over the pops: the
    /// order must be the one CPython's `heapq` gives for the same pushes.
    public func pushAllThenPopAll() -> Int { bench.pushAllThenPopAll() }

    /// Pushes every timer onto the empty heap and leaves them there.
    public func fillHeap() { bench.fillHeap() }

    /// `count` times, pops the first timer and pushes it back the next of
    /// `delays` (in turn) after its deadline: the heap keeps its size.
    public func popThenPush(_ count: Int, delays: [Double]) -> Int { bench.popThenPush(count, delays: delays) }

    /// Replaces the ready queue drill's handles by `count` plain handles.
    public func makeHandles(_ count: Int) { bench.makeHandles(count) }

    /// Appends every handle to the empty ready queue, then pops them all; returns how many came out.
    public func appendAllThenPopAll() -> Int { bench.appendAllThenPopAll() }

    /// Schedules `count` callbacks that do nothing with `call_soon`, then runs
    /// one iteration of the loop, which runs them all; returns the steps counted.
    public func callSoonThenRunOnce(_ count: Int) throws -> Int { try bench.callSoonThenRunOnce(count) }
}

/// The interpreter alone, on a trace's functions: the trace runs once (its
/// module level defines them), then each call of ``function(named:)``'s
/// result calls one of them from Swift, as the loop calls a callback.
/// Not thread-safe: one thread at a time.
@_spi(Benchmarks) public final class InterpreterBenchmark {
    /// Keeps the run's world (the interpreter's host) and its objects alive.
    private let report: RunReport

    /// Compiles `source` as a trace and runs it on this thread with the
    /// default limits. Throws ``TraceError`` when it does not compile,
    /// ``InterpreterBenchmarkError`` when its run does not end `ok`.
    public init(source: String, name: String = "<benchmark>") throws {
        let trace = try Trace(source: source, name: name)
        report = TraceRunner.runHere(
            trace.loaded.compiled, modules: trace.loaded.modules, limits: RunLimits(), seed: 0, perturbation: nil,
            recordingTaskSteps: false)
        guard report.status == .ok else {
            throw InterpreterBenchmarkError(message: "\(name) ended \(report.status.rawValue): \(report.value)")
        }
    }

    /// The module-level function `name` of the trace, as a Swift function
    /// that calls it with one int and returns the int it returns. Each call
    /// starts the interpreter's instruction count anew, as a loop step does.
    /// The function keeps this benchmark, and with it the run, alive.
    public func function(named name: String) throws -> (Int) throws -> Int {
        let vm = report.interpreter
        guard let i = vm.globals.names.firstIndex(of: name), case .obj(let f) = vm.globals.values[i] else {
            throw InterpreterBenchmarkError(message: "the trace defines no function \(name)")
        }
        // The function holds the benchmark: the run's world must outlive it (its teardown empties the modules).
        return { [self] argument in
            _ = self
            vm.beginCounting()
            let result: Value
            do {
                result = try f.call(Args([.int(argument)]), vm)
            } catch let r as PyRaise {
                throw InterpreterBenchmarkError(message: "\(name)(\(argument)) raised \(r.exception.summary(vm))")
            }
            guard case .int(let n) = result else {
                throw InterpreterBenchmarkError(
                    message: "\(name)(\(argument)) returned \(try vm.repr(result)), not an int")
            }
            return n
        }
    }
}

/// Why an ``InterpreterBenchmark`` could not run what it was given.
@_spi(Benchmarks) public struct InterpreterBenchmarkError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
