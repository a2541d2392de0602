import PyRuntime
import RunModel

/// `asyncio.Task`: drives a coroutine, one step per loop callback.
public final class PyTask: PyFuture {
    @exclusivity(unchecked) public internal(set) var name: String
    package let coro: SendableIterator
    @exclusivity(unchecked) package var mustCancel = false
    /// The future the task waits on (`_fut_waiter`): set by the step that
    /// yielded it, cleared when the next step starts. Invariant, between two
    /// iterations of the task's loop (unless the loop is closed, which drops
    /// its callbacks): a done task waits on nothing, and a pending task is
    /// waiting (its waiter is pending and holds the task's wake-up), woken
    /// (its waiter is done and the wake-up is in the ready queue), or about
    /// to step (no waiter, and its `__step` is in the ready queue).
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
    /// The first instant the task stepped at (kept whether or not steps are logged).
    @exclusivity(unchecked) package var firstStepAt = Double.nan
    /// The last instant the task stepped at.
    @exclusivity(unchecked) package var lastStepAt = Double.nan
    /// Its steps; each goes to the recorder's `stepLog`, with what woke it,
    /// when it records task steps.
    @exclusivity(unchecked) package var stepCount = 0
    /// What created it (`World.context` then), and during which step; the
    /// step during which it finished.
    package let creator: Cause
    package let createdStep: Int
    @exclusivity(unchecked) package var doneStep = -1
    /// The frame of `coro` when it is a generator or coroutine (which keeps
    /// it alive), and where the task's next step reads, for prefetching.
    package let hintFrame: Unmanaged<Frame>?
    @exclusivity(unchecked) package var hints = StepHints()
    /// The call that made the coroutine, for the reports (taken only when
    /// the run keeps task records for the store).
    package let call: TaskCall?
    /// `KeyError: 'b'` when the task ended with an exception (its `task_done`
    /// event's value, kept for the task's record).
    @exclusivity(unchecked) package var exceptionText: String?

    package init(coro: SendableIterator, loop: EventLoop, name: String, world: World) {
        self.coro = coro
        self.name = name
        self.world = world
        self.serial = world.nextTaskSerial()
        self.createdAt = world.clock
        self.creator = world.cause
        self.createdStep = world.steps
        self.hintFrame = ((coro as? PyGenerator)?.frame).map { .passUnretained($0) }
        self.call = world.recorder.recordsTaskSteps ? TaskCall(coro) : nil
        super.init(loop: loop)
    }

    public override var typeName: String { "Task" }
    public override var pyType: PyType { .asyncioTask }
    public override func dropReferences(into teardown: ObjectTeardown) {
        super.dropReferences(into: teardown)
        teardown.add(coro)
        if let futureWaiter { teardown.add(futureWaiter) }
        futureWaiter = nil
    }

    public override func repr(_ vm: Interpreter) throws -> String {
        "<Task \(stateText(vm)) name='\(name)' coro=\(try coro.repr(vm))>"
    }

    package override func didFinish() {
        doneAt = world.clock
        doneStep = world.steps
        world.taskFinished(self)
    }

