import PyRuntime
import RunModel

/// The timer heap, the ready queue and `runOnce`, driven alone for the
/// micro-benchmarks (Benchmarks/Micro, through VLoop's `LoopPartsBenchmark`,
/// an SPI). No run uses it.
///
/// Each drill runs its operations here, in the module of the parts it
/// drives, so that they compile as the loop's own calls do, on handles
/// made beforehand (a drill allocates only what the part itself allocates),
/// and returns a checksum of what came out, which the caller checks once and
/// otherwise only keeps, so that nothing is optimized away.
package final class LoopPartsBench {
    private let world: World
    private let loop: EventLoop
    private var heap = TimerHeap()
    private var queue = HandleQueue()
    /// The timers of the heap's drills, labelled by their index (never run).
    private var timers: [TimerHandle] = []
    /// The plain handles of the ready queue's drill (never run).
    private var handles: [Handle] = []
    /// The index in `popThenPush`'s delays of the next one to use.
    private var nextDelay = 0

    /// A world with one loop and an interpreter that runs nothing, whose
    /// limits no drill reaches (a loop step counts against `maxSteps`).
    package init() {
        world = World(
            vm: Interpreter(), limits: RunLimits(maxSteps: .max, detectsLivelock: false, maxMemory: .max), seed: 0)
        loop = world.makeLoop()
    }

    deinit {
        heap.removeAll()
        queue.removeAll()
    }

    // MARK: The timer heap

    /// Replaces the drills' timers (the heap empty) by one timer per
    /// deadline, timer `i` due at `deadlines[i]`.
    package func makeTimers(_ deadlines: [Double]) {
        heap.removeAll()
        timers = deadlines.enumerated().map { TimerHandle(when: $0.element, .call(.int($0.offset), []), loop: loop) }
    }

    /// Pushes every timer onto the empty heap in label order, then pops them
    /// all (`heapq.heappush` each, then `heapq.heappop` until empty). Returns
    /// the checksum of the order they came out in: the sum of
    /// `(position + 1) * label`, wrapping.
    package func pushAllThenPopAll() -> Int {
        for t in timers { heap.push(t) }
        var sum = 0
        var position = 1
        while !heap.isEmpty {
            sum &+= position &* label(heap.pop())
            position &+= 1
        }
        return sum
    }

    /// Pushes every timer onto the empty heap, and leaves them there for `popThenPush`.
    package func fillHeap() {
        heap.removeAll()
        for t in timers { heap.push(t) }
    }

    /// `count` times, pops the first timer and pushes it back the next of
    /// `delays` (taken in turn, from one call to the next) after its
    /// deadline, as a task sleeping in a loop does: the heap keeps its size.
    /// Returns the sum of the labels popped, wrapping.
    package func popThenPush(_ count: Int, delays: [Double]) -> Int {
        precondition(!heap.isEmpty && !delays.isEmpty, "popThenPush needs a filled heap and a delay")
        var sum = 0
        for _ in 0..<count {
            let t = heap.pop()
            sum &+= label(t)
            t.when += delays[nextDelay]
            nextDelay = nextDelay + 1 == delays.count ? 0 : nextDelay + 1
            heap.push(t)
        }
        return sum
    }

    private func label(_ t: TimerHandle) -> Int {
        guard case .call(.int(let label), _) = t.callback else { preconditionFailure("a drill's timer lost its label") }
        return label
    }

    // MARK: The ready queue

    /// Replaces the ready queue's drill handles (the queue empty) by `count` plain handles.
    package func makeHandles(_ count: Int) {
        queue.removeAll()
        handles = (0..<count).map { Handle(.call(.int($0), []), loop: loop) }
    }

    /// Appends every handle to the empty ready queue, then pops them all.
    /// Returns how many came out.
    package func appendAllThenPopAll() -> Int {
        for h in handles { queue.append(h) }
        var popped = 0
        while !queue.isEmpty {
            _ = queue.popFirst()
            popped &+= 1
        }
        return popped
    }

    /// Schedules `count` callbacks that do nothing with `loop.call_soon`
    /// (a handle from the loop's pool, into its ready queue), then runs one
    /// `runOnce`, which runs them all (prefetching, `runHandle`, the handle
    /// back to the pool). Returns how many steps the world counted.
    package func callSoonThenRunOnce(_ count: Int) throws -> Int {
        let before = world.steps
        for _ in 0..<count { try loop.callSoon(.idle) }
        try loop.runOnce(world.vm)
        return world.steps - before
    }
}
