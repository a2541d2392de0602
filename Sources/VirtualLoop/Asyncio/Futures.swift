import PyRuntime
import RunModel

/// `asyncio.Future` and `asyncio.Task`, following CPython 3.11's pure-Python
/// implementations (`futures._PyFuture`, `tasks._PyTask`) step for step:
/// the order in which they schedule callbacks is the order of the trace.
public class PyFuture: PyObject {
    /// A future's lifecycle: pending, then exactly one of the two others.
    package enum State { case pending, cancelled, finished }

    @exclusivity(unchecked) package var state = State.pending
    @exclusivity(unchecked) package var result: Value = .none
    @exclusivity(unchecked) package var exception: PyException?
    /// The done callbacks, in order: the first one inline (most futures
    /// have exactly one, a task's wake-up), the others after it.
    /// Invariant: none once the future is done (they have been scheduled).
    @exclusivity(unchecked) package var firstCallback: FutureCallback?
    /// The task the latest first done callback woke, for prefetching
    /// (`Prefetch.swift`). Only ever prefetched, never read through: it may
    /// be stale.
    @exclusivity(unchecked) package var hintWaiter: Unmanaged<PyTask>?
    @exclusivity(unchecked) package var moreCallbacks: [FutureCallback] = []
    @exclusivity(unchecked) package var cancelMessage: Value = .none
    @exclusivity(unchecked) package var cancelledException: PyException?
    /// `_asyncio_future_blocking`: set by `__await__` just before it yields the future.
    @exclusivity(unchecked) package var blocking = false
    /// A native sleep's future (`Frame.sleepFuture`): its frame keeps it
    /// alive, and trace code never sees it.
    @exclusivity(unchecked) package var isNativeSleep = false
    @exclusivity(unchecked) package var logTraceback = false
    package unowned(unsafe) let loop: EventLoop

    package init(loop: EventLoop) {
        self.loop = loop
    }

    public override var typeName: String { "Future" }
    public override var pyType: PyType { .asyncioFuture }

    /// `Future.__await__`.
    public override func awaitIterator(_ vm: Interpreter) throws -> PyObject? { FutureIterator(self) }

    package var isDone: Bool { state != .pending }

    public override func repr(_ vm: Interpreter) throws -> String {
        "<\(typeName) \(stateText(vm))>"
    }

    package func stateText(_ vm: Interpreter) -> String {
        switch state {
        case .pending: return "pending"
        case .cancelled: return "cancelled"
        case .finished:
            if let e = exception { return "finished exception=\((try? e.repr(vm)) ?? e.type.name)" }
            return "finished result=\((try? vm.repr(result)) ?? "?")"
        }
    }

    /// Makes a done future pending again, for reuse by a native sleep.
    /// Only for futures that nothing but their owner refers to.
    package func resetForReuse() {
        state = .pending
        blocking = false
        logTraceback = false
        // Each field is written only when it holds something: writing
        // releases the old value, which is nothing in the common case.
        if !result.isNone { result = .none }
        if exception != nil { exception = nil }
        if case .some = firstCallback { firstCallback = nil }
        if !moreCallbacks.isEmpty { moreCallbacks = [] }
        if !cancelMessage.isNone { cancelMessage = .none }
        if cancelledException != nil { cancelledException = nil }
    }

    // MARK: The state machine

    /// Called at the moment the state changes, before callbacks are scheduled.
    package func didFinish() {}

    package func scheduleCallbacks() throws {
        guard let first = firstCallback.take() else { return }
        switch consume first {
        case .wakeup(let task):
            try loop.callSoon(isNativeSleep ? .sleepWakeup(task, .passUnretained(self)) : .wakeup(task, self))
        case let other: try loop.callSoon(.doneCallback(other, self))
        }
        if moreCallbacks.isEmpty { return }
        let more = moreCallbacks
        moreCallbacks = []
        for cb in more {
            if case .wakeup(let task) = cb {
                try loop.callSoon(.wakeup(task, self))
            } else {
                try loop.callSoon(.doneCallback(cb, self))
            }
        }
    }

    package func setResult(_ v: Value, _ vm: Interpreter) throws {
        if state != .pending {
            throw vm.raise(PyException(type: .invalidStateError, args: [.str("\(stateName): \(try repr(vm))")]))
        }
        result = v
        state = .finished
        didFinish()
        try scheduleCallbacks()
    }

