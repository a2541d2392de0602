import PyRuntime
import RunModel

/// A registration of the loop's selector.
package struct SelectorKey {
    package let socket: SimSocket
    package var reader: Handle?
    package var writer: Handle?
}

/// The event loop: CPython's `BaseEventLoop` with a virtual clock. Its one
/// `runOnce` is the only place where callbacks run, and its phases are
/// those of `base_events.py`'s `_run_once`, in order.
public final class EventLoop: PyObject {
    package unowned(unsafe) let world: World

    /// Callbacks to run in the next iteration, first in first out.
    /// Invariants: every handle here is of this loop; no handle here is in
    /// `scheduled` (a timer here has its `scheduled` flag clear, every timer
    /// of the heap has it set); a wake-up here names a done future.
    @exclusivity(unchecked) package var ready = HandleQueue()
    /// Pending timers, a heapq-ordered heap (`TimerHeap` states its order).
    /// Invariant: a timer is here exactly when its `scheduled` flag is set,
    /// and at most once.
    @exclusivity(unchecked) package var scheduled = TimerHeap()
    /// CPython's `_timer_cancelled_count`: grows when a scheduled timer is
    /// cancelled, shrinks when a cancelled one is popped from the head, is
    /// reset by a rebuild, and is *not* lowered when a cancelled timer leaves
    /// in the due-timers phase (so it drifts, as in CPython).
    ///
    /// Invariant: it is at least the number of cancelled timers in the heap
    /// (so never negative). Not more can be said: the excess is the number
    /// of cancelled timers that left through the due-timers phase (or were
    /// dropped by `close`) since the last rebuild, which nothing records.
    /// Every change keeps the bound: a cancel adds one to both sides, a
    /// purge from the head takes one from both, a rebuild zeroes both, and
    /// a cancelled timer made ready lowers only the right-hand side.
    @exclusivity(unchecked) package var timerCancelledCount = 0
    #if DEBUG
    /// How many timers of this loop have their `scheduled` flag set (kept by
    /// the flag itself); equal to `scheduled.count` between iterations.
    @exclusivity(unchecked) package var timersMarkedScheduled = 0
    /// `world.steps` when `checkInvariants` last ran (Invariants.swift).
    @exclusivity(unchecked) package var stepsAtLastInvariantCheck = 0
    #endif
    @exclusivity(unchecked) package var stopping = false
    @exclusivity(unchecked) package var closed = false
    /// The async generators first iterated while this loop ran and not yet
    /// finalized or shut down (CPython's `_asyncgens`, in insertion order; AsyncGenShutdown.swift).
    @exclusivity(unchecked) package var asyncgens: [WeakAsyncGenerator] = []
    /// What the async generator hooks reach this loop through (not a weak
    /// reference: one would move every retain of the loop to the slow path).
    package let asyncGenLink = AsyncGenLoopLink()

    deinit { asyncGenLink.loop = nil }
    @exclusivity(unchecked) package var running = false
    @exclusivity(unchecked) package var debug = false
    @exclusivity(unchecked) package var slowCallbackDuration = 0.1
    @exclusivity(unchecked) package var executorShutdownCalled = false
    /// `_default_executor`: a ThreadPoolExecutor of the prelude, made by the
    /// first `run_in_executor(None, ...)`.
    @exclusivity(unchecked) package var defaultExecutor: Value = .none
    /// The selector's registrations: per file descriptor, the socket and the
    /// handles to run when it is readable or writable (`_add_reader`, ...).
    @exclusivity(unchecked) package var selectorKeys: [Int: SelectorKey] = [:]
    /// `_transports`: the transport of each file descriptor.
    package lazy var transports = PyDict()
    @exclusivity(unchecked) package var handlePool = HandlePool()

