import Foundation
import Properties
import Testing
import VLoop

/// Two executor jobs race (0.1 s and 0.12 s, each scaled by the jitter): which one comes
/// first decides what is printed. `${after}` is what the trace does after the race and
/// `${expects}` its properties.
private func race(after: String = "", expects: String) -> String {
    """
    import asyncio
    import time


    def work(name, d):
        time.sleep(d)
        return name


    async def boom():
        raise KeyError('lost')


    async def main():
        loop = asyncio.get_running_loop()
        a = loop.run_in_executor(None, work, 'a', 0.1)
        b = loop.run_in_executor(None, work, 'b', 0.12)
        done, _ = await asyncio.wait([a, b], return_when=asyncio.FIRST_COMPLETED)
        first = done.pop().result()
        print('first', first)
    \(after)
        await asyncio.gather(a, b)
        print('end')
        return first


    first = asyncio.run(main())

    \(expects)
    """
}

/// One task that prints, sleeps and prints: no perturbation can change its order of events.
private let oneTask = """
    import asyncio


    async def main():
        print('start 1')
        await asyncio.sleep(1)
        print('start 2')
        await asyncio.sleep(1)
        print('done')


    asyncio.run(main())

    expect.order('start 1', 'done')
    """

@Suite struct ExploreSummaryTests {
    @Test("the summary counts the distinct orders of events, the same on one thread as on four")
    func distinctOrderings() async throws {
        let trace = try Trace(source: race(expects: "expect.order('first *', 'end')"), name: "race.trace")
        let serial = try await trace.explore(runs: 40, seed: 3, jobs: 1)
        let parallel = try await trace.explore(runs: 40, seed: 3, jobs: 4)
        #expect(serial.summary == parallel.summary)
        let s = serial.summary
        #expect(s.runs == 40)
        #expect(s.distinctOrderings == 2, "'first a' or 'first b', nothing else changes")
        #expect(s.nominalOrderings > 0 && s.nominalOrderings < 40)
        #expect(s.orderingsLine == "40 runs, 2 distinct orderings (the nominal order in \(s.nominalOrderings))")
    }

    @Test("an exploration that changed no order says so plainly, and why")
    func nothingChanged() async throws {
        let trace = try Trace(source: oneTask, name: "one-task.trace")
        let found = try await trace.explore(runs: 20, jobs: 2)
        #expect(found.passed)
        #expect(found.summary.distinctOrderings == 1)
        let lines = found.summary.lines(settings: ExploreSettings(runs: 20))
        let warning = try #require(lines.first { $0.hasPrefix("all 20 runs had the nominal order of events") })
        #expect(warning.contains("nothing this exploration perturbed changed the order"))
    }

    @Test("every property is tallied: held in N runs, broke in M, with its first failing run")
    func everyPropertyTallied() async throws {
        let source = race(expects: "expect.output(['first a', 'end'])\nexpect.order('first *', 'end')")
        let found = try await Trace(source: source, name: "race.trace").explore(runs: 60, jobs: 2)
        let tallies = found.summary.properties
        #expect(tallies.map(\.name) == ["expect.output", "expect.order"])
        for t in tallies { #expect(t.held + t.broke == 60) }
        let output = tallies[0], order = tallies[1]
        #expect(output.broke > 0 && output.held > 0)
        #expect(output.broke == found.failingRuns.count)
        #expect(output.firstFailingRun == found.failingRuns.first)
        #expect(output.firstMessage?.hasPrefix("expect.output (line") == true)
        #expect(order.broke == 0 && order.firstFailingRun == nil)
    }

    @Test("runs that end otherwise than the nominal run are listed with their status, count and message")
    func otherStatuses() async throws {
        let source = race(expects: "if first == 'b':\n    raise ValueError('b came first')")
        let found = try await Trace(source: source, name: "race.trace").explore(runs: 60, jobs: 2)
        let s = try #require(found.summary.statuses.first)
        #expect(found.summary.statuses.count == 1)
        #expect(s.status == .exception)
        #expect(s.value == "ValueError: b came first")
        #expect(s.runs == found.failingRuns.count)
        #expect(s.firstRun == found.failingRuns.first)
        #expect(s.text.hasPrefix("\(s.runs) runs ended with an exception (first run \(s.firstRun)): ValueError"))
    }

    @Test("exceptions never retrieved from tasks are counted over the runs")
    func taskExceptions() async throws {
        let after = "    if first == 'b':\n        loop.create_task(boom())\n        await asyncio.sleep(0)"
        let source = race(after: after, expects: "expect.order('first *', 'end')")
        let found = try await Trace(source: source, name: "race.trace").explore(runs: 60, jobs: 2)
        let t = try #require(found.summary.taskExceptions)
        let bFirst = found.summary.runs - found.summary.nominalOrderings
        #expect(t.runs == bFirst && t.notes == bFirst)
        #expect(t.firstNote.hasSuffix("KeyError: 'lost'"))
        #expect(t.text.hasPrefix("Task exception was never retrieved in \(bFirst) runs"))
    }

    @Test("a trace whose nominal run fails is explored anyway, and a run that fails otherwise is the finding")
    func nominalFails() async throws {
        // expect.elapsed(100.0) fails in every run; expect.output only when 'b' comes first.
        let source = race(expects: "expect.elapsed(100.0)\nexpect.output(['first a', 'end'])")
        let found = try await Trace(source: source, name: "race.trace").explore(runs: 60, jobs: 2)
        #expect(found.runs == 60)
        #expect(found.summary.nominalFails)
        #expect(found.summary.nominalFailures.first?.hasPrefix("expect.elapsed (line") == true)
        #expect(found.failures.map(\.run).first == 0)
        let finding = try #require(found.failures.dropFirst().first)
        #expect(finding.run > 0)
        #expect(finding.property?.name == "expect.output", "the nominal run's own failure is not a finding")
        let elapsed = try #require(found.summary.properties.first { $0.name == "expect.elapsed" })
        #expect(elapsed.broke == 60 && elapsed.firstFailingRun == 0)
    }

    @Test("a nominal run that fails the same way in every run gives no finding beyond run 0")
    func nominalFailsAlike() async throws {
        let source = race(expects: "expect.elapsed(100.0)")
        let found = try await Trace(source: source, name: "race.trace").explore(runs: 30, jobs: 2)
        #expect(found.runs == 30)
        #expect(found.failures.map(\.run) == [0])
        #expect(found.failingRuns.isEmpty)
    }

    @Test("a property vacuous in every run fails the exploration; one matched in some run does not")
    func vacuousOverRuns() async throws {
        // 'first b' is printed only in the runs where 'b' wins: the nominal run alone would call it vacuous.
        let sometimes = race(expects: "expect.before('first b', 'end')")
        let trace = try Trace(source: sometimes, name: "race.trace")
        #expect(!trace.replay().passed, "a single run is every run: 'first b' matched nothing")
        let found = try await trace.explore(runs: 40, jobs: 2)
        #expect(found.summary.vacuous.isEmpty)
        #expect(found.passed, "\(found.failures)")

        let never = race(expects: "expect.before('first', 'end')")
        let typo = try await Trace(source: never, name: "race.trace").explore(runs: 40, jobs: 2)
        #expect(!typo.passed)
        let v = try #require(typo.summary.vacuous.first)
        #expect(v.unmatched.map(\.pattern) == ["'first'"])
        #expect(v.unmatched[0].closest.map(\.text).prefix(2).sorted() == ["first a", "first b"])
        let failure = try #require(typo.failures.first)
        #expect(failure.message.contains("holds only vacuously"))
        #expect(failure.message.contains("in any of the 40 runs"))
    }
}
