import Foundation
import PyRuntime
import RunModel
import TraceLanguage
import VirtualLoop

/// The knobs of an exploration (TRACE_LANGUAGE.md, "Exploring"), as
/// `sim.explore(...)` gives them; the command line overrides each.
public struct ExploreSettings: Sendable, Equatable {
    public var runs = 200
    public var jitter = 0.5
    public var timerJitter = 0.0
    public var shuffleReady = false
    public var seed: UInt64 = 0

    public init(
        runs: Int = 200, jitter: Double = 0.5, timerJitter: Double = 0, shuffleReady: Bool = false,
        seed: UInt64 = 0
    ) {
        self.runs = runs
        self.jitter = jitter
        self.timerJitter = timerJitter
        self.shuffleReady = shuffleReady
        self.seed = seed
    }

    /// What is wrong with these settings, if anything (the same rules for the
    /// command line and for `sim.explore`).
    public var problem: String? {
        if runs < 1 { return "runs must be at least 1, not \(runs)" }
        if !(jitter >= 0 && jitter < 1) { return "jitter must be in [0, 1), not \(floatRepr(jitter))" }
        if !(timerJitter >= 0) || !timerJitter.isFinite {
            return "timer_jitter must be a non-negative number of seconds, not \(floatRepr(timerJitter))"
        }
        return nil
    }

    /// The settings of a trace's `sim.explore(...)`, over these defaults.
    public func applying(trace explore: [String: Value]) throws -> ExploreSettings {
        var s = self
        for (key, value) in explore {
            switch (key, value) {
            case ("runs", .int(let n)): s.runs = n
            case ("jitter", .int(let n)): s.jitter = Double(n)
            case ("jitter", .float(let d)): s.jitter = d
            case ("timer_jitter", .int(let n)): s.timerJitter = Double(n)
            case ("timer_jitter", .float(let d)): s.timerJitter = d
            case ("shuffle_ready", .bool(let b)): s.shuffleReady = b
            default: throw ExploreError.badSetting("sim.explore(\(key)=...) has a value of the wrong type")
            }
        }
        if let problem = s.problem { throw ExploreError.badSetting("sim.explore(): \(problem)") }
        return s
    }

    /// The perturbation of run `i` (nil for run 0, the nominal replay).
    public func perturbation(run i: Int, disabled: Set<DrawID> = []) -> Perturbation? {
        if i == 0 { return nil }
        return Perturbation(
            seed: seed, run: i, jitter: jitter, timerJitter: timerJitter,
            shuffleReady: shuffleReady, disabled: disabled)
    }

    /// The flags that reproduce these settings on the command line.
    public var flags: String {
        var f = "--seed \(seed) --jitter \(floatRepr(jitter))"
        if timerJitter > 0 { f += " --timer-jitter \(floatRepr(timerJitter))" }
        if shuffleReady { f += " --shuffle-ready" }
        return f
    }

    /// The command that replays run `run` of these settings exactly, as
    /// `vloop run` prints it: `vloop run --seed 0 --jitter 0.5 --run 1 PATH`.
    public func replayCommand(run: Int, path: String) -> String {
        "vloop run \(flags) --run \(run) \(path)"
    }
}

public enum ExploreError: Error, CustomStringConvertible {
    case badSetting(String)

    public var description: String {
        switch self {
        case .badSetting(let s): return s
        }
    }
}

/// A run of an exploration that broke a property, shrunk.
public struct ExploreFailure: Sendable {
    public var run: Int
    /// What broke: the first failing property's message, or the unexpected status.
    public var broke: String
    /// The first property that failed; nil when the run broke by its status alone.
    public var property: PropertyResult?
    /// The first event where this run's order of events left the nominal run's.
    public var divergence: String?
    /// Every perturbation the run drew that changed something.
    public var perturbations: [AppliedPerturbation]
    /// The fewest of them that still break it (each of the others taken back).
    public var shrunk: [AppliedPerturbation]
    /// When a limit stopped the shrunk run (a livelock, `max-steps`): what it was doing.
    public var hang: HangReport? = nil
}

/// The outcome of exploring one trace.
public struct ExploreOutcome: Sendable {
    public var settings: ExploreSettings
    /// How many runs ran (fewer than `settings.runs` with `failFast`).
    public var runsDone: Int
    /// The runs whose properties broke, in order.
    public var failingRuns: [Int]
    /// The first failing run, shrunk; nil when every run held.
    public var firstFailure: ExploreFailure?
}

/// Replays a trace under many perturbed worlds (TRACE_LANGUAGE.md,
/// "Exploring"): run 0 is the nominal replay; run i draws its perturbations
/// from (seed, i) only, so runs are independent, may run in parallel, and
/// `--seed S --run I` replays run I exactly.
public enum Explorer {
    /// What breaks in a run, as a comparable key and in words; nil when the run passed.
    static func breakage(_ report: RunReport) -> (key: String, words: String)? {
        breakage(report, PropertyChecker.check(report))
    }

    static func breakage(_ report: RunReport, _ verdict: Verdict) -> (key: String, words: String)? {
        if verdict.passed { return nil }
        if let r = verdict.results.first(where: { !$0.passed }) {
            return ("\(r.name)@\(r.line):\(r.column)", r.message)
        }
        let words = verdict.problems.first ?? "the run failed"
        return ("status:\(report.status)", words)
    }