    package func setException(_ v: Value, _ vm: Interpreter) throws {
        if state != .pending {
            throw vm.raise(PyException(type: .invalidStateError, args: [.str("\(stateName): \(try repr(vm))")]))
        }
        var e: PyException
        if case .obj(let o) = v, let t = o as? PyType, t.isExceptionType {
            e = try vm.exceptionToRaise(.obj(t))
        } else if case .obj(let o) = v, let inst = o as? PyException {
            e = inst
        } else {
            throw vm.error(.typeError, "exceptions must derive from BaseException")
        }
        if e.type === PyType.stopIteration {
            throw vm.error(.typeError, "StopIteration interacts badly with generators and cannot be raised into a Future")
        }
        exception = e
        state = .finished
        didFinish()
        try scheduleCallbacks()
        logTraceback = true
    }

    package var stateName: String {
        switch state {
        case .pending: return "PENDING"
        case .cancelled: return "CANCELLED"
        case .finished: return "FINISHED"
        }
    }

    /// `Future.cancel(msg)`.
    package func cancel(_ msg: Value, _ vm: Interpreter) throws -> Bool {
        logTraceback = false
        if state != .pending { return false }
        state = .cancelled
        cancelMessage = msg
        didFinish()
        try scheduleCallbacks()
        return true
    }

    package func makeCancelledError() -> PyException {
        if let e = cancelledException {
            cancelledException = nil
            return e
        }
        return PyException(type: .cancelledError, args: cancelMessage.isNone ? [] : [cancelMessage])
    }

    /// `Future.result()`.
    package func resultValue(_ vm: Interpreter) throws -> Value {
        switch state {
        case .cancelled: throw PyRaise(exception: makeCancelledError())
        case .pending: throw vm.raise(PyException(type: .invalidStateError, args: [.str("Result is not ready.")]))
        case .finished:
            logTraceback = false
            if let e = exception { throw PyRaise(exception: e) }
            return result
        }
    }

    /// `Future.exception()`.
    package func exceptionValue(_ vm: Interpreter) throws -> Value {
        switch state {
        case .cancelled: throw PyRaise(exception: makeCancelledError())
        case .pending: throw vm.raise(PyException(type: .invalidStateError, args: [.str("Exception is not set.")]))
        case .finished:
            logTraceback = false
            return exception.map { .obj($0) } ?? .none
        }
    }

    /// `add_done_callback(task.__wakeup)`, with the commonest case first:
    /// a pending future that nothing else waits for.
    package func addWakeup(_ task: PyTask) throws {
        if state == .pending, case .none = firstCallback {
            hintWaiter = .passUnretained(task)
            firstCallback = .wakeup(task)
        } else {
            try addDoneCallback(.wakeup(task))
        }
    }

    package func addDoneCallback(_ cb: consuming FutureCallback) throws {
        if state != .pending {
            try loop.callSoon(.doneCallback(cb, self))
        } else {
            if firstCallback == nil {
                if case .wakeup(let t) = cb { hintWaiter = .passUnretained(t) }
                firstCallback = cb
            } else {
                moreCallbacks.append(cb)
            }
        }
    }

    package func removeDoneCallback(_ matches: (FutureCallback) -> Bool) -> Int {
        var all = moreCallbacks
        if let first = firstCallback { all.insert(first, at: 0) }
        let before = all.count
        all.removeAll(where: matches)
        firstCallback = all.first
        moreCallbacks = Array(all.dropFirst())
        return before - all.count
    }

    // MARK: The methods a trace calls

    public override func callMethod(_ name: String, _ args: Args, _ vm: Interpreter) throws -> Value {
        switch name {
        case "result":
            try vm.checkArity("result", args, 0, 0)
            return try resultValue(vm)
        case "exception":
            try vm.checkArity("exception", args, 0, 0)
            return try exceptionValue(vm)
        case "done":
            return .bool(isDone)
        case "cancelled":
            return .bool(state == .cancelled)
        case "cancel":
            try vm.checkArity("cancel", args, 0, 1)
            return .bool(try cancel(args.count > 0 ? args[0] : args.keyword("msg") ?? .none, vm))
        case "add_done_callback":
            try vm.checkArity("add_done_callback", args, 1, 1)
            try addDoneCallback(.value(args[0]))
            return .none
        case "remove_done_callback":
            try vm.checkArity("remove_done_callback", args, 1, 1)
            let fn = args[0]
            return .int(removeDoneCallback { $0.matches(fn, vm) })
        case "set_result":
            try vm.checkArity("set_result", args, 1, 1)
            try setResult(args[0], vm)
            return .none
        case "set_exception":
            try vm.checkArity("set_exception", args, 1, 1)
            try setException(args[0], vm)
            return .none
        case "get_loop":
            return .obj(loop)
        case "__await__":
            return .obj(FutureIterator(self))
        default:
            return try super.callMethod(name, args, vm)
        }
    }

