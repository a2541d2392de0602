import CSupport
import PyRuntime
import RunModel

/// A first-in first-out queue of handles without per-element allocation:
/// a ring buffer (its capacity a power of two) that owns one reference to
/// each handle in it. Invariant: exactly the `count` slots from `head`
/// (wrapping around) are initialized.
package struct HandleQueue: ~Copyable {
    private var buffer: UnsafeMutablePointer<Handle>
    private var capacity = 16
    private var head = 0
    package private(set) var count = 0

    package init() {
        buffer = .allocate(capacity: capacity)
    }

    deinit {
        for i in 0..<count { (buffer + ((head + i) & (capacity - 1))).deinitialize(count: 1) }
        buffer.deallocate()
    }

    package var isEmpty: Bool { count == 0 }

    package mutating func append(_ h: consuming Handle) {
        if count == capacity { grow() }
        (buffer + ((head + count) & (capacity - 1))).initialize(to: h)
        count += 1
    }

    package mutating func popFirst() -> Handle {
        precondition(count > 0, "popFirst on an empty queue")
        let h = (buffer + head).move()
        head = (head + 1) & (capacity - 1)
        count -= 1
        return h
    }

    package mutating func removeAll() {
        while count > 0 { _ = popFirst() }
    }

    /// The handle `i` places from the front (0 is the first), left in the queue.
    @inline(__always) package func peek(_ i: Int) -> Unmanaged<Handle> {
        Unmanaged.passUnretained((buffer + ((head + i) & (capacity - 1))).pointee)
    }

    private mutating func grow() {
        let newBuffer = UnsafeMutablePointer<Handle>.allocate(capacity: capacity * 2)
        for i in 0..<count { (newBuffer + i).moveInitialize(from: buffer + ((head + i) & (capacity - 1)), count: 1) }
        buffer.deallocate()
        buffer = newBuffer
        capacity *= 2
        head = 0
    }
}
