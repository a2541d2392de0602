import Foundation
import Testing

/// Worker pools as a hostile user meets them, in the `vloop` executable under
/// an address-space ceiling (`ulimit -v`) and a time bound: where the system
/// refuses a worker's thread the run ends with CPython's `RuntimeError: can't
/// start new thread` at the submission, never a hang; and an exploration of
/// many runs of a pool stays within the ceiling, each run's threads ended.
@Suite("Worker pools, as a process")
struct WorkerProcessTests {
    /// Runs `vloop ARGS` under a ceiling of `KiB` of address space and a 60 s bound.
    static func vloop(_ arguments: [String], ceilingKiB: Int) throws -> (status: Int32, said: String) {
        let binary = try #require(CommandLineTests.binary, "build the vloop executable first (swift build)")
        let script = "ulimit -v \(ceilingKiB) && exec timeout -s KILL 60 \"$0\" \"$@\""
        let r = try #require(runProcess(URL(fileURLWithPath: "/bin/sh"), ["-c", script, binary.path] + arguments))
        return (r.status, r.stdout + r.stderr)
    }

    @Test("a pool whose threads the system refuses ends with RuntimeError at the submitting line")
    func systemRefusesThreads() throws {
        // 256 blocking jobs need 256 worker stacks: 1 GiB in a release build,
        // 8 GiB in a debug one; under a 1 GiB ceiling some cannot be mapped.
        let trace = "fixtures/conformance/worker_pool-of-the-bound-size.trace"
        let r = try Self.vloop(["run", "--no-store", trace], ceilingKiB: 1 << 20)
        #expect(r.status == 1, "exit status \(r.status)\n\(r.said.suffix(2000))")
        #expect(r.said.contains("RuntimeError: can't start new thread"), "\(r.said.suffix(2000))")
        #expect(r.said.contains("File \"\(trace)\", line 23, in main"), "\(r.said.suffix(2000))")
    }

    @Test("exploring a pool of 28 blocking jobs stays within the 4 GiB ceiling")
    func explorationWithinTheCeiling() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vloop-workers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let trace = dir.appendingPathComponent("tpe28.trace")
        try """
        import asyncio
        import time
        from concurrent.futures import ThreadPoolExecutor


        def job(i):
            time.sleep(0.25 * (i % 3))
            return i


        async def main():
            loop = asyncio.get_running_loop()
            with ThreadPoolExecutor(max_workers=28) as pool:
                results = await asyncio.gather(*[loop.run_in_executor(pool, job, i) for i in range(28)])
            print(sum(results))


        asyncio.run(main())

        """.write(to: trace, atomically: true, encoding: .utf8)
        // One run at a time: a debug build's worker stacks are 32 MiB
        // (docs/LIMITS.md, "Worker pools"), so two runs at once of 28 workers
        // each come near the ceiling with the runs' heaps.
        let r = try Self.vloop(
            ["run", "--no-store", "--runs", "100", "--jobs", "1", trace.path],
            ceilingKiB: HostileInputTests.addressSpaceKiB)
        #expect(r.status == 0, "exit status \(r.status)\n\(r.said.suffix(2000))")
        #expect(r.said.contains("100 runs"), "\(r.said.suffix(2000))")
    }
}
