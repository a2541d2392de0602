import CSupport
import PyRuntime
import RunModel

/// Plain handles that ran and that nothing else refers to, kept for reuse:
/// every task wake-up needs one, and reuse spares an allocation and a free.
/// A fixed stack that owns one reference to each handle in it.
package struct HandlePool: ~Copyable {
    private static let capacity = 1024
    private let slots = UnsafeMutablePointer<Handle>.allocate(capacity: HandlePool.capacity)
    private var count = 0

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
}
