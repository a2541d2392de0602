import RunModel
import TraceLanguage

// Asynchronous generators (PEP 525), after CPython 3.11.7's
// Objects/genobject.c: the generator, the awaitables of `__anext__`/`asend`
// (`async_generator_asend`) and of `athrow`/`aclose`
// (`async_generator_athrow`), the first-iteration and finalizer hooks
// (`sys.set_asyncgen_hooks`), with CPython's error texts.

extension PyType {
    public static let asyncGenerator = PyType("async_generator", base: object)
}

/// The hooks of `sys.set_asyncgen_hooks`: an event loop installs its own
/// while it runs (`run_forever`), and restores the previous ones after.
public struct AsyncGenHooks {
    public var firstiter: Value?
    public var finalizer: Value?

    public init(firstiter: Value? = nil, finalizer: Value? = nil) {
        self.firstiter = firstiter
        self.finalizer = finalizer
    }
}

/// What an async generator's own `yield` produces (CPython's
/// `_PyAsyncGenWrappedValue`), as opposed to what its awaits yield to the loop.
final class AsyncGenWrappedValue: PyObject {
    let value: Value
    init(_ value: Value) { self.value = value }
    override var typeName: String { "async_generator_wrapped_value" }
}

/// The frame and state of an async generator, apart from the object Python
/// sees: when that object is dropped mid-iteration, the same generator is
/// handed to the loop's finalizer in a new object (CPython resurrects the old one).
final class AsyncGenCore {
    let frame: Frame
    let name: String
    var started = false
    /// The frame returned or raised (CPython's FRAME_COMPLETED).
    var finished = false
    /// The frame is executing (`ag_running`).
    var running = false
    /// An `asend`/`athrow` awaitable is between its first step and its end (`ag_running_async`).
    var runningAsync = false
    /// `aclose()` ran, or the generator ended (`ag_closed`).
    var closed = false
    var hooksInitialized = false
    /// The finalizer hook that was installed at the first iteration.
    var finalizer: Value?
    /// For the finalizer, which runs when the object goes away.
    weak var vm: Interpreter?

    init(frame: Frame, name: String) {
        self.frame = frame
        self.name = name
    }

    /// Runs the frame one step (`gen_send_ex`): a return or an exhausted
    /// generator raises StopAsyncIteration; StopIteration and StopAsyncIteration
    /// from inside become RuntimeError.
    func step(_ r: Resume, _ vm: Interpreter) throws -> FrameResult {
        if running { throw vm.error(.valueError, "async generator already executing") }
        if finished {
            if case .raise(let e) = r { throw PyRaise(exception: e) }
            throw PyRaise(exception: PyException(type: .stopAsyncIteration, args: []))
        }
        if !started {
            if case .send(let v) = r, !v.isNone {
                throw vm.error(.typeError, "can't send non-None value to a just-started async generator")
            }
            if case .raise(let e) = r {
                finished = true
                throw PyRaise(exception: e)
            }
            started = true
        }
        running = true
        defer { running = false }
        let result: FrameResult
        do {
            result = try vm.execute(frame, r)
        } catch let raised as PyRaise {
            finished = true
            for t in [PyType.stopIteration, PyType.stopAsyncIteration] where raised.exception.type.isSubtype(of: t) {
                let what = t === PyType.stopIteration ? "StopIteration" : "StopAsyncIteration"
                let e = PyException(type: .runtimeError, args: [.str("async generator raised \(what)")])
                e.cause = raised.exception
                e.context = raised.exception
                throw PyRaise(exception: e)
            }
            throw raised
        }
        if case .returned = result {
            finished = true
            frame.finishedReturning()
            throw PyRaise(exception: PyException(type: .stopAsyncIteration, args: []))
        }
        return result
    }

    /// A step whose own yield is the awaitable's result (`async_gen_unwrap_value`).
    func unwrap(_ r: Resume, _ vm: Interpreter) throws -> FrameResult {
        let result: FrameResult
        do {
            result = try step(r, vm)
        } catch let raised as PyRaise {
            let t = raised.exception.type
            if t.isSubtype(of: .stopAsyncIteration) || t.isSubtype(of: .generatorExit) { closed = true }
            runningAsync = false
            throw raised
        }
        if case .yielded(.obj(let o)) = result, let w = o as? AsyncGenWrappedValue {
            runningAsync = false
            return .returned(w.value)
        }
        return result
    }
}

