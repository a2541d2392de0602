import Foundation
import Testing
import VLoop

/// Two sleepers: `a` wakes at t=1, `b` at t=2; every `expect.*` below fails on purpose,
/// so that the run's property messages can be compared with the Swift assertions'.
let sleepersFailing = """
    import asyncio


    async def sleeper(name, delay):
        print(name, 'started')
        await asyncio.sleep(delay)
        print(name, 'woke')


    async def main():
        await asyncio.gather(sleeper('a', 1), sleeper('b', 2))


    asyncio.run(main())

    expect.order('b woke', 'a woke')
    expect.before({'ctx': 'Task-3'}, 'a woke')
    expect.never('* woke')
    expect.at('b woke', 1.5)
    expect.concurrency('* started', '* woke', max=1)
    expect.elapsed(max=1.5)
    """

/// The message of an `expect.*` property after its `expect.NAME (line N): ` prefix.
func propertyFailure(_ run: Run, _ name: String) -> String {
    let m = run.properties.first { $0.name == "expect.\(name)" }!.message
    return String(m[m.range(of: "): ")!.upperBound...])
}

/// The message of a check after its `run.NAME(...): ` prefix.
func checkFailure(_ check: Check) -> String {
    String(check.message[check.message.range(of: "): ")!.upperBound...])
}

@Suite struct AssertionsTests {
    let run = try! Trace(source: sleepersFailing, name: "sleepers.trace").replay()

    @Test("the assertions hold where the properties do")
    func holding() {
        #expect(run.order("a started", "b started", "a woke", "b woke").passed)
        #expect(run.order(["ctx": "Task-2", "text": "a *"], ["ctx": "Task-3"]).passed)
        #expect(run.before("* started", "* woke").passed)
        #expect(run.never("c *").passed)
        #expect(run.at("b woke", 2).passed)
        #expect(run.at("b woke", 2.05, tolerance: 0.1).passed)
        #expect(run.concurrency("* started", "* woke", max: 2).passed)
        #expect(run.elapsed(2.0).passed)
        #expect(run.elapsed(max: 2, min: 2).passed)
        #expect(order(in: run, "a woke", "b woke").passed)
        #expect(elapsed(of: run, max: 3).passed)
        let check = run.order("a woke", "b woke")
        #expect(check.message == "run.order('a woke', 'b woke')")
        #expect(check.description == check.message)
    }

    @Test("a failing assertion says what expect.* says: one implementation")
    func sameMessages() {
        #expect(run.properties.allSatisfy { !$0.passed })
        let checks: [(String, Check)] = [
            ("order", run.order("b woke", "a woke")),
            ("before", run.before(["ctx": "Task-3"], "a woke")),
            ("never", run.never("* woke")),
            ("at", run.at("b woke", 1.5)),
            ("concurrency", run.concurrency("* started", "* woke", max: 1)),
            ("elapsed", run.elapsed(max: 1.5)),
        ]
        for (name, check) in checks {
            #expect(!check.passed)
            #expect(check.message.hasPrefix("run.\(name)("))
            #expect(checkFailure(check) == propertyFailure(run, name), "\(name)")
        }
        #expect(
            run.order("b woke", "a woke").message
                == "run.order('b woke', 'a woke'): 'a woke' (first at t=1.0, event 3) came before "
                + "'b woke' (first at t=2.0, event 5)")
        #expect(never(in: run, "* woke") == run.never("* woke"))
    }

    @Test("a failure shows the events it names and their neighbours, as JSON lines")
    func logSlice() {
        let check = run.never("b woke")
        #expect(check.message == "run.never('b woke'): event 5 (print 'b woke' by Task-3 at t=2.0) matches 'b woke'")
        #expect(
            check.events == [
                "...",
                "4: " + run.events[3].jsonLine,
                "5: " + run.events[4].jsonLine,
                "6: " + run.events[5].jsonLine,
                "...",
            ])
        #expect(check.description.contains("\nevents:\n  ...\n  4: {\"t\":1.0,"))
        #expect(check.replayCommand == nil)
        #expect(!check.description.contains("replay:"))
        // A pattern matching nothing names no event: the end of the log.
        let none = run.order("c woke", "a woke")
        #expect(none.message.hasPrefix("run.order('c woke', 'a woke'): no event matches 'c woke' (the closest texts: "))
        #expect(none.events.last == "\(run.events.count): " + run.events.last!.jsonLine)
    }

    @Test("a bad pattern fails with expect.*'s explanation")
    func badPattern() {
        let check = run.never(["task": "Task-2"])
        #expect(!check.passed)
        #expect(check.message.hasPrefix("run.never({'task': 'Task-2'}): the pattern has key 'task'"))
    }

    @Test("a run replayed from an exploration shows its replay command")
    func explored() async throws {
        let trace = try Trace(file: fixturePath("fixtures/explore/order-by-luck.trace"))
        let found = try await trace.explore(runs: 50, seed: 7)
        let failure = try #require(found.failures.first)
        let run = found.replay(run: failure.run, of: trace)
        #expect(run.replayCommand == failure.replayCommand)
        #expect(!run.passed)
        let check = run.order("['a', 'b']")
        #expect(!check.passed)
        #expect(check.description.hasSuffix("\nreplay: \(failure.replayCommand)"))
    }
}