    package static let methodNames: Set<String> = [
        "result", "exception", "done", "cancelled", "cancel", "add_done_callback", "remove_done_callback",
        "set_result", "set_exception", "get_loop",
    ]

    public override func getAttr(_ name: String, _ vm: Interpreter) throws -> Value? {
        if name == "_asyncio_future_blocking" { return .bool(blocking) }
        return boundBuiltin(self, name, Self.methodNames)
    }
}

/// `Future.__await__`: yields the future once if it is not done, then returns its result.
package final class FutureIterator: SendableIterator {
    package let future: PyFuture
    @exclusivity(unchecked) package var step = 0

    package init(_ f: PyFuture) { future = f }

    package override var typeName: String { "generator" }

    package override func send(_ v: Value, _ vm: Interpreter) throws -> FrameResult {
        switch step {
        case 0:
            if !future.isDone {
                step = 1
                future.blocking = true
                return .yielded(.obj(future))
            }
            step = 2
            return .returned(try future.resultValue(vm))
        case 1:
            step = 2
            if !future.isDone { throw vm.error(.runtimeError, "await wasn't used with future") }
            return .returned(try future.resultValue(vm))
        default:
            return .returned(.none)
        }
    }

    package override func throwIn(_ e: PyException, _ vm: Interpreter) throws -> FrameResult {
        step = 2
        throw PyRaise(exception: e)
    }

    package override func close(_ vm: Interpreter) throws { step = 2 }
}

/// `asyncio.Task`: drives a coroutine, one step per loop callback.
public final class PyTask: PyFuture {
    @exclusivity(unchecked) public internal(set) var name: String
    package let coro: SendableIterator
    @exclusivity(unchecked) package var mustCancel = false
    @exclusivity(unchecked) package var futureWaiter: PyFuture?
    @exclusivity(unchecked) package var cancelsRequested = 0
    @exclusivity(unchecked) package var logDestroyPending = true
    /// Creation order, for `all_tasks` and the deadlock report.
    package let serial: Int
    package unowned(unsafe) let world: World
    /// The task's lifecycle on the virtual clock, for the run's `TaskRecord`s
    /// (not events: the event log's format is fixed by the spec). NaN is "not yet".
    package let createdAt: Double
    @exclusivity(unchecked) package var doneAt = Double.nan
    /// The last instant the task stepped at; each new one goes to `World.stepLog`.
    @exclusivity(unchecked) package var lastStepAt = Double.nan
    @exclusivity(unchecked) package var stepCount = 0
    /// The frame of `coro` when it is a generator or coroutine (which keeps
    /// it alive), and where the task's next step reads, for prefetching.
    package let hintFrame: Unmanaged<Frame>?
    @exclusivity(unchecked) package var hints = StepHints()

    package init(coro: SendableIterator, loop: EventLoop, name: String, world: World) {
        self.coro = coro
        self.name = name
        self.world = world
        self.serial = world.nextTaskSerial()
        self.createdAt = world.clock
        self.hintFrame = ((coro as? PyGenerator)?.frame).map { .passUnretained($0) }
        super.init(loop: loop)
    }

    public override var typeName: String { "Task" }
    public override var pyType: PyType { .asyncioTask }

    public override func repr(_ vm: Interpreter) throws -> String {
        "<Task \(stateText(vm)) name='\(name)' coro=\(try coro.repr(vm))>"
    }

    package override func didFinish() {
        doneAt = world.clock
        world.taskFinished(self)
    }

    /// The text of a finished task for its `task_done` event.
    package func outcome(_ vm: Interpreter) -> (state: String, value: String) {
        switch state {
        case .pending: return ("pending", "")
        case .cancelled:
            let e = cancelledException ?? PyException(type: .cancelledError, args: cancelMessage.isNone ? [] : [cancelMessage])
            return ("cancelled", e.summary(vm))
        case .finished:
            if let e = exception { return ("exception", e.summary(vm)) }
            return ("result", (try? vm.repr(result)) ?? "?")
        }
    }