/// An async generator: what calling an `async def` with `yield` returns.
public final class PyAsyncGenerator: PyObject {
    let core: AsyncGenCore

    package convenience init(frame: Frame, name: String, vm: Interpreter) {
        let core = AsyncGenCore(frame: frame, name: name)
        core.vm = vm
        self.init(core: core)
    }

    init(core: AsyncGenCore) {
        self.core = core
    }

    /// CPython's `_PyGen_Finalize`: a generator that was iterated under a
    /// finalizer hook and is neither finished nor closed goes to the hook.
    deinit {
        guard !core.finished, !core.closed, let finalizer = core.finalizer, let vm = core.vm else { return }
        let again = PyAsyncGenerator(core: core)
        _ = try? vm.call(finalizer, Args([.obj(again)]))
    }

    public override var typeName: String { "async_generator" }
    public override func dropReferences(into teardown: ObjectTeardown) {
        // Released by the teardown, it is not handed to a finalizer: the run is over.
        if let f = core.finalizer { teardown.add(f) }
        core.finalizer = nil
        core.closed = true
        teardown.add(frame: core.frame)
    }
    public override var pyType: PyType { .asyncGenerator }
    public override func repr(_ vm: Interpreter) throws -> String {
        "<async_generator object \(core.frame.code.qualifiedName) at 0x7f0000000000>"
    }

    /// `async_gen_init_hooks`: at the first `__anext__`, `asend`, `athrow` or `aclose`.
    package func initHooks(_ vm: Interpreter) throws {
        if core.hooksInitialized { return }
        core.hooksInitialized = true
        if let finalizer = vm.asyncGenHooks.finalizer { core.finalizer = finalizer }
        if let firstiter = vm.asyncGenHooks.firstiter { _ = try vm.call(firstiter, Args([.obj(self)])) }
    }

    static let methods: Set<String> = ["__aiter__", "__anext__", "asend", "athrow", "aclose"]

    public override func getAttr(_ name: String, _ vm: Interpreter) throws -> Value? {
        if Self.methods.contains(name) { return .obj(PyBoundMethod(receiver: self, name: name)) }
        switch name {
        case "__name__": return .str(core.name)
        case "__qualname__": return .str(core.frame.code.qualifiedName)
        case "ag_running": return .bool(core.runningAsync)
        default: return nil
        }
    }

    public override func callMethod(_ name: String, _ args: Args, _ vm: Interpreter) throws -> Value {
        switch name {
        case "__aiter__":
            try vm.checkArity("__aiter__", args, 0, 0)
            return .obj(self)
        case "__anext__":
            try vm.checkArity("__anext__", args, 0, 0)
            try initHooks(vm)
            return .obj(PyAsyncGenASend(self, .none))
        case "asend":
            try vm.checkArity("asend", args, 1, 1)
            try initHooks(vm)
            return .obj(PyAsyncGenASend(self, args[0]))
        case "athrow":
            try vm.checkArity("athrow", args, 1, 3)
            // throw(type, value[, tb]) raises `value` itself, without instantiating `type`.
            let e: PyException
            if args.count > 1, case .obj(let o) = args[1], let inst = o as? PyException {
                e = inst
            } else {
                e = try vm.exceptionToRaise(args[0])
            }
            try initHooks(vm)
            return .obj(PyAsyncGenAThrow(self, e))
        case "aclose":
            try vm.checkArity("aclose", args, 0, 0)
            try initHooks(vm)
            return .obj(PyAsyncGenAThrow(self, nil))
        default:
            return try super.callMethod(name, args, vm)
        }
    }
}

/// The awaitables of an async generator's methods: coroutines to asyncio
/// (`collections.abc.Coroutine` by their methods), so a task can run one.
public class AsyncGenAwaitable: SendableIterator {
    let gen: PyAsyncGenerator
    enum State { case initial, iterating, closed }
    var state = State.initial

    init(_ gen: PyAsyncGenerator) { self.gen = gen }
    public override func dropReferences(into teardown: ObjectTeardown) { teardown.add(gen) }