    package static let minScheduledTimerHandles = 100
    package static let minCancelledTimerHandlesFraction = 0.5
    package static let maximumSelectTimeout = 24.0 * 3600
    package static let clockResolution = 1e-09
    /// How many ready callbacks apart the levels of a callback's memory are prefetched (`Prefetch.swift`).
    package static let prefetchSpacing = 4

    /// Whether an exploring run makes timers late.
    private let perturbsTimers: Bool

    package init(world: World) {
        self.world = world
        perturbsTimers = world.perturber?.kinds.contains(.timers) ?? false
    }

    public override var typeName: String { "_UnixSelectorEventLoop" }
    public override var pyType: PyType { .eventLoopType }
    public override func dropReferences(into teardown: ObjectTeardown) {
        while !ready.isEmpty { teardown.add(ready.popFirst()) }
        for h in scheduled.handles {
            h.scheduled = false
            teardown.add(h)
        }
        scheduled.removeAll()
        teardown.add(defaultExecutor)
        defaultExecutor = .none
        for key in selectorKeys.values {
            teardown.add(key.socket)
            if let h = key.reader { teardown.add(h) }
            if let h = key.writer { teardown.add(h) }
        }
        selectorKeys = [:]
        teardown.add(transports)
    }

    public override func repr(_ vm: Interpreter) throws -> String {
        "<_UnixSelectorEventLoop running=\(running ? "True" : "False") closed=\(closed ? "True" : "False") debug=\(debug ? "True" : "False")>"
    }

    // MARK: Scheduling

    /// `loop.call_soon(...)`: raises when the loop is closed, as CPython's does.
    @discardableResult
    package func callSoon(_ cb: consuming Callback) throws -> Handle {
        if closed { throw world.vm.error(.runtimeError, "Event loop is closed") }
        let h = handlePool.make(cb, loop: self)
        // Through an unretained reference: `world` would be retained around the read.
        h.origin = Unmanaged.passUnretained(world)._withUnsafeGuaranteedRef { $0.cause }
        ready.append(h)
        return h
    }

    package func callAt(_ when: Double, _ cb: consuming Callback, _ vm: Interpreter) throws -> TimerHandle {
        try checkClosed(vm)
        let timer = TimerHandle(when: when + timerLateness(when), cb, loop: self)
        timer.origin = Unmanaged.passUnretained(world)._withUnsafeGuaranteedRef { $0.timerCause }
        scheduled.push(timer)
        timer.scheduled = true
        return timer
    }

    /// `call_at` for asyncio's own timers that no trace code can see (a native
    /// sleep's): reuses `spare` when nothing else refers to it any more.
    @discardableResult
    package func callAt(
        _ when: Double, _ cb: consuming Callback, reusing spare: inout TimerHandle?, _ vm: Interpreter
    ) throws -> TimerHandle {
        guard isKnownUniquelyReferenced(&spare), let timer = spare, !timer.scheduled, timer.loop === self else {
            let timer = try callAt(when, cb, vm)
            spare = timer
            return timer
        }
        try checkClosed(vm)
        timer.when = when + timerLateness(when)
        timer.setCallback(cb)
        timer.cancelled = false
        timer.origin = Unmanaged.passUnretained(world)._withUnsafeGuaranteedRef { $0.timerCause }
        scheduled.push(timer)
        timer.scheduled = true
        return timer
    }

    /// When exploring, how late the timer being set for `when` fires (in
    /// proportion to its delay from now, and `timer_jitter`).
    @inline(__always) private func timerLateness(_ when: Double) -> Double {
        guard perturbsTimers, let p = world.perturber else { return 0 }
        let loc = world.tracePosition
        let cause = world.perturbationCause
        return p.lateness(
            delay: when - world.clock, at: loc, cause: cause, t: world.clock, position: world.positionText(loc)
        ) {
            "\(cause.task.map { "\($0): " } ?? "")the timer set at \(world.positionText(loc)) fired \(seconds($0)) s late"
        }
    }

    package func createFuture() -> PyFuture { PyFuture(loop: self) }

