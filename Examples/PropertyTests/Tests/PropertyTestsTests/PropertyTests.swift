import Testing
import VLoop

/// Two sleeps side by side: the run takes as long as the longer one, 2 virtual seconds.
let twoSleeps = """
    import asyncio


    async def main():
        await asyncio.gather(asyncio.sleep(1), asyncio.sleep(2))
        print('done')


    asyncio.run(main())

    expect.output(['done'])
    expect.elapsed(2.0)
    """

/// A planted ordering bug: the response comes before the deadline only because
/// the peer answers in 0.12 s and the deadline is at 0.125 s; a slower reply breaks it.
let responseRacesTimer = #"""
    import asyncio

    sim.peer('api.test', 80, connect=0.01, replies=[(0.1, b'ok')], close=0.01)


    async def fetch():
        reader, writer = await asyncio.open_connection('api.test', 80)
        writer.write(b'GET / HTTP/1.0\r\n\r\n')
        data = await reader.read()
        print('response', data)


    async def main():
        task = asyncio.create_task(fetch())
        await asyncio.sleep(0.125)
        print('deadline')
        await task


    asyncio.run(main())

    expect.before('response*', 'deadline')
    """#

@Test func nominalReplay() throws {
    let trace = try Trace(source: twoSleeps, name: "two-sleeps.trace")
    let run = trace.replay()
    #expect(run.status == .ok)
    #expect(run.output == ["done"])
    #expect(run.elapsed == 2.0)
    // (`allSatisfy(\.passed)` inside #expect does not compile: the macro turns the key path into a closure that may throw.)
    #expect(run.properties.allSatisfy { $0.passed })
}

@Test func explorationFindsTheRace() async throws {
    let trace = try Trace(source: responseRacesTimer, name: "response-races-timer.trace")
    #expect(trace.replay().passed, "the nominal run holds: the reply is in time")

    let found = try await trace.explore(runs: 200, seed: 0)
    #expect(!found.failures.isEmpty)
    let failure = try #require(found.failures.first)
    #expect(failure.property?.name == "expect.before")
    #expect(failure.replayCommand.contains("--seed 0"))
    #expect(failure.replayCommand.contains("--run \(failure.run)"))
    #expect(failure.replayCommand.hasSuffix("response-races-timer.trace"))

    // The failing run, replayed alone, fails the same way.
    let again = trace.replay(seed: failure.seed, run: failure.run, jitter: found.jitter)
    #expect(!again.passed)
}
