import Foundation
import Testing
import VLoop

/// A gather of two sleeps (1 s and 2 s), each printing when it wakes, with properties that hold.
let twoSleeps = """
    import asyncio
    import logging

    logging.basicConfig(level=logging.INFO, format='%(message)s')


    async def sleeper(name, delay):
        await asyncio.sleep(delay)
        print(name, 'woke')
        return delay


    async def main():
        results = await asyncio.gather(sleeper('a', 1), sleeper('b', 2))
        logging.info('gathered %s', results)
        return results


    asyncio.run(main())

    expect.output(['a woke', 'b woke', 'gathered [1, 2]'])
    expect.order('a woke', 'b woke')
    expect.elapsed(2.0)
    """

@Suite struct TraceAPITests {
    @Test("a gather of two sleeps replays its output, events and elapsed time")
    func gatherOfTwoSleeps() throws {
        let trace = try Trace(source: twoSleeps, name: "two-sleeps.trace")
        let run = trace.replay()
        #expect(run.status == .ok)
        #expect(run.value == "[1, 2]")
        #expect(run.output == ["a woke", "b woke", "gathered [1, 2]"])
        #expect(run.elapsed == 2.0)
        #expect(run.steps > 0)
        #expect(run.runIndex == 0 && run.perturbations.isEmpty)
        let prints = run.events.filter { $0.kind == .print }
        #expect(prints.map(\.time) == [1.0, 2.0])
        #expect(prints.map(\.context) == ["Task-2", "Task-3"])
        #expect(run.events.last?.kind == .runEnd)
        #expect(run.events.last?.status == "ok")
        let done = run.events.filter { $0.kind == .taskDone }
        #expect(done.contains { $0.context == "Task-2" && $0.state == "result" && $0.value == "1" })
        #expect(run.tasks.map(\.name).starts(with: ["Task-1", "Task-2", "Task-3"]))
        #expect(run.jobs.isEmpty)
    }

    @Test("task records have their first step and step count; step times only when asked for")
    func taskRecords() throws {
        let trace = try Trace(source: twoSleeps, name: "two-sleeps.trace")
        let lean = trace.replay()
        let full = trace.replay(taskStepTimes: true)
        let b = try #require(lean.tasks.first { $0.name == "Task-3" })
        let bFull = try #require(full.tasks.first { $0.name == "Task-3" })
        #expect(b.firstStep == 0.0 && b.steps == bFull.steps && b.done == 2.0)
        #expect(b.stepTimes.isEmpty)
        #expect(bFull.stepTimes == [0.0, 2.0])
        #expect(full.tasks.allSatisfy { $0.firstStep == $0.stepTimes.first })
        #expect(lean.tasks.map(\.firstStep) == full.tasks.map(\.firstStep))
        #expect(lean.events == full.events)
    }

    @Test("the trace's properties are checked, with their names, lines and verdicts")
    func propertiesChecked() throws {
        let run = try Trace(source: twoSleeps, name: "two-sleeps.trace").replay()
        #expect(run.properties.map(\.name) == ["expect.output", "expect.order", "expect.elapsed"])
        #expect(run.properties.map(\.line) == [21, 22, 23])
        #expect(run.properties.allSatisfy { $0.passed })
        #expect(run.passed && run.problems.isEmpty)
    }

    @Test("a property that breaks fails the run, with its message")
    func propertyBreaks() throws {
        let source = twoSleeps.replacingOccurrences(
            of: "expect.order('a woke', 'b woke')", with: "expect.order('b woke', 'a woke')")
        let run = try Trace(source: source, name: "reversed.trace").replay()
        #expect(!run.passed)
        let failed = try #require(run.failedProperties.first)
        #expect(failed.name == "expect.order" && failed.line == 22)
        #expect(failed.message.contains("'a woke'"))
    }

