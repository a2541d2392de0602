import Foundation
import Properties
import PyRuntime
import RunModel
import Testing
import TraceLanguage
import VirtualLoop

/// Shrinking a failing run and explaining it (docs/EXPLORING.md, "Shrinking and explaining").
@Suite("Shrinking")
struct ShrinkTests {
    static let bothLate = "fixtures/explore/both-timers-late.trace"

    /// The first failure of `path`'s exploration under its own settings, shrunk.
    func firstFailure(_ path: String) throws -> (LoadedTrace, ExploreSettings, ExploreFailure) {
        let trace = try load(path)
        let nominal = TraceRunner.run(trace.compiled, modules: trace.modules)
        let settings = try ExploreSettings().applying(trace: nominal.exploreSettings)
        let outcome = Explorer.explore(
            trace.compiled, modules: trace.modules, limits: RunLimits(), settings: settings, nominal: nominal,
            jobs: 2, failFast: true, sources: trace.sourceFiles)
        return (trace, outcome.settings, try #require(outcome.firstFailure, "\(path): no run failed"))
    }

    func broke(_ trace: LoadedTrace, _ p: Perturbation) -> String? {
        let report = TraceRunner.run(trace.compiled, modules: trace.modules, seed: p.seed, perturbation: p)
        let verdict = PropertyChecker.check(report)
        return verdict.results.first { !$0.passed }?.name
    }

    @Test("shrinking reaches a fixed point: of many draws it keeps exactly the two needed together")
    func fixedPoint() throws {
        let (trace, _, failure) = try firstFailure(Self.bothLate)
        #expect(failure.fixedPoint)
        #expect(failure.perturbations.count > 10)
        // The two sleeps whose timers must both be late (lines 17 and 22), nothing else.
        #expect(failure.shrunk.map(\.id.line).sorted() == [17, 22], "\(failure.shrunk.map(\.description))")
        let p = try #require(failure.shrunkPerturbation)
        #expect(p.only == Set(failure.shrunk.map(\.id)))
        #expect(broke(trace, p) == "expect.never")
        // Each one is needed: taking back either alone makes the failure go away.
        for kept in failure.shrunk {
            var without = p
            without.only!.remove(kept.id)
            #expect(broke(trace, without) == nil, "\(kept.description) is not needed")
        }
    }

    @Test("shrinking makes each kept draw smaller than drawn, and the smaller run still fails")
    func sizesShrink() throws {
        let (trace, _, failure) = try firstFailure(Self.bothLate)
        let p = try #require(failure.shrunkPerturbation)
        for kept in failure.shrunk {
            let scale = try #require(p.scales[kept.id], "\(kept.description) kept at its full size")
            #expect(scale > 0 && scale < 1)
        }
        #expect(broke(trace, p) == "expect.never")
        // At full size, the same draws fail too, later than the shrunk ones.
        var full = p
        full.scales = [:]
        #expect(broke(trace, full) == "expect.never")
    }

    @Test("the divergence is shown with the events around it from both runs, with their times")
    func divergenceContext() throws {
        let (_, _, failure) = try firstFailure(Self.bothLate)
        let lines = failure.divergenceContext
        #expect(lines.first == "the nominal run:")
        #expect(lines.contains("run \(failure.run), shrunk:"))
        #expect(lines.contains { $0.hasPrefix("  > 1  t=0.1001  print 'neither fired' by Task-2") }, "\(lines)")
        #expect(lines.filter { $0.hasPrefix("  >") }.count == 2)
        #expect(failure.divergence?.hasPrefix("at event 1: the nominal run has task_done") == true)
    }

    @Test("a shrink that runs out of its budget says so, and what it kept still fails")
    func budget() throws {
        let trace = try load(Self.bothLate)
        let nominal = TraceRunner.run(trace.compiled, modules: trace.modules)
        let settings = try ExploreSettings().applying(trace: nominal.exploreSettings).calibrated(to: nominal)
        let spent = Spent()
        let failure = Shrinker.shrink(
            trace.compiled, modules: trace.modules, limits: RunLimits(), settings: settings, run: 1, nominal: nominal,
            options: Shrinker.Options(budget: 3, progress: { spent.add($0) }))
        #expect(!failure.fixedPoint && failure.replays == 3)
        #expect(spent.counts == [1, 2, 3])
        #expect(failure.shrunk.count > 2 && failure.shrunk.count < failure.perturbations.count)
        #expect(broke(trace, try #require(failure.shrunkPerturbation)) == "expect.never")
    }

    @Test("the kept perturbations are described by task, coroutine, awaited call and line")
    func descriptions() throws {
        let (_, _, failure) = try firstFailure(Self.bothLate)
        let words = failure.shrunk.map(\.description).sorted()
        #expect(words.count == 2)
        #expect(words[0].hasPrefix("Task-3 refresh_token(): its asyncio.sleep(0.1) at line 17 fired 0."), "\(words)")
        #expect(words[1].hasPrefix("Task-4 warm_cache(): its asyncio.sleep(0.1) at line 22 fired 0."), "\(words)")
        #expect(words.allSatisfy { $0.hasSuffix(" s late") })
        let (_, _, jobs) = try firstFailure("fixtures/explore/max-three-concurrent-leaks.trace")
        let job = try #require(jobs.shrunk.first?.description)
        #expect(job.hasPrefix("Task-1 main(): job work("), "\(job)")
        #expect(job.contains(" on ThreadPoolExecutor-0_") && job.hasSuffix(" (line 13)"), "\(job)")
        let (_, _, peers) = try firstFailure("fixtures/explore/response-races-timer.trace")
        let reply = try #require(peers.shrunk.first?.description)
        #expect(reply.hasPrefix("Task-2 fetch(): reply 1 of api.test:80 came 0."), "\(reply)")
        #expect(reply.hasSuffix(" s late (peer at line 5)"), "\(reply)")
    }

    @Test("the awaited call's text is read from the source at the draw's position")
    func callText() {
        let file = SourceFile(
            path: "a.trace", text: "x = 1\n    await asyncio.wait_for(fetch('a)'), timeout=0.5)  # c\n    await fut\n")
        #expect(SourceCall.text(line: 2, column: 5, in: [file]) == "asyncio.wait_for(fetch('a)'), timeout=0.5)")
        #expect(SourceCall.text(line: 2, column: 11, in: [file]) == "asyncio.wait_for(fetch('a)'), timeout=0.5)")
        #expect(SourceCall.text(line: 3, column: 5, in: [file]) == nil)
        #expect(SourceCall.text(line: 9, column: 1, in: [file]) == nil)
        let module = SourceFile(path: "pkg/mod.py", text: "loop.call_later(1.5, cb)\n")
        #expect(SourceCall.text(line: 1 << 24 | 1, column: 1, in: [file, module]) == "loop.call_later(1.5, cb)")
    }

    @Test(
        "every planted failure's perturbation file replays its shrunk run exactly, whatever the strategy",
        arguments: fixtures("explore"))
    func fileReplaysExactly(_ path: String) throws {
        let trace = try load(path)
        let nominal = TraceRunner.run(trace.compiled, modules: trace.modules)
        let settings = try ExploreSettings().applying(trace: nominal.exploreSettings)
        let outcome = Explorer.explore(
            trace.compiled, modules: trace.modules, limits: RunLimits(), settings: settings, nominal: nominal,
            jobs: 2, failFast: true, sources: trace.sourceFiles)
        guard let failure = outcome.firstFailure else { return }  // a trace that holds
        let file = try #require(
            PerturbationFile(failure, trace: path, traceHash: "sha256:00", settings: outcome.settings))
        let read = try PerturbationFile(json: file.json)
        let p = read.perturbation
        let report = TraceRunner.run(trace.compiled, modules: trace.modules, seed: p.seed, perturbation: p)
        #expect(
            report.perturbations.map { $0.explained(sources: trace.sourceFiles) } == failure.shrunk.map(\.description))
        #expect(report.perturbations.map(\.amount) == failure.shrunk.map(\.amount))
        #expect(!PropertyChecker.check(report).passed)
    }

    @Test("a perturbation file holds the shrunk run, reads back the same, and rejects what is malformed")
    func perturbationFileRoundTrip() throws {
        let (_, settings, failure) = try firstFailure(Self.bothLate)
        let file = try #require(
            PerturbationFile(failure, trace: Self.bothLate, traceHash: "sha256:00", settings: settings))
        #expect(file.draws.count == 2)
        let read = try PerturbationFile(json: file.json)
        #expect(read.perturbation == failure.shrunkPerturbation)
        #expect(read.trace == Self.bothLate && read.run == failure.run && read.settings.flags == settings.flags)
        #expect(read.settings.nominalSteps == settings.nominalSteps && settings.nominalSteps > 0)
        for bad in ["", "[]", "{}", file.json.replacingOccurrences(of: "\"run\" : ", with: "\"run\" : -")] {
            #expect(throws: PerturbationFileError.self) { try PerturbationFile(json: bad) }
        }
        #expect(throws: PerturbationFileError.stale(trace: "./\(Self.bothLate)")) {
            try PerturbationFileError.check(
                file: Self.bothLate, fileHash: "sha256:00", trace: "./\(Self.bothLate)", traceHash: "sha256:01")
        }
    }
}

