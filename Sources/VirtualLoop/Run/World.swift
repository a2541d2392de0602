import Foundation
import PyRuntime
import RunModel
import TraceLanguage

/// A call of `expect.*`, recorded when the statement runs and checked after the run.
public struct PropertyCall {
    public var name: String
    public var args: [Value]
    public var keywords: [(String, Value)]
    public var loc: SourceLocation
}

/// The simulated world of one run: the virtual clock, the loops, tasks,
/// the modules a trace imports, and the recorder of events.
public final class World: InterpreterHost {
    package let vm: Interpreter
    package let limits: RunLimits
    public let seed: UInt64

    /// The virtual clock, in seconds since the trace started.
    @exclusivity(unchecked) public internal(set) var clock = 0.0
    @exclusivity(unchecked) public internal(set) var events: [TraceEvent] = []
    /// False once the run has stopped: nothing more is recorded.
    package var recording = true {
        didSet { noteSink.open = recording }
    }
    /// Notes about the run (never-retrieved exceptions, warnings); not events.
    public var notes: [String] { noteSink.items }
    /// Where notes go; shared with objects that may outlive the world.
    public let noteSink = NoteSink()
    @exclusivity(unchecked) public internal(set) var properties: [PropertyCall] = []
    @exclusivity(unchecked) public internal(set) var blockings: [Blocking] = []
    @exclusivity(unchecked) public internal(set) var steps = 0
    /// What the last `run`/`run_until_complete` of the trace returned.
    @exclusivity(unchecked) public internal(set) var lastResult: Value = .none

    @exclusivity(unchecked) package var runningLoopOrNil: EventLoop?
    @exclusivity(unchecked) package unowned(unsafe) var currentTask: PyTask?
    /// The event loop policy's loop (`set_event_loop`), and whether it was ever set.
    @exclusivity(unchecked) package var policyLoop: EventLoop?
    @exclusivity(unchecked) package var policySetCalled = false
    @exclusivity(unchecked) package var taskNameCounter = 0
    @exclusivity(unchecked) package var taskSerial = 0
    /// Every task, in creation order (`_all_tasks`); done ones are dropped lazily.
    @exclusivity(unchecked) package var tasks: [PyTask] = []
    /// Every task ever created, in creation order, for the notes at the end.
    @exclusivity(unchecked) package var allTasks: [PyTask] = []
    @exclusivity(unchecked) package var modules: [String: PyModule] = [:]
    @exclusivity(unchecked) package var sim: SimObject!
    @exclusivity(unchecked) package var expectStatements: [(code: CodeObject, loc: SourceLocation)] = []
    @exclusivity(unchecked) package var expectsRun = Set<Int>()
    @exclusivity(unchecked) package var currentExpectLoc = SourceLocation.unknown
    @exclusivity(unchecked) package var random: SplitMix64
    package let logging = LoggingState()
    /// The jobs of the run's executors, filled by the executor code.
    /// Each task's steps at new instants, in order (see `taskRecords`),
    /// when `recordsTaskSteps`.
    @exclusivity(unchecked) package var stepLog: [StepMark] = []
    @exclusivity(unchecked) package var recordsTaskSteps = true
    package lazy var expectObject = ExpectObject(world: self)
    package lazy var printBuiltin = makePrint()

