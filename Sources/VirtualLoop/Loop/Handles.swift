import CSupport
import PyRuntime
import RunModel

/// What a loop callback does when it runs. Internal callbacks of asyncio
/// (a task's step, its wake-up, sleep's timer) are cases of their own, so
/// that scheduling them allocates no closure. Every payload is a few
/// references (no string, no closure), which keeps copies of a callback cheap.
package enum Callback {
    /// `Task.__step(exc)`.
    case taskStep(PyTask, PyException?)
    /// `futures._set_result_unless_cancelled(future, result)`.
    case setResultUnlessCancelled(PyFuture, Value)
    /// A done callback of a future, called with the future.
    case doneCallback(FutureCallback, PyFuture)
    /// `Task.__wakeup(future)`: the done callback a task puts on what it awaits
    /// (a case of its own, the commonest callback of all).
    case wakeup(PyTask, PyFuture)
    /// The same for the future of a native sleep, which its task's frame
    /// keeps alive until the wake-up has run (the task cannot step before):
    /// not holding it lets the frame reuse it for its next sleep.
    case sleepWakeup(PyTask, Unmanaged<PyFuture>)
    /// `call_soon(fn, *args)` from the trace.
    case call(Value, [Value])
    /// What a cancelled handle holds: nothing (CPython drops the callback and its arguments).
    case idle
}

/// A done callback registered on a future.
package enum FutureCallback {
    case value(Value)
    case wakeup(PyTask)
    case runUntilComplete
    /// asyncio's own callbacks (gather's), boxed so that the enum holds no closure.
    case native(NativeDoneCallback)

    package func matches(_ v: Value, _ vm: Interpreter) -> Bool {
        if case .value(let mine) = self { return (try? vm.equals(mine, v)) ?? false }
        return false
    }
}

/// A done callback written in Swift.
package final class NativeDoneCallback {
    package let body: (PyFuture) throws -> Void

    package init(_ body: @escaping (PyFuture) throws -> Void) { self.body = body }
}

/// `asyncio.Handle`: a callback scheduled with `call_soon`.
public class Handle: PyObject {
    /// Set again only through `setCallback` (when a handle is reused or cancelled).
    @exclusivity(unchecked) package private(set) var callback: Callback
    @exclusivity(unchecked) package var cancelled = false
    package unowned(unsafe) let loop: EventLoop
    /// The task and the future the callback names, for prefetching
    /// (`Prefetch.swift`) and for running a wake-up without copying its
    /// callback; valid exactly as long as the callback holds them.
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

    public override var typeName: String { "Handle" }

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

/// `asyncio.TimerHandle`: a callback scheduled for a virtual instant.
public final class TimerHandle: Handle {
    @exclusivity(unchecked) package var when: Double
    /// True while the handle is in the loop's heap (`_scheduled` in CPython).
    @exclusivity(unchecked) package var scheduled = false

    package init(when: Double, _ callback: Callback, loop: EventLoop) {
        self.when = when
        super.init(callback, loop: loop)
    }

    public override var typeName: String { "TimerHandle" }

    package override func cancel() {
        if !cancelled && scheduled { loop.timerCancelledCount += 1 }
        super.cancel()
    }

    public override func repr(_ vm: Interpreter) throws -> String {
        cancelled ? "<TimerHandle cancelled when=\(floatRepr(when))>" : "<TimerHandle when=\(floatRepr(when)) \(describe(vm))>"
    }

    public override func callMethod(_ name: String, _ args: Args, _ vm: Interpreter) throws -> Value {
        if name == "when" { return .float(when) }
        return try super.callMethod(name, args, vm)
    }

