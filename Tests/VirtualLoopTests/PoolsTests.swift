import PyRuntime
import RunModel
import Testing
import TraceLanguage
import VirtualLoop

/// Which worker of a pool takes which job, and when (TRACE_LANGUAGE.md,
/// "Executors"): a job goes to the idle worker with the lowest index, else
/// to a new thread while the pool has fewer than `max_workers`, else to the
/// pool's FIFO queue; a worker that finishes takes the next queued job at the
/// same instant. That choice is Python in the prelude (Sim/Python/pools.py,
/// `_Pool.submit` and `_complete`), over the primitives of SimThreads.swift,
/// so it is tested through a trace: the run's job records name each job's
/// worker and start time.
@Suite("Pools")
struct PoolsTests {
    /// Each job's worker (without the pool's prefix) and start time, by job name.
    func starts(_ text: String) throws -> [String: String] {
        let compiled = try #require(try? TraceLoader.load(SourceFile(path: "pools.trace", text: text)).get()).compiled
        let report = TraceRunner.run(compiled)
        #expect(report.status == .ok)
        var starts: [String: String] = [:]
        for job in report.jobs {
            let name = String(job.job.dropFirst("job('".count).prefix(1))
            let worker = job.worker.map { String($0.split(separator: "_").last!) } ?? "queued"
            starts[name] = "\(worker)@\(job.started.map { "\($0)" } ?? "-")"
        }
        return starts
    }

    @Test("jobs go to new threads up to max_workers, then wait in FIFO order, then go to the lowest idle worker")
    func lowestIdleWorkerThenFIFOQueue() throws {
        // Three workers: a, b, c start threads 0, 1, 2; d and e wait. Worker
        // 1 finishes b at 0.125 and takes d (queued first), then e at 0.375,
        // and is idle from 0.5. g (at 0.625) finds worker 1 the only idle one.
        // At 1.0 all three are idle: f takes worker 0 (the lowest index, though
        // the last to go idle), and h worker 1 (idle longest is 1, the most
        // recently idle after 0 is 2).
        let starts = try starts(
            """
            import asyncio
            import time
            from concurrent.futures import ThreadPoolExecutor


            def job(name, d):
                time.sleep(d)
                return name


            async def main():
                loop = asyncio.get_running_loop()
                pool = ThreadPoolExecutor(max_workers=3)
                first = [loop.run_in_executor(pool, job, n, d)
                         for n, d in [('a', 1.0), ('b', 0.125), ('c', 0.75), ('d', 0.25), ('e', 0.125)]]
                await asyncio.sleep(0.625)
                g = loop.run_in_executor(pool, job, 'g', 0.0625)
                await asyncio.gather(*first, g)
                await asyncio.gather(loop.run_in_executor(pool, job, 'f', 0.0625),
                                     loop.run_in_executor(pool, job, 'h', 0.0625))
                pool.shutdown()


            asyncio.run(main())
            """)
        #expect(
            starts == [
                "a": "0@0.0", "b": "1@0.0", "c": "2@0.0", "d": "1@0.125", "e": "1@0.375",
                "g": "1@0.625", "f": "0@1.0", "h": "1@1.0",
            ])
    }

    @Test("an idle worker is preferred to starting a new thread")
    func idleWorkerBeforeNewThread() throws {
        let starts = try starts(
            """
            import asyncio
            import time
            from concurrent.futures import ThreadPoolExecutor


            def job(name, d):
                time.sleep(d)
                return name


            async def main():
                loop = asyncio.get_running_loop()
                pool = ThreadPoolExecutor(max_workers=4)
                a = loop.run_in_executor(pool, job, 'a', 1.0)
                await loop.run_in_executor(pool, job, 'b', 0.25)
                await loop.run_in_executor(pool, job, 'c', 0.25)
                await a
                pool.shutdown()


            asyncio.run(main())
            """)
        #expect(starts == ["a": "0@0.0", "b": "1@0.0", "c": "1@0.25"])
    }
}