    // The simulated world outside the loop's thread (SimThreads.swift).
    /// Pending external events, sorted by (due, seq).
    @exclusivity(unchecked) package var external: [ExternalEvent] = []
    @exclusivity(unchecked) package var externalSeq = 0
    /// The worker running now (nil: the loop's thread).
    @exclusivity(unchecked) package var currentWorker: SimWorker?
    /// The worker a pool's completion runs "in", for the ctx of its events.
    @exclusivity(unchecked) package var ctxOverride: SimWorker?
    /// Every worker of the run, to end their threads at the end.
    @exclusivity(unchecked) package var workers: [SimWorker] = []
    /// The loop's thread waits on this while a worker runs.
    package let mainWake = DispatchSemaphore(value: 0)
    /// A limit hit inside a worker, rethrown in the loop's thread.
    @exclusivity(unchecked) package var pendingStop: RunStop?
    @exclusivity(unchecked) package var workerSteps = 0
    /// Virtual process ids: the loop's process is 1000, workers 1001, ...
    @exclusivity(unchecked) package var nextPID = 1001
    @exclusivity(unchecked) package var poolCounter = 0
    /// The globals of the concurrent.futures prelude (for the exit hook).
    @exclusivity(unchecked) package var futuresPreludeGlobals: Globals?
    /// The draws of an exploring run (nil: the nominal replay).
    package let perturber: Perturber?
    package let network = SimNetwork()
    /// Every executor job and every connection of the run (Recording.swift).
    @exclusivity(unchecked) public internal(set) var jobs: [JobRecord] = []
    @exclusivity(unchecked) public internal(set) var connections: [ConnectionRecord] = []

    /// Every loop of the run. Futures, tasks and handles refer to their loop
    /// without owning it; the world keeps the loops alive for them.
    @exclusivity(unchecked) package var loops: [EventLoop] = []

    deinit {
        // Values that outlive the world (in the interpreter's globals) must not reach it.
        vm.host = nil
        vm.nativeAwaitTarget = nil
        for loop in loops { loop.discardCallbacks() }
    }

    package func makeLoop() -> EventLoop {
        let loop = EventLoop(world: self)
        loops.append(loop)
        return loop
    }

    package init(vm: Interpreter, limits: RunLimits, seed: UInt64, perturbation: Perturbation? = nil) {
        self.vm = vm
        self.limits = limits
        self.seed = seed
        self.perturber = perturbation.map(Perturber.init)
        self.random = SplitMix64(seed: seed)
        vm.maxInstructions = limits.maxInstructions
        sim = SimObject(world: self)
    }

    // MARK: Recording

    package var currentCtx: String { ctxWorker?.name ?? currentTask?.name ?? "MainThread" }

    package func record(_ e: TraceEvent) {
        if recording { events.append(e) }
    }

    package func recordPrint(_ text: String) {
        record(TraceEvent(t: clock, ctx: currentCtx, kind: .print, text: text))
    }

    package func recordLog(_ text: String) {
        record(TraceEvent(t: clock, ctx: currentCtx, kind: .log, text: text))
    }

    package func note(_ text: String) {
        noteSink.add(text)
    }

    package func taskFinished(_ t: PyTask) {
        let (state, value) = t.outcome(vm)
        record(TraceEvent(t: clock, ctx: t.name, kind: .taskDone, state: state, value: value))
    }

    package func recordResult(_ v: Value) -> Value {
        lastResult = v
        return v
    }

    // MARK: The loop's world

    package func nextTaskSerial() -> Int {
        taskSerial += 1
        return taskSerial
    }

    package func runningLoop() throws -> EventLoop {
        guard let l = runningLoopOrNil else { throw vm.error(.runtimeError, "no running event loop") }
        return l
    }

    /// `events._get_event_loop()`: the running loop, else the policy's (created on first use).
    package func getEventLoop() throws -> EventLoop {
        if let l = runningLoopOrNil { return l }
        if let worker = currentWorker {
            // The policy's loop belongs to the main thread.
            throw vm.error(.runtimeError, "There is no current event loop in thread '\(worker.threadName)'.")
        }
        if policyLoop == nil && !policySetCalled {
            policySetCalled = true
            policyLoop = makeLoop()
        }
        guard let l = policyLoop else {
            throw vm.error(.runtimeError, "There is no current event loop in thread 'MainThread'.")
        }
        return l
    }