    public override func getAttr(_ name: String, _ vm: Interpreter) throws -> Value? {
        if name == "when" { return .obj(PyBoundMethod(receiver: self, name: name)) }
        return try super.getAttr(name, vm)
    }
}

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

/// The loop's timers: a binary heap that sifts exactly as Python's `heapq`
/// does, ordered by `when` alone. Ties are not broken by insertion order
/// (heapq is not stable), and the order in which equal timers fire depends
/// on the history of pushes and pops, as it does in CPython.
///
/// Entries keep `when` beside an unmanaged reference, so that sifting
/// compares plain doubles and moves no reference counts; the heap owns one
/// retain of each handle from push to pop.
package struct TimerHeap {
    private struct Entry {
        let when: Double
        let handle: Unmanaged<TimerHandle>
    }

    private var items: [Entry] = []

    package var count: Int { items.count }
    package var isEmpty: Bool { items.isEmpty }
    package var first: TimerHandle? { items.first?.handle.takeUnretainedValue() }
    /// The deadline of the first timer, read from the heap itself (not from the handle).
    package var firstWhen: Double? { items.first?.when }

    /// The handles in heap order (for purging and closing).
    package var handles: [TimerHandle] { items.map { $0.handle.takeUnretainedValue() } }

    /// `heapq.heappush`.
    package mutating func push(_ h: TimerHandle) {
        items.append(Entry(when: h.when, handle: .passRetained(h)))
        siftDown(0, items.count - 1)
    }

    /// `heapq.heappop`.
    package mutating func pop() -> TimerHandle {
        let last = items.removeLast()
        if items.isEmpty { return last.handle.takeRetainedValue() }
        let top = items[0]
        items[0] = last
        siftUp(0)
        return top.handle.takeRetainedValue()
    }

    /// Replaces the heap by `handles`, then `heapq.heapify`.
    package mutating func rebuild(_ handles: [TimerHandle]) {
        let old = items
        items = handles.map { Entry(when: $0.when, handle: .passRetained($0)) }
        for e in old { e.handle.release() }
        var i = items.count / 2 - 1
        while i >= 0 {
            siftUp(i)
            i -= 1
        }
    }

    package mutating func removeAll() {
        for e in items { e.handle.release() }
        items.removeAll()
    }

    /// heapq's `_siftdown(heap, startpos, pos)`: moves the item at `pos` up towards the root.
    private mutating func siftDown(_ startPos: Int, _ pos: Int) {
        items.withUnsafeMutableBufferPointer { TimerHeap.siftDown($0.baseAddress!, startPos, pos) }
    }

    /// heapq's `_siftup(heap, pos)`: moves the smaller child up until a leaf, then sifts down.
    private mutating func siftUp(_ pos: Int) {
        items.withUnsafeMutableBufferPointer { TimerHeap.siftUp($0.baseAddress!, $0.count, pos) }
    }

    // The sifts themselves work on the heap's buffer (entries are plain
    // values: a double and an unmanaged reference), without bounds or
    // overflow checks (positions stay below the count).

    private static func siftDown(_ items: UnsafeMutablePointer<Entry>, _ startPos: Int, _ pos: Int) {
        var pos = pos
        let newItem = items[pos]
        while pos > startPos {
            let parentPos = (pos &- 1) >> 1
            let parent = items[parentPos]
            if newItem.when < parent.when {
                items[pos] = parent
                pos = parentPos
                continue
            }
            break
        }
        items[pos] = newItem
    }

    private static func siftUp(_ items: UnsafeMutablePointer<Entry>, _ endPos: Int, _ pos: Int) {
        var pos = pos
        let startPos = pos
        let newItem = items[pos]
        var childPos = 2 &* pos &+ 1
        while childPos < endPos {
            // The path goes down to a leaf, and in a large heap the lower
            // levels are out of the cache: ask for the 16 entries (256 bytes)
            // four levels down. (The first 1024 entries stay in the cache.)
            // Interleaved runs of scripts/bench: 1 to 5% faster.
            let ahead = 16 &* pos &+ 15
            if ahead >= 1024 {
                let p = UnsafeRawPointer(items + min(ahead, endPos &- 1))
                vloop_prefetch(p)
                vloop_prefetch(p + 64)
                vloop_prefetch(p + 128)
                vloop_prefetch(p + 192)
                vloop_prefetch(p + 255)
            }
            let rightPos = childPos &+ 1
            if rightPos < endPos && !(items[childPos].when < items[rightPos].when) {
                childPos = rightPos
            }
            items[pos] = items[childPos]
            pos = childPos
            childPos = 2 &* pos &+ 1
        }
        items[pos] = newItem
        siftDown(items, startPos, pos)
    }
}

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
