import RunModel
import TraceLanguage

/// The send/throw/close protocol of generators, coroutines and the
/// iterators of futures. A class rather than a protocol: the interpreter
/// meets these on every `await`, and a class cast is much cheaper than a
/// protocol conformance check.
open class SendableIterator: PyObject {
    open func send(_ v: Value, _ vm: Interpreter) throws -> FrameResult { .returned(.none) }
    open func throwIn(_ e: PyException, _ vm: Interpreter) throws -> FrameResult { throw PyRaise(exception: e) }
    open func close(_ vm: Interpreter) throws {}
}

/// A generator: a function with `yield`, run one step at a time.
public class PyGenerator: SendableIterator {
    package let frame: Frame
    public let name: String
    @exclusivity(unchecked) package var started = false
    @exclusivity(unchecked) package var finished = false
    @exclusivity(unchecked) package var running = false
    /// Where this generator goes when its last reference is dropped while it
    /// is suspended in a `try` block (GeneratorFinalization.swift); nil for
    /// the object that closes it then.
    let closer: PendingCloses?

    package init(frame: Frame, name: String, closer: PendingCloses?) {
        self.frame = frame
        self.name = name
        self.closer = closer
    }

    /// CPython's `_PyGen_Finalize`: a suspended generator is closed when it
    /// goes. Only queued here; the interpreter closes it at a safe point.
    deinit {
        if started && !finished && !frame.blocks.isEmpty, let closer {
            closer.add(frame, name: name, isCoroutine: self is PyCoroutine)
        }
    }

    public override var typeName: String { "generator" }
    public override func dropReferences(into teardown: ObjectTeardown) { teardown.add(frame: frame) }
    public override var pyType: PyType { .generator }
    public override func repr(_ vm: Interpreter) throws -> String {
        "<\(typeName) object \(frame.code.qualifiedName) at 0x7f0000000000>"
    }

    package var alreadyDoneError: PyRaise? { nil }

    package func resume(_ r: Resume, _ vm: Interpreter) throws -> FrameResult {
        if running { throw vm.error(.valueError, "\(typeName) already executing") }
        if finished {
            if let e = alreadyDoneError { throw e }
            if case .raise(let e) = r { throw PyRaise(exception: e) }
            return .returned(.none)
        }
        if !started {
            if case .send(let v) = r, !v.isNone {
                throw vm.error(.typeError, "can't send non-None value to a just-started \(typeName)")
            }
            if case .raise(let e) = r {
                finished = true
                throw PyRaise(exception: e)
            }
            started = true
        }
        running = true
        defer { running = false }
        do {
            let result = try vm.execute(frame, r)
            if case .returned = result {
                finished = true
                frame.finishedReturning()
                // Its locals went: what only they held is closed now, before the caller goes on.
                if vm.pendingCloses.pending { try vm.runPendingCloses() }
            }
            return result
        } catch let raised as PyRaise {
            finished = true
            if raised.exception.type === PyType.stopIteration {
                let e = PyException(type: .runtimeError, args: [.str("\(typeName) raised StopIteration")])
                e.cause = raised.exception
                throw PyRaise(exception: e)
            }
            throw raised
        }
    }

    public override func send(_ v: Value, _ vm: Interpreter) throws -> FrameResult { try resume(.send(v), vm) }
    public override func throwIn(_ e: PyException, _ vm: Interpreter) throws -> FrameResult {
        try resume(.raise(e), vm)
    }

    public override func close(_ vm: Interpreter) throws {
        if finished { return }
        if !started {
            finished = true
            return
        }
        do {
            if case .yielded = try resume(.raise(PyException(type: .generatorExit, args: [])), vm) {
                throw vm.error(.runtimeError, "\(typeName) ignored GeneratorExit")
            }
        } catch let r as PyRaise
            where r.exception.type === PyType.generatorExit
            || r.exception.type === PyType.stopIteration
        {
        }
    }

    public override func makeIterator(_ vm: Interpreter) throws -> PyObject? { self }

    public override func next(_ vm: Interpreter) throws -> Value? {
        switch try send(.none, vm) {
        case .yielded(let v): return v
        case .returned: return nil
        }
    }

    /// `gen.send(v)` as Python sees it: a return becomes StopIteration(value).
    package func pySend(_ r: Resume, _ vm: Interpreter) throws -> Value {
        switch try resume(r, vm) {
        case .yielded(let v): return v
        case .returned(let v):
            let e = PyException(type: .stopIteration, args: v.isNone ? [] : [v])
            e.value = v
            throw PyRaise(exception: e)
        }
    }