    package func checkClosed(_ vm: Interpreter) throws {
        if closed { throw vm.error(.runtimeError, "Event loop is closed") }
    }

    package func checkRunning(_ vm: Interpreter) throws {
        if running { throw vm.error(.runtimeError, "This event loop is already running") }
        if world.runningLoopOrNil != nil {
            throw vm.error(.runtimeError, "Cannot run the event loop while another loop is running")
        }
    }

    // MARK: Running

    /// One iteration: purge cancelled timers, compute the timeout, let the
    /// clock jump (the virtual `select`), move due timers to the ready
    /// queue, then run exactly the callbacks that were ready at that point.
    package func runOnce(_ vm: Interpreter) throws {
        let count = scheduled.count
        if count > Self.minScheduledTimerHandles
            && Double(timerCancelledCount) / Double(count) > Self.minCancelledTimerHandlesFraction
        {
            var kept: [TimerHandle] = []
            for h in scheduled.handles {
                if h.cancelled { h.scheduled = false } else { kept.append(h) }
            }
            scheduled.rebuild(kept)
            timerCancelledCount = 0
        } else {
            while let h = scheduled.first, h.cancelled {
                timerCancelledCount -= 1
                _ = scheduled.pop()
                h.scheduled = false
            }
        }

        var timeout: Double?
        if !ready.isEmpty || stopping {
            timeout = 0
        } else if let h = scheduled.first {
            // Python's `min(max(0, when - now), MAXIMUM_SELECT_TIMEOUT)`, whose
            // `max` keeps its first argument unless the second is greater: a
            // NaN deadline gives 0, where Swift's `max` would give NaN.
            let wait = h.when - world.clock
            timeout = min(wait > 0 ? wait : 0, Self.maximumSelectTimeout)
        }

        let events = try world.select(timeout, loop: self)
        if !events.isEmpty { processEvents(events) }

        let endTime = world.clock + Self.clockResolution
        // CPython breaks on `when >= end_time`: a NaN deadline is due at once.
        while let when = scheduled.firstWhen, !(when >= endTime) {
            let h = scheduled.pop()
            h.scheduled = false
            ready.append(h)
        }

        let ntodo = ready.count
        if let order = world.perturber?.shuffle(
            ntodo, t: world.clock,
            { "the \(ntodo) ready callbacks at t=\(seconds(world.clock)) ran in a shuffled order" })
        {
            // Exploring with shuffle_ready: exactly these callbacks, in a random order.
            var batch: [Handle] = []
            for _ in 0..<ntodo { batch.append(ready.popFirst()) }
            for i in order where !batch[i].cancelled { try world.runHandle(batch[i], vm) }
            #if DEBUG
            checkInvariantsAfterIteration()
            #endif
            return
        }
        // Prefetching (`Prefetch.swift`): the handle `k * spacing` places
        // ahead gets level `levels - k` of its memory, so that each level has
        // the time of `spacing` callbacks to arrive before the next one reads it.
        let levels = Handle.prefetchLevels, spacing = Self.prefetchSpacing
        for level in 0..<levels {
            for k in 0..<min(levels * spacing, ready.count) { prefetch(k, level) }
        }
        for _ in 0..<ntodo {
            var k = spacing, level = levels - 1
            while level >= 0, k < ready.count {
                prefetch(k, level)
                k += spacing
                level -= 1
            }
            let h = ready.popFirst()
            if !h.cancelled { try world.runHandle(h, vm) }
            handlePool.recycle(h)
        }
        #if DEBUG
        checkInvariantsAfterIteration()
        #endif
    }

    @inline(__always) private func prefetch(_ k: Int, _ level: Int) {
        ready.peek(k)._withUnsafeGuaranteedRef { $0.prefetch(level: level) }
    }