extension CommandLineTests {
    /// The `replay the shrunk run:` command of a failing exploration's output.
    func shrunkReplay(_ stdout: String) throws -> [String] {
        let line = try #require(stdout.split(separator: "\n").first { $0.contains("replay the shrunk run: ") })
        let command = line.components(separatedBy: "replay the shrunk run: ")[1]
        return Array(command.split(separator: " ").map(String.init).dropFirst())  // without `vloop`
    }

    @Test("run writes a perturbation file for the shrunk run, and --perturbations replays it exactly")
    func perturbationFileReplays() throws {
        let r = try vloop("run", "--no-store", "fixtures/explore/both-timers-late.trace")
        #expect(r.status == 1)
        let replay = try shrunkReplay(r.stdout)
        #expect(replay.prefix(2) == ["run", "--perturbations"])
        #expect(replay[2].hasSuffix("/shrunk/both-timers-late-seed0-run1.json"))
        let binary = try #require(Self.binary)
        let out = try #require(runProcess(binary, replay))
        #expect(out.status == 1, "\(out.stderr)")
        #expect(out.stdout.contains("run 1 of --seed 0"))
        #expect(out.stdout.contains("expect.never (line 44)"))
        let perturbed = out.stdout.split(separator: "\n").filter { $0.contains("perturbed: ") }
        #expect(perturbed.count == 2, "\(out.stdout)")
    }

