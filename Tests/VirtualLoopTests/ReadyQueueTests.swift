import PyRuntime
import RunModel
import Testing

@testable import VirtualLoop

/// The ready queue (`HandleQueue`): a ring buffer of 16 slots at first,
/// doubled when full, that owns one reference to each handle in it.
@Suite("Ready queue")
struct ReadyQueueTests {
    let parts = LoopParts()

    /// Pops every handle left, front first.
    func drain(_ q: inout HandleQueue) -> [Int] {
        var labels: [Int] = []
        while !q.isEmpty { labels.append(label(q.popFirst())) }
        return labels
    }

    @Test("handles come out first in, first out")
    func firstInFirstOut() {
        var q = HandleQueue()
        #expect(q.count == 0)
        for i in [3, 1, 4, 1, 5] { q.append(parts.handle(i)) }
        #expect(q.count == 5)
        #expect(drain(&q) == [3, 1, 4, 1, 5])
        #expect(q.count == 0)
    }

    @Test("peek reads the handle i places from the front and leaves it in the queue")
    func peekLeavesTheHandle() {
        var q = HandleQueue()
        for i in 0..<5 { q.append(parts.handle(i)) }
        _ = q.popFirst()
        #expect((0..<4).map { label(q.peek($0).takeUnretainedValue()) } == [1, 2, 3, 4])
        #expect(q.count == 4)
        #expect(drain(&q) == [1, 2, 3, 4])
    }

    @Test("the queue grows past its first 16 slots and keeps the order")
    func growsPastTheInitialCapacity() {
        var q = HandleQueue()
        for i in 0..<100 { q.append(parts.handle(i)) }
        #expect(q.count == 100)
        #expect(drain(&q) == Array(0..<100))
    }

    @Test("popFirst keeps the order after the ring wraps around, and after it grows while wrapped")
    func wrapsAround() {
        var q = HandleQueue()
        for i in 0..<12 { q.append(parts.handle(i)) }
        for i in 0..<10 { #expect(label(q.popFirst()) == i) }
        // The front is at slot 10 of 16: these fill slots 12-15, then 0-7.
        for i in 12..<24 { q.append(parts.handle(i)) }
        #expect((0..<14).map { label(q.peek($0).takeUnretainedValue()) } == Array(10..<24))
        // Full (16) with the front at slot 10: the next append grows the ring.
        for i in 24..<27 { q.append(parts.handle(i)) }
        #expect(q.count == 17)
        #expect(drain(&q) == Array(10..<27))
    }

    @Test("the queue keeps its handles alive until they are popped or removed")
    func ownsItsHandles() {
        var q = HandleQueue()
        weak var first: Handle?
        weak var second: Handle?
        do {
            let a = parts.handle(1), b = parts.handle(2)
            first = a
            second = b
            q.append(a)
            q.append(b)
        }
        #expect(first != nil && second != nil)
        _ = q.popFirst()
        #expect(first == nil)
        q.removeAll()
        #expect(second == nil && q.count == 0)
    }
}
