import Testing
import VLoop

/// A trace whose tasks print `start N` and `end N`, with `${expects}` as its properties.
private func workers(_ expects: String) -> String {
    """
    import asyncio


    async def worker(n):
        print(f'start {n}')
        await asyncio.sleep(n)
        print(f'end {n}')


    async def main():
        await asyncio.gather(worker(1), worker(2), worker(3))


    asyncio.run(main())

    \(expects)
    """
}

@Suite struct VacuityTests {
    @Test("a typo'd pattern makes expect.concurrency fail as vacuous, naming the closest texts")
    func typoFailsWithClosestTexts() throws {
        let run = try Trace(source: workers("expect.concurrency('start', 'end *', max=2)"), name: "w.trace").replay()
        #expect(!run.passed)
        let p = try #require(run.properties.first)
        #expect(!p.passed && p.failedAsVacuous)
        #expect(p.message.hasPrefix("expect.concurrency (line 16): holds only vacuously: 'start' matched no event"))
        #expect(p.message.contains("(the closest texts: 'start 1', 'start 2', 'start 3')"))
        #expect(p.message.contains("add vacuous=True if it is meant to match nothing"))
        #expect(p.unmatched.map(\.pattern) == ["'start'"])
    }

    @Test("the same property marked vacuous=True passes, and without the typo it checks for real")
    func markedOrFixed() throws {
        let marked = try Trace(
            source: workers("expect.concurrency('start', 'end *', max=2, vacuous=True)"), name: "w.trace"
        ).replay()
        #expect(marked.passed, "\(marked.properties)")
        let fixed = try Trace(source: workers("expect.concurrency('start *', 'end *', max=2)"), name: "w.trace")
            .replay()
        #expect(!fixed.passed, "three workers start at once")
        #expect(fixed.properties.first?.failedAsVacuous == false)
    }

    @Test("expect.before fails as vacuous when either side matches nothing, unless marked")
    func before() throws {
        let run = try Trace(source: workers("expect.before('start *', 'finish *')"), name: "w.trace").replay()
        #expect(run.properties.first?.message.contains("'finish *' matched no event") == true)
        let marked = try Trace(
            source: workers("expect.before('start *', 'finish *', vacuous=True)"), name: "w.trace"
        ).replay()
        #expect(marked.passed)
    }

    @Test("expect.order names the closest texts of a pattern that matches nothing, and vacuous=True lets it hold")
    func order() throws {
        let run = try Trace(source: workers("expect.order('start 1', 'end')"), name: "w.trace").replay()
        let message = try #require(run.properties.first?.message)
        #expect(message.hasPrefix("expect.order (line 16): no event matches 'end' (the closest texts: 'end 1'"))
        let marked = try Trace(source: workers("expect.order('start 1', 'end', vacuous=True)"), name: "w.trace")
            .replay()
        #expect(marked.passed)
    }

    @Test("vacuous= takes True or False only")
    func badMarker() throws {
        let run = try Trace(source: workers("expect.before('start *', 'end *', vacuous=1)"), name: "w.trace")
            .replay()
        #expect(run.properties.first?.message.contains("vacuous must be True or False, not int 1") == true)
    }
}
