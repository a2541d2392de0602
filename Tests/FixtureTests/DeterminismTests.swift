import Foundation
import Testing

/// `vloop run --check-determinism`: every fixture suite replays the same
/// way twice in one process (fresh loops) and across two processes (Swift
/// seeds its hashing per process, so an order that leans on a Swift
/// dictionary or set would differ); a trace that prints an `id()`, which
/// differs from one run to the next as CPython's does, is caught.
@Suite("Determinism")
struct DeterminismTests {
    typealias Workspace = StoreCommandTests.Workspace

    /// Every suite of fixtures that pass; `fixtures/explore` is checked on its own (its traces fail by design).
    static let passingSuites = ["fixtures/seed", "fixtures/conformance", "fixtures/programs"]

    @Test("every passing fixture replays the same twice in one process, and the same in another process")
    func passingFixtures() throws {
        let w = try Workspace()
        let checked = try w.vloopArgs(["run", "--no-store", "--check-determinism", "--events"] + Self.passingSuites)
        #expect(checked.status == 0, "\(checked.stderr.split(separator: "\n").filter { $0.contains("FAIL") })")
        #expect(!checked.stderr.contains("not deterministic"))
        let other = try w.vloopArgs(["run", "--no-store", "--events"] + Self.passingSuites)
        #expect(other.status == 0)
        #expect(checked.stdout == other.stdout, "the event logs of two processes differ")
    }

    @Test("random.seed of a str draws the same numbers in every process")
    func seededByText() throws {
        let w = try Workspace()
        let path = w.path("seeded.trace")
        try """
        import random

        random.seed('orders')
        print(random.random(), random.randint(1, 1000))
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let a = try w.vloopArgs(["run", "--no-store", "--output", path])
        let b = try w.vloopArgs(["run", "--no-store", "--output", path])
        #expect(a.status == 0 && !a.stdout.isEmpty)
        #expect(a.stdout == b.stdout)
    }

    /// The runs of each `fixtures/explore` trace checked here: `ExploreTests` explores them in full;
    /// this bound keeps the doubled replays cheap as the benchmark grows.
    static let exploredRuns = 60

    @Test("every explored run of fixtures/explore replays the same twice")
    func exploreFixtures() throws {
        let w = try Workspace()
        let r = try w.vloopArgs(
            [
                "run", "--no-store", "--check-determinism", "--json", "--runs", "\(Self.exploredRuns)",
                "fixtures/explore",
            ])
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let traces = try #require(doc["traces"] as? [[String: Any]])
        #expect(traces.count >= 7)
        for t in traces {
            #expect(t["not_deterministic"] == nil, "\(t["trace"] ?? "?"): \(t["not_deterministic"] ?? "")")
            #expect((t["explored_runs"] as? Int ?? 0) > 1, "\(t["trace"] ?? "?") was explored")
        }
    }

    @Test("a trace that prints an id() fails with the first differing event and the events before it")
    func plantedNominal() throws {
        let w = try Workspace()
        let path = w.path("ids.trace")
        try """
        import asyncio

        async def main():
            print('start')
            await asyncio.sleep(1)
            print('object', id(object()))

        asyncio.run(main())
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let plain = try w.vloopArgs(["run", "--no-store", path])
        #expect(plain.status == 0, "without the check, nothing is compared")
        let r = try w.vloopArgs(["run", "--no-store", "--check-determinism", path])
        #expect(r.status == 1)
        #expect(
            r.stdout.contains(
                "not deterministic: the nominal run (run 0), replayed twice in fresh loops, gave two different event logs"
            ))
        #expect(r.stdout.contains("first differ at event 2:"))
        #expect(r.stdout.contains(#"event 1, both:   {"t":0.0,"ctx":"Task-1","kind":"print","text":"start"}"#))
        #expect(r.stdout.contains(#"event 2, first:  {"t":1.0,"ctx":"Task-1","kind":"print","text":"object "#))
        #expect(r.stdout.contains(#"event 2, second: {"t":1.0,"ctx":"Task-1","kind":"print","text":"object "#))
    }

    @Test("an explored run that is not deterministic fails the trace and is named")
    func plantedExplored() throws {
        let w = try Workspace()
        let path = w.path("late-ids.trace")
        // Only a late timer takes the branch that prints an id(): the nominal run is deterministic.
        try """
        import asyncio

        async def main():
            loop = asyncio.get_running_loop()
            await asyncio.sleep(1)
            if loop.time() > 1.0:
                print('late', id(object()))
            print('done')

        asyncio.run(main())
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let db = w.path("runs.sqlite")
        let r = try w.vloopArgs(
            [
                "run", "--check-determinism", "--runs", "4", "--strategy", "random", "--timer-jitter", "0.5", "--json",
                path,
            ], db: db)
        #expect(r.status == 1)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let trace = try #require((doc["traces"] as? [[String: Any]])?.first)
        #expect(trace["passed"] as? Bool == false)
        let nd = try #require(trace["not_deterministic"] as? [String: Any])
        #expect(nd["run"] as? Int == 1)
        #expect(nd["runs"] as? Int == 3)
        // The stored runs say which failed, and why.
        let failed = try w.vloopArgs(["runs", "--status", "failed", "--json"], db: db)
        let runs = try #require(try JSONSerialization.jsonObject(with: Data(failed.stdout.utf8)) as? [[String: Any]])
        #expect(runs.compactMap { $0["runIndex"] as? Int }.sorted() == [1, 2, 3])
    }
}
