import Foundation
import Properties
import PyRuntime
import RunModel
import Testing
import TraceLanguage
import VirtualLoop

/// Compiles trace text as `vloop run` would a file of that name.
private func compile(_ text: String, name: String = "t.trace") throws -> LoadedTrace {
    switch TraceLoader.load(
        SourceFile(path: name, text: text), modulePaths: [], builtinModules: World.builtinModuleNames)
    {
    case .success(let t): return t
    case .failure(let e):
        Issue.record("does not compile: \(e)")
        throw CancellationError()
    }
}

/// Runs run `i` of `settings` (calibrated to the nominal run, as the explorer does).
private func run(_ trace: LoadedTrace, _ settings: ExploreSettings, _ i: Int) -> RunReport {
    let nominal = TraceRunner.run(trace.compiled)
    let s = settings.calibrated(to: nominal)
    return TraceRunner.run(trace.compiled, seed: s.seed, perturbation: s.perturbation(run: i))
}

/// Four tasks, each awaiting one backend call modelled by `asyncio.sleep(1)`.
private let fourSleepers = """
    import asyncio


    async def call(i):
        await asyncio.sleep(1)
        print('done', i)


    async def main():
        await asyncio.gather(*[call(i) for i in range(4)])


    asyncio.run(main())
    """

