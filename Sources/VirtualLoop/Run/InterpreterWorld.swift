import PyRuntime
import RunModel

extension Interpreter {
    /// The world this interpreter runs in: its host, which is always a
    /// `World` in vloop (TraceRunner sets it before any code runs).
    @inline(__always) package var world: World {
        unsafeDowncast(host.unsafelyUnwrapped as AnyObject, to: World.self)
    }
}
