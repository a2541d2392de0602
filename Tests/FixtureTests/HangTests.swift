import Foundation
import Properties
import PyRuntime
import RunModel
import Testing
import TraceLanguage
import VLoop
import VirtualLoop

/// Hangs named (docs/EXPLORING.md): a run that a limit stops names the tasks
/// that spun and what the pending ones await, and a run that cycles without
/// progress stops early as a livelock.
@Suite("Hangs")
struct HangTests {
    /// Each trace of fixtures/hangs with `vloop run --no-store`'s output in
    /// NAME.expected.txt, the wall time masked (`<wall>`). A `# flags: ...`
    /// line of the trace adds flags. `VLOOP_UPDATE_FIXTURES=1` rewrites them.
    @Test("vloop run names the spinning and pending tasks of each hung fixture", arguments: fixtures("hangs"))
    func hangFixtures(_ path: String) throws {
        let binary = try #require(CommandLineTests.binary, "build the vloop executable first (swift build)")
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent(path), encoding: .utf8)
        let flags =
            text.split(separator: "\n").first { $0.hasPrefix("# flags: ") }
            .map { $0.dropFirst("# flags: ".count).split(separator: " ").map(String.init) } ?? []
        let r = try #require(runProcess(binary, ["run", "--no-store"] + flags + [path]))
        #expect(r.status == 1, "\(path): \(r.stderr)")
        let ours = maskWallTime(r.stdout)
        let expectedURL = repositoryRoot.appendingPathComponent(
            path.replacingOccurrences(of: ".trace", with: ".expected.txt"))
        if ProcessInfo.processInfo.environment["VLOOP_UPDATE_FIXTURES"] == "1" {
            try ours.write(to: expectedURL, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: expectedURL, encoding: .utf8)
        #expect(ours == expected, "\(path):\n\(ours)")
    }

