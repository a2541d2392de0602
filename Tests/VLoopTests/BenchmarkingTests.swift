import Testing
@_spi(Benchmarks) import VLoop

/// The drills that Benchmarks/Micro times (VLoop's `Benchmarks` SPI), checked
/// here because CI does not build that package: each gives what the
/// benchmark checks before it measures.
@Suite("Benchmarking SPI")
struct BenchmarkingTests {
    @Test("the heap drill pops equal deadlines in heapq's order, again and again")
    func heapDrillMatchesHeapq() {
        let parts = LoopPartsBenchmark()
        parts.makeTimers([Double](repeating: 1, count: 1000))
        // CPython 3.11: 1,000 heappush of T(1.0, i), then sum((p + 1) * heappop(heap).label for p in range(1000)).
        #expect(parts.pushAllThenPopAll() == 170_331_254)
        #expect(parts.pushAllThenPopAll() == 170_331_254)
    }

    @Test("the heap drill pops distinct deadlines by deadline")
    func heapDrillSortsDistinctDeadlines() {
        let parts = LoopPartsBenchmark()
        parts.makeTimers([3, 1, 2])
        // Labels 1, 2, 0 at positions 1, 2, 3.
        #expect(parts.pushAllThenPopAll() == 1 * 1 + 2 * 2 + 3 * 0)
    }

    @Test("the steady-state drill pops each timer in turn when their delays are equal")
    func popThenPushKeepsTheHeap() {
        let parts = LoopPartsBenchmark()
        parts.makeTimers([0, 1, 2])
        parts.fillHeap()
        // Each timer comes back 3 s later: 0, 1, 2, 0, 1, 2.
        #expect(parts.popThenPush(6, delays: [3]) == 6)
    }

    @Test("the ready queue drill gives back every handle, and call_soon + runOnce runs every callback")
    func readyQueueDrills() throws {
        let parts = LoopPartsBenchmark()
        parts.makeHandles(100)
        #expect(parts.appendAllThenPopAll() == 100)
        #expect(try parts.callSoonThenRunOnce(100) == 100)
        #expect(try parts.callSoonThenRunOnce(2000) == 2000)
    }

    @Test("a trace's function is called from Swift with an int, after the trace has run")
    func interpreterCallsAFunction() throws {
        let python = try InterpreterBenchmark(
            source: """
                class C:
                    def __init__(self):
                        self.k = 2

                    def m(self, x):
                        return x * self.k


                OBJ = C()


                def twice_sum(n):
                    acc = 0
                    for i in range(n):
                        acc += OBJ.m(i)
                    return acc
                """)
        let twiceSum = try python.function(named: "twice_sum")
        #expect(try twiceSum(10) == 90)
        #expect(try twiceSum(1000) == 999_000)
    }

    @Test("a trace that fails, a missing function and one that raises are errors that say so")
    func interpreterErrors() throws {
        let failing = #expect(throws: InterpreterBenchmarkError.self) {
            try InterpreterBenchmark(source: "x = 1 // 0\n", name: "failing.py")
        }
        #expect(failing?.message == "failing.py ended exception: ZeroDivisionError: integer division or modulo by zero")
        let python = try InterpreterBenchmark(source: "def bad(n):\n    return 1 // (n - n)\n")
        #expect(throws: InterpreterBenchmarkError.self) { try python.function(named: "nothing") }
        let bad = try python.function(named: "bad")
        let error = #expect(throws: InterpreterBenchmarkError.self) { try bad(1) }
        #expect(error?.message == "bad(1) raised ZeroDivisionError: integer division or modulo by zero")
    }
}
