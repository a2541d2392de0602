import CSupport
import PyRuntime
import RunModel

/// What a loop callback does when it runs. Internal callbacks of asyncio
/// (a task's step, its wake-up, sleep's timer) are cases of their own, so
/// that scheduling them allocates no closure. Every payload is a few
/// references (no string, no closure), which keeps copies of a callback cheap.
package enum Callback {
    /// `Task.__step(exc)`.
    case taskStep(PyTask, PyException?)
    /// `futures._set_result_unless_cancelled(future, result)`.
    case setResultUnlessCancelled(PyFuture, Value)
    /// A done callback of a future, called with the future.
    case doneCallback(FutureCallback, PyFuture)
    /// `Task.__wakeup(future)`: the done callback a task puts on what it awaits
    /// (a case of its own, the commonest callback of all).
    case wakeup(PyTask, PyFuture)
    /// The same for the future of a native sleep, which its task's frame
    /// keeps alive until the wake-up has run (the task cannot step before):
    /// not holding it lets the frame reuse it for its next sleep.
    case sleepWakeup(PyTask, Unmanaged<PyFuture>)
    /// `call_soon(fn, *args)` from the trace.
    case call(Value, [Value])
    /// What a cancelled handle holds: nothing (CPython drops the callback and its arguments).
    case idle
}

/// A done callback registered on a future.
package enum FutureCallback {
    case value(Value)
    case wakeup(PyTask)
    case runUntilComplete
    /// asyncio's own callbacks (gather's), boxed so that the enum holds no closure.
    case native(NativeDoneCallback)

    package func matches(_ v: Value, _ vm: Interpreter) -> Bool {
        if case .value(let mine) = self { return (try? vm.equals(mine, v)) ?? false }
        return false
    }
}

/// A done callback written in Swift.
package final class NativeDoneCallback {
    package let body: (PyFuture) throws -> Void

    package init(_ body: @escaping (PyFuture) throws -> Void) { self.body = body }
}
