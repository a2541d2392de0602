import Foundation
import RunModel
import Testing
import TraceLanguage
import VirtualLoop

/// Workers that cannot wedge a run (docs/LIMITS.md, "Worker pools"): a
/// worker whose OS thread cannot start is CPython's `RuntimeError: can't
/// start new thread` at the submission, never a wait for a thread that does
/// not exist; and every run's threads end and are joined with the run.
@Suite("Worker threads")
struct WorkerThreadsTests {
    static func run(_ text: String) throws -> RunReport {
        let compiled = try #require(try? TraceLoader.load(SourceFile(path: "threads.trace", text: text)).get()).compiled
        return TraceRunner.run(compiled)
    }

    static func printed(_ report: RunReport) -> [String] {
        report.events.filter { $0.kind == .print }.map { $0.text ?? "" }
    }

    @Test("a thread the system cannot make is an error, not a thread that never runs")
    func systemRefusesTheThread() {
        // No system maps a stack of a petabyte: pthread_create fails (EAGAIN).
        #expect(throws: NativeThread.StartFailure.self) {
            _ = try NativeThread.start(stackSize: 1 << 50) { Issue.record("a thread ran with a petabyte of stack") }
        }
    }

    @Test("a started thread runs its body and is joined")
    func threadRunsAndJoins() throws {
        final class Flag: @unchecked Sendable { var ran = false }
        let flag = Flag()
        let thread = try NativeThread.start(stackSize: SimThreads.workerStackSize) { flag.ran = true }
        thread.join()
        #expect(flag.ran)
    }

    @Test("past the run's threads a submission raises RuntimeError, its job stays queued, and the run ends")
    func pastTheRunsThreads() throws {
        // Two full pools take the run's 512 threads; the third pool's first
        // worker cannot start. As in CPython, the job was queued first: it
        // waits for a worker of its pool that never comes, and the run still
        // ends when the other jobs do.
        let report = try Self.run(
            """
            import asyncio
            import time
            from concurrent.futures import ThreadPoolExecutor


            async def main():
                loop = asyncio.get_running_loop()
                a, b, c = [ThreadPoolExecutor(max_workers=256) for _ in range(3)]
                jobs = [loop.run_in_executor(p, time.sleep, d) for p, d in [(a, 1), (b, 2)] for _ in range(256)]
                try:
                    c.submit(print, 'never')
                except RuntimeError as e:
                    print('refused:', e)
                await asyncio.gather(*jobs)
                print('done at', loop.time())
                b.submit(print, 'a worker of b is still there')


            asyncio.run(main())
            """)
        #expect(report.status == .ok, "\(report.value)")
        #expect(
            Self.printed(report) == [
                "refused: can't start new thread", "done at 2.0", "a worker of b is still there",
            ])
    }

    /// The threads of this process now (Linux: /proc/self/task).
    static func threadCount() -> Int? {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task"))?.count
    }

    @Test("a thousand runs of a pool leave no threads behind", .enabled(if: threadCount() != nil))
    func runsLeaveNoThreads() throws {
        let compiled = try #require(
            try? TraceLoader.load(
                SourceFile(
                    path: "pool.trace",
                    text: """
                        import asyncio
                        import time
                        from concurrent.futures import ThreadPoolExecutor


                        async def main():
                            loop = asyncio.get_running_loop()
                            pool = ThreadPoolExecutor(max_workers=4)
                            await asyncio.gather(*[loop.run_in_executor(pool, time.sleep, i) for i in range(4)])


                        asyncio.run(main())
                        """)
            ).get()
        ).compiled
        let before = try #require(Self.threadCount())
        for _ in 0..<1000 {
            let report = TraceRunner.run(compiled)
            #expect(report.status == .ok)
        }
        let after = try #require(Self.threadCount())
        // 4,000 workers were started; other suites running at the same time
        // hold a few hundred at most (two full pools: 512).
        #expect(after - before < 600, "\(after - before) more threads after 1,000 runs")
    }
}
