import CSupport
import PyRuntime
import RunModel

/// `asyncio.Handle`: a callback scheduled with `call_soon`.
public class Handle: PyObject {
    /// Set again only through `setCallback` (when a handle is reused or cancelled).
    @exclusivity(unchecked) package private(set) var callback: Callback
    @exclusivity(unchecked) package var cancelled = false
    package unowned(unsafe) let loop: EventLoop
    /// What scheduled it (`World.context` then): the cause of what it runs.
    @exclusivity(unchecked) package var origin = Cause.outside
    /// The task and the future the callback names, for prefetching
    /// (`Prefetch.swift`) and for running a wake-up without copying its
    /// callback; valid exactly as long as the callback holds them.
    /// Invariant: they are the hints of `callback` (`setCallback` keeps them so).
    @exclusivity(unchecked) package private(set) var hintTask: Unmanaged<PyTask>?
    @exclusivity(unchecked) package private(set) var hintFuture: Unmanaged<PyFuture>?

    package init(_ callback: Callback, loop: EventLoop) {
        (hintTask, hintFuture) = Handle.hints(of: callback)
        self.callback = callback
        self.loop = loop
    }

    /// Replaces the callback and its hints.
    @inline(__always) package func setCallback(_ cb: consuming Callback) {
        (hintTask, hintFuture) = Handle.hints(of: cb)
        callback = cb
    }

    /// The hints of `cb`, read from the value itself (switching over the
    /// stored property instead would retain and release its payload).
    @inline(__always) private static func hints(of cb: Callback) -> (Unmanaged<PyTask>?, Unmanaged<PyFuture>?) {
        switch cb {
        case .wakeup(let t, let f): return (.passUnretained(t), .passUnretained(f))
        case .sleepWakeup(let t, let f): return (.passUnretained(t), f)
        case .taskStep(let t, _): return (.passUnretained(t), nil)
        case .setResultUnlessCancelled(let f, _): return (nil, .passUnretained(f))
        default: return (nil, nil)
        }
    }

    #if DEBUG
    /// Whether `hintTask` and `hintFuture` are the hints of `callback` (their invariant).
    package var hintsMatchCallback: Bool {
        let (t, f) = Handle.hints(of: callback)
        return t?.toOpaque() == hintTask?.toOpaque() && f?.toOpaque() == hintFuture?.toOpaque()
    }
    #endif

    public override var typeName: String { "Handle" }
    public override func dropReferences(into teardown: ObjectTeardown) {
        teardown.add(callback)
        setCallback(.idle)
    }

    /// `Handle.cancel()`: also lets go of the callback and its arguments, as CPython does.
    package func cancel() {
        if !cancelled {
            cancelled = true
            setCallback(.idle)
        }
    }

    public override func repr(_ vm: Interpreter) throws -> String {
        cancelled ? "<\(typeName) cancelled>" : "<\(typeName) \(describe(vm))>"
    }

    package func describe(_ vm: Interpreter) -> String {
        switch callback {
        case .taskStep(let t, _): return "Task.__step() of \(t.name)"
        case .setResultUnlessCancelled: return "_set_result_unless_cancelled()"
        case .doneCallback: return "future done callback"
        case .wakeup(let t, _), .sleepWakeup(let t, _): return "Task.task_wakeup() of \(t.name)"
        case .call(let f, _):
            if let fn = f.object as? PyFunction { return fn.name + "()" }
            if let b = f.object as? PyBuiltin { return b.name + "()" }
            if let m = f.object as? PyBoundMethod { return m.name + "()" }
            return ((try? vm.repr(f)) ?? "callback") + "()"
        case .idle: return "cancelled callback"
        }
    }

    public override func callMethod(_ name: String, _ args: Args, _ vm: Interpreter) throws -> Value {
        switch name {
        case "cancel":
            cancel()
            return .none
        case "cancelled":
            return .bool(cancelled)
        case "get_context":
            return .none
        default:
            return try super.callMethod(name, args, vm)
        }
    }