    /// The text of a finished task for its `task_done` event.
    package func outcome(_ vm: Interpreter) -> (state: String, value: String) {
        switch state {
        case .pending: return ("pending", "")
        case .cancelled:
            let e =
                cancelledException
                ?? PyException(type: .cancelledError, args: cancelMessage.isNone ? [] : [cancelMessage])
            // Named CancelledError even when a subclass cancelled it (the task's state, not the exception's type).
            let message = (try? e.message(vm)) ?? ""
            return ("cancelled", message.isEmpty ? "CancelledError" : "CancelledError: \(message)")
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
            throw vm.raise(
                PyException(
                    type: .invalidStateError,
                    args: [
                        .str("_step(): already done: \(try repr(vm)), \(try excIn.map { try $0.repr(vm) } ?? "None")")
                    ]))
        }
        var exc = excIn
        if mustCancel {
            if exc?.type.isSubtype(of: .cancelledError) != true { exc = makeCancelledError() }
            mustCancel = false
        }
        futureWaiter = nil
        stepCount += 1
        // Through an unretained reference: `world` would be retained around the call.
        let pc = hintFrame?._withUnsafeGuaranteedRef { $0.resumePC } ?? -1
        Unmanaged.passUnretained(world)._withUnsafeGuaranteedRef { $0.recordStep(self, pc: pc) }
        let now = world.clock
        if now != lastStepAt {
            if lastStepAt.isNaN { firstStepAt = now }
            lastStepAt = now
        }
        Unmanaged.passUnretained(world)._withUnsafeGuaranteedRef { $0.noteWake(task: serial, at: now) }
        if world.currentTask != nil {
            throw vm.error(
                .runtimeError,
                "Cannot enter into task \(try repr(vm)) while another task \(try world.currentTask!.repr(vm)) is being executed."
            )
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
                    let e = PyException(
                        type: .runtimeError,
                        args: [.str("Task \(try repr(vm)) got Future \(try fut.repr(vm)) attached to a different loop")]
                    )
                    try loop.callSoon(.taskStep(self, e))
                } else if fut.blocking {
                    if fut === self {
                        let e = PyException(
                            type: .runtimeError, args: [.str("Task cannot await on itself: \(try repr(vm))")])
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
                    let e = PyException(
                        type: .runtimeError,
                        args: [
                            .str(
                                "yield was used instead of yield from in task \(try repr(vm)) with \(try fut.repr(vm))")
                        ])
                    try loop.callSoon(.taskStep(self, e))
                }
            } else if y.isNone {
                try loop.callSoon(.taskStep(self, nil))
            } else if case .obj(let o) = y, o is PyGenerator {
                let e = PyException(
                    type: .runtimeError,
                    args: [
                        .str(
                            "yield was used instead of yield from for generator in task \(try repr(vm)) with \(try vm.repr(y))"
                        )
                    ])
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

extension World {
    package func isCoroutine(_ v: Value) -> Bool {
        if case .obj(let o) = v { return o is PyCoroutine || o is NativeCoroutine || o is AsyncGenAwaitable }
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
            asyncio.taskNameCounter += 1
            taskName = "Task-\(asyncio.taskNameCounter)"
        }
        let task = PyTask(coro: it, loop: loop, name: taskName, world: self)
        try loop.callSoon(.taskStep(task, nil))
        asyncio.tasks.append(task)
        asyncio.allTasks.append(task)
        markProgress()
        return task
    }

    /// `tasks._ensure_future(arg, loop=loop)`.
    package func ensureFuture(_ arg: Value, loop: EventLoop?, _ vm: Interpreter) throws -> PyFuture {
        if case .obj(let o) = arg, let f = o as? PyFuture {
            if let loop, f.loop !== loop {
                throw vm.error(
                    .valueError, "The future belongs to a different loop than the one specified as the loop argument")
            }
            return f
        }
        var arg = arg
        if !isCoroutine(arg) {
            // An object with `__await__` runs in `_wrap_awaitable(arg)`, as CPython's ensure_future does.
            guard case .obj(let o) = arg, let instance = o as? PyInstance, instance.cls.lookup("__await__") != nil,
                case .obj(let m) = try importModule("asyncio"), let wrap = try m.getAttr("_wrap_awaitable", vm)
            else {
                throw vm.error(.typeError, "An asyncio.Future, a coroutine or an awaitable is required")
            }
            arg = try vm.call(wrap, Args([arg]))
        }
        let l = try loop ?? getEventLoop()
        try l.checkClosed(vm)
        return try createTask(arg, loop: l, name: nil, vm)
    }

    /// Pending tasks of `loop` (all loops when nil), in creation order.
    package func pendingTasks(of loop: EventLoop?) -> [PyTask] {
        asyncio.tasks.removeAll { $0.isDone }
        return asyncio.tasks.filter { loop == nil || $0.loop === loop }
    }
}
