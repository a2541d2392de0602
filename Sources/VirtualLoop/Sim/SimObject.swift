import PyRuntime
import RunModel
import TraceLanguage

/// `sim`: the simulated world's knobs (TRACE_LANGUAGE.md, "The simulated world's other knobs").
package final class SimObject: PyObject {
    package unowned(unsafe) let world: World
    /// `sim.cpu_count`: None (or 0) stands for an unknown count, as
    /// `os.cpu_count()` may return; the pools then assume 1 (`cpu or 1`).
    @exclusivity(unchecked) package var cpuCount: Int? = 4
    @exclusivity(unchecked) package var epoch = 1_700_000_000.0
    /// `sim.explore(...)` as written in the trace; the command line wins over it.
    @exclusivity(unchecked) package var explore: [String: Value] = [:]

    package init(world: World) { self.world = world }

    package override var typeName: String { "Sim" }
    package override func dropReferences(into teardown: ObjectTeardown) {
        teardown.add(explore.values)
        explore = [:]
    }
    package override func repr(_ vm: Interpreter) throws -> String { "<sim>" }

    package override func getAttr(_ name: String, _ vm: Interpreter) throws -> Value? {
        switch name {
        case "cpu_count": return cpuCount.map { .int($0) } ?? Value.none
        case "epoch": return .float(epoch)
        case "explore", "peer": return .obj(PyBoundMethod(receiver: self, name: name))
        default: return nil
        }
    }

    package override func setAttr(_ name: String, _ value: Value, _ vm: Interpreter) throws {
        switch name {
        case "cpu_count":
            if value.isNone {
                cpuCount = nil
                return
            }
            let n = try vm.intArg(value, "cpu_count")
            if n < 0 { throw vm.error(.valueError, "sim.cpu_count must be None or at least 0, not \(n)") }
            cpuCount = n
        case "epoch":
            // Bounded so that every clock reading, in seconds or nanoseconds,
            // and every log timestamp stays a finite number that fits.
            let e = try vm.numberArg(value, "sim.epoch")
            guard e.isFinite && Swift.abs(e) <= 1e10 else {
                throw vm.error(
                    .valueError,
                    "sim.epoch must be a finite number of seconds from -1e10 to 1e10, not \(try vm.repr(value))")
            }
            epoch = e
        default:
            throw vm.error(.attributeError, "'sim' has no setting '\(name)' (settings: cpu_count, epoch)")
        }
    }

    package override func callMethod(_ name: String, _ args: Args, _ vm: Interpreter) throws -> Value {
        if name == "peer" { return try declarePeer(args, vm) }
        guard name == "explore" else {
            throw vm.error(.attributeError, "'sim' has no attribute '\(name)'")
        }
        let allowed: Set<String> = [
            "runs", "jitter", "timer_jitter", "timer_lateness", "shuffle_ready", "strategy", "depth",
        ]
        if args.count > 0 { throw vm.error(.typeError, "sim.explore() takes keyword arguments only") }
        for (k, v) in args.keywords {
            guard allowed.contains(k) else {
                throw vm.error(.typeError, "sim.explore() got an unexpected keyword argument '\(k)'")
            }
            explore[k] = v
        }
        return .none
    }
}