    public override func getAttr(_ name: String, _ vm: Interpreter) throws -> Value? {
        switch name {
        case "cancel", "cancelled": return .obj(PyBoundMethod(receiver: self, name: name))
        default: return nil
        }
    }
}

extension World {
    /// Past `stepCheck`: the step limit, the livelock watch (Hangs.swift),
    /// and PCT's change points (the task whose step this is drops to the
    /// lowest priority; a step of no task leaves the change to the next task's step).
    private func checkStep(_ h: Handle) throws {
        if steps > limits.maxSteps { throw RunStop(reason: .limit("max-steps")) }
        if steps > hangs.nextCheck { hangs.nextCheck = try checkLivelock() }
        stepCheck = min(limits.maxSteps, hangs.nextCheck)
        guard let perturber else { return }
        let task: PyTask?
        switch h.callback {
        case .taskStep(let t, _), .wakeup(let t, _), .sleepWakeup(let t, _), .doneCallback(.wakeup(let t), _): task = t
        default: task = nil
        }
        _ = perturber.reached(step: steps, task: task?.serial)
        // A change point still due (this step ran no task) is looked at again at the next step.
        let next = perturber.nextChangePoint
        stepCheck = min(stepCheck, next > steps ? next - 1 : steps)
    }

    /// Runs one callback (`Handle._run`): the only place callbacks run.
    package func runHandle(_ h: Handle, _ vm: Interpreter) throws {
        steps += 1
        if steps > stepCheck { try checkStep(h) }
        vm.beginCounting()
        context = h.origin
        let start = clock
        do {
            switch h.callback {
            case .wakeup, .sleepWakeup:
                // `Task.__wakeup(future)`, the commonest callback, run on the
                // handle's own references (its hints, which a wake-up always
                // has): trace code never sees a wake-up's handle, so nothing
                // replaces its callback while it runs. The case is matched
                // without binding its payload, which would retain it.
                try h.hintTask.unsafelyUnwrapped._withUnsafeGuaranteedRef { t in
                    try h.hintFuture.unsafelyUnwrapped._withUnsafeGuaranteedRef { try t.wakeup($0, vm) }
                }
            case .taskStep(let t, let e):
                try t.step(e, vm)
            case .setResultUnlessCancelled(let f, let v):
                if f.state != .cancelled { try f.setResult(v, vm) }
            case .doneCallback(let cb, let fut):
                switch cb {
                case .value(let fn): _ = try vm.call(fn, Args([.obj(fut)]))
                case .wakeup(let t): try t.wakeup(fut, vm)
                case .runUntilComplete:
                    if fut.state != .cancelled, case .obj(let o) = try fut.exceptionValue(vm),
                        let e = o as? PyException, e.type === PyType.systemExit || e.type === PyType.keyboardInterrupt
                    {
                        break
                    }
                    fut.loop.stopping = true
                case .native(let f): try f.body(fut)
                }
            case .call(let fn, let args):
                _ = try vm.call(fn, Args(args))
            case .idle:
                break
            }
        } catch let r as PyRaise {
            note("Exception in callback \(h.describe(vm)): \(r.exception.summary(vm))")
        }
        let busy = clock - start
        if busy > 0 {
            let ctx: String
            switch h.callback {
            case .taskStep(let t, _), .wakeup(let t, _), .sleepWakeup(let t, _), .doneCallback(.wakeup(let t), _):
                ctx = t.name
            default: ctx = h.describe(vm)
            }
            recorder.blockings.append(Blocking(start: start, duration: busy, ctx: ctx))
            if h.loop.debug && busy >= h.loop.slowCallbackDuration {
                note("Executing \((try? h.repr(vm)) ?? "handle") took \(formatFixed(busy, 3, vm)) seconds")
            }
        }
    }
}
