import PyRuntime
import RunModel

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
    package func resume(throwing e: PyException, _ vm: Interpreter) throws -> FrameResult {
        throw PyRaise(exception: e)
    }

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