    /// `_process_events`: each ready socket's reader, then its writer, joins the ready queue.
    private func processEvents(_ events: [(socket: SimSocket, mask: Int)]) {
        for (socket, mask) in events {
            guard let key = selectorKeys[socket.fd] else { continue }
            let origin = Cause(kind: .socket, source: socket.record ?? -1, step: world.steps, t: world.clock)
            if mask & 1 != 0, let reader = key.reader {
                if reader.cancelled {
                    removeHandler(socket.fd, write: false)
                } else {
                    reader.origin = origin
                    ready.append(reader)
                }
            }
            if mask & 2 != 0, let writer = selectorKeys[socket.fd]?.writer {
                if writer.cancelled {
                    removeHandler(socket.fd, write: true)
                } else {
                    writer.origin = origin
                    ready.append(writer)
                }
            }
        }
    }

    // MARK: The selector

    /// `_add_reader(fd, callback, *args)` (and `_add_writer` with `write`).
    package func addHandler(_ fd: Int, write: Bool, _ cb: Value, _ args: [Value], _ vm: Interpreter) throws -> Handle {
        try checkClosed(vm)
        guard let socket = world.network.sockets[fd] else {
            throw vm.error(.valueError, "Invalid file descriptor: \(fd)")
        }
        let handle = Handle(.call(cb, args), loop: self)
        var key = selectorKeys[fd] ?? SelectorKey(socket: socket)
        let old = write ? key.writer : key.reader
        if write { key.writer = handle } else { key.reader = handle }
        selectorKeys[fd] = key
        old?.cancelled = true
        return handle
    }

    /// `_remove_reader(fd)` (and `_remove_writer` with `write`): false when none was registered.
    @discardableResult
    package func removeHandler(_ fd: Int, write: Bool) -> Bool {
        if closed { return false }
        guard var key = selectorKeys[fd] else { return false }
        let handle = write ? key.writer : key.reader
        if write { key.writer = nil } else { key.reader = nil }
        selectorKeys[fd] = key.reader == nil && key.writer == nil ? nil : key
        handle?.cancelled = true
        return handle != nil
    }

    package func runForever(_ vm: Interpreter) throws {
        try checkClosed(vm)
        try checkRunning(vm)
        running = true
        let previous = world.runningLoopOrNil
        world.runningLoopOrNil = self
        let previousHooks = vm.asyncGenHooks
        vm.asyncGenHooks = asyncGenHooks()
        defer {
            stopping = false
            running = false
            world.context = .outside
            world.runningLoopOrNil = previous
            vm.asyncGenHooks = previousHooks
        }
        while true {
            try runOnce(vm)
            if stopping { break }
        }
    }

    package func runUntilComplete(_ arg: Value, _ vm: Interpreter) throws -> Value {
        try checkClosed(vm)
        try checkRunning(vm)
        let isFuture: Bool
        if case .obj(let o) = arg, o is PyFuture { isFuture = true } else { isFuture = false }
        let future = try world.ensureFuture(arg, loop: self, vm)
        if !isFuture, let t = future as? PyTask { t.logDestroyPending = false }
        try future.addDoneCallback(.runUntilComplete)
        do {
            try runForever(vm)
        } catch let r as PyRaise {
            if !isFuture && future.isDone && future.state != .cancelled { future.logTraceback = false }
            _ = future.removeDoneCallback { if case .runUntilComplete = $0 { return true } else { return false } }
            throw r
        }
        _ = future.removeDoneCallback { if case .runUntilComplete = $0 { return true } else { return false } }
        if !future.isDone { throw vm.error(.runtimeError, "Event loop stopped before Future completed.") }
        return try future.resultValue(vm)
    }

    /// Drops every scheduled callback (the heap's handles are owned through unmanaged references).
    package func discardCallbacks() {
        ready.removeAll()
        for h in scheduled.handles { h.scheduled = false }
        scheduled.removeAll()
    }

