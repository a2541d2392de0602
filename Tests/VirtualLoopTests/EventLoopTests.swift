import PyRuntime
import RunModel
import Testing

@testable import VirtualLoop

/// `runOnce`'s timer phases on a loop whose callbacks do nothing (`.idle`),
/// so that no Python code runs. The counts were produced by CPython 3.11's
/// `_run_once` on the same timers, with its clock and selector replaced:
///
///     import asyncio
///     def fresh():
///         loop = asyncio.new_event_loop()
///         now = [0.0]
///         loop.time = lambda: now[0]
///         real_select = loop._selector.select
///         def select(timeout):
///             if timeout: now[0] += timeout
///             return real_select(0)
///         loop._selector.select = select
///         return loop, now
///     noop = lambda: None
///
///     loop, now = fresh()
///     a = loop.call_at(1, noop); b = loop.call_at(1, noop); c = loop.call_at(2, noop)
///     b.cancel()
///     print(loop._timer_cancelled_count, len(loop._scheduled))           # 1 3
///     loop._run_once()
///     print(loop._timer_cancelled_count, len(loop._scheduled), now[0])   # 1 1 1.0
///     c.cancel()
///     print(loop._timer_cancelled_count)                                 # 2
///     d = loop.call_at(3, noop)
///     loop._run_once()
///     print(loop._timer_cancelled_count, len(loop._scheduled), now[0])   # 1 0 3.0
///
///     loop, now = fresh()
///     a = loop.call_at(0, noop); loop._run_once(); a.cancel()
///     print(loop._timer_cancelled_count)                                 # 0
///     b = loop.call_at(5, noop); b.cancel(); b.cancel()
///     print(loop._timer_cancelled_count)                                 # 1
///
///     loop, now = fresh()
///     hs = [loop.call_at(10 + i, noop) for i in range(102)]
///     for h in hs[1::2]: h.cancel()
///     for h in hs[:4:2]: h.cancel()
///     print(loop._timer_cancelled_count, len(loop._scheduled))           # 53 102
///     loop._run_once()
///     print(loop._timer_cancelled_count, len(loop._scheduled), now[0])   # 0 48 14.0
///
///     loop, now = fresh()
///     now[0] = 1.0
///     loop.call_soon(noop)
///     soon = loop.call_at(1 + 0.5e-9, noop); later = loop.call_at(1 + 2e-9, noop)
///     loop._run_once()
///     print(soon._scheduled, later._scheduled, now[0])                   # False True 1.0
@Suite("Event loop")
struct EventLoopTests {
    let parts = LoopParts()
    var loop: EventLoop { parts.loop }
    var vm: Interpreter { parts.world.vm }

    func checkInvariants() {
        #if DEBUG
        loop.checkInvariants()
        #endif
    }

    @Test("a cancelled timer popped from the head is uncounted; one that leaves as due is not, so the counter drifts")
    func cancelledCounterDrifts() throws {
        _ = try loop.callAt(1, .idle, vm)
        let b = try loop.callAt(1, .idle, vm)
        let c = try loop.callAt(2, .idle, vm)
        b.cancel()
        #expect(loop.timerCancelledCount == 1 && loop.scheduled.count == 3)
        checkInvariants()

        try loop.runOnce(vm)
        // b was due with a, and left the heap cancelled but counted.
        #expect(loop.timerCancelledCount == 1 && loop.scheduled.count == 1 && parts.world.clock == 1)
        #expect(!b.scheduled)

        c.cancel()
        #expect(loop.timerCancelledCount == 2)
        _ = try loop.callAt(3, .idle, vm)
        try loop.runOnce(vm)
        // c was purged from the head (uncounted), then the timer at 3 was due.
        #expect(loop.timerCancelledCount == 1 && loop.scheduled.count == 0 && parts.world.clock == 3)
        #expect(!c.scheduled)
    }

    @Test("cancelling a timer that is not in the heap, or cancelling twice, counts nothing")
    func cancelCountsOnlyScheduledTimers() throws {
        let a = try loop.callAt(0, .idle, vm)
        try loop.runOnce(vm)
        #expect(!a.scheduled)
        a.cancel()
        #expect(loop.timerCancelledCount == 0)
        let b = try loop.callAt(5, .idle, vm)
        b.cancel()
        b.cancel()
        #expect(loop.timerCancelledCount == 1)
        checkInvariants()
    }

    @Test(
        "more than 100 timers with over half of them cancelled are rebuilt with heapify, and the counter returns to 0")
    func rebuildWhenMostlyCancelled() throws {
        let hs = try (0..<102).map { try loop.callAt(10 + Double($0), .idle, vm) }
        for h in hs.indices.filter({ $0 % 2 == 1 }) + [0, 2] { hs[h].cancel() }
        #expect(loop.timerCancelledCount == 53 && loop.scheduled.count == 102)
        checkInvariants()
        try loop.runOnce(vm)
        #expect(loop.timerCancelledCount == 0 && loop.scheduled.count == 48 && parts.world.clock == 14)
        #expect(hs.filter(\.scheduled).count == 48)
        #expect(hs.allSatisfy { !($0.cancelled && $0.scheduled) })
    }

    @Test("with a callback ready the clock stays, and a timer due within the clock's resolution runs")
    func clockResolution() throws {
        parts.world.clock = 1
        try loop.callSoon(.idle)
        let soon = try loop.callAt(1 + 0.5e-9, .idle, vm)
        let later = try loop.callAt(1 + 2e-9, .idle, vm)
        try loop.runOnce(vm)
        #expect(!soon.scheduled && later.scheduled)
        #expect(parts.world.clock == 1)
    }
}
