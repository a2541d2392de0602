import PyRuntime
import RunModel

/// The `asyncio` module of a trace: the top-level functions of
/// `asyncio/runners.py`, `events.py` and `tasks.py`, over `World`.
extension PyType {
    public static let asyncioFuture = PyType("Future", base: object) { args, vm in
        let loopArg = args.keyword("loop") ?? .none
        let loop = try (loopArg.object as? EventLoop) ?? vm.world.getEventLoop()
        return .obj(PyFuture(loop: loop))
    }
    public static let asyncioTask = PyType("Task", base: asyncioFuture) { args, vm in
        try vm.checkArity("Task", args, 1, 1)
        let loopArg = args.keyword("loop") ?? .none
        let loop = try (loopArg.object as? EventLoop) ?? vm.world.getEventLoop()
        let name = args.keyword("name") ?? .none
        return .obj(try vm.world.createTask(args[0], loop: loop, name: name.isNone ? nil : try vm.str(name), vm))
    }
    public static let eventLoopType = PyType("AbstractEventLoop", base: object)
}

extension World {
    package func makeAsyncioModule() -> PyModule {
        let m = PyModule("asyncio")
        m.attributes["CancelledError"] = .obj(PyType.cancelledError)
        m.attributes["TimeoutError"] = .obj(PyType.timeoutError)
        m.attributes["InvalidStateError"] = .obj(PyType.invalidStateError)
        m.attributes["Future"] = .obj(PyType.asyncioFuture)
        m.attributes["Task"] = .obj(PyType.asyncioTask)
        m.attributes["AbstractEventLoop"] = .obj(PyType.eventLoopType)
        m.attributes["QueueEmpty"] = .obj(PyType.queueEmpty)
        m.attributes["QueueFull"] = .obj(PyType.queueFull)
        m.attributes["IncompleteReadError"] = .obj(PyType.incompleteReadError)
        m.attributes["LimitOverrunError"] = .obj(PyType.limitOverrunError)

        m.define("run") { [unowned self] args, vm in try self.asyncioRun(args, vm) }
        m.define("get_event_loop") { [unowned self] args, vm in
            try vm.checkArity("get_event_loop", args, 0, 0)
            return .obj(try self.getEventLoop())
        }
        m.define("get_running_loop") { [unowned self] _, _ in .obj(try self.runningLoop()) }
        m.define("_get_running_loop") { [unowned self] _, _ in self.runningLoopOrNil.map { .obj($0) } ?? .none }
        m.define("new_event_loop") { [unowned self] _, _ in .obj(self.makeLoop()) }
        m.define("set_event_loop") { [unowned self] args, vm in
            try vm.checkArity("set_event_loop", args, 1, 1)
            self.asyncio.policySetCalled = true
            if args[0].isNone {
                self.asyncio.policyLoop = nil
            } else if let l = args[0].object as? EventLoop {
                self.asyncio.policyLoop = l
            } else {
                throw vm.error(
                    .typeError, "loop must be an instance of AbstractEventLoop or None, not '\(vm.typeName(args[0]))'")
            }
            return .none
        }
        m.define("sleep", unary: { delay, _ in .obj(SleepCoroutine(delay: delay, result: .none)) }) { args, vm in
            guard args.count >= 1 || args.keyword("delay") != nil else {
                throw vm.error(.typeError, "sleep() missing 1 required positional argument: 'delay'")
            }
            let delay = args.count >= 1 ? args[0] : args.keyword("delay")!
            let result = args.count >= 2 ? args[1] : (args.keyword("result") ?? .none)
            return .obj(SleepCoroutine(delay: delay, result: result))
        }
        vm.nativeAwaitTarget = NativeAwaitTarget(module: m, function: m.attributes["sleep"]!.object!)
        m.define("create_task") { [unowned self] args, vm in
            try vm.checkArity("create_task", args, 1, 1)
            let loop = try self.runningLoop()
            let task = try self.createTask(args[0], loop: loop, name: nil, vm)
            if let name = args.keyword("name"), !name.isNone { task.name = try vm.str(name) }
            return .obj(task)
        }
        m.define("ensure_future") { [unowned self] args, vm in
            try vm.checkArity("ensure_future", args, 1, 1)
            let loopArg = args.keyword("loop") ?? .none
            return .obj(try self.ensureFuture(args[0], loop: loopArg.object as? EventLoop, vm))
        }
        m.define("gather") { [unowned self] args, vm in
            let returnExceptions = try vm.truthy(args.keyword("return_exceptions") ?? .bool(false))
            return .obj(try self.gather(args.positional, returnExceptions: returnExceptions, vm))
        }
        m.define("current_task") { [unowned self] args, vm in
            let loop = try (args.count > 0 ? args[0].object as? EventLoop : nil) ?? self.runningLoop()
            if let t = self.currentTask, t.loop === loop { return .obj(t) }
            return .none
        }
        m.define("all_tasks") { [unowned self] args, vm in
            let loop = try (args.count > 0 ? args[0].object as? EventLoop : nil) ?? self.runningLoop()
            let s = PySet()
            for t in self.pendingTasks(of: loop) { try s.add(.obj(t), vm) }
            return .obj(s)
        }
        m.define("iscoroutine") { [unowned self] args, vm in
            try vm.checkArity("iscoroutine", args, 1, 1)
            return .bool(self.isCoroutine(args[0]))
        }
        m.define("iscoroutinefunction") { args, vm in
            try vm.checkArity("iscoroutinefunction", args, 1, 1)
            return .bool((args[0].object as? PyFunction)?.code.isCoroutine == true)
        }
        m.define("isfuture") { args, vm in
            try vm.checkArity("isfuture", args, 1, 1)
            return .bool(args[0].object is PyFuture)
        }
        m.define("_runner_close") { [unowned self] args, vm in
            guard args.count == 1, let loop = args[0].object as? EventLoop else {
                throw vm.error(.typeError, "_runner_close() takes an event loop")
            }
            try self.runnerClose(loop, vm)
            return .none
        }
        defineNotSimulated(in: m)
        return m
    }

