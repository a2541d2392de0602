import PyRuntime
import RunModel
import Testing

@testable import VirtualLoop

/// The timer heap must pop equal deadlines in exactly the order Python's
/// `heapq` does. The expected orders below were produced by CPython 3.11's
/// heapq on the same operations, with timers ordered by `when` alone:
///
///     import heapq
///     class T:
///         def __init__(s, when, label): s.when, s.label = when, label
///         def __lt__(s, o): return s.when < o.when
///
///     def interleave(ops):  # a number pushes a timer labelled with its position, None pops
///         heap, popped = [], []
///         for i, op in enumerate(ops):
///             if op is None: popped.append(heapq.heappop(heap).label)
///             else: heapq.heappush(heap, T(op, i))
///         while heap: popped.append(heapq.heappop(heap).label)
///         return popped
///
///     def heapify_then(whens, ops):  # heapify timers 0..n-1, then ops (pushes labelled n + position)
///         heap = [T(w, i) for i, w in enumerate(whens)]
///         heapq.heapify(heap)
///         popped = []
///         for i, op in enumerate(ops):
///             if op is None: popped.append(heapq.heappop(heap).label)
///             else: heapq.heappush(heap, T(op, len(whens) + i))
///         while heap: popped.append(heapq.heappop(heap).label)
///         return popped
@Suite("Timer heap")
struct TimerHeapTests {
    let parts = LoopParts()

    /// `interleave(ops)` on a `TimerHeap`.
    func interleave(_ ops: [Double?]) -> [Int] {
        var heap = TimerHeap()
        var popped: [Int] = []
        for (i, op) in ops.enumerated() {
            if let when = op { heap.push(parts.timer(when, i)) } else { popped.append(label(heap.pop())) }
        }
        while !heap.isEmpty { popped.append(label(heap.pop())) }
        return popped
    }

    /// `heapify_then(whens, ops)` on a `TimerHeap`.
    func heapifyThen(_ whens: [Double], _ ops: [Double?]) -> [Int] {
        var heap = TimerHeap()
        heap.rebuild(whens.enumerated().map { parts.timer($0.element, $0.offset) })
        var popped: [Int] = []
        for (i, op) in ops.enumerated() {
            if let when = op { heap.push(parts.timer(when, whens.count + i)) } else { popped.append(label(heap.pop())) }
        }
        while !heap.isEmpty { popped.append(label(heap.pop())) }
        return popped
    }

    @Test("pushes and pops interleaved sift exactly like heapq")
    func pushPopMatchesHeapq() {
        let ops: [Double?] = [
            2, 2, 1, 1, 1, 1, nil, 1, nil, 1, 1, 3, 1, 2, nil, nil, 1, nil, nil, nil, nil, 1, nil,
            1, 3, 3, nil, nil, 2, 2, 2, 1, 3, 1, 3, 2, 2, 1, nil, 2,
        ]
        #expect(
            interleave(ops) == [
                2, 5, 7, 9, 10, 3, 4, 16, 12, 21, 23, 31, 33, 37, 35, 36, 29, 28, 1, 39, 13, 30,
                0, 25, 24, 34, 11, 32,
            ])
    }

    @Test("a longer interleaving over three deadlines pops in heapq's order")
    func longerInterleavingMatchesHeapq() {
        // random.Random(7), 48 choices among [0.5, 0.5, 1.0, 1.0, 1.5, None, None]
        let ops: [Double?] = [
            1.0, 0.5, 1.0, nil, 0.5, 0.5, nil, 1.5, 0.5, 1.0, 1.5, 0.5, 1.5, 0.5, 0.5, 0.5, 1.0,
            1.0, 0.5, 0.5, 0.5, 1.5, 1.0, 0.5, nil, 1.5, 0.5, 0.5, nil, nil, 1.5, 0.5, 1.5, 1.5, 1.0,
            0.5, 0.5, 0.5, 1.5, nil, 0.5, 1.0, 1.0, 0.5, 1.5, 0.5, 1.5, 1.0,
        ]
        #expect(
            interleave(ops) == [
                1, 4, 5, 15, 18, 27, 26, 37, 40, 35, 36, 45, 8, 13, 14, 31, 23, 11, 19, 20, 43,
                41, 42, 2, 0, 16, 9, 17, 22, 47, 34, 21, 10, 12, 33, 30, 38, 25, 46, 7, 32, 44,
            ])
    }

    @Test("pops between pushes of one deadline reorder the rest as heapq does")
    func equalDeadlinesWithPopsBetween() {
        let ops: [Double?] = [1, 1, 1, nil, 1, 1, nil, nil, 1, 1, 1, 1, nil, 1, nil, 1, 1]
        #expect(interleave(ops) == [0, 1, 4, 2, 8, 11, 13, 15, 16, 10, 5, 9])
    }

    @Test("equal deadlines are not popped in insertion order")
    func equalDeadlinesAreNotFIFO() {
        #expect(interleave([1, 1, 1, 1, 1, 1]) == [0, 2, 5, 4, 1, 3])
    }

    @Test("a rebuild heapifies exactly like heapq.heapify")
    func rebuildMatchesHeapify() {
        let whens: [Double] = [
            2, 2, 2, 1, 1, 2, 1, 1, 2, 2, 1, 1, 1, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 1, 1, 2, 2,
        ]
        #expect(
            heapifyThen(whens, []) == [
                27, 6, 26, 12, 11, 22, 10, 4, 21, 20, 19, 18, 17, 3, 16, 7, 15, 29, 14, 28,
                0, 24, 13, 9, 23, 5, 2, 25, 1, 8,
            ])
    }

    @Test("a rebuild of equal deadlines keeps their places, and pops then reorder them as heapq does")
    func rebuildOfEqualDeadlines() {
        #expect(heapifyThen(Array(repeating: 5, count: 9), []) == [6, 2, 0, 3, 5, 7, 1, 4, 8])
    }

    @Test("pushes and pops after a rebuild continue from heapify's layout")
    func rebuildThenInterleaving() {
        // random.Random(7) after the 48 choices above: 20 whens among [1.0, 2.0, 3.0], then 16 ops among [1.0, 2.0, None, None]
        let whens: [Double] = [3, 3, 1, 1, 3, 3, 3, 1, 2, 1, 3, 3, 1, 3, 1, 3, 1, 2, 3, 3]
        let ops: [Double?] = [nil, nil, nil, nil, nil, nil, 2, 2, 2, 1, nil, nil, nil, nil, nil, 1]
        #expect(
            heapifyThen(whens, ops) == [
                14, 2, 12, 9, 16, 7, 3, 29, 26, 28, 17, 35, 8, 27, 6, 0, 11, 4, 19, 13, 5,
                18, 1, 10, 15,
            ])
    }

    @Test("the first timer and its deadline are those of the earliest timer")
    func firstIsTheEarliest() {
        var heap = TimerHeap()
        #expect(heap.first == nil && heap.firstWhen == nil)
        for (i, when) in [3.0, 1.5, 2.0, 1.5].enumerated() { heap.push(parts.timer(when, i)) }
        #expect(heap.firstWhen == 1.5)
        #expect(heap.first.map(label) == 1)
        #expect(heap.count == 4)
        heap.removeAll()
        #expect(heap.isEmpty)
    }
}