    /// The virtual `select(timeout)`: the clock jumps instead of waiting. With
    /// an external event `e` due within the timeout (or no timeout), the clock
    /// becomes max(now, e) and everything due by then is delivered; otherwise
    /// it becomes now + timeout; with neither, the run is deadlocked.
    ///
    /// Returns the sockets of `loop`'s selector that are ready, each once with
    /// its mask (1: readable, 2: writable): those that already were ready
    /// first (and then the select does not wait), then those the deliveries
    /// made ready, in that order.
    package func select(_ timeout: Double?, loop: EventLoop) throws -> [(socket: SimSocket, mask: Int)] {
        network.newlyReady.removeAll()
        let already = loop.selectorKeys.isEmpty ? [] : readySockets(loop)
        let timeout = already.isEmpty ? timeout : 0
        if let e = external.first, timeout == nil || e.due <= clock + timeout! {
            let next = max(clock, e.due)
            if next > limits.maxTime { throw RunStop(reason: .limit("max-time")) }
            clock = next
            try deliverDue()
        } else {
            guard let timeout else {
                throw RunStop(reason: .deadlock)
            }
            if timeout > 0 {
                let next = clock + timeout
                if next > limits.maxTime { throw RunStop(reason: .limit("max-time")) }
                clock = next
            }
        }
        if loop.selectorKeys.isEmpty { return [] }
        var order = already
        for s in network.newlyReady where !order.contains(where: { $0 === s }) { order.append(s) }
        var events: [(socket: SimSocket, mask: Int)] = []
        for s in order {
            guard let key = loop.selectorKeys[s.fd] else { continue }
            let mask = (key.reader != nil && s.readable ? 1 : 0) | (key.writer != nil && s.writable ? 2 : 0)
            if mask != 0 { events.append((s, mask)) }
        }
        return events
    }

    /// `time.sleep(d)`: in a job it suspends only its worker; in the loop's
    /// thread the clock advances on the spot (workers keep running meanwhile).
    package func blockLoop(_ d: Double) throws {
        if d < 0 { throw vm.error(.valueError, "sleep length must be non-negative") }
        if let worker = currentWorker {
            try sleepInWorker(worker, d)
            return
        }
        let next = clock + d
        if next > limits.maxTime { throw RunStop(reason: .limit("max-time")) }
        try blockUntil(next) { false }
        clock = next
    }

    /// Runs one callback (`Handle._run`): the only place callbacks run.
    package func runHandle(_ h: Handle, _ vm: Interpreter) throws {
        steps += 1
        if steps > limits.maxSteps { throw RunStop(reason: .limit("max-steps")) }
        vm.instructions = 0
        let start = clock
        do {
            if let task = h.hintTask, let future = h.hintFuture {
                // `Task.__wakeup(future)`, the commonest callback (`.wakeup` or
                // `.sleepWakeup`), run on the handle's own references: trace code
                // never sees a wake-up's handle, so nothing replaces its callback
                // while it runs.
                try task._withUnsafeGuaranteedRef { t in
                    try future._withUnsafeGuaranteedRef { try t.wakeup($0, vm) }
                }
            } else {
                switch h.callback {
                case .taskStep(let t, let e):
                    try t.step(e, vm)
                case .wakeup, .sleepWakeup:
                    preconditionFailure("a wake-up's handle has both hints, and runs above")
                case .setResultUnlessCancelled(let f, let v):
                    if f.state != .cancelled { try f.setResult(v, vm) }
                case .doneCallback(let cb, let fut):
                    switch cb {
                    case .value(let fn): _ = try vm.call(fn, Args([.obj(fut)]))
                    case .wakeup(let t): try t.wakeup(fut, vm)
                    case .runUntilComplete:
                        if fut.state != .cancelled, case .obj(let o) = try fut.exceptionValue(vm),
                           let e = o as? PyException, e.type === PyType.systemExit || e.type === PyType.keyboardInterrupt {
                            break
                        }
                        fut.loop.stopping = true
                    case .native(let f): try f.body(fut)
                    }
                case .call(let fn, let args):
                    _ = try vm.call(fn, Args(args))
                case .idle:
                    break
                }
            }
        } catch let r as PyRaise {
            note("Exception in callback \(h.describe(vm)): \(r.exception.summary(vm))")
        }
        let busy = clock - start
        if busy > 0 {
            let ctx: String
            switch h.callback {
            case .taskStep(let t, _), .wakeup(let t, _), .sleepWakeup(let t, _), .doneCallback(.wakeup(let t), _):
                ctx = t.name
            default: ctx = h.describe(vm)
            }
            blockings.append(Blocking(start: start, duration: busy, ctx: ctx))
            if h.loop.debug && busy >= h.loop.slowCallbackDuration {
                note("Executing \((try? h.repr(vm)) ?? "handle") took \(formatFixed(busy, 3, vm)) seconds")
            }
        }
    }

