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
// It runs two ways, through the same steps below (`Sleep.isNonPositive`,
// `Sleep.begin`, `SleepFuture.finish`, `SleepFuture.abandon`):
//   - as a coroutine object, `SleepCoroutine`: what `asyncio.sleep(d)`
//     returns when it is called (stored, gathered, made a task, ...);
//   - natively, inside the frame of `await asyncio.sleep(d)` (the
//     interpreter's op `awaitSleep`, through `World.beginNativeAwait`): no
//     coroutine is made, and the frame keeps the sleep's future in its
//     `hostState`, reused (with its timer) from one sleep to the next when
//     nothing else holds it.
// Both take the same loop steps, so the order of events is the same.

/// Where a sleep is: before its first step, suspended in `__sleep0()`
/// (`delay <= 0`), or awaiting its future. Stored in a frame's
/// `nativeAwait` as the raw value (0 is "not in a native await").
package enum SleepStage: UInt8 {
    case start = 0
    case yieldedZero = 1
    case awaiting = 2
}

/// The future a sleep awaits, carrying the timer that resolves it (`h` in
/// `sleep`): one object where a frame, a task's prefetch hints and the
/// wake-up look, instead of two. Invariant: while a sleep awaits it, `timer`
/// is scheduled (or cancelled) to set its result.
package final class SleepFuture: PyFuture {
    @exclusivity(unchecked) package var timer: TimerHandle?

    package override func dropReferences(into teardown: ObjectTeardown) {
        super.dropReferences(into: teardown)
        if let timer { teardown.add(timer) }
        timer = nil
    }

    /// The second step, when the task resumes: `return await future` (its
    /// result or exception), then the `finally`'s `h.cancel()`.
    @inline(__always)
    package func finish(_ vm: Interpreter) throws -> Value {
        let timer = self.timer.unsafelyUnwrapped
        guard isDone else {
            timer.cancel()
            throw vm.error(.runtimeError, "await wasn't used with future")
        }
        defer { timer.cancel() }
        return try resultValue(vm)
    }

    /// An exception thrown into the awaiting sleep: only the `finally` runs.
    @inline(__always)
    package func abandon() {
        timer.unsafelyUnwrapped.cancel()
    }
}

/// The steps of `sleep` that both ways share.
package enum Sleep {
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
    /// With `reusing`, the future there (and its timer) is reset and used
    /// again when nothing else refers to it, and the new one is left there.
    @inline(__always)
    package static func begin(
        _ delay: Value, result: Value, reusing slot: UnsafeMutablePointer<AnyObject?>?, _ world: World,
        _ vm: Interpreter
    ) throws -> SleepFuture {
        let loop = try world.runningLoop()
        let seconds = try vm.numberArg(delay, "delay")
        let fut: SleepFuture
        if let slot {
            fut = reusableFuture(slot, loop)
        } else {
            fut = SleepFuture(loop: loop)
        }
        try loop.callAt(world.clock + seconds, .setResultUnlessCancelled(fut, result), reusing: &fut.timer, vm)
        // The future cannot be done yet: the task blocks on it.
        fut.blocking = true
        return fut
    }

    /// The future in `slot`, reset, when nothing else refers to it; else a
    /// new one, left in `slot`. (The wake-up of a native sleep does not hold
    /// its future, `Callback.sleepWakeup`: the frame's slot does.)
    private static func reusableFuture(_ slot: UnsafeMutablePointer<AnyObject?>, _ loop: EventLoop) -> SleepFuture {
        if isKnownUniquelyReferenced(&slot.pointee), let o = slot.pointee {
            let f = unsafeDowncast(o, to: SleepFuture.self)
            if f.loop === loop {
                f.resetForReuse()
                return f
            }
        }
        let f = SleepFuture(loop: loop)
        f.isNativeSleep = true
        slot.pointee = f
        return f
    }
}

/// The coroutine object that `asyncio.sleep(delay, result)` returns.
package final class SleepCoroutine: NativeCoroutine {
    package let delay: Value
    package let value: Value
    @exclusivity(unchecked) package var stage = SleepStage.start
    @exclusivity(unchecked) package var future: SleepFuture?

    package override func dropReferences(into teardown: ObjectTeardown) {
        teardown.add([delay, value])
        if let future { teardown.add(future) }
        future = nil
    }

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
            return .returned(try future.unsafelyUnwrapped.finish(vm))
        case .start:
            if try Sleep.isNonPositive(delay, vm) {
                stage = .yieldedZero
                return .yielded(.none)
            }
            let fut = try Sleep.begin(delay, result: value, reusing: nil, vm.world, vm)
            future = fut
            stage = .awaiting
            return .yielded(.obj(fut))
        }
    }

    package override func resume(throwing e: PyException, _ vm: Interpreter) throws -> FrameResult {
        if stage == .awaiting { future.unsafelyUnwrapped.abandon() }
        throw PyRaise(exception: e)
    }
}

extension World {
    /// `await asyncio.sleep(delay)` run natively in `frame` (op `awaitSleep`).
    /// The frame's `hostState` holds the sleep's `SleepFuture`.
    public func beginNativeAwait(_ argument: Value, in frame: Frame, _ vm: Interpreter) throws -> Value {
        if try Sleep.isNonPositive(argument, vm) {
            frame.nativeAwait = SleepStage.yieldedZero.rawValue
            return .none
        }
        let fut = try withUnsafeMutablePointer(to: &frame.hostState) {
            try Sleep.begin(argument, result: .none, reusing: $0, self, vm)
        }
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
            // Unowned: the frame holds its future while this runs (a retain per sleep saved).
            unowned(unsafe) let fut = unsafeDowncast(frame.hostState.unsafelyUnwrapped, to: SleepFuture.self)
            return try fut.finish(vm)
        case (.awaiting, .raise(let e)):
            unsafeDowncast(frame.hostState.unsafelyUnwrapped, to: SleepFuture.self).abandon()
            throw PyRaise(exception: e)
        case (_, .raise(let e)):
            throw PyRaise(exception: e)
        case (.start, .send):
            preconditionFailure("a frame resumed in a native sleep that never started")
        }
    }
}
