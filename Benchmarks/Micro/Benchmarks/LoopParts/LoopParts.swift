// Micro-benchmarks of the loop's parts (README, "Speed"; scripts/bench-micro).
//
// Every benchmark does 1,000 operations per iteration (`scalingFactor:
// .kilo`), so package-benchmark's table shows the time and the mallocs of
// one operation; what an operation is, and what it includes beyond the part
// named, is said beside each. Each checks once, before it is measured, that
// its operations give the expected result.
import Benchmark
@_spi(Benchmarks) import VLoop

/// Stops the benchmark run, with what was expected, when a drill's result is wrong.
func expect(_ got: Int, _ expected: Int, _ what: String) {
    guard got == expected else { fatalError("\(what): got \(got), expected \(expected)") }
}

// The heap's deadlines: 1,000 equal ones, and 1,000 distinct ones in a fixed
// shuffle (7919 is prime, so `i * 7919 % 1000` visits every value once).
let equalDeadlines = [Double](repeating: 1, count: 1000)
let distinctDeadlines = (0..<1000).map { Double($0 * 7919 % 1000) }

/// What `pushAllThenPopAll` must return for `deadlines`, each timer labelled
/// with its index: the sum of `(position + 1) * label` in the order CPython's
/// `heapq` pops them.
func heapqChecksum(_ deadlines: [Double]) -> Int {
    if deadlines == equalDeadlines {
        // CPython 3.11's heapq, with timers ordered by `when` alone:
        //     heap = []
        //     for i in range(1000): heapq.heappush(heap, T(1.0, i))
        //     sum((p + 1) * heapq.heappop(heap).label for p in range(1000))
        // pops 0, 2, 6, 14, 30, ..., 510, 999, 998, ...: not in label order.
        return 170_331_254
    }
    // Distinct deadlines leave heapq no choice: the timers come out by deadline.
    let order = deadlines.indices.sorted { deadlines[$0] < deadlines[$1] }
    return order.enumerated().reduce(0) { $0 &+ ($1.offset + 1) &* $1.element }
}

/// The delays of the steady-state drill: the whole milliseconds of
/// fixtures/bench/sleepers.trace (`(i*7919 + j*104729) % 1000 / 1000`), so
/// that many deadlines are equal.
let sleeperDelays: [Double] = (0..<1000).map { (i: Int) -> Double in
    Double((i * 7919 + (i % 10) * 104_729) % 1000) / 1000
}

// The Python benchmarks: each function loops 1,000 times (`n`) over one
// operation, and the first, `loop_only`, over none: the loop's own cost
// (`range`'s next, a local load, `+=` into a local) is in every row, and is
// that row. An operation's own cost is its row less `loop_only`'s.
let pythonSource = """
    def f(x):
        return x + 1


    class Counter:
        def __init__(self):
            self.step = 1

        def m(self, x):
            return x + 1


    COUNTER = Counter()
    STEP = 1


    def loop_only(n):
        acc = 0
        for i in range(n):
            acc += i
        return acc


    def function_calls(n):
        acc = 0
        for i in range(n):
            acc += f(i)
        return acc


    def method_calls(n):
        c = COUNTER
        acc = 0
        for i in range(n):
            acc += c.m(i)
        return acc


    def attribute_loads(n):
        c = COUNTER
        acc = 0
        for i in range(n):
            acc += c.step
        return acc


    def global_loads(n):
        acc = 0
        for i in range(n):
            acc += STEP
        return acc
    """

let benchmarks: @Sendable () -> Void = {
    let perOperation = Benchmark.Configuration(
        metrics: [.wallClock, .mallocCountTotal], timeUnits: .nanoseconds, scalingFactor: .kilo)

    // MARK: The timer heap

    // One operation: a push onto the heap and a pop from it (heapq's
    // `heappush` and `heappop`), 1,000 timers pushed, then all popped.
    for (name, deadlines) in [("equal", equalDeadlines), ("distinct", distinctDeadlines)] {
        let parts = LoopPartsBenchmark()
        parts.makeTimers(deadlines)
        expect(parts.pushAllThenPopAll(), heapqChecksum(deadlines), "the heap's order with \(name) deadlines")
        Benchmark("TimerHeap push+pop, 1,000 \(name) deadlines", configuration: perOperation) { benchmark in
            precondition(benchmark.scaledIterations.count == deadlines.count)
            blackHole(parts.pushAllThenPopAll())
        }
    }

    // One operation: a pop of the first timer and a push of the same timer
    // a sleeper's delay later, on a heap that holds 100,000 timers (the
    // sleepers trace's steady state: 1.6 MB of heap entries, more than the
    // L2 cache of a core of the README's machine, and 100,000 timers).
    do {
        let parts = LoopPartsBenchmark()
        parts.makeTimers((0..<100_000).map { Double($0 * 7919 % 100_000) / 100_000 })
        parts.fillHeap()
        Benchmark("TimerHeap pop+push, 100,000 timers held", configuration: perOperation) { benchmark in
            blackHole(parts.popThenPush(benchmark.scaledIterations.count, delays: sleeperDelays))
        }
    }

    // MARK: The ready queue

    // One operation: an append of a handle to the ready queue and a pop from
    // it, 1,000 handles appended, then all popped.
    do {
        let parts = LoopPartsBenchmark()
        parts.makeHandles(1000)
        expect(parts.appendAllThenPopAll(), 1000, "handles out of the ready queue")
        Benchmark("ReadyQueue append+pop, 1,000 handles", configuration: perOperation) { benchmark in
            precondition(benchmark.scaledIterations.count == 1000)
            blackHole(parts.appendAllThenPopAll())
        }
    }

    // One operation: `call_soon` of a callback that does nothing (a handle
    // from the loop's pool into the ready queue), and its run by the one
    // `runOnce` that follows the 1,000 (prefetching, `runHandle`, the handle
    // back to the pool), with that iteration's share of `runOnce` itself.
    do {
        let parts = LoopPartsBenchmark()
        expect(try! parts.callSoonThenRunOnce(1000), 1000, "callbacks run by one runOnce")
        Benchmark("EventLoop call_soon+run, 1,000 per runOnce", configuration: perOperation) { benchmark in
            blackHole(try parts.callSoonThenRunOnce(benchmark.scaledIterations.count))
        }
    }

    // MARK: The interpreter

    // One operation: one iteration of a Python `for i in range(n)` loop in a
    // function, with the operation named in its body; the call of the
    // function from Swift is once per 1,000.
    let python: InterpreterBenchmark
    do {
        python = try InterpreterBenchmark(source: pythonSource, name: "loop_parts.py")
    } catch {
        fatalError("the Python benchmarks' functions: \(error)")
    }
    let rows: [(name: String, function: String, expected: Int)] = [
        ("Python loop iteration (acc += i)", "loop_only", 499_500),
        ("Python function call (acc += f(i))", "function_calls", 500_500),
        ("Python method call (acc += c.m(i))", "method_calls", 500_500),
        ("Python instance attribute load (acc += c.step)", "attribute_loads", 1000),
        ("Python global load (acc += STEP)", "global_loads", 1000),
    ]
    for row in rows {
        let function = try! python.function(named: row.function)
        expect(try! function(1000), row.expected, "\(row.function)(1000)")
        Benchmark(row.name, configuration: perOperation) { benchmark in
            blackHole(try function(benchmark.scaledIterations.count))
        }
    }
}
