import Foundation
import PyRuntime
import RunModel
import TraceLanguage

/// The simulated world of one run, and the composition root that builds
/// its parts: the interpreter's host. Its state is grouped below by the part
/// of VirtualLoop that owns it (README, "Layout"); each part extends `World`
/// in its own folder:
///   - Loop/: the clock and its external events, the loops, `select`, `runHandle`;
///   - Asyncio/: the tasks, the current task, the event loop policy;
///   - Sim/: worker threads, the network, the
///     perturber, `random`, `logging`, the `sim` object;
///   - Run/: limits, the recorder (events, notes, records), the modules a
///     trace imported, the `expect` statements and what the trace returned.
/// Everything here is confined to the loop's thread (workers run only while
/// the loop's thread waits for them).
public final class World: InterpreterHost {
    package let vm: Interpreter
    package let limits: RunLimits
    public let seed: UInt64

    // MARK: Loop/

    /// The virtual clock, in seconds since the trace started. Only `select`
    /// and blocking waits move it, and only forwards.
    @exclusivity(unchecked) public internal(set) var clock = 0.0
    /// Every loop of the run. Futures, tasks and handles refer to their loop
    /// without owning it; the world keeps the loops alive for them.
    @exclusivity(unchecked) package var loops: [EventLoop] = []
    /// The loop running now (`events._get_running_loop()`).
    @exclusivity(unchecked) package var runningLoopOrNil: EventLoop?
    /// Loop callbacks run so far (bounded by `limits.maxSteps`).
    @exclusivity(unchecked) public internal(set) var steps = 0
    /// Pending external events (a worker waking or finishing, bytes
    /// arriving; Clock.swift). Invariants: sorted by due, and at one due time
    /// by seq (unless an exploring run reordered them); the events of one
    /// channel always by seq; each seq once and at most `externalSeq`; between two loop iterations, no worker
    /// event is due before the clock (every wait of the loop's thread runs
    /// the worker events it passes). A network event can be: a blocking call
    /// in a callback (`time.sleep`) moves the clock past it, and it waits
    /// for the next select.
    @exclusivity(unchecked) package var external: [ExternalEvent] = []
    /// The seq of the last external event scheduled.
    @exclusivity(unchecked) package var externalSeq = 0

    // MARK: Asyncio/

    /// The task whose step is running, nil between steps.
    @exclusivity(unchecked) package unowned(unsafe) var currentTask: PyTask?
    /// What is running now, as the cause of what it schedules (Causality.swift):
    /// a handle takes it when scheduled (`Handle.origin`) and gives it back
    /// when it runs; a task's step, a finishing job and a ready socket set
    /// their own. A task's `source` here is its serial (`taskRecords` makes
    /// it a place in creation order).
    @exclusivity(unchecked) package var context = Cause.outside
    /// The tasks of the run and the event loop policy (AsyncioState.swift).
    package let asyncio = AsyncioState()

    // MARK: Sim/

    /// The simulated threads and processes (SimThreads.swift).
    package let threads = SimThreads()
    /// The draws of an exploring run (nil: the nominal replay).
    package let perturber: Perturber?
    package let network = SimNetwork()
    /// `sim`, the simulated world's knobs as the trace sees them.
    @exclusivity(unchecked) package var sim: SimObject!
    /// Who submitted each executor job (by its index in `recorder.jobs`), when exploring.
    @exclusivity(unchecked) package var jobCauses: [Int: PerturbationCause] = [:]
    /// `runHandle` does more than count steps only past this one: the step
    /// limit, the livelock watch's next check (Hangs.swift), or (exploring
    /// with PCT) the step before the next change point.
    @exclusivity(unchecked) package var stepCheck: Int
    /// The generator of the `random` module, seeded by the run's seed (and
    /// when exploring, its run: `Perturbation.randomSeed`).
    @exclusivity(unchecked) package var random: SplitMix64
    package let logging = LoggingState()
    /// The last task steps and the livelock watch (Hangs.swift).
    package let hangs: HangWatch
    /// `hangs.ring`, and the index of its next entry (`HangWatch` states the invariant).
    package let stepRing: UnsafeMutablePointer<HangWatch.Entry>
    @exclusivity(unchecked) package var stepRingNext = 0

    // MARK: Run/ (expect: Expect.swift)

    /// The recorder of the run: its event log, notes and records (Recording.swift).
    public let recorder = Recorder()
    /// Where notes go (`InterpreterHost`): the recorder's.
    public var noteSink: NoteSink { recorder.noteSink }
    /// The modules the trace imported, by name (CPython's `sys.modules`):
    /// built-in modules and the user's own (Imports.swift).
    @exclusivity(unchecked) package var modules: [String: PyObject] = [:]
    /// The user's modules the trace may import, compiled with it.
    package let userModules: ModuleTable
    /// The ordinal (from 1, in load order) of each module file, for the
    /// positions of draws in modules (`tracePosition`).
    package let moduleOrdinals: [String: Int]
    /// The trace's `expect.*` statements and the calls they made (Expect.swift).
    package let expectations = Expectations()
    package lazy var expectObject = ExpectObject(world: self)
    package lazy var printBuiltin = makePrint()
    /// What the last `run`/`run_until_complete` of the trace returned.
    @exclusivity(unchecked) public internal(set) var lastResult: Value = .none

    /// The exception that escaped the trace, kept for the teardown (its traceback's frames may hold it).
    @exclusivity(unchecked) package var escaped: PyException?

    deinit {
        // The run is over and its report gone: its objects go with it, cycles included (WorldTeardown.swift).
        tearDown()
    }

    package func makeLoop() -> EventLoop {
        let loop = EventLoop(world: self)
        loops.append(loop)
        return loop
    }

    package init(
        vm: Interpreter, limits: RunLimits, seed: UInt64, perturbation: Perturbation? = nil,
        userModules: ModuleTable = ModuleTable()
    ) {
        self.vm = vm
        self.userModules = userModules
        var ordinals: [String: Int] = [:]
        for (i, file) in userModules.files.enumerated() { ordinals[file.path] = i + 1 }
        moduleOrdinals = ordinals
        self.limits = limits
        let watch = HangWatch()
        self.hangs = watch
        self.stepRing = watch.ring
        self.seed = seed
        let perturber = perturbation.map(Perturber.init)
        self.perturber = perturber
        self.random = SplitMix64(seed: perturbation.map { Perturbation.randomSeed(seed: seed, run: $0.run) } ?? seed)
        stepCheck = min(limits.maxSteps, (perturber?.nextChangePoint ?? Int.max) - 1)
        // The livelock watch's first check (Hangs.swift).
        if limits.detectsLivelock {
            watch.nextCheck = limits.livelockSteps
            stepCheck = min(stepCheck, watch.nextCheck)
        }
        vm.maxInstructions = limits.maxInstructions
        vm.startMemoryBudget(limits.maxMemory)
        sim = SimObject(world: self)
    }

    // MARK: The interpreter's host (InterpreterHost)

    public func importModule(_ name: String) throws -> Value {
        .obj(try importModuleObject(name))
    }

    /// Names every trace has without importing them: `sim`, `expect`, `print`.
    public func globalBuiltin(_ name: String) -> Value? {
        switch name {
        case "sim": return .obj(sim)
        case "expect": return .obj(expectObject)
        case "print": return .obj(printBuiltin)
        default: return nil
        }
    }

}
