import Foundation
import Testing

/// What `vloop run` says an exploration tried (docs/EXPLORING.md, "What an
/// exploration tried"): in its text, `--json` and JUnit outputs.
@Suite("Command line: what an exploration tried")
struct ExploreSummaryCommandTests {
    let cli = CommandLineTests()

    /// Writes `source` as NAME.trace in a folder of its own; the folder is removed by `done`.
    func trace(_ name: String, _ source: String) throws -> (path: String, done: () -> Void) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vloop-summary-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent(name)
        try source.write(to: file, atomically: true, encoding: .utf8)
        return (file.path, { try? FileManager.default.removeItem(at: dir) })
    }

    static let workers = """
        import asyncio


        async def worker(n):
            print(f'start {n}')
            await asyncio.sleep(n)
            print(f'end {n}')


        async def main():
            await asyncio.gather(worker(1), worker(2))


        asyncio.run(main())

        """

    @Test("the summary counts distinct orderings and says plainly when nothing changed the order")
    func orderingsAndNothingChanged() throws {
        let r = try cli.vloop("run", "--no-store", "--runs", "30", "fixtures/explore/order-made-explicit-holds.trace")
        #expect(r.status == 0)
        #expect(r.stdout.contains("      30 runs, 1 distinct ordering\n"))
        #expect(
            r.stdout.contains("      all 30 runs had the nominal order of events: nothing this exploration perturbed"))
        #expect(r.stdout.contains("      every property held in every run (1)\n"))
    }

    @Test("a broken property is tallied with the runs it held and broke in")
    func brokenPropertyTallied() throws {
        let r = try cli.vloop("run", "--no-store", "fixtures/explore/response-races-timer.trace")
        #expect(r.status == 1)
        #expect(r.stdout.contains("      200 runs, 2 distinct orderings (the nominal order in "))
        #expect(r.stdout.contains("      expect.before (line 25): held in "))
        #expect(r.stdout.contains(", broke in "))
    }

    @Test("--json has the exploration's summary: orderings, each property's tally, statuses")
    func json() throws {
        let r = try cli.vloop("run", "--no-store", "--json", "fixtures/explore/response-races-timer.trace")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let trace = try #require((doc["traces"] as? [[String: Any]])?.first)
        let exploration = try #require(trace["exploration"] as? [String: Any])
        #expect(exploration["runs"] as? Int == 200)
        #expect(exploration["distinct_orderings"] as? Int == 2)
        let properties = try #require(exploration["properties"] as? [[String: Any]])
        #expect(properties.count == 1)
        let held = properties[0]["held"] as? Int ?? -1, broke = properties[0]["broke"] as? Int ?? -1
        #expect(held + broke == 200 && broke > 0)
        #expect(properties[0]["first_failing_run"] as? Int == 1)
        #expect((trace["failing_runs"] as? [Int])?.count == broke)
    }

    @Test("a typo'd pattern fails the trace with the closest texts; marked vacuous=True, it passes")
    func vacuousPattern() throws {
        let typo = try trace("typo.trace", Self.workers + "expect.concurrency('start', 'end *', max=1)\n")
        defer { typo.done() }
        let r = try cli.vloop("run", "--no-store", typo.path)
        #expect(r.status == 1)
        #expect(
            r.stdout.contains(
                "expect.concurrency (line 15): holds only vacuously: 'start' matched no event "
                    + "(the closest texts: 'start 1', 'start 2', 'end 1') in the run"))
        let explored = try cli.vloop("run", "--no-store", "--runs", "20", typo.path)
        #expect(explored.status == 1)
        #expect(explored.stdout.contains("'start' matched no event"))
        #expect(explored.stdout.contains("in any of the 20 runs"))

        let marked = try trace(
            "marked.trace", Self.workers + "expect.concurrency('start', 'end *', max=1, vacuous=True)\n")
        defer { marked.done() }
        #expect(try cli.vloop("run", "--no-store", marked.path).status == 0)
        #expect(try cli.vloop("run", "--no-store", "--runs", "20", marked.path).status == 0)
    }

    @Test("a trace whose nominal run fails is explored, and says so")
    func nominalFails() throws {
        let failing = try trace("late.trace", Self.workers + "expect.elapsed(1.0)\n")
        defer { failing.done() }
        let r = try cli.vloop("run", "--no-store", "--runs", "20", failing.path)
        #expect(r.status == 1)
        #expect(r.stdout.contains("20 runs explored"))
        #expect(r.stdout.contains("      the nominal run (run 0) fails: expect.elapsed (line 15): the run lasted 2.0"))
        #expect(r.stdout.contains("expect.elapsed (line 15): held in 0 runs, broke in 20 (first run 0)"))
    }

    @Test("JUnit shows an explored trace's summary, and fails it when the exploration failed")
    func junit() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vloop-junit-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("junit.xml").path
        let r = try cli.vloop(
            "run", "--no-store", "--junit", file, "fixtures/explore/response-races-timer.trace",
            "fixtures/explore/order-made-explicit-holds.trace")
        #expect(r.status == 1)
        let xml = try String(contentsOfFile: file, encoding: .utf8)
        #expect(xml.contains("tests=\"2\" failures=\"1\""))
        #expect(xml.contains("200 runs, 2 distinct orderings"))
        #expect(xml.contains("expect.before (line 25): held in "))
        #expect(xml.contains("<failure message=\"run 1 of seed 0 (random) broke: expect.before (line 25)"))
    }
}
