import PyRuntime
import RunModel

#if DEBUG
extension EventLoop {
    /// Below this many entries (heap, ready queue, tasks, external events:
    /// every fixture), the invariants are checked after every iteration.
    package static let invariantsAlwaysCheckedBelow = 1_000

    /// Checks the invariants at the end of `runOnce`: after every iteration
    /// while the structures are small, else once the loop has run at least as
    /// many callbacks as they hold since the last check. A check costs
    /// O(size), so this keeps debug builds a constant factor slower rather
    /// than a factor of the heap's size (the sleepers bench with N = 2000 took
    /// 15 s instead of 0.3 s when every iteration was checked).
    package func checkInvariantsAfterIteration() {
        let size = scheduled.count + ready.count + world.asyncio.tasks.count + world.external.count
        if size >= Self.invariantsAlwaysCheckedBelow && world.steps - stepsAtLastInvariantCheck < size { return }
        stepsAtLastInvariantCheck = world.steps
        checkInvariants()
    }

    /// Asserts, at the end of `runOnce` in debug builds, the invariants
    /// written beside the state they govern: the ready queue and the heap
    /// (`ready`, `scheduled`, `TimerHeap.items`, `TimerHandle.scheduled`),
    /// the cancelled-timer counter (`timerCancelledCount`), the handles'
    /// hints (`Handle.hintTask`), the handle pool (`HandlePool.slots`), the
    /// done callbacks of the futures reachable from the queues and the tasks
    /// (`PyFuture.firstCallback`), the tasks' waiting states
    /// (`PyTask.futureWaiter`) and the external events (`World.external`).
    /// Costs O(ready + heap + tasks + pending external events); release
    /// builds neither compile nor call it.
    package func checkInvariants() {
        // The clock: every way it moves (a select's timeout, an external
        // event's due time, time.sleep) takes a finite, checked value.
        assert(world.clock.isFinite, "the virtual clock became \(world.clock): a delay reached it unchecked")

        // Causality (Recording.swift): one step per event, and no cause from the future.
        let recorder = world.recorder
        assert(
            !recorder.recordsTaskSteps || recorder.eventSteps.count == recorder.events.count,
            "\(recorder.eventSteps.count) event steps for \(recorder.events.count) events: record events only through `record`"
        )
        assert(
            world.context.step <= world.steps, "the context's step \(world.context.step) is after step \(world.steps)")
        if let last = recorder.stepLog.last {
            assert(
                last.cause.step <= last.step,
                "a step was woken by a cause of a later step (\(last.cause.step) > \(last.step))")
        }

        // The heap: its order, its timers' flags, the counter's bound.
        var cancelledInHeap = 0
        var inHeap = Set<ObjectIdentifier>()
        scheduled.checkInvariants { h in
            assert(h.loop === self, "a timer of another loop is in this loop's heap")
            assert(h.scheduled, "a timer in the heap has its `scheduled` flag clear: set it on every push")
            assert(
                inHeap.insert(ObjectIdentifier(h)).inserted,
                "a timer is in the heap twice: push only timers that are not scheduled")
            if h.cancelled { cancelledInHeap += 1 }
            if case .setResultUnlessCancelled(let f, _) = h.callback { f.checkCallbacks() }
        }
        assert(
            timersMarkedScheduled == scheduled.count,
            "\(timersMarkedScheduled) timers have their `scheduled` flag set but the heap holds \(scheduled.count): clear the flag of every timer popped or dropped"
        )
        assert(
            timerCancelledCount >= cancelledInHeap,
            "timerCancelledCount is \(timerCancelledCount) but the heap holds \(cancelledInHeap) cancelled timers: count a cancel only when the timer is scheduled, and uncount only a purge from the head"
        )

        // The ready queue: this loop's handles, none in the heap, wake-ups of done futures.
        var stepping = Set<ObjectIdentifier>()
        for i in 0..<ready.count {
            let h = ready.peek(i).takeUnretainedValue()
            assert(h.loop === self, "a handle of another loop is in this loop's ready queue")
            assert(
                !((h as? TimerHandle)?.scheduled ?? false),
                "a timer is both ready and in the heap: clear `scheduled` when it is popped")
            assert(
                h.hintsMatchCallback,
                "a ready handle's hints are not those of its callback: set the callback only with setCallback")
            switch h.callback {
            case .wakeup(let t, let f), .doneCallback(.wakeup(let t), let f):
                assert(f.isDone, "the wake-up of \(t.name) is ready but its future is pending")
                f.checkCallbacks()
                stepping.insert(ObjectIdentifier(t))
            case .sleepWakeup(let t, let f):
                assert(
                    f.takeUnretainedValue().isDone, "the sleep wake-up of \(t.name) is ready but its future is pending")
                f.takeUnretainedValue().checkCallbacks()
                stepping.insert(ObjectIdentifier(t))
            case .taskStep(let t, _):
                stepping.insert(ObjectIdentifier(t))
            case .doneCallback(_, let f):
                assert(f.isDone, "a done callback is ready but its future is pending")
                f.checkCallbacks()
            case .setResultUnlessCancelled, .call, .idle:
                break
            }
        }

        handlePool.checkInvariants()

        // The tasks of this loop: their waiting states and done callbacks.
        if !closed {
            for t in world.asyncio.tasks where t.loop === self {
                t.checkCallbacks()
                if t.isDone {
                    assert(t.futureWaiter == nil, "the done task \(t.name) still waits on a future")
                } else if let w = t.futureWaiter {
                    assert(w !== t && w.loop === self, "\(t.name) waits on itself or on a future of another loop")
                    w.checkCallbacks()
                    if w.isDone {
                        assert(
                            stepping.contains(ObjectIdentifier(t)),
                            "\(t.name) waits on a done future but its wake-up is not in the ready queue")
                    } else {
                        assert(
                            w.holdsWakeup(of: t),
                            "\(t.name) waits on a pending future that does not hold its wake-up: it would never resume")
                    }
                } else {
                    assert(
                        stepping.contains(ObjectIdentifier(t)),
                        "the pending task \(t.name) waits on nothing and has no step in the ready queue: it would never resume"
                    )
                }
            }
        }

        world.checkExternalEvents()
    }
}
#endif