    package func close(_ vm: Interpreter) throws {
        if running { throw vm.error(.runtimeError, "Cannot close a running event loop") }
        if closed { return }
        closed = true
        discardCallbacks()
        executorShutdownCalled = true
        // BaseEventLoop.close(): the default executor shuts down without waiting.
        if case .obj(let executor) = defaultExecutor {
            defaultExecutor = .none
            _ = try executor.callMethod("shutdown", Args(keywords: [("wait", .bool(false))]), vm)
        }
    }

    /// A function of the asyncio prelude (`_run_in_executor`, ...).
    func prelude(_ name: String, _ vm: Interpreter) throws -> Value {
        guard case .obj(let m) = try world.importModule("asyncio"), let f = try m.getAttr(name, vm) else {
            preconditionFailure("the asyncio prelude lacks \(name)")
        }
        return f
    }

    // MARK: The methods a trace calls

    public override func callMethod(_ name: String, _ args: Args, _ vm: Interpreter) throws -> Value {
        switch name {
        case "run_until_complete":
            try vm.checkArity("run_until_complete", args, 1, 1)
            return try world.recordResult(runUntilComplete(args[0], vm))
        case "run_forever":
            try runForever(vm)
            return .none
        case "stop":
            stopping = true
            return .none
        case "close":
            try close(vm)
            return .none
        case "is_running": return .bool(running)
        case "is_closed": return .bool(closed)
        case "get_debug": return .bool(debug)
        case "set_debug":
            try vm.checkArity("set_debug", args, 1, 1)
            debug = try vm.truthy(args[0])
            return .none
        case "time":
            return .float(world.readClock())
        case "call_soon":
            guard args.count >= 1 else {
                throw vm.error(.typeError, "call_soon() missing 1 required positional argument: 'callback'")
            }
            try checkClosed(vm)
            if debug { try checkCallback(args[0], "call_soon", vm) }
            return .obj(try callSoon(.call(args[0], Array(args.positional.dropFirst()))))
        case "call_later":
            guard args.count >= 2 else {
                throw vm.error(
                    .typeError, "call_later() missing 2 required positional arguments: 'delay' and 'callback'")
            }
            if args[0].isNone { throw vm.error(.typeError, "delay must not be None") }
            let when = world.clock + (try vm.numberArg(args[0], "delay"))
            if debug { try checkCallback(args[1], "call_later", vm) }
            return .obj(try callAt(when, .call(args[1], Array(args.positional.dropFirst(2))), vm))
        case "call_at":
            guard args.count >= 2 else {
                throw vm.error(.typeError, "call_at() missing 2 required positional arguments: 'when' and 'callback'")
            }
            if args[0].isNone { throw vm.error(.typeError, "when cannot be None") }
            if debug { try checkCallback(args[1], "call_at", vm) }
            return .obj(
                try callAt(try vm.numberArg(args[0], "when"), .call(args[1], Array(args.positional.dropFirst(2))), vm))
        case "create_future":
            return .obj(createFuture())
        case "create_task":
            try vm.checkArity("create_task", args, 1, 1)
            try checkClosed(vm)
            let nameArg = args.keyword("name") ?? .none
            let task = try world.createTask(args[0], loop: self, name: nameArg.isNone ? nil : try vm.str(nameArg), vm)
            return .obj(task)
        case "shutdown_asyncgens":
            return try vm.call(try prelude("_shutdown_asyncgens", vm), Args([.obj(self)]))
        case "_take_asyncgens":
            return .obj(PyList(takeAsyncgens()))
        case "shutdown_default_executor":
            return try vm.call(try prelude("_shutdown_default_executor", vm), Args([.obj(self)]))
        case "run_in_executor":
            guard args.count >= 2 else {
                throw vm.error(
                    .typeError,
                    "run_in_executor() missing \(2 - args.count) required positional argument\(args.count == 1 ? "" : "s"): \(args.count == 0 ? "'executor' and 'func'" : "'func'")"
                )
            }
            try checkClosed(vm)
            if debug { try checkCallback(args[1], "run_in_executor", vm) }
            return try vm.call(try prelude("_run_in_executor", vm), Args([.obj(self)] + args.positional))
        case "set_default_executor":
            try vm.checkArity("set_default_executor", args, 1, 1)
            guard case .obj(let m) = try world.importModule("concurrent.futures"),
                case .obj(let t) = try m.getAttr("ThreadPoolExecutor", vm) ?? .none, let tpe = t as? PyType,
                args[0].object?.pyType.isSubtype(of: tpe) == true
            else {
                throw vm.error(.typeError, "executor must be ThreadPoolExecutor instance")
            }
            defaultExecutor = args[0]
            return .none
        case "_add_reader", "_add_writer":
            guard args.count >= 2 else {
                throw vm.error(.typeError, "\(name)() needs a file descriptor and a callback")
            }
            let fd = try vm.intArg(args[0], "fd")
            return .obj(
                try addHandler(fd, write: name == "_add_writer", args[1], Array(args.positional.dropFirst(2)), vm))
        case "_remove_reader", "_remove_writer":
            return .bool(removeHandler(try vm.intArg(args[0], "fd"), write: name == "_remove_writer"))
        case "call_soon_threadsafe":
            guard args.count >= 1 else {
                throw vm.error(.typeError, "call_soon_threadsafe() missing 1 required positional argument: 'callback'")
            }
            try checkClosed(vm)
            if debug { try checkCallback(args[0], "call_soon_threadsafe", vm) }
            return .obj(try callSoon(.call(args[0], Array(args.positional.dropFirst()))))
        case "call_exception_handler", "default_exception_handler":
            if args.count > 0, case .obj(let o) = args[0], let d = o as? PyDict {
                let message =
                    try d.get(.str("message"), vm).map { try vm.str($0) } ?? "Unhandled exception in event loop"
                world.note(message)
            }
            return .none
        case "get_exception_handler", "get_task_factory":
            return .none
        default:
            return try super.callMethod(name, args, vm)
        }
    }