    public override func awaitIterator(_ vm: Interpreter) throws -> PyObject? { self }
    public override func close(_ vm: Interpreter) throws { state = .closed }

    public override func getAttr(_ name: String, _ vm: Interpreter) throws -> Value? {
        switch name {
        case "send", "throw", "close": return .obj(PyBoundMethod(receiver: self, name: name))
        default: return nil
        }
    }

    public override func callMethod(_ name: String, _ args: Args, _ vm: Interpreter) throws -> Value {
        let result: FrameResult
        switch name {
        case "send":
            try vm.checkArity("send", args, 1, 1)
            result = try send(args[0], vm)
        case "throw":
            try vm.checkArity("throw", args, 1, 3)
            if args.count > 1, case .obj(let o) = args[1], let inst = o as? PyException {
                result = try throwIn(inst, vm)
            } else {
                result = try throwIn(try vm.exceptionToRaise(args[0]), vm)
            }
        case "close":
            try close(vm)
            return .none
        default:
            return try super.callMethod(name, args, vm)
        }
        switch result {
        case .yielded(let v): return v
        case .returned(let v):
            let e = PyException(type: .stopIteration, args: v.isNone ? [] : [v])
            e.value = v
            throw PyRaise(exception: e)
        }
    }
}

/// `agen.__anext__()` and `agen.asend(v)` (`async_generator_asend`).
public final class PyAsyncGenASend: AsyncGenAwaitable {
    let sendValue: Value

    init(_ gen: PyAsyncGenerator, _ value: Value) {
        self.sendValue = value
        super.init(gen)
    }

    public override var typeName: String { "async_generator_asend" }

    public override func send(_ v: Value, _ vm: Interpreter) throws -> FrameResult {
        if state == .closed {
            throw vm.error(.runtimeError, "cannot reuse already awaited __anext__()/asend()")
        }
        var arg = v
        if state == .initial {
            if gen.core.runningAsync {
                state = .closed
                throw vm.error(.runtimeError, "anext(): asynchronous generator is already running")
            }
            if v.isNone { arg = sendValue }
            state = .iterating
        }
        gen.core.runningAsync = true
        return try finish(gen.core.unwrap(.send(arg), vm))
    }

    public override func throwIn(_ e: PyException, _ vm: Interpreter) throws -> FrameResult {
        if state == .closed {
            throw vm.error(.runtimeError, "cannot reuse already awaited __anext__()/asend()")
        }
        return try finish(gen.core.unwrap(.raise(e), vm))
    }

    private func finish(_ step: @autoclosure () throws -> FrameResult) throws -> FrameResult {
        do {
            let r = try step()
            if case .returned = r { state = .closed }
            return r
        } catch {
            state = .closed
            throw error
        }
    }
}

/// `agen.athrow(e)` and, with no exception, `agen.aclose()` (`async_generator_athrow`).
public final class PyAsyncGenAThrow: AsyncGenAwaitable {
    /// nil for `aclose()`, which throws GeneratorExit and wants the generator to end.
    let exception: PyException?

    init(_ gen: PyAsyncGenerator, _ exception: PyException?) {
        self.exception = exception
        super.init(gen)
    }

    public override var typeName: String { "async_generator_athrow" }

    private var isClose: Bool { exception == nil }

    public override func send(_ v: Value, _ vm: Interpreter) throws -> FrameResult {
        let core = gen.core
        if state == .closed {
            throw vm.error(.runtimeError, "cannot reuse already awaited aclose()/athrow()")
        }
        if core.finished {
            state = .closed
            return .returned(.none)
        }
        if state == .initial {
            if core.runningAsync {
                state = .closed
                throw vm.error(
                    .runtimeError,
                    isClose
                        ? "aclose(): asynchronous generator is already running"
                        : "athrow(): asynchronous generator is already running")
            }
            if core.closed {
                state = .closed
                throw PyRaise(exception: PyException(type: .stopAsyncIteration, args: []))
            }
            if !v.isNone { throw vm.error(.runtimeError, "can't send non-None value to a just-started coroutine") }
            state = .iterating
            core.runningAsync = true
            if let exception {
                do { return try core.unwrap(.raise(exception), vm) } catch { return try checkError(error, vm) }
            }
            core.closed = true
            let r: FrameResult
            do {
                r = try core.step(.raise(PyException(type: .generatorExit, args: [])), vm)
            } catch {
                return try checkError(error, vm)
            }
            return try ignoringExit(r, vm)
        }
        if !isClose {
            do { return try core.unwrap(.send(v), vm) } catch { return try checkError(error, vm) }
        }
        let r: FrameResult
        do { r = try core.step(.send(v), vm) } catch { return try checkError(error, vm) }
        return try ignoringExit(r, vm)
    }

