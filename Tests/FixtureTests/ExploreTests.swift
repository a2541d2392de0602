import Foundation
import Properties
import PyRuntime
import RunModel
import Testing
import TraceLanguage
import VirtualLoop

@Suite("Exploring")
struct ExploreTests {
    @Test("draws are SplitMix64 keyed by seed, run, line, column and count, as the spec defines them")
    func pinnedDraws() {
        // Computed independently in Python from TRACE_LANGUAGE.md's definition.
        #expect(Perturbation.draw(seed: 0, run: 1, line: 1, column: 1, k: 0) == 0x47b0_9bf6_cac7_9bd5)
        #expect(Perturbation.draw(seed: 1, run: 1, line: 10, column: 5, k: 0) == 0x17f1_9d4c_951b_af73)
        #expect(Perturbation.draw(seed: 1, run: 1, line: 10, column: 5, k: 1) == 0x5066_1524_62b0_7a99)
        #expect(Perturbation.draw(seed: 42, run: 7, line: 3, column: 12, k: 2) == 0xc4bb_d9e5_ee36_70f5)
        #expect(Perturbation.draw(seed: 12345, run: 999, line: 0, column: 0, k: 0) == 0xef45_b94e_5235_c212)
    }

    /// Each trace of fixtures/explore with its expected outcome: `holds`, or
    /// `fails: <property>` and `shrunk: <words a shrunk perturbation contains>`.
    @Test(
        "exploration finds each planted failure within its budget, and shrinking names the perturbation",
        arguments: fixtures("explore"))
    func plantedFailures(_ path: String) throws {
        let trace = try load(path)
        let expected = try String(
            contentsOf: repositoryRoot.appendingPathComponent(
                path.replacingOccurrences(of: ".trace", with: ".expected.txt")), encoding: .utf8)
        var fields: [String: String] = [:]
        for line in expected.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            fields[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        let nominal = TraceRunner.run(trace.compiled)
        #expect(PropertyChecker.check(nominal).passed, "\(path): the nominal run must pass")
        let settings = try ExploreSettings().applying(trace: nominal.exploreSettings)
        let outcome = Explorer.explore(
            trace.compiled, limits: RunLimits(), settings: settings, nominal: nominal,
            jobs: 2, failFast: true, sources: trace.sourceFiles)
        if fields["holds"] != nil {
            #expect(outcome.firstFailure == nil, "\(path): \(outcome.firstFailure?.broke ?? "")")
            #expect(outcome.runsDone == settings.runs)
        } else {
            let failure = try #require(outcome.firstFailure, "\(path): no run of \(settings.runs) failed")
            #expect(failure.broke.hasPrefix(fields["fails"] ?? "?"), "\(path): \(failure.broke)")
            let words = fields["shrunk"] ?? "?"
            #expect(
                failure.shrunk.contains { $0.description.contains(words) },
                "\(path): shrunk to \(failure.shrunk.map(\.description))")
            #expect(failure.shrunk.count <= failure.perturbations.count)
        }
    }

    @Test("a parallel exploration finds exactly the failing runs a serial one finds")
    func parallelEqualsSerial() throws {
        let trace = try load("fixtures/explore/max-three-concurrent-leaks.trace")
        let nominal = TraceRunner.run(trace.compiled)
        let settings = ExploreSettings(runs: 24, jitter: 0.5, seed: 7)
        let serial = Explorer.explore(
            trace.compiled, limits: RunLimits(), settings: settings, nominal: nominal,
            jobs: 1, failFast: false)
        let parallel = Explorer.explore(
            trace.compiled, limits: RunLimits(), settings: settings, nominal: nominal,
            jobs: 4, failFast: false)
        #expect(serial.failingRuns == parallel.failingRuns)
        #expect(serial.firstFailure?.shrunk == parallel.firstFailure?.shrunk)
        #expect(!serial.failingRuns.isEmpty)
    }

    @Test("a run replays identically from its seed and index, and taking back one draw changes no other")
    func replayAndIndependentDraws() throws {
        let trace = try load("fixtures/explore/max-three-concurrent-leaks.trace")
        let settings = ExploreSettings(runs: 10, jitter: 0.5, seed: 3).calibrated(to: TraceRunner.run(trace.compiled))
        let a = TraceRunner.run(trace.compiled, perturbation: settings.perturbation(run: 5))
        let b = TraceRunner.run(trace.compiled, perturbation: settings.perturbation(run: 5))
        #expect(a.events == b.events)
        #expect(a.perturbations == b.perturbations)
        let first = try #require(a.perturbations.first)
        let c = TraceRunner.run(trace.compiled, perturbation: settings.perturbation(run: 5, disabled: [first.id]))
        // The others draw the same values (their times may move: the first is nominal now).
        func drawn(_ ps: some Sequence<AppliedPerturbation>) -> [String] { ps.map { "\($0.id) \($0.description)" } }
        #expect(drawn(c.perturbations) == drawn(a.perturbations.dropFirst()))
    }
}

extension CommandLineTests {
    @Test("run --runs explores, shrinks and prints the command that replays the failing run")
    func runExplores() throws {
        let r = try vloop(
            "run", "--no-store", "--runs", "50", "--jitter", "0.5",
            "fixtures/explore/max-three-concurrent-leaks.trace")
        #expect(r.status == 1)
        #expect(
            r.stdout.contains(
                "50 runs explored (--seed 0 --strategy portfolio --depth 3 --jitter 0.5 --timer-lateness 0.5)"))
        #expect(r.stdout.contains("shrunk to 1 of its"))
        #expect(
            r.stdout.contains(
                "replay: vloop run --seed 0 --strategy portfolio --depth 3 --jitter 0.5 --timer-lateness 0.5 --run 1 fixtures/explore/max-three-concurrent-leaks.trace"
            ))
        let replay = try vloop(
            "run", "--no-store", "--seed", "0", "--strategy", "portfolio", "--depth", "3", "--jitter", "0.5",
            "--timer-lateness", "0.5", "--run", "1",
            "fixtures/explore/max-three-concurrent-leaks.trace")
        #expect(replay.status == 1)
        #expect(replay.stdout.contains("perturbed: Task-1 main(): job work("))
    }

    @Test(
        "bad exploration flags exit 2",
        arguments: [
            ["--jitter", "1.0"], ["--jitter", "-0.1"], ["--runs", "0"], ["--seed", "-1"], ["--timer-jitter", "-1"],
            ["--depth", "0"], ["--strategy", "fastest"], ["--timer-lateness", "-0.5"], ["--timer-lateness", "nan"],
        ])
    func badExploreFlags(_ flags: [String]) throws {
        let binary = try #require(Self.binary)
        let r = try #require(runProcess(binary, ["run", "--no-store"] + flags + ["fixtures/seed"]))
        #expect(r.status == 2, "\(flags): \(r.stderr)")
    }
}
