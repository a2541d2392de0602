import PyRuntime
import RunModel
import Testing

@testable import VirtualLoop

/// External events (SimThreads.swift) and the virtual `select`
/// (Selector.swift), after TRACE_LANGUAGE.md's "Virtual time": with an
/// external event `e` due within the timeout (or no timeout), the clock
/// becomes max(now, e) and every event due by then is delivered in order of
/// (due, seq); otherwise the clock becomes now + timeout; with neither, the
/// run is deadlocked. These need a world (the clock, the events, the limits)
/// and a loop (its selector's registrations; none here).
@Suite("Selector and external events")
struct SelectorTests {
    let parts: LoopParts
    let world: World
    /// The names of the events delivered, in order.
    final class Deliveries { var names: [String] = [] }
    let delivered = Deliveries()

    init() {
        parts = LoopParts(limits: RunLimits(maxTime: 100))
        world = parts.world
    }

    /// Schedules an event due at `due` that records `name` when delivered, then runs `then`.
    func schedule(_ due: Double, _ name: String, _ kind: ExternalEvent.Kind = .network, then: @escaping () -> Void = {})
    {
        world.scheduleExternal(due, kind) { [delivered] in
            delivered.names.append(name)
            then()
        }
    }

    func select(_ timeout: Double?) throws {
        let ready = try world.select(timeout, loop: parts.loop)
        #expect(ready.isEmpty)
    }

    @Test("pending events are kept sorted by due time, then by order of scheduling")
    func sortedByDueThenSeq() {
        for (due, name) in [(2.0, "a"), (1.0, "b"), (2.0, "c"), (1.0, "d"), (0.5, "e"), (2.0, "f")] {
            schedule(due, name)
        }
        #expect(world.external.map(\.due) == [0.5, 1, 1, 2, 2, 2])
        #expect(world.external.map(\.seq) == [5, 2, 4, 1, 3, 6])
    }

    @Test(
        "without a timeout the clock jumps to the earliest event, and every event due then is delivered in (due, seq) order"
    )
    func jumpsToTheEarliestEvent() throws {
        schedule(2, "c")
        schedule(1, "a", .worker)
        schedule(1, "b")
        try select(nil)
        #expect(world.clock == 1)
        #expect(delivered.names == ["a", "b"])
        #expect(world.external.map(\.due) == [2])
    }

    @Test("an event due within the timeout ends the jump at its due time")
    func eventWithinTheTimeout() throws {
        schedule(1, "a")
        try select(5)
        #expect(world.clock == 1)
        #expect(delivered.names == ["a"])
    }

    @Test("an event due exactly at now + timeout is delivered")
    func eventAtTheEndOfTheTimeout() throws {
        world.clock = 0.5
        schedule(2.5, "a")
        try select(2)
        #expect(world.clock == 2.5)
        #expect(delivered.names == ["a"])
    }

    @Test("an event already overdue is delivered at once, and the clock does not go back")
    func overdueEvent() throws {
        world.clock = 3
        schedule(1, "late")
        try select(10)
        #expect(world.clock == 3)
        #expect(delivered.names == ["late"])
    }

    @Test("with no event due within the timeout the clock becomes now + timeout, a float sum, and nothing is delivered")
    func noEventWithinTheTimeout() throws {
        world.clock = 0.1
        schedule(5, "later")
        try select(0.2)
        #expect(world.clock == 0.1 + 0.2)
        #expect(world.clock == 0.30000000000000004)
        #expect(delivered.names.isEmpty)
        #expect(world.external.count == 1)
    }

    @Test("a timeout of 0 leaves the clock where it is and delivers only what is due now")
    func zeroTimeout() throws {
        world.clock = 2
        schedule(2, "now")
        schedule(2.25, "soon")
        try select(0)
        #expect(world.clock == 2)
        #expect(delivered.names == ["now"])
    }

    @Test("with neither a timeout nor an event, the run is deadlocked")
    func deadlock() {
        let stop = #expect(throws: RunStop.self) { try world.select(nil, loop: parts.loop) }
        #expect(stop?.reason == .deadlock)
        #expect(world.clock == 0)
    }

    @Test("events that a delivery schedules for the same instant are delivered in the same select; later ones wait")
    func deliveriesScheduleMore() throws {
        schedule(1, "job returns", .worker) { [world, delivered] in
            world.scheduleExternal(world.clock, .worker) { delivered.names.append("completion") }
            world.scheduleExternal(world.clock + 0.5, .network) { delivered.names.append("reply") }
        }
        try select(nil)
        #expect(world.clock == 1)
        #expect(delivered.names == ["job returns", "completion"])
        #expect(world.external.map(\.due) == [1.5])
    }

    @Test("a jump past the run's time limit stops the run, with or without an event")
    func timeLimit() {
        schedule(150, "too late")
        let toEvent = #expect(throws: RunStop.self) { try world.select(nil, loop: parts.loop) }
        #expect(toEvent?.reason == .limit("max-time"))
        let byTimeout = #expect(throws: RunStop.self) { try world.select(120, loop: parts.loop) }
        #expect(byTimeout?.reason == .limit("max-time"))
        #expect(world.clock == 0 && delivered.names.isEmpty)
    }
}
