import CSupport
import PyRuntime
import RunModel

/// `asyncio.TimerHandle`: a callback scheduled for a virtual instant.
public final class TimerHandle: Handle {
    @exclusivity(unchecked) package var when: Double
    /// True while the handle is in the loop's heap (`_scheduled` in CPython).
    @exclusivity(unchecked) package var scheduled = false

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
        cancelled ? "<TimerHandle cancelled when=\(floatRepr(when))>" : "<TimerHandle when=\(floatRepr(when)) \(describe(vm))>"
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