    /// Runs 1..<runs (run 0, the nominal replay, is `nominal`), on `jobs`
    /// threads; with `failFast`, no run after the first failing one starts,
    /// and every run before it still runs, so the outcome is the same as a
    /// serial exploration's. `progress` is called after each run, with the
    /// count done; `onRun` with each run, its report, verdict and wall time (on the
    /// exploring threads: the caller serializes what it does with them).
    public static func explore(
        _ compiled: CompiledModule, modules: ModuleTable = ModuleTable(), limits: RunLimits, settings: ExploreSettings,
        nominal: RunReport, jobs: Int, failFast: Bool,
        progress: (@Sendable (Int) -> Void)? = nil,
        onRun: ((Int, RunReport, Verdict, Double) -> Void)? = nil
    ) -> ExploreOutcome {
        let state = SharedState()
        let nominalBreak = breakage(nominal)
        if nominalBreak != nil { state.failing.insert(0) }
        let total = settings.runs
        state.done = 1
        progress?(1)
        let workers = max(1, min(jobs, total - 1))
        if total > 1 {
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while let i = state.nextRun(total: total, failFast: failFast) {
                    let started = DispatchTime.now().uptimeNanoseconds
                    let report = TraceRunner.run(
                        compiled, modules: modules, limits: limits, seed: settings.seed,
                        perturbation: settings.perturbation(run: i))
                    let verdict = PropertyChecker.check(report)
                    onRun?(i, report, verdict, Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
                    let failed = breakage(report, verdict) != nil
                    let done = state.finish(i, failed: failed)
                    progress?(done)
                }
            }
        }
        var failing = state.failing.sorted()
        if failFast, let first = failing.first { failing = [first] }
        var outcome = ExploreOutcome(settings: settings, runsDone: state.done, failingRuns: failing, firstFailure: nil)
        if let first = failing.first, first > 0 {
            outcome.firstFailure = shrink(
                compiled, modules: modules, limits: limits, settings: settings, run: first, nominal: nominal)
        } else if failing.first == 0 {
            outcome.firstFailure = ExploreFailure(
                run: 0, broke: nominalBreak?.words ?? "",
                property: PropertyChecker.check(nominal).results.first { !$0.passed }, divergence: nil,
                perturbations: [], shrunk: [])
        }
        return outcome
    }

    /// Takes back the perturbations of a failing run one by one, keeping
    /// each one whose removal makes the failure go away (at most `budget` replays).
    public static func shrink(
        _ compiled: CompiledModule, modules: ModuleTable = ModuleTable(), limits: RunLimits, settings: ExploreSettings,
        run: Int, nominal: RunReport, budget: Int = 400
    ) -> ExploreFailure {
        let original = TraceRunner.run(
            compiled, modules: modules, limits: limits, seed: settings.seed,
            perturbation: settings.perturbation(run: run))
        let verdict = PropertyChecker.check(original)
        guard let (key, words) = breakage(original, verdict) else {
            preconditionFailure("run \(run) of an exploration passed when replayed")
        }
        var disabled = Set<DrawID>()
        var last = original
        var tries = 0
        for p in original.perturbations where tries < budget {
            tries += 1
            var trial = disabled
            trial.insert(p.id)
            let report = TraceRunner.run(
                compiled, modules: modules, limits: limits, seed: settings.seed,
                perturbation: settings.perturbation(run: run, disabled: trial))
            if breakage(report)?.key == key {
                disabled = trial
                last = report
            }
        }
        return ExploreFailure(
            run: run, broke: words, property: verdict.results.first { !$0.passed },
            divergence: divergence(nominal.events, original.events, run: run),
            perturbations: original.perturbations, shrunk: last.perturbations, hang: last.hang ?? original.hang)
    }

    /// The first event where `events` leaves the order of `nominal` (times aside).
    static func divergence(_ nominal: [TraceEvent], _ events: [TraceEvent], run: Int) -> String? {
        func key(_ e: TraceEvent) -> String {
            "\(e.kind)|\(e.ctx ?? "")|\(e.text ?? "")|\(e.state ?? "")|\(e.value ?? "")|\(e.status ?? "")"
        }
        for i in 0..<max(nominal.count, events.count) {
            let a = i < nominal.count ? nominal[i] : nil
            let b = i < events.count ? events[i] : nil
            if let a, let b, key(a) == key(b) { continue }
            return
                "at event \(i + 1): the nominal run has \(a.map(describe) ?? "nothing"), run \(run) has \(b.map(describe) ?? "nothing")"
        }
        return nil
    }

    /// `print 'text' by Task-2 at t=1.0`.
    static func describe(_ e: TraceEvent) -> String { "\(e.summary) at t=\(floatRepr(e.t))" }

    /// The mutable state the exploring threads share, behind a lock.
    private final class SharedState: @unchecked Sendable {
        private let lock = NSLock()
        private var next = 1
        private var stopAfter = Int.max
        var done = 0
        var failing = Set<Int>()

        func nextRun(total: Int, failFast: Bool) -> Int? {
            lock.lock()
            defer { lock.unlock() }
            guard next < total, next <= stopAfter || !failFast else { return nil }
            defer { next += 1 }
            return next
        }

        func finish(_ i: Int, failed: Bool) -> Int {
            lock.lock()
            defer { lock.unlock() }
            done += 1
            if failed {
                failing.insert(i)
                stopAfter = min(stopAfter, i)
            }
            return done
        }
    }
}
