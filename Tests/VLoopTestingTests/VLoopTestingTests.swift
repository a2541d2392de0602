import Foundation
import Testing
import VLoopTesting

/// A fixture of this repository, by its path from the root.
func fixture(_ relative: String) throws -> Trace {
    var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) {
        dir = dir.deletingLastPathComponent()
    }
    return try Trace(contentsOf: dir.appendingPathComponent(relative))
}

@Suite struct VLoopTestingTests {
    @Test("expect(check) records nothing when the check holds")
    func expectHolds() throws {
        let run = try fixture("fixtures/explore/order-made-explicit-holds.trace").replay()
        #expect(expect(run.order("['a', 'b']")))
        #expect(expect(run.never("['b', 'a']")))
    }

    @Test("expect(check) records an issue with the check's description when it fails")
    func expectFails() throws {
        let run = try fixture("fixtures/explore/order-made-explicit-holds.trace").replay()
        let check = run.never("['a', 'b']")
        withKnownIssue {
            expect(check)
        } matching: { issue in
            issue.comments.contains { $0.rawValue == check.description && $0.rawValue.contains("events:") }
        }
    }

    @Test("exploring a trace that holds records nothing")
    func exploreHolds() async throws {
        let found = await explore(try fixture("fixtures/explore/order-made-explicit-holds.trace"), runs: 30, seed: 7)
        #expect(found?.passed == true)
        #expect(found?.runs == 30)
    }

    @Test("exploring a planted failure fails the test with the shrunk counterexample and its replay command")
    func exploreFails() async throws {
        let trace = try fixture("fixtures/explore/order-by-luck.trace")
        var found: Exploration?
        await withKnownIssue {
            found = await explore(trace, runs: 50, seed: 7)
        } matching: { issue in
            issue.comments.contains {
                $0.rawValue.contains("ready callbacks at t=0.0 ran in a shuffled order")
                    && $0.rawValue.contains("replay: vloop run --seed 7 ")
            }
        }
        #expect(found?.failures.count == 1)
        #expect(found?.failures.first?.property?.name == "expect.output")
    }

    @Test("a property checked on every explored run holds on each")
    func exploreCheckingHolds() async throws {
        let trace = try fixture("fixtures/explore/max-three-with-semaphore-holds.trace")
        var seen = 0
        let found = await explore(trace, runs: 20, seed: 3) { run in
            seen += 1
            return run.concurrency("job * start", "job * end", max: 3)
        }
        #expect(found?.passed == true)
        #expect(seen == 20)
    }

    @Test("a property checked on every explored run fails on the runs that break it, with their replay command")
    func exploreCheckingFails() async throws {
        // The trace's own property holds under every order; the one checked here does not.
        let trace = try fixture("fixtures/explore/order-made-explicit-holds.trace")
        await withKnownIssue {
            await explore(trace, runs: 30, seed: 7) { run in run.never("['a', 'b']") }
        } matching: { issue in
            issue.comments.contains {
                $0.rawValue.contains("run.never(\"['a', 'b']\")") && $0.rawValue.contains("replay: vloop run --seed 7 ")
            }
        }
    }
}
