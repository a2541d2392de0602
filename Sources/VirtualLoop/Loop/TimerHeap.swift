import CSupport
import PyRuntime
import RunModel

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

    /// The heap in heapq's layout: the children of entry `i` are at `2i+1`
    /// and `2i+2`. Invariants: no entry's `when` is less than its parent's
    /// (heapq's `heap[k] <= heap[2k+1]`, stated with `<`, the only comparison
    /// the sifts make); each entry's `when` is its handle's (a timer's
    /// deadline is set only while it is out of the heap). A heap holding a
    /// NaN deadline (`call_at(float('nan'))`) has no order, in heapq either,
    /// and its order is not checked.
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

    #if DEBUG
    /// Asserts the invariants of `items`, and calls `visit` with each handle in heap order.
    package func checkInvariants(_ visit: (TimerHandle) -> Void) {
        var hasNaN = false
        for e in items {
            let h = e.handle.takeUnretainedValue()
            assert(
                e.when == h.when || (e.when.isNaN && h.when.isNaN),
                "a timer's deadline changed to \(h.when) while it was in the heap at \(e.when): set `when` only on a timer that is not scheduled"
            )
            hasNaN = hasNaN || e.when.isNaN
            visit(h)
        }
        if hasNaN { return }
        for i in items.indices.dropFirst() {
            let parent = (i - 1) / 2
            assert(
                !(items[i].when < items[parent].when),
                "the timer heap is out of order: entry \(i) (when=\(items[i].when)) is below entry \(parent) (when=\(items[parent].when)); every change of `items` must go through heapq's sifts"
            )
        }
    }
    #endif

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