    private func checkCallback(_ cb: Value, _ method: String, _ vm: Interpreter) throws {
        if case .obj(let o) = cb {
            if o is PyCoroutine || o is NativeCoroutine || (o as? PyFunction)?.code.isCoroutine == true {
                throw vm.error(.typeError, "coroutines cannot be used with \(method)()")
            }
            if o.isCallable { return }
        }
        throw vm.error(.typeError, "a callable object was expected by \(method)(), got \(try vm.repr(cb))")
    }

    package static let methodNames: Set<String> = [
        "run_until_complete", "run_forever", "stop", "close", "is_running", "is_closed", "get_debug", "set_debug",
        "time", "call_soon", "call_later", "call_at", "create_future", "create_task", "shutdown_asyncgens",
        "shutdown_default_executor", "call_exception_handler", "default_exception_handler",
        "get_exception_handler", "get_task_factory", "run_in_executor", "set_default_executor", "call_soon_threadsafe",
        "_add_reader", "_add_writer", "_remove_reader", "_remove_writer", "_take_asyncgens",
    ]

    public override func getAttr(_ name: String, _ vm: Interpreter) throws -> Value? {
        if name == "slow_callback_duration" { return .float(slowCallbackDuration) }
        if name == "_default_executor" { return defaultExecutor }
        if name == "_transports" { return .obj(transports) }
        if name == "_executor_shutdown_called" { return .bool(executorShutdownCalled) }
        return boundBuiltin(self, name, Self.methodNames)
    }

    public override func setAttr(_ name: String, _ value: Value, _ vm: Interpreter) throws {
        if name == "slow_callback_duration" {
            slowCallbackDuration = try vm.numberArg(value, "slow_callback_duration")
            return
        }
        if name == "_default_executor" {
            defaultExecutor = value
            return
        }
        if name == "_executor_shutdown_called" {
            executorShutdownCalled = try vm.truthy(value)
            return
        }
        try super.setAttr(name, value, vm)
    }
}