    public override func throwIn(_ e: PyException, _ vm: Interpreter) throws -> FrameResult {
        if state == .closed {
            throw vm.error(.runtimeError, "cannot reuse already awaited aclose()/athrow()")
        }
        if !isClose { return try gen.core.unwrap(.raise(e), vm) }
        let r: FrameResult
        do {
            r = try gen.core.step(.raise(e), vm)
        } catch let raised as PyRaise
            where raised.exception.type.isSubtype(of: .stopAsyncIteration)
            || raised.exception.type.isSubtype(of: .generatorExit)
        {
            return .returned(.none)
        }
        return try ignoringExit(r, vm)
    }

    /// aclose(): a generator that yields a value after GeneratorExit ignored it.
    private func ignoringExit(_ r: FrameResult, _ vm: Interpreter) throws -> FrameResult {
        if case .yielded(.obj(let o)) = r, o is AsyncGenWrappedValue {
            gen.core.runningAsync = false
            state = .closed
            throw vm.error(.runtimeError, "async generator ignored GeneratorExit")
        }
        return r
    }

    /// The end of the awaitable by an exception: aclose() completes on
    /// StopAsyncIteration and GeneratorExit.
    private func checkError(_ error: Error, _ vm: Interpreter) throws -> FrameResult {
        gen.core.runningAsync = false
        state = .closed
        if isClose, let raised = error as? PyRaise {
            let t = raised.exception.type
            if t.isSubtype(of: .stopAsyncIteration) || t.isSubtype(of: .generatorExit) { return .returned(.none) }
        }
        throw error
    }
}

/// `aiter(x)` and `anext(it[, default])`.
let asyncIterationBuiltins: [(String, (Args, Interpreter) throws -> Value)] = [
    (
        "aiter",
        { args, vm in
            try vm.checkArity("aiter", args, 1, 1)
            guard case .obj(let o) = args[0], try o.getAttr("__aiter__", vm) != nil else {
                throw vm.error(.typeError, "'\(vm.typeName(args[0]))' object is not an async iterable")
            }
            return try vm.asyncIterator(args[0])
        }
    ),
    (
        "anext",
        { args, vm in
            try vm.checkArity("anext", args, 1, 2)
            guard case .obj(let o) = args[0], try o.getAttr("__anext__", vm) != nil else {
                throw vm.error(.typeError, "'\(vm.typeName(args[0]))' object is not an async iterator")
            }
            let awaitable = try vm.asyncNext(args[0])
            if args.count == 1 { return .obj(awaitable) }
            return .obj(AnextWithDefault(awaitable, args[1]))
        }
    ),
]

/// `anext(it, default)`: the awaitable of `__anext__`, with StopAsyncIteration
/// turned into the default (CPython's `anextawaitable`).
final class AnextWithDefault: SendableIterator {
    let inner: PyObject
    let defaultValue: Value

    init(_ inner: PyObject, _ defaultValue: Value) {
        self.inner = inner
        self.defaultValue = defaultValue
    }

    override var typeName: String { "anext_awaitable" }
    override func awaitIterator(_ vm: Interpreter) throws -> PyObject? { self }

    private func guarded(_ step: () throws -> FrameResult) throws -> FrameResult {
        do {
            return try step()
        } catch let r as PyRaise where r.exception.type.isSubtype(of: .stopAsyncIteration) {
            return .returned(defaultValue)
        }
    }

    override func send(_ v: Value, _ vm: Interpreter) throws -> FrameResult {
        try guarded { try vm.sendInto(.obj(inner), v) }
    }

    override func throwIn(_ e: PyException, _ vm: Interpreter) throws -> FrameResult {
        try guarded { try vm.throwInto(.obj(inner), e) }
    }
}