    /// `Task.cancel(msg)`.
    package override func cancel(_ msg: Value, _ vm: Interpreter) throws -> Bool {
        logTraceback = false
        if isDone { return false }
        cancelsRequested += 1
        if let w = futureWaiter, try w.cancel(msg, vm) { return true }
        mustCancel = true
        cancelMessage = msg
        return true
    }

    /// `Task.__step(exc)`: runs the coroutine up to its next suspension.
    package func step(_ excIn: PyException?, _ vm: Interpreter) throws {
        if isDone {
            throw vm.raise(PyException(type: .invalidStateError, args: [.str("_step(): already done: \(try repr(vm)), \(try excIn.map { try $0.repr(vm) } ?? "None")")]))
        }
        var exc = excIn
        if mustCancel {
            if exc?.type.isSubtype(of: .cancelledError) != true { exc = makeCancelledError() }
            mustCancel = false
        }
        futureWaiter = nil
        stepCount += 1
        let now = world.clock
        if now != lastStepAt {
            lastStepAt = now
            if world.recordsTaskSteps { world.stepLog.append(StepMark(task: serial, t: now)) }
        }
        if world.currentTask != nil {
            throw vm.error(.runtimeError, "Cannot enter into task \(try repr(vm)) while another task \(try world.currentTask!.repr(vm)) is being executed.")
        }
        world.currentTask = self
        defer { world.currentTask = nil }
        let outcome: FrameResult
        do {
            if let exc {
                outcome = try coro.throwIn(exc, vm)
            } else {
                outcome = try coro.send(.none, vm)
            }
        } catch let r as PyRaise {
            let e = r.exception
            if e.type.isSubtype(of: .cancelledError) {
                cancelledException = e
                _ = try super.cancel(.none, vm)
            } else {
                try super.setException(.obj(e), vm)
                if e.type === PyType.keyboardInterrupt || e.type === PyType.systemExit { throw r }
            }
            return
        }
        switch outcome {
        case .returned(let v):
            if mustCancel {
                mustCancel = false
                _ = try super.cancel(cancelMessage, vm)
            } else {
                try super.setResult(v, vm)
            }
        case .yielded(let y):
            if let frame = hintFrame {
                hints = frame._withUnsafeGuaranteedRef { StepHints(coroutine: address(coro), frame: $0) }
            }
            if case .obj(let o) = y, let fut = o as? PyFuture {
                if fut.loop !== loop {
                    let e = PyException(type: .runtimeError, args: [.str("Task \(try repr(vm)) got Future \(try fut.repr(vm)) attached to a different loop")])
                    try loop.callSoon(.taskStep(self, e))
                } else if fut.blocking {
                    if fut === self {
                        let e = PyException(type: .runtimeError, args: [.str("Task cannot await on itself: \(try repr(vm))")])
                        try loop.callSoon(.taskStep(self, e))
                    } else {
                        fut.blocking = false
                        try fut.addWakeup(self)
                        futureWaiter = fut
                        if mustCancel, try fut.cancel(cancelMessage, vm) {
                            mustCancel = false
                        }
                    }
                } else {
                    let e = PyException(type: .runtimeError, args: [.str("yield was used instead of yield from in task \(try repr(vm)) with \(try fut.repr(vm))")])
                    try loop.callSoon(.taskStep(self, e))
                }
            } else if y.isNone {
                try loop.callSoon(.taskStep(self, nil))
            } else if case .obj(let o) = y, o is PyGenerator {
                let e = PyException(type: .runtimeError, args: [.str("yield was used instead of yield from for generator in task \(try repr(vm)) with \(try vm.repr(y))")])
                try loop.callSoon(.taskStep(self, e))
            } else {
                let e = PyException(type: .runtimeError, args: [.str("Task got bad yield: \(try vm.repr(y))")])
                try loop.callSoon(.taskStep(self, e))
            }
        }
    }

    /// `Task.__wakeup(future)`.
    package func wakeup(_ future: PyFuture, _ vm: Interpreter) throws {
        do {
            _ = try future.resultValue(vm)
        } catch let r as PyRaise {
            try step(r.exception, vm)
            return
        }
        try step(nil, vm)
    }

    package override func setResult(_ v: Value, _ vm: Interpreter) throws {
        throw vm.error(.runtimeError, "Task does not support set_result operation")
    }

    package override func setException(_ v: Value, _ vm: Interpreter) throws {
        throw vm.error(.runtimeError, "Task does not support set_exception operation")
    }

