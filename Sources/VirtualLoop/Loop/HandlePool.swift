import CSupport
import PyRuntime
import RunModel

/// Plain handles that ran and that nothing else refers to, kept for reuse:
/// every task wake-up needs one, and reuse spares an allocation and a free.
/// A fixed stack that owns one reference to each handle in it.
package struct HandlePool: ~Copyable {
    package static let capacity = 1024
    /// The handles kept, in the first `count` slots, the last recycled on top.
    /// Invariant: each is a plain `Handle` (never a timer, which trace code
    /// may hold), holds the idle callback, and is referenced by nothing but
    /// the pool, so in neither the ready queue nor the heap.
    private let slots = UnsafeMutablePointer<Handle>.allocate(capacity: HandlePool.capacity)
    package private(set) var count = 0

    package init() {}

    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }

    package mutating func make(_ cb: consuming Callback, loop: EventLoop) -> Handle {
        guard count > 0 else { return Handle(cb, loop: loop) }
        count -= 1
        let h = (slots + count).move()
        h.setCallback(cb)
        h.cancelled = false
        return h
    }

    /// Takes back a handle that has run, when the caller holds the only reference.
    package mutating func recycle(_ handle: consuming Handle) {
        var h = handle
        guard type(of: h) == Handle.self, count < HandlePool.capacity, isKnownUniquelyReferenced(&h) else { return }
        h.setCallback(.idle)
        (slots + count).initialize(to: h)
        count += 1
    }

    #if DEBUG
    /// Asserts the invariant of `slots`.
    package func checkInvariants() {
        for i in 0..<count {
            var h = (slots + i).move()
            let unique = isKnownUniquelyReferenced(&h)
            let idle: Bool
            if case .idle = h.callback { idle = true } else { idle = false }
            let plain = type(of: h) == Handle.self
            (slots + i).initialize(to: h)
            let problems = [plain ? nil : "a timer", idle ? nil : "not idle", unique ? nil : "referenced elsewhere"]
            assert(
                plain && idle && unique,
                "handle \(i) of the pool is \(problems.compactMap { $0 }.joined(separator: ", ")): only `recycle` may add a handle, after its checks"
            )
        }
    }
    #endif
}