    public override func callMethod(_ name: String, _ args: Args, _ vm: Interpreter) throws -> Value {
        switch name {
        case "send":
            try vm.checkArity("send", args, 1, 1)
            return try pySend(.send(args[0]), vm)
        case "throw":
            try vm.checkArity("throw", args, 1, 3)
            // throw(type, value[, tb]) raises `value` itself, without instantiating `type`.
            let e: PyException
            if args.count > 1, case .obj(let o) = args[1], let inst = o as? PyException {
                e = inst
            } else {
                e = try vm.exceptionToRaise(args[0])
            }
            return try pySend(.raise(e), vm)
        case "close":
            try close(vm)
            return .none
        case "__next__":
            return try pySend(.send(.none), vm)
        default:
            return try super.callMethod(name, args, vm)
        }
    }

    public override func getAttr(_ name: String, _ vm: Interpreter) throws -> Value? {
        switch name {
        case "send", "throw", "close", "__next__": return .obj(PyBoundMethod(receiver: self, name: name))
        case "__name__": return .str(self.name)
        case "__qualname__": return .str(frame.code.qualifiedName)
        default: return nil
        }
    }
}

/// A coroutine: the object an `async def` returns when called.
public final class PyCoroutine: PyGenerator {
    /// For the "coroutine ... was never awaited" note. Not the host itself:
    /// a coroutine may outlive its run (in the globals of a finished trace).
    package let notes: NoteSink?

    package init(frame: Frame, name: String, vm: Interpreter, closer: PendingCloses?) {
        self.notes = vm.host?.noteSink
        super.init(frame: frame, name: name, closer: closer)
    }

    deinit {
        // A coroutine closed before it started (`c.close()`) does not warn, as in CPython.
        if !started && !finished {
            notes?.add("RuntimeWarning: coroutine '\(frame.code.qualifiedName)' was never awaited")
        }
    }

    public override var typeName: String { "coroutine" }
    public override var pyType: PyType { .coroutine }

    package override var alreadyDoneError: PyRaise? {
        PyRaise(exception: PyException(type: .runtimeError, args: [.str("cannot reuse already awaited coroutine")]))
    }

    public override func makeIterator(_ vm: Interpreter) throws -> PyObject? { nil }

    public override func awaitIterator(_ vm: Interpreter) throws -> PyObject? { self }

    public override func next(_ vm: Interpreter) throws -> Value? {
        throw vm.error(.typeError, "'coroutine' object is not an iterator")
    }

    public override func getAttr(_ name: String, _ vm: Interpreter) throws -> Value? {
        if name == "cr_running" { return .bool(running) }
        if name == "__next__" { return nil }
        return try super.getAttr(name, vm)
    }
}

/// `coro.__await__()`: an iterator that runs the coroutine (for a class's
/// `__await__` that delegates to one with `yield from`).
package final class CoroutineWrapper: SendableIterator {
    private let coroutine: SendableIterator
    package init(_ coroutine: SendableIterator) { self.coroutine = coroutine }
    package override func dropReferences(into teardown: ObjectTeardown) { teardown.add(coroutine) }
    package override var typeName: String { "coroutine_wrapper" }
    package override func send(_ v: Value, _ vm: Interpreter) throws -> FrameResult { try coroutine.send(v, vm) }
    package override func throwIn(_ e: PyException, _ vm: Interpreter) throws -> FrameResult {
        try coroutine.throwIn(e, vm)
    }
    package override func close(_ vm: Interpreter) throws { try coroutine.close(vm) }
    package override func makeIterator(_ vm: Interpreter) throws -> PyObject? { self }
    package override func next(_ vm: Interpreter) throws -> Value? {
        switch try send(.none, vm) {
        case .yielded(let v): return v
        case .returned: return nil
        }
    }
}

// MARK: Awaiting and delegating (`await`, `yield from`)

extension Interpreter {
    /// What `await v` delegates to.
    package func awaitable(_ v: Value) throws -> PyObject {
        if case .obj(let o) = v {
            if let it = try o.awaitIterator(self) { return it }
        }
        throw error(.typeError, "object \(typeName(v)) can't be used in 'await' expression")
    }

    package func sendInto(_ delegate: Value, _ v: Value) throws -> FrameResult {
        guard case .obj(let o) = delegate else { preconditionFailure("no delegate") }
        if let g = o as? SendableIterator { return try g.send(v, self) }
        // A plain iterator under `yield from`: only None can be sent.
        if !v.isNone {
            throw error(.attributeError, "'\(o.typeName)' object has no attribute 'send'")
        }
        if let x = try o.next(self) { return .yielded(x) }
        return .returned(.none)
    }

    package func throwInto(_ delegate: Value, _ e: PyException) throws -> FrameResult {
        guard case .obj(let o) = delegate else { preconditionFailure("no delegate") }
        if let g = o as? SendableIterator {
            if e.type === PyType.generatorExit {
                try g.close(self)
                throw PyRaise(exception: e)
            }
            return try g.throwIn(e, self)
        }
        throw PyRaise(exception: e)
    }
}