    public override func callMethod(_ name: String, _ args: Args, _ vm: Interpreter) throws -> Value {
        switch name {
        case "get_name": return .str(self.name)
        case "set_name":
            try vm.checkArity("set_name", args, 1, 1)
            self.name = try vm.str(args[0])
            return .none
        case "get_coro": return .obj(coro)
        case "cancelling": return .int(cancelsRequested)
        case "uncancel":
            if cancelsRequested > 0 { cancelsRequested -= 1 }
            return .int(cancelsRequested)
        default:
            return try super.callMethod(name, args, vm)
        }
    }

    public override func getAttr(_ name: String, _ vm: Interpreter) throws -> Value? {
        switch name {
        case "get_name", "set_name", "get_coro", "cancelling", "uncancel":
            return .obj(PyBoundMethod(receiver: self, name: name))
        default:
            return try super.getAttr(name, vm)
        }
    }
}

/// `tasks._GatheringFuture`: cancelling it cancels the children.
package final class GatheringFuture: PyFuture {
    @exclusivity(unchecked) package var children: [PyFuture] = []
    @exclusivity(unchecked) package var cancelRequested = false

    package override var typeName: String { "_GatheringFuture" }

    package override func cancel(_ msg: Value, _ vm: Interpreter) throws -> Bool {
        if isDone { return false }
        var ret = false
        for child in children where try child.cancel(msg, vm) { ret = true }
        if ret { cancelRequested = true }
        return ret
    }
}

/// A coroutine implemented in Swift (`asyncio.sleep`, asyncio's own helpers).
/// It behaves like a coroutine object: a task can drive it, `await` delegates to it.
package class NativeCoroutine: SendableIterator {
    package let name: String
    @exclusivity(unchecked) package var started = false
    @exclusivity(unchecked) package var finished = false

    package init(name: String) { self.name = name }

    package override var typeName: String { "coroutine" }
    package override var pyType: PyType { .coroutine }
    package override func awaitIterator(_ vm: Interpreter) throws -> PyObject? { self }
    package override func repr(_ vm: Interpreter) throws -> String { "<coroutine object \(name) at 0x7f0000000000>" }

    /// One step: `value` is what was sent in (None at the start).
    package func resume(_ value: Value, _ vm: Interpreter) throws -> FrameResult { .returned(.none) }

    /// An exception thrown in at the current suspension point.
    package func resume(throwing e: PyException, _ vm: Interpreter) throws -> FrameResult { throw PyRaise(exception: e) }

    package override func send(_ v: Value, _ vm: Interpreter) throws -> FrameResult {
        if finished { throw vm.error(.runtimeError, "cannot reuse already awaited coroutine") }
        started = true
        do {
            let r = try resume(v, vm)
            if case .returned = r { finished = true }
            return r
        } catch {
            finished = true
            throw error
        }
    }

    package override func throwIn(_ e: PyException, _ vm: Interpreter) throws -> FrameResult {
        if finished { throw vm.error(.runtimeError, "cannot reuse already awaited coroutine") }
        if !started {
            finished = true
            throw PyRaise(exception: e)
        }
        do {
            let r = try resume(throwing: e, vm)
            if case .returned = r { finished = true }
            return r
        } catch {
            finished = true
            throw error
        }
    }

    package override func close(_ vm: Interpreter) throws {
        if finished || !started {
            finished = true
            return
        }
        _ = try? resume(throwing: PyException(type: .generatorExit, args: []), vm)
        finished = true
    }

    package override func callMethod(_ name: String, _ args: Args, _ vm: Interpreter) throws -> Value {
        switch name {
        case "send":
            switch try send(args.count > 0 ? args[0] : .none, vm) {
            case .yielded(let y): return y
            case .returned(let v): throw vm.raise(PyException(type: .stopIteration, args: v.isNone ? [] : [v]))
            }
        case "close":
            try close(vm)
            return .none
        default:
            return try super.callMethod(name, args, vm)
        }
    }
}

/// A coroutine that finishes at its first step with `None`
/// (`loop.shutdown_asyncgens()`, `loop.shutdown_default_executor()` with nothing to do).
package final class ImmediateCoroutine: NativeCoroutine {
    package let body: (Interpreter) throws -> Value

    package init(name: String, body: @escaping (Interpreter) throws -> Value = { _ in .none }) {
        self.body = body
        super.init(name: name)
    }

    package override func resume(_ value: Value, _ vm: Interpreter) throws -> FrameResult {
        .returned(try body(vm))
    }
}