    /// `, 1.20 ms` at the end of a status line is `, <wall>`.
    func maskWallTime(_ s: String) -> String {
        s.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard line.hasPrefix("PASS  ") || line.hasPrefix("FAIL  "),
                let comma = line.range(of: ", ", options: .backwards)
            else { return String(line) }
            return line[..<comma.upperBound] + "<wall>"
        }.joined(separator: "\n")
    }

    func run(_ path: String, _ limits: RunLimits = RunLimits()) throws -> RunReport {
        let trace = try load(path)
        return TraceRunner.run(trace.compiled, modules: trace.modules, limits: limits)
    }

    @Test("two pollers of a flag that never flips stop early as a livelock, named with their await")
    func flagLivelock() throws {
        let report = try run("fixtures/hangs/flag-never-flips.trace")
        #expect(report.status == .limit)
        #expect(report.value == "'livelock'")
        #expect(report.steps < 30_000)
        let hang = try #require(report.hang)
        #expect(hang.reason == "livelock")
        #expect(hang.stepsWithoutProgress >= 10_000)
        #expect(hang.spinning.map(\.name).sorted() == ["Task-2", "Task-3"])
        #expect(hang.spinning.allSatisfy { $0.coroutine == "poll()" && $0.position == "line 13" })
        #expect(hang.spinning.map(\.steps).reduce(0, +) == HangReport.window)
        #expect(hang.pending.map(\.name) == ["Task-1", "Task-2", "Task-3"])
        #expect(hang.pending[0].awaiting == "a gather() of 2 awaitables")
    }

    @Test("without livelock detection the same trace runs to max-steps, and still names the spinners")
    func livelockDetectionOff() throws {
        let report = try run(
            "fixtures/hangs/flag-never-flips.trace", RunLimits(maxSteps: 50_000, detectsLivelock: false))
        #expect(report.value == "'max-steps'")
        let hang = try #require(report.hang)
        #expect(hang.reason == "max-steps")
        #expect(hang.window == HangReport.window)
        #expect(hang.spinning.map(\.steps).reduce(0, +) == HangReport.window)
        #expect(Set(hang.spinning.map(\.name)) == ["Task-2", "Task-3"])
    }

    @Test("a retry loop whose clock moves is a livelock long before max-time")
    func retryLivelock() throws {
        let report = try run("fixtures/hangs/retry-forever.trace")
        #expect(report.value == "'livelock'")
        #expect(report.elapsed < 86400 / 4)
        #expect(report.hang?.spinning.first?.now == "line 14 in call_backend()")
    }

    @Test("two tasks handing a lock back and forth are a livelock")
    func lockHandoff() throws {
        let report = try run("fixtures/hangs/lock-handoff.trace")
        #expect(report.value == "'livelock'")
        #expect(Set(report.hang?.spinning.map(\.name) ?? []) == ["Task-2", "Task-3"])
    }

    @Test("a busy loop without awaits hits max-instructions, and the report names the line it was running")
    func busyLoop() throws {
        let report = try run("fixtures/hangs/busy-loop-no-await.trace", RunLimits(maxInstructions: 200_000))
        #expect(report.value == "'max-instructions'")
        let hang = try #require(report.hang)
        #expect(hang.stoppedAt?.hasPrefix("checksum() at line ") == true)
        #expect(hang.spinning.contains { $0.name == "Task-2" && $0.coroutine == "checksum()" })
    }

    @Test("a counter that yields changes its state: no livelock, max-steps names it")
    func counterIsNoLivelock() throws {
        let report = try run("fixtures/hangs/max-steps-counter.trace", RunLimits(maxSteps: 40_000))
        #expect(report.value == "'max-steps'")
        #expect(report.hang?.spinning.first?.name == "counter")
    }

    @Test(
        "a silent hour of polling is no livelock when a timer is pending, the state changes, or the clock is read",
        arguments: [
            "fixtures/conformance/silent-poll-until-timer.trace", "fixtures/conformance/silent-count-for-an-hour.trace",
            "fixtures/conformance/silent-poll-until-deadline.trace",
            "fixtures/conformance/poll-job-with-progress-lines.trace",
        ])
    func silentButLegitimate(_ path: String) throws {
        let report = try run(path, RunLimits(livelockSteps: 100))
        #expect(report.status == .ok, "\(path): \(report.value) \(report.hang?.summary ?? "")")
    }

    @Test("the same silent poll with nothing pending is a livelock: the other side of the rule")
    func silentPollWithoutTimer() throws {
        let source = """
            import asyncio

            done = False


            async def poll():
                while not done:
                    await asyncio.sleep(0.1)
                print('done')


            asyncio.run(poll())
            """
        guard case .success(let trace) = TraceLoader.load(SourceFile(path: "poll.trace", text: source)) else {
            Issue.record("the trace does not load")
            return
        }
        let report = TraceRunner.run(trace.compiled)
        #expect(report.value == "'livelock'")
        #expect(report.elapsed < 3600)
    }

    @Test(
        "no fixture that terminates is called a livelock, even with a stretch of 50 steps", arguments: passingFixtures)
    func noFalseLivelock(_ path: String) throws {
        let report = try run(path, RunLimits(livelockSteps: 50))
        #expect(report.value != "'livelock'", "\(path): \(report.hang?.summary ?? "")")
    }

    @Test("a limit's problems name the spinners, and a livelock's status says so, for JUnit and the run store")
    func problemsNameTheHang() throws {
        let report = try run("fixtures/hangs/flag-never-flips.trace")
        let verdict = PropertyChecker.check(report)
        #expect(!verdict.passed)
        #expect(verdict.problems.first?.contains("('livelock')") == true)
        #expect(verdict.problems.first?.contains("Task-2 poll()") == true)
        #expect(verdict.problems.contains("pending: Task-1 awaits a gather() of 2 awaitables"))
        #expect(verdict.problems.contains { $0.hasPrefix("spinning: Task-3 poll(): ") })
    }

    @Test("expect.status('limit') accepts a livelock, and the problems stay empty")
    func expectedLivelock() throws {
        let source = """
            import asyncio


            async def spin():
                while True:
                    await asyncio.sleep(0)


            asyncio.run(spin())

            expect.status('limit')
            """
        guard case .success(let trace) = TraceLoader.load(SourceFile(path: "spin.trace", text: source)) else {
            Issue.record("the trace does not load")
            return
        }
        let report = TraceRunner.run(trace.compiled)
        #expect(report.value == "'livelock'")
        let verdict = PropertyChecker.check(report)
        #expect(verdict.passed)
        #expect(verdict.problems.isEmpty)
    }

    @Test("vloop run --json has the hang object, and --no-livelock-detection turns the watch off")
    func jsonAndFlag() throws {
        let binary = try #require(CommandLineTests.binary, "build the vloop executable first (swift build)")
        let r = try #require(
            runProcess(binary, ["run", "--no-store", "--json", "fixtures/hangs/flag-never-flips.trace"]))
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let trace = try #require((doc["traces"] as? [[String: Any]])?.first)
        let hang = try #require(trace["hang"] as? [String: Any])
        #expect(hang["reason"] as? String == "livelock")
        #expect((hang["spinning"] as? [[String: Any]])?.count == 2)
        #expect((hang["pending"] as? [[String: Any]])?.first?["awaits"] as? String == "a gather() of 2 awaitables")
        let off = try #require(
            runProcess(
                binary,
                [
                    "run", "--no-store", "--no-livelock-detection", "--max-steps", "30000",
                    "fixtures/hangs/flag-never-flips.trace",
                ]))
        #expect(off.stdout.contains("('max-steps')"))
        let bad = try #require(
            runProcess(binary, ["run", "--livelock-steps", "0", "fixtures/hangs/flag-never-flips.trace"]))
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--livelock-steps must be at least 1"))
    }
}
