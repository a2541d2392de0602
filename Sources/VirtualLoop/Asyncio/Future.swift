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
    /// Invariants: none once the future is done (they have been scheduled:
    /// `scheduleCallbacks`, and `addDoneCallback` schedules instead of
    /// storing); `moreCallbacks` is empty when `firstCallback` is nil.
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
    public override func dropReferences(into teardown: ObjectTeardown) {
        teardown.add(result)
        result = .none
        if let exception { teardown.add(exception) }
        exception = nil
        if let c = firstCallback { teardown.add(c) }
        firstCallback = nil
        for c in moreCallbacks { teardown.add(c) }
        moreCallbacks = []
        hintWaiter = nil
        teardown.add(cancelMessage)
        cancelMessage = .none
        if let cancelledException { teardown.add(cancelledException) }
        cancelledException = nil
    }

    /// `Future.__await__`.
    public override func awaitIterator(_ vm: Interpreter) throws -> PyObject? { FutureIterator(self) }

    package var isDone: Bool { state != .pending }

    #if DEBUG
    /// Asserts the invariants of the done callbacks.
    package func checkCallbacks() {
        assert(
            firstCallback != nil || moreCallbacks.isEmpty,
            "a future has \(moreCallbacks.count) done callbacks after an empty first one")
        assert(
            !isDone || firstCallback == nil,
            "a done future (\(stateName)) still holds done callbacks: they must be scheduled when it finishes")
    }

    /// Whether `task`'s wake-up is among the done callbacks.
    package func holdsWakeup(of task: PyTask) -> Bool {
        func isIt(_ cb: FutureCallback?) -> Bool {
            if case .wakeup(let t)? = cb { return t === task }
            return false
        }
        return isIt(firstCallback) || moreCallbacks.contains { isIt($0) }
    }
    #endif

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
        do {
            switch consume first {
            case .wakeup(let task):
                try loop.callSoon(isNativeSleep ? .sleepWakeup(task, .passUnretained(self)) : .wakeup(task, self))
            case let other: try loop.callSoon(.doneCallback(other, self))
            }
        } catch {
            // The loop is closed: CPython's futures drop every callback when
            // a call_soon raises, so none is left to remove.
            moreCallbacks = []
            throw error
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

    /// `Future.set_result(v)`; on a done future, the C Future's `InvalidStateError('invalid state')`
    /// (CPython's default futures, TRACE_LANGUAGE.md: the reference raises the same texts).
    package func setResult(_ v: Value, _ vm: Interpreter) throws {
        if state != .pending {
            throw vm.raise(PyException(type: .invalidStateError, args: [.str("invalid state")]))
        }
        result = v
        state = .finished
        didFinish()
        try scheduleCallbacks()
    }

    package func setException(_ v: Value, _ vm: Interpreter) throws {
        if state != .pending {
            throw vm.raise(PyException(type: .invalidStateError, args: [.str("invalid state")]))
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
            throw vm.error(
                .typeError, "StopIteration interacts badly with generators and cannot be raised into a Future")
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

    /// `Future.result()`; pending, the C Future's `InvalidStateError('Result is not set.')`.
    package func resultValue(_ vm: Interpreter) throws -> Value {
        switch state {
        case .cancelled:
            let exc = makeCancelledError()
            vm.keepInCycle(exc)
            throw PyRaise(exception: exc)
        case .pending: throw vm.raise(PyException(type: .invalidStateError, args: [.str("Result is not set.")]))
        case .finished:
            logTraceback = false
            if let e = exception { throw PyRaise(exception: e) }
            return result
        }
    }

    /// `Future.exception()`.
    package func exceptionValue(_ vm: Interpreter) throws -> Value {
        switch state {
        case .cancelled:
            let exc = makeCancelledError()
            vm.keepInCycle(exc)
            throw PyRaise(exception: exc)
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
    package override func dropReferences(into teardown: ObjectTeardown) { teardown.add(future) }

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
