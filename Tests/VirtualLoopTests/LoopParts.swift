import PyRuntime
import RunModel

@testable import VirtualLoop

/// The least the loop's parts need to be built in a test, none of it running
/// Python code. A handle refers to its loop (`Handle.loop`: a timer's
/// `cancel` counts itself in the loop's `timerCancelledCount`), a loop to
/// its world (`EventLoop.world`: the clock, `select`, the perturber), and a
/// world to an interpreter (`World.vm`: it raises the trace's errors). The
/// interpreter is only constructed: nothing is compiled or run.
final class LoopParts {
    let world: World
    let loop: EventLoop

    init(limits: RunLimits = RunLimits()) {
        world = World(vm: Interpreter(), limits: limits, seed: 0)
        loop = world.makeLoop()
    }

    /// A plain handle whose callback carries `label` (it is never called).
    func handle(_ label: Int) -> Handle {
        Handle(.call(.int(label), []), loop: loop)
    }

    /// A timer whose callback carries `label` (it is never called).
    func timer(_ when: Double, _ label: Int) -> TimerHandle {
        TimerHandle(when: when, .call(.int(label), []), loop: loop)
    }
}

/// The label that `LoopParts.handle` or `.timer` put in a callback (-1 for any other callback).
func label(_ h: Handle) -> Int {
    guard case .call(.int(let label), _) = h.callback else { return -1 }
    return label
}