    @Test("--perturbations with a file for another trace, a stale one or a malformed one exits 2")
    func badPerturbationFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vloop-shrink-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let trace = dir.appendingPathComponent("late.trace")
        let source = try String(
            contentsOf: repositoryRoot.appendingPathComponent("fixtures/explore/both-timers-late.trace"),
            encoding: .utf8)
        try source.write(to: trace, atomically: true, encoding: .utf8)
        let db = dir.appendingPathComponent("runs.sqlite").path
        let r = try vloop("run", "--db", db, trace.path)
        #expect(r.status == 1)
        let file = dir.appendingPathComponent("shrunk/late-seed0-run1.json").path
        #expect(FileManager.default.fileExists(atPath: file), "\(r.stdout)")

        let other = try vloop("run", "--no-store", "--perturbations", file, "fixtures/explore/order-by-luck.trace")
        #expect(other.status == 2)
        #expect(
            other.stderr.contains(
                "the perturbation file is for \(trace.path), not fixtures/explore/order-by-luck.trace"))

        try (source + "\n# edited\n").write(to: trace, atomically: true, encoding: .utf8)
        let stale = try vloop("run", "--no-store", "--perturbations", file, trace.path)
        #expect(stale.status == 2)
        #expect(stale.stderr.contains("the perturbation file is stale: \(trace.path) changed"), "\(stale.stderr)")

        let bad = dir.appendingPathComponent("bad.json")
        try "{\"format\": \"something else\"}".write(to: bad, atomically: true, encoding: .utf8)
        let malformed = try vloop("run", "--no-store", "--perturbations", bad.path, trace.path)
        #expect(malformed.status == 2)
        #expect(malformed.stderr.contains("not a valid perturbation file"), "\(malformed.stderr)")

        let missing = try vloop(
            "run", "--no-store", "--perturbations", dir.appendingPathComponent("no.json").path, trace.path)
        #expect(missing.status == 2)
        let withRun = try vloop("run", "--no-store", "--perturbations", file, "--run", "1", trace.path)
        #expect(withRun.status == 2)
        let twoTraces = try vloop("run", "--no-store", "--perturbations", file, trace.path, "fixtures/seed")
        #expect(twoTraces.status == 2)
    }
}

/// The progress counts a shrink reported.
private final class Spent: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var counts: [Int] = []
    func add(_ n: Int) {
        lock.lock()
        counts.append(n)
        lock.unlock()
    }
}