@Suite("Exploring: what runs perturb, and the strategies")
struct ExploreStrategyTests {
    @Test("with no flags beyond --runs, timers are perturbed: late, never early, within half their delay")
    func timersByDefault() throws {
        let trace = try compile(fourSleepers)
        let settings = ExploreSettings(runs: 20, strategy: .random)
        var late = 0
        for i in 1..<20 {
            let r = run(trace, settings, i)
            for p in r.perturbations {
                #expect(p.kind == .lateness)
                #expect(p.amount > 0 && p.amount <= 0.5, "\(p.description)")
                late += 1
            }
            // Each `done` is at 1 s or later, never earlier.
            for e in r.events where e.kind == .print { #expect(e.t >= 1 && e.t <= 1.5) }
        }
        #expect(late == 19 * 4)
    }

    @Test("--timer-jitter alone keeps its meaning: up to T seconds late, and the proportional default is off")
    func timerJitterAlone() throws {
        let trace = try compile(fourSleepers)
        let options = try ExploreSettings(runs: 10, strategy: .random).applying(trace: ["timer_jitter": .float(0.01)])
        #expect(options.effectiveTimerLateness == 0)
        for i in 1..<10 {
            for p in run(trace, options, i).perturbations { #expect(p.amount <= 0.01) }
        }
        let both = try ExploreSettings().applying(trace: ["timer_jitter": .float(0.01), "timer_lateness": .float(0.2)])
        #expect(both.effectiveTimerLateness == 0.2)
    }

    @Test("PCT gives each task a priority: its timers are late by its rank's share of the bound")
    func pctRanks() throws {
        let trace = try compile(fourSleepers)
        // depth 1: no change points, so each task keeps its rank for the whole run.
        let settings = ExploreSettings(runs: 30, strategy: .pct, depth: 1)
        // Seven tasks: main, the four calls, and asyncio.run's two for shutting down.
        let n = TraceRunner.run(trace.compiled).tasks.count
        #expect(n == 7)
        var orders = Set<[String]>()
        for i in 1..<30 {
            let r = run(trace, settings, i)
            // Ranks 0...n-1: a share of rank/(n-1) of the 0.5 s bound (rank 0 is on time).
            let amounts = r.perturbations.map(\.amount)
            #expect(Set(amounts).count == amounts.count, "each task its own rank: \(amounts)")
            for a in amounts {
                let share = a / 0.5 * Double(n - 1)
                #expect(abs(share - share.rounded()) < 1e-9 && share >= 1 && share <= Double(n - 1), "\(a)")
            }
            orders.insert(r.events.filter { $0.kind == .print }.map { $0.text ?? "" })
        }
        // The order the calls finish in follows their priorities, which differ from run to run.
        #expect(orders.count >= 5)
    }

    @Test("a PCT change point drops the running task to the lowest priority: its later timers take the full bound")
    func pctChangePoints() throws {
        let trace = try compile(
            """
            import asyncio


            async def poll(name):
                for i in range(10):
                    await asyncio.sleep(1)


            async def main():
                await asyncio.gather(poll('a'), poll('b'))


            asyncio.run(main())
            """)
        let settings = ExploreSettings(runs: 40, strategy: .pct, depth: 2)
        var demotedMidRun = 0
        for i in 1..<40 {
            let r = run(trace, settings, i)
            for task in Set(r.perturbations.compactMap(\.task)) {
                let amounts = r.perturbations.filter { $0.task == task }.map(\.amount)
                // Before its change point a task is late by its rank's share; after, by the full 0.5 s.
                if let first = amounts.first, first < 0.5, amounts.last == 0.5 { demotedMidRun += 1 }
                #expect(amounts == amounts.sorted(), "a task's lateness only grows: \(amounts)")
            }
        }
        #expect(demotedMidRun > 0)
    }

    @Test("swarm switches whole kinds on and off, never all of them off")
    func swarmKinds() throws {
        var seen = Set<PerturbationKinds>()
        for i in 1...60 {
            let p = Perturbation(seed: 3, run: i, jitter: 0.5, timerLateness: 0.5, strategy: .swarm)
            let kinds = Perturber(p).kinds
            #expect(!kinds.isEmpty)
            seen.insert(kinds)
        }
        #expect(seen.count >= 8)
        // A kind its setting turned off stays off.
        for i in 1...20 {
            let p = Perturbation(seed: 3, run: i, jitter: 0, timerLateness: 0.5, strategy: .swarm)
            #expect(!Perturber(p).kinds.contains(.jobs))
        }
    }

    @Test("the portfolio takes random, pct and swarm in turn, and a run replays from its seed and index alone")
    func portfolio() throws {
        #expect((1...6).map { ExploreStrategy.portfolio.forRun($0) } == [.random, .pct, .swarm, .random, .pct, .swarm])
        let trace = try compile(fourSleepers)
        let settings = ExploreSettings(runs: 10)
        for i in 1..<7 {
            let a = run(trace, settings, i), b = run(trace, settings, i)
            #expect(a.events == b.events)
            #expect(a.perturbations == b.perturbations)
        }
    }

    @Test("completions due at one instant come in either order, and one worker's events keep theirs")
    func simultaneousCompletions() throws {
        let trace = try compile(
            """
            import asyncio
            import time


            def job(name):
                time.sleep(0.1)
                return name


            async def main():
                loop = asyncio.get_running_loop()
                futures = [loop.run_in_executor(None, job, name) for name in 'ab']
                for f in futures:
                    f.add_done_callback(lambda f: print(f.result()))
                await asyncio.gather(*futures)


            asyncio.run(main())
            """)
        // Jobs and timers held still: only the order of simultaneous events varies.
        let settings = ExploreSettings(runs: 30, jitter: 0, timerLateness: 0, strategy: .random)
        func printed(_ r: RunReport) -> [String] { r.events.filter { $0.kind == .print }.compactMap(\.text) }
        var outputs = Set<[String]>()
        for i in 1..<30 {
            let r = run(trace, settings, i)
            outputs.insert(printed(r))
            #expect(r.perturbations.allSatisfy { $0.kind == .order })
        }
        #expect(outputs == [["a", "b"], ["b", "a"]])
        #expect(printed(TraceRunner.run(trace.compiled)) == ["a", "b"])
    }

    @Test("random draws differently in each explored run; the nominal run keeps its numbers")
    func randomPerRun() throws {
        let trace = try compile(
            """
            import random
            print(random.random())
            """)
        let nominal = TraceRunner.run(trace.compiled, seed: 5).events.first?.text
        let settings = ExploreSettings(runs: 10, seed: 5)
        var texts = Set<String>()
        for i in 1..<10 { texts.insert(run(trace, settings, i).events.first?.text ?? "") }
        #expect(texts.count == 9)
        #expect(!texts.contains(nominal ?? ""))
        #expect(TraceRunner.run(trace.compiled, seed: 5).events.first?.text == nominal)
    }
}

extension CommandLineTests {
    @Test("--runs alone finds a race between backends modelled with asyncio.sleep, and says which strategy")
    func defaultsFindSleepRace() throws {
        let r = try vloop("run", "--no-store", "--runs", "60", "fixtures/explore/sleep-backend-race.trace")
        #expect(r.status == 1, "\(r.stdout)")
        #expect(r.stdout.contains("fired"))
        #expect(
            r.stdout.range(of: #"run \d+ of seed 0 \((random|pct|swarm)\) broke"#, options: .regularExpression) != nil)
    }

    @Test("--shuffle-ready's report says its orders are impossible in CPython")
    func shuffleReadyWarns() throws {
        let r = try vloop("run", "--no-store", "fixtures/explore/order-by-luck.trace")
        #expect(r.stdout.contains("--shuffle-ready: its orders are ones no CPython loop produces"))
    }
}
