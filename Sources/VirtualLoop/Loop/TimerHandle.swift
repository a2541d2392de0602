import CSupport
import PyRuntime
import RunModel

/// `asyncio.TimerHandle`: a callback scheduled for a virtual instant.
public final class TimerHandle: Handle {
    @exclusivity(unchecked) package var when: Double
    /// True while the handle is in the loop's heap (`_scheduled` in CPython).
    /// Invariant: true exactly when the handle is in `loop.scheduled`; who
    /// pushes a timer sets it, who pops or drops one clears it. Debug builds
    /// count the timers that have it set (`EventLoop.timersMarkedScheduled`),
    /// so that `checkInvariants` can see a flag left set outside the heap.
    #if DEBUG
    @exclusivity(unchecked) package var scheduled = false {
        didSet { if scheduled != oldValue { loop.timersMarkedScheduled += scheduled ? 1 : -1 } }
    }
    #else
    @exclusivity(unchecked) package var scheduled = false
    #endif

    package init(when: Double, _ callback: Callback, loop: EventLoop) {
        self.when = when
        super.init(callback, loop: loop)
    }

    public override var typeName: String { "TimerHandle" }

    package override func cancel() {
        if !cancelled && scheduled { loop.timerCancelledCount += 1 }
        super.cancel()
    }

    public override func repr(_ vm: Interpreter) throws -> String {
        cancelled
            ? "<TimerHandle cancelled when=\(floatRepr(when))>"
            : "<TimerHandle when=\(floatRepr(when)) \(describe(vm))>"
    }

    public override func callMethod(_ name: String, _ args: Args, _ vm: Interpreter) throws -> Value {
        if name == "when" { return .float(when) }
        return try super.callMethod(name, args, vm)
    }

    public override func getAttr(_ name: String, _ vm: Interpreter) throws -> Value? {
        if name == "when" { return .obj(PyBoundMethod(receiver: self, name: name)) }
        return try super.getAttr(name, vm)
    }
}