    /// The `asyncio` module: the native part above, then the prelude's.
    package func makeAsyncioModuleWithPrelude() throws -> PyModule {
        let m = makeAsyncioModule()
        try runAsyncioPrelude(into: m)
        return m
    }

    /// `asyncio.run(main, *, debug=None)`, as `runners.py`'s `Runner` does it.
    package func asyncioRun(_ args: Args, _ vm: Interpreter) throws -> Value {
        try vm.checkArity("run", args, 1, 1)
        if runningLoopOrNil != nil {
            throw vm.error(.runtimeError, "asyncio.run() cannot be called from a running event loop")
        }
        let main = args[0]
        // Runner.__enter__ creates the loop before Runner.run checks its argument,
        // so even a bad argument gets the loop's cleanup (and its two tasks).
        let loop = makeLoop()
        asyncio.policySetCalled = true
        asyncio.policyLoop = loop
        if let debug = args.keyword("debug"), !debug.isNone { loop.debug = try vm.truthy(debug) }
        var result: Value = .none
        var failure: Error?
        do {
            guard isCoroutine(main) else {
                throw vm.error(.valueError, "a coroutine was expected, got \(try vm.repr(main))")
            }
            let task = try createTask(main, loop: loop, name: nil, vm)
            result = try loop.runUntilComplete(.obj(task), vm)
        } catch let stop as RunStop {
            throw stop
        } catch {
            failure = error
        }
        // Runner.close()
        do {
            defer {
                asyncio.policyLoop = nil
                try? loop.close(vm)
            }
            try runnerClose(loop, vm)
        }
        if let failure { throw failure }
        return recordResult(result)
    }

    /// `Runner.close()`'s calls: `_cancel_all_tasks(loop)`, then the loop's
    /// `shutdown_asyncgens()` and `shutdown_default_executor()`, each run to
    /// completion; their results are not the run's last result.
    package func runnerClose(_ loop: EventLoop, _ vm: Interpreter) throws {
        try cancelAllTasks(loop, vm)
        _ = try loop.runUntilComplete(try loop.callMethod("shutdown_asyncgens", Args(), vm), vm)
        _ = try loop.runUntilComplete(try loop.callMethod("shutdown_default_executor", Args(), vm), vm)
    }

    /// `runners._cancel_all_tasks(loop)`.
    package func cancelAllTasks(_ loop: EventLoop, _ vm: Interpreter) throws {
        let toCancel = pendingTasks(of: loop)
        if toCancel.isEmpty { return }
        for t in toCancel { _ = try t.cancel(.none, vm) }
        _ = try loop.runUntilComplete(.obj(try gather(toCancel.map { .obj($0) }, returnExceptions: true, vm)), vm)
        for t in toCancel where t.state != .cancelled {
            if case .obj(let o) = try t.exceptionValue(vm), let e = o as? PyException {
                note("unhandled exception during asyncio.run() shutdown: \(t.name): \(e.summary(vm))")
            }
        }
    }

}
