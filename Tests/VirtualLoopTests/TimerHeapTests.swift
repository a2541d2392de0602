import PyRuntime
import RunModel
import Testing
@testable import VirtualLoop

/// The timer heap must pop equal deadlines in exactly the order Python's
/// `heapq` does. The expected orders below were produced by CPython 3.11's
/// heapq on the same operations (objects ordered by `when` alone).
@Suite("Timer heap")
struct TimerHeapTests {
    let world: World
    let loop: EventLoop

    init() {
        let vm = Interpreter()
        world = World(vm: vm, limits: RunLimits(), seed: 0)
        vm.host = world
        loop = EventLoop(world: world)
    }

    /// A timer whose callback carries `label` (it is never run).
    func timer(_ when: Double, _ label: Int) -> TimerHandle {
        TimerHandle(when: when, .call(.int(label), []), loop: loop)
    }

    func label(_ h: TimerHandle) -> Int {
        guard case .call(.int(let label), _) = h.callback else { return -1 }
        return label
    }

    @Test("pushes and pops interleaved sift exactly like heapq")
    func pushPopMatchesHeapq() {
        // nil is a pop; a number is a push of a timer labelled with its position.
        let ops: [Double?] = [2, 2, 1, 1, 1, 1, nil, 1, nil, 1, 1, 3, 1, 2, nil, nil, 1, nil, nil, nil, nil, 1, nil,
                              1, 3, 3, nil, nil, 2, 2, 2, 1, 3, 1, 3, 2, 2, 1, nil, 2]
        let expected = [2, 5, 7, 9, 10, 3, 4, 16, 12, 21, 23, 31, 33, 37, 35, 36, 29, 28, 1, 39, 13, 30, 0, 25, 24,
                        34, 11, 32]
        var heap = TimerHeap()
        var popped: [Int] = []
        for (i, op) in ops.enumerated() {
            if let when = op { heap.push(timer(when, i)) } else { popped.append(label(heap.pop())) }
        }
        while !heap.isEmpty { popped.append(label(heap.pop())) }
        #expect(popped == expected)
    }

    @Test("a rebuild heapifies exactly like heapq.heapify")
    func rebuildMatchesHeapify() {
        let whens: [Double] = [2, 2, 2, 1, 1, 2, 1, 1, 2, 2, 1, 1, 1, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 1, 1, 2, 2]
        let expected = [27, 6, 26, 12, 11, 22, 10, 4, 21, 20, 19, 18, 17, 3, 16, 7, 15, 29, 14, 28, 0, 24, 13, 9, 23,
                        5, 2, 25, 1, 8]
        var heap = TimerHeap()
        heap.rebuild(whens.enumerated().map { timer($0.element, $0.offset) })
        var popped: [Int] = []
        while !heap.isEmpty { popped.append(label(heap.pop())) }
        #expect(popped == expected)
    }

    @Test("equal deadlines are not popped in insertion order")
    func equalDeadlinesAreNotFIFO() {
        var heap = TimerHeap()
        for i in 0..<6 { heap.push(timer(1, i)) }
        var popped: [Int] = []
        while !heap.isEmpty { popped.append(label(heap.pop())) }
        #expect(popped == [0, 2, 5, 4, 1, 3])
    }
}