    // MARK: Tasks and futures

    package func isCoroutine(_ v: Value) -> Bool {
        if case .obj(let o) = v { return o is PyCoroutine || o is NativeCoroutine }
        return false
    }

    /// `Task(coro, loop=loop, name=name)`.
    package func createTask(_ coro: Value, loop: EventLoop, name: String?, _ vm: Interpreter) throws -> PyTask {
        guard isCoroutine(coro), case .obj(let o) = coro, let it = o as? SendableIterator else {
            throw vm.error(.typeError, "a coroutine was expected, got \(try vm.repr(coro))")
        }
        let taskName: String
        if let name {
            taskName = name
        } else {
            taskNameCounter += 1
            taskName = "Task-\(taskNameCounter)"
        }
        let task = PyTask(coro: it, loop: loop, name: taskName, world: self)
        try loop.callSoon(.taskStep(task, nil))
        tasks.append(task)
        allTasks.append(task)
        return task
    }

    /// `tasks._ensure_future(arg, loop=loop)`.
    package func ensureFuture(_ arg: Value, loop: EventLoop?, _ vm: Interpreter) throws -> PyFuture {
        if case .obj(let o) = arg, let f = o as? PyFuture {
            if let loop, f.loop !== loop {
                throw vm.error(.valueError, "The future belongs to a different loop than the one specified as the loop argument")
            }
            return f
        }
        guard isCoroutine(arg) else {
            throw vm.error(.typeError, "An asyncio.Future, a coroutine or an awaitable is required")
        }
        let l = try loop ?? getEventLoop()
        try l.checkClosed(vm)
        return try createTask(arg, loop: l, name: nil, vm)
    }

    /// Pending tasks of `loop` (all loops when nil), in creation order.
    package func pendingTasks(of loop: EventLoop?) -> [PyTask] {
        tasks.removeAll { $0.isDone }
        return tasks.filter { loop == nil || $0.loop === loop }
    }

    // MARK: Modules

    public func importModule(_ name: String) throws -> Value {
        if let m = modules[name] { return .obj(m) }
        let m: PyModule
        switch name {
        case "asyncio": m = try makeAsyncioModuleWithPrelude()
        case "time": m = makeTimeModule()
        case "logging": m = makeLoggingModule()
        case "sys": m = makeSysModule()
        case "random": m = makeRandomModule()
        case "functools": m = makeFunctoolsModule()
        case "concurrent":
            m = PyModule("concurrent")
            m.attributes["futures"] = try importModule("concurrent.futures")
        case "concurrent.futures": m = try makeConcurrentFuturesModule()
        default:
            throw vm.raise(PyException(type: .importError, args: [.str("No module named '\(name)'")]))
        }
        modules[name] = m
        return .obj(m)
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

    public func runExpectStatement(_ i: Int) throws {
        expectsRun.insert(i)
        vm.instructions = 0
        currentExpectLoc = expectStatements[i].loc
        _ = try vm.runModuleCode(expectStatements[i].code)
    }
}

/// Python's `'%.Nf' % x`.
package func formatFixed(_ x: Double, _ digits: Int, _ vm: Interpreter) -> String {
    (try? percentFormat("%.\(digits)f", .float(x), vm)) ?? String(x)
}