    @Test("a trace with a syntax error throws a TraceError at its line and column")
    func syntaxError() {
        #expect {
            _ = try Trace(source: "import asyncio\n\nx = 1 +\nprint(x)\n", name: "bad.trace")
        } throws: { error in
            guard let error = error as? TraceError, case .invalid(let path, let diagnostics) = error else {
                return false
            }
            return path == "bad.trace" && diagnostics.count == 1 && diagnostics[0].line == 3
                && diagnostics[0].column == 8 && diagnostics[0].message == "invalid syntax"
                && error.description == "bad.trace:3:8: error: invalid syntax\nx = 1 +\n       ^"
        }
    }

    @Test("a file that does not exist is unreadable")
    func missingFile() {
        #expect(throws: TraceError.unreadable(path: "/no/such/folder/missing.trace")) {
            try Trace(file: "/no/such/folder/missing.trace")
        }
        #expect(throws: TraceError.unreadable(path: "missing.trace")) {
            try Trace(file: "missing.trace", searchPaths: [fixturePath("fixtures/explore"), "."])
        }
        #expect(throws: TraceError.unreadable(path: "/no/such/file.trace")) {
            try Trace(contentsOf: URL(fileURLWithPath: "/no/such/file.trace"))
        }
    }

    @Test("a file is found in the first search path that holds it")
    func searchPaths() throws {
        let trace = try Trace(
            file: "order-by-luck.trace", searchPaths: [fixturePath("fixtures/seed"), fixturePath("fixtures/explore")])
        #expect(trace.name == fixturePath("fixtures/explore/order-by-luck.trace"))
        #expect(trace.replay().output == ["['a', 'b']"])
    }

    @Test("a task awaiting a future that nothing resolves deadlocks")
    func deadlock() throws {
        let source = "import asyncio\n\nasync def main():\n    await asyncio.Future()\n\nasyncio.run(main())\n"
        let run = try Trace(source: source, name: "deadlock.trace").replay()
        #expect(run.status == .deadlock)
        #expect(run.value == "['Task-1']")
        #expect(!run.passed)
        #expect(run.problems.first?.contains("status 'deadlock'") == true)
        #expect(run.pendingTasks.map(\.name) == ["Task-1"])
    }

    @Test(
        "an exploration finds each planted failure, shrunk, with the command that replays it, and replaying that run fails",
        arguments: plantedFailures)
    func explorationFindsPlantedFailure(path: String) async throws {
        let expected = expectation(path)
        let trace = try Trace(file: path)
        #expect(trace.replay().passed, "the nominal run holds")
        let found = try await trace.explore(seed: 7, jobs: 2)
        let failure = try #require(found.failures.first)
        #expect(found.failingRuns.first == failure.run)
        #expect(failure.run > 0 && failure.seed == 7)
        #expect(failure.property?.name == expected["fails"])
        #expect(failure.message == failure.property?.message)
        #expect(failure.shrunk.contains { $0.contains(expected["shrunk"]!) }, "\(failure.shrunk)")
        #expect(failure.replayCommand == "vloop run \(found.flags) --run \(failure.run) \(path)")
        #expect(found.flags.hasPrefix("--seed 7 --strategy portfolio --depth 3 --jitter "))

        // The failing run, replayed alone, fails the same way and draws the same perturbations.
        let replayed = trace.replay(
            seed: failure.seed, run: failure.run, jitter: found.jitter, timerJitter: found.timerJitter,
            shuffleReady: found.shuffleReady)
        #expect(!replayed.passed)
        #expect(replayed.runIndex == failure.run)
        #expect(replayed.failedProperties.first == failure.property)
        #expect(replayed.perturbations == failure.perturbations)
        // With the trace's own settings, as the replay command gives only --seed and --jitter.
        #expect(trace.replay(seed: failure.seed, run: failure.run, jitter: found.jitter) == replayed)
    }

    @Test("a failure carries its shrunk run, which replays and fails with only the kept perturbations")
    func shrunkRunReplays() async throws {
        let trace = try Trace(file: fixturePath("fixtures/explore/both-timers-late.trace"))
        let found = try await trace.explore(seed: 0, jobs: 2)
        let failure = try #require(found.failures.first)
        let shrunk = try #require(failure.shrunkPerturbation)
        let run = trace.replay(perturbation: shrunk)
        #expect(!run.passed)
        #expect(run.properties.first { !$0.passed }?.name == failure.property?.name)
        #expect(run.perturbations == failure.shrunk)
        #expect(failure.divergenceContext.first == "the nominal run:")
    }

    @Test("an exploration of a trace that holds finds no failure")
    func explorationHolds() async throws {
        let trace = try Trace(file: fixturePath("fixtures/explore/order-made-explicit-holds.trace"))
        let found = try await trace.explore(runs: 40, seed: 3, jobs: 2)
        #expect(found.runs == 40)
        #expect(found.passed && found.failingRuns.isEmpty)
    }

    @Test("an exploration whose nominal run fails stops at run 0")
    func nominalFails() async throws {
        let source = twoSleeps.replacingOccurrences(of: "expect.elapsed(2.0)", with: "expect.elapsed(3.0)")
        let found = try await Trace(source: source, name: "late.trace").explore(runs: 50)
        #expect(found.runs == 1)
        #expect(found.failures.map(\.run) == [0])
        #expect(found.failures.first?.property?.name == "expect.elapsed")
    }

    @Test("exploration options out of range are rejected")
    func badOptions() async throws {
        let trace = try Trace(source: twoSleeps, name: "two-sleeps.trace")
        await #expect(throws: ExplorationError.invalidOptions("jitter must be in [0, 1), not 1.5")) {
            try await trace.explore(runs: 10, jitter: 1.5)
        }
        await #expect(throws: ExplorationError.invalidOptions("runs must be at least 1, not 0")) {
            try await trace.explore(runs: 0)
        }
    }

    @Test("a perturbation replays one run of an exploration, as replay(seed:run:) does")
    func perturbation() throws {
        let trace = try Trace(file: fixturePath("fixtures/explore/order-by-luck.trace"))
        let byRun = trace.replay(seed: 5, run: 4)
        let byPerturbation = trace.replay(
            perturbation: Perturbation(seed: 5, run: 4, jitter: 0.0, shuffleReady: true))
        #expect(byRun == byPerturbation)
        #expect(byRun.perturbations == byPerturbation.perturbations)
    }

    @Test("a hundred concurrent replays equal the serial ones")
    func concurrentReplays() async throws {
        let trace = try Trace(file: fixturePath("fixtures/explore/response-races-timer.trace"))
        let serial = (0..<4).map { trace.replay(seed: 1, run: $0) }
        let concurrent = await withTaskGroup(of: (Int, Run).self) { group in
            for i in 0..<100 {
                group.addTask { (i, trace.replay(seed: 1, run: i % 4)) }
            }
            var runs: [(Int, Run)] = []
            for await r in group { runs.append(r) }
            return runs
        }
        #expect(concurrent.count == 100)
        for (i, run) in concurrent {
            #expect(run == serial[i % 4], "replay \(i) differs from the serial one")
        }
        #expect(Set(serial.map(\.elapsed)).count > 1, "the runs differ from each other")
    }
}
