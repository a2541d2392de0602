import PyRuntime
import RunModel
import Testing

@testable import VirtualLoop

/// The handle pool's contract (HandlePool.swift): `recycle` takes back a
/// plain handle that has run only when the caller holds the only reference
/// (trace code may keep the handle `call_soon` returned, and cancel it or
/// print it later), and `make` hands the last one kept out again, reset.
@Suite("Handle pool")
struct HandlePoolTests {
    let parts = LoopParts()

    @Test("a handle that nothing else refers to is kept, and make hands it out again with the new callback")
    func recyclesAnUnreferencedHandle() {
        var pool = HandlePool()
        var h: Handle? = pool.make(.call(.int(1), []), loop: parts.loop)
        h?.cancel()
        let id = ObjectIdentifier(h!)
        pool.recycle(h.take()!)
        #expect(pool.count == 1)
        let again = pool.make(.call(.int(2), []), loop: parts.loop)
        #expect(ObjectIdentifier(again) == id)
        #expect(label(again) == 2 && !again.cancelled)
        #expect(pool.count == 0)
    }

    @Test("a handle that trace code still holds is not taken back")
    func keepsNoHandleSomeoneHolds() {
        var pool = HandlePool()
        let held = parts.handle(1)
        pool.recycle(held)
        #expect(pool.count == 0)
        let made = pool.make(.call(.int(2), []), loop: parts.loop)
        #expect(made !== held)
        #expect(label(held) == 1)
    }

    @Test("a handle still in the ready queue is not taken back")
    func keepsNoHandleOfTheReadyQueue() {
        var pool = HandlePool()
        var q = HandleQueue()
        var h: Handle? = parts.handle(1)
        q.append(h!)
        pool.recycle(h.take()!)
        #expect(pool.count == 0)
        #expect(label(q.popFirst()) == 1)
    }

    @Test("a timer is never taken back, even when nothing else refers to it")
    func keepsNoTimer() {
        var pool = HandlePool()
        pool.recycle(parts.timer(1, 1))
        #expect(pool.count == 0)
        #expect(!(pool.make(.idle, loop: parts.loop) is TimerHandle))
    }

    @Test("a kept handle lets go of its callback and the callback's arguments")
    func dropsTheCallback() {
        var pool = HandlePool()
        weak var argument: PyList?
        do {
            let list = PyList([])
            argument = list
            pool.recycle(Handle(.call(.int(0), [.obj(list)]), loop: parts.loop))
        }
        #expect(pool.count == 1)
        #expect(argument == nil)
    }

    @Test("make hands out the handle recycled last")
    func lastInFirstOut() {
        var pool = HandlePool()
        var a: Handle? = parts.handle(1), b: Handle? = parts.handle(2)
        let first = ObjectIdentifier(a!), second = ObjectIdentifier(b!)
        pool.recycle(a.take()!)
        pool.recycle(b.take()!)
        let x = pool.make(.idle, loop: parts.loop), y = pool.make(.idle, loop: parts.loop)
        #expect(ObjectIdentifier(x) == second && ObjectIdentifier(y) == first)
    }

    @Test("the pool keeps at most its capacity")
    func boundedByItsCapacity() {
        var pool = HandlePool()
        for i in 0...HandlePool.capacity { pool.recycle(parts.handle(i)) }
        #expect(pool.count == HandlePool.capacity)
        _ = pool.make(.idle, loop: parts.loop)
        #expect(pool.count == HandlePool.capacity - 1)
    }
}
