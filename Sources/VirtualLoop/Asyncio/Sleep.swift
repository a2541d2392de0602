import PyRuntime
import RunModel

// `asyncio.sleep`, the one home of its semantics. CPython 3.11's tasks.py:
//
//     async def sleep(delay, result=None):
//         if delay <= 0:
//             await __sleep0()
//             return result
//         loop = events.get_running_loop()
//         future = loop.create_future()
//         h = loop.call_later(delay, futures._set_result_unless_cancelled, future, result)
//         try:
//             return await future
//         finally:
//             h.cancel()
//
// It runs two ways, through the same three steps below (`begin`, `finish`,
// `abandon`):
//   - as a coroutine object, `SleepCoroutine`: what `asyncio.sleep(d)`
//     returns when it is called (stored, gathered, made a task, ...);
//   - natively, inside the frame of `await asyncio.sleep(d)` (the
//     interpreter's op `awaitSleep`, through `World.beginNativeAwait`): no
//     coroutine is made, and the frame's `SleepState` reuses its future and
//     timer from one sleep to the next when nothing else holds them.
// Both take the same loop steps, so the order of events is the same.

/// Where a sleep is: before its first step, suspended in `__sleep0()`
/// (`delay <= 0`), or awaiting its future. Stored in a frame's
/// `nativeAwait` as the raw value (0 is "not in a native await").
package enum SleepStage: UInt8 {
    case start = 0
    case yieldedZero = 1
    case awaiting = 2
}

/// A sleep's future and timer. One per coroutine object, or one per frame
/// for native sleeps (kept in `Frame.hostState` and reused). Invariant:
/// while the stage is `.awaiting`, `future` is the future yielded to the
/// task and `timer` is the timer that resolves it.
package final class SleepState {
    @exclusivity(unchecked) package var future: PyFuture?
    @exclusivity(unchecked) package var timer: TimerHandle?

    package init() {}

    /// `delay <= 0`, as `sleep`'s first line compares it (any type that
    /// compares with 0, with Python's TypeError otherwise).
    @inline(__always)
    package static func isNonPositive(_ delay: Value, _ vm: Interpreter) throws -> Bool {
        switch delay {
        case .int(let i): return i <= 0
        case .float(let d): return d <= 0
        default: return try vm.truthy(try compareOp(.le, delay, .int(0), vm))
        }
    }

    /// The first step for `delay > 0`: a future of the running loop, and a
    /// timer that sets its result `delay` seconds from now. Returns the
    /// future, which the task waits on (the first step of `Future.__await__`).
    /// With `reuse`, the future and timer of the previous sleep are reset and
    /// used again when nothing else refers to them.
    @inline(__always)
    package func begin(_ delay: Value, result: Value, reuse: Bool, _ world: World, _ vm: Interpreter) throws -> PyFuture
    {
        let loop = try world.runningLoop()
        let seconds = try vm.numberArg(delay, "delay")
        let fut = reuse ? reusableFuture(loop) : loop.createFuture()
        if !reuse { future = fut }
        try loop.callAt(world.clock + seconds, .setResultUnlessCancelled(fut, result), reusing: &timer, vm)
        // The future cannot be done yet: the task blocks on it.
        fut.blocking = true
        return fut
    }

    /// The second step, when the task resumes: `return await future` (its
    /// result or exception), then the `finally`'s `h.cancel()`.
    @inline(__always)
    package func finish(_ vm: Interpreter) throws -> Value {
        let timer = self.timer.unsafelyUnwrapped
        guard let fut = future, fut.isDone else {
            timer.cancel()
            throw vm.error(.runtimeError, "await wasn't used with future")
        }
        defer { timer.cancel() }
        return try fut.resultValue(vm)
    }

    /// An exception thrown into the awaiting sleep: only the `finally` runs.
    @inline(__always)
    package func abandon() {
        timer.unsafelyUnwrapped.cancel()
    }

    /// A pending future of `loop`: the last one, reset, when nothing else
    /// refers to it; else a new one. (The wake-up of a native sleep does not
    /// hold its future: `Callback.sleepWakeup`.)
    private func reusableFuture(_ loop: EventLoop) -> PyFuture {
        if isKnownUniquelyReferenced(&future), let f = future, f.loop === loop {
            f.resetForReuse()
            return f
        }
        let f = loop.createFuture()
        f.isNativeSleep = true
        future = f
        return f
    }
}

/// The coroutine object that `asyncio.sleep(delay, result)` returns.
package final class SleepCoroutine: NativeCoroutine {
    package let delay: Value
    package let value: Value
    @exclusivity(unchecked) package var stage = SleepStage.start
    package let state = SleepState()

    package init(delay: Value, result: Value) {
        self.delay = delay
        self.value = result
        super.init(name: "sleep")
    }

    package override func resume(_ sent: Value, _ vm: Interpreter) throws -> FrameResult {
        switch stage {
        case .yieldedZero:
            return .returned(value)
        case .awaiting:
            return .returned(try state.finish(vm))
        case .start:
            if try SleepState.isNonPositive(delay, vm) {
                stage = .yieldedZero
                return .yielded(.none)
            }
            let fut = try state.begin(delay, result: value, reuse: false, vm.world, vm)
            stage = .awaiting
            return .yielded(.obj(fut))
        }
    }

    package override func resume(throwing e: PyException, _ vm: Interpreter) throws -> FrameResult {
        if stage == .awaiting { state.abandon() }
        throw PyRaise(exception: e)
    }
}

extension World {
    /// `await asyncio.sleep(delay)` run natively in `frame` (op `awaitSleep`).
    public func beginNativeAwait(_ argument: Value, in frame: Frame, _ vm: Interpreter) throws -> Value {
        if try SleepState.isNonPositive(argument, vm) {
            frame.nativeAwait = SleepStage.yieldedZero.rawValue
            return .none
        }
        if frame.hostState == nil { frame.hostState = SleepState() }
        // Unowned: the frame holds its state while this runs (a retain per sleep saved).
        unowned(unsafe) let state = unsafeDowncast(frame.hostState.unsafelyUnwrapped, to: SleepState.self)
        let fut = try state.begin(argument, result: .none, reuse: true, self, vm)
        frame.nativeAwait = SleepStage.awaiting.rawValue
        return .obj(fut)
    }

    /// The rest of a native `sleep` when its frame resumes.
    public func endNativeAwait(in frame: Frame, _ resume: Resume, _ vm: Interpreter) throws -> Value {
        let stage = SleepStage(rawValue: frame.nativeAwait).unsafelyUnwrapped
        frame.nativeAwait = 0
        switch (stage, resume) {
        case (.yieldedZero, .send):
            return .none
        case (.awaiting, .send):
            // Unowned: the frame holds its state while this runs (a retain per sleep saved).
            unowned(unsafe) let state = unsafeDowncast(frame.hostState.unsafelyUnwrapped, to: SleepState.self)
            return try state.finish(vm)
        case (.awaiting, .raise(let e)):
            unsafeDowncast(frame.hostState.unsafelyUnwrapped, to: SleepState.self).abandon()
            throw PyRaise(exception: e)
        case (_, .raise(let e)):
            throw PyRaise(exception: e)
        case (.start, .send):
            preconditionFailure("a frame resumed in a native sleep that never started")
        }
    }
}
