import Foundation
import PyRuntime
import RunModel
import TraceLanguage
import VirtualLoop

/// The knobs of an exploration (TRACE_LANGUAGE.md, "Exploring";
/// docs/EXPLORING.md), as `sim.explore(...)` gives them; the command line
/// overrides each.
public struct ExploreSettings: Sendable, Equatable {
    public var runs = 200
    public var jitter = 0.5
    public var timerJitter = 0.0
    /// Each timer fires up to this many times its own delay late; nil for
    /// the default: `defaultTimerLateness`, or 0 when only `timerJitter` is set.
    public var timerLateness: Double?
    public var shuffleReady = false
    public var seed: UInt64 = 0
    public var strategy = ExploreStrategy.portfolio
    /// PCT's depth d (d−1 priority-change points).
    public var depth = 3
    /// PCT's k and n, from the nominal run (`calibrate(to:)`).
    public var nominalSteps = 0
    public var nominalTasks = 0
    /// Whether `calibrate(to:)` ran (PCT's runs need it).
    public private(set) var isCalibrated = false

    /// A timer may fire up to half its delay late, by default.
    public static let defaultTimerLateness = 0.5

    public init(
        runs: Int = 200, jitter: Double = 0.5, timerJitter: Double = 0, timerLateness: Double? = nil,
        shuffleReady: Bool = false, seed: UInt64 = 0, strategy: ExploreStrategy = .portfolio, depth: Int = 3
    ) {
        self.runs = runs
        self.jitter = jitter
        self.timerJitter = timerJitter
        self.timerLateness = timerLateness
        self.shuffleReady = shuffleReady
        self.seed = seed
        self.strategy = strategy
        self.depth = depth
    }

    /// The proportional lateness of timers in effect.
    public var effectiveTimerLateness: Double {
        timerLateness ?? (timerJitter > 0 ? 0 : Self.defaultTimerLateness)
    }

    /// Takes PCT's k and n from the nominal run: every run's perturbation depends on them.
    public mutating func calibrate(to nominal: RunReport) {
        nominalSteps = nominal.steps
        nominalTasks = nominal.tasks.count
        isCalibrated = true
    }

    /// These settings, calibrated to `nominal`.
    public func calibrated(to nominal: RunReport) -> ExploreSettings {
        var s = self
        s.calibrate(to: nominal)
        return s
    }

    /// What is wrong with these settings, if anything (the same rules for the
    /// command line and for `sim.explore`).
    public var problem: String? {
        if runs < 1 { return "runs must be at least 1, not \(runs)" }
        if !(jitter >= 0 && jitter < 1) { return "jitter must be in [0, 1), not \(floatRepr(jitter))" }
        if !(timerJitter >= 0) || !timerJitter.isFinite {
            return "timer_jitter must be a non-negative number of seconds, not \(floatRepr(timerJitter))"
        }
        if let l = timerLateness, !(l >= 0) || !l.isFinite {
            return "timer_lateness must be a non-negative factor, not \(floatRepr(l))"
        }
        if depth < 1 { return "depth must be at least 1, not \(depth)" }
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
            case ("timer_lateness", .int(let n)): s.timerLateness = Double(n)
            case ("timer_lateness", .float(let d)): s.timerLateness = d
            case ("shuffle_ready", .bool(let b)): s.shuffleReady = b
            case ("depth", .int(let n)): s.depth = n
            case ("strategy", .str(let name)):
                guard let strategy = ExploreStrategy(rawValue: name) else {
                    throw ExploreError.badSetting(
                        "sim.explore(strategy=\(stringRepr(name))): not a strategy (random, pct, swarm, portfolio)")
                }
                s.strategy = strategy
            default: throw ExploreError.badSetting("sim.explore(\(key)=...) has a value of the wrong type")
            }
        }
        if let problem = s.problem { throw ExploreError.badSetting("sim.explore(): \(problem)") }
        return s
    }

    /// The perturbation of run `i` (nil for run 0, the nominal replay).
    public func perturbation(run i: Int, disabled: Set<DrawID> = []) -> Perturbation? {
        if i == 0 { return nil }
        assert(isCalibrated || strategy.forRun(i) != .pct, "PCT needs settings calibrated to the nominal run")
        return Perturbation(
            seed: seed, run: i, jitter: jitter, timerJitter: timerJitter, timerLateness: effectiveTimerLateness,
            shuffleReady: shuffleReady, strategy: strategy, depth: depth, nominalSteps: nominalSteps,
            nominalTasks: nominalTasks, disabled: disabled)
    }

    /// Whether runs use PCT (and `--depth` matters).
    public var usesPCT: Bool { strategy == .pct || strategy == .portfolio }

    /// The flags that reproduce these settings on the command line.
    public var flags: String {
        var f = "--seed \(seed) --strategy \(strategy)"
        if usesPCT { f += " --depth \(depth)" }
        f += " --jitter \(floatRepr(jitter))"
        if timerJitter > 0 { f += " --timer-jitter \(floatRepr(timerJitter))" }
        f += " --timer-lateness \(floatRepr(effectiveTimerLateness))"
        if shuffleReady { f += " --shuffle-ready" }
        return f
    }

    /// The command that replays run `run` of these settings exactly, as
    /// `vloop run` prints it: `vloop run --seed 0 --strategy portfolio ... --run 1 PATH`.
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
    /// The first event where the shrunk run's order of events left the nominal run's, in one line.
    public var divergence: String?
    /// The events around it from both runs, one block each (`Divergence.lines`); empty without a divergence.
    public var divergenceContext: [String] = []
    /// Every perturbation the run drew that changed something.
    public var perturbations: [AppliedPerturbation]
    /// The perturbations of the shrunk run: every one needed (taking back any
    /// one alone makes the failure go away), each at the smallest size tried that still breaks it.
    public var shrunk: [AppliedPerturbation]
    /// When a limit stopped the shrunk run (a livelock, `max-steps`): what it was doing.
    public var hang: HangReport? = nil
    /// The shrunk run as a perturbation (`only` the kept draws, at their `scales`), which replays it exactly;
    /// nil for the nominal run.
    public var shrunkPerturbation: Perturbation? = nil
    /// The replays shrinking spent.
    public var replays = 0
    /// Whether shrinking reached its fixed point within its budget.
    public var fixedPoint = true
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
    /// What the runs tried and saw: orderings, every property's tally, statuses, vacuous properties.
    public var summary: ExploreSummary
}

/// Replays a trace under many perturbed worlds (TRACE_LANGUAGE.md,
/// "Exploring"): run 0 is the nominal replay; run i draws its perturbations
/// from (seed, i) only, so runs are independent, may run in parallel, and
/// `--seed S --run I` replays run I exactly.
public enum Explorer {
    /// What breaks in a run, as a comparable key and in words; nil when the run passed.
    /// A property that failed only vacuously does not (see `Verdict.acrossRuns()`), nor
    /// does a failure among `excluding` (the nominal run's own, when it fails).
    static func breakage(_ report: RunReport, excluding: Set<String> = []) -> (key: String, words: String)? {
        breakage(report, PropertyChecker.check(report).acrossRuns(), excluding: excluding)
    }

    static func breakage(
        _ report: RunReport, _ verdict: Verdict, excluding: Set<String> = []
    ) -> (
        key: String, words: String
    )? {
        if verdict.passed { return nil }
        if let r = verdict.results.first(where: { !$0.passed && !excluding.contains(propertyKey(of: $0)) }) {
            return (propertyKey(of: r), r.message)
        }
        let words = verdict.problems.first ?? "the run failed"
        let status = statusKey(report)
        if verdict.problems.isEmpty || excluding.contains(status) { return nil }
        return (status, words)
    }

    /// Every way a run fails (each failing property's key, and its status when nothing expected it).
    static func failureKeys(_ report: RunReport, _ verdict: Verdict) -> Set<String> {
        var keys = Set(verdict.results.filter { !$0.passed }.map(propertyKey(of:)))
        if !verdict.problems.isEmpty { keys.insert(statusKey(report)) }
        return keys
    }

    static func propertyKey(of r: PropertyResult) -> String { "\(r.name)@\(r.line):\(r.column)" }

    /// An unexpected status, by status and, for an exception, its type.
    private static func statusKey(_ report: RunReport) -> String {
        report.status == .exception
            ? "status:exception:\(exceptionTypeName(report.value))" : "status:\(report.status)"
    }

    /// Runs 1..<runs (run 0, the nominal replay, is `nominal`), those of
    /// `share` only (`RunShare`: every run unless sharded), on `jobs` threads; with `failFast`, no run after the first failing one starts,
    /// and every run before it still runs, so the outcome is the same as a
    /// serial exploration's. `progress` is called after each run, with the
    /// count done; `onRun` with each run, its report, verdict and wall time (on the
    /// exploring threads: the caller serializes what it does with them).
    /// The first failing run is shrunk (`Shrinker`) with `shrinking`'s budget;
    /// `sources` give the text of the calls its perturbations name.
    public static func explore(
        _ compiled: CompiledModule, modules: ModuleTable = ModuleTable(), limits: RunLimits, settings: ExploreSettings,
        nominal: RunReport, jobs: Int, failFast: Bool, share: RunShare = .all,
        progress: (@Sendable (Int) -> Void)? = nil,
        onRun: ((Int, RunReport, Verdict, Double) -> Void)? = nil,
        sources: [SourceFile] = [], shrinking: Shrinker.Options = Shrinker.Options()
    ) -> ExploreOutcome {
        let settings = settings.calibrated(to: nominal)
        let state = SharedState()
        // A nominal run that fails is explored all the same: a finding is a run that fails otherwise.
        let nominalVerdict = PropertyChecker.check(nominal).acrossRuns()
        let baseline = failureKeys(nominal, nominalVerdict)
        let tally = ExploreTally(nominal: nominal, verdict: nominalVerdict)
        let total = settings.runs
        state.done = 1
        progress?(1)
        let workers = max(1, min(jobs, share.runs(of: total) - 1))
        if total > 1 {
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while let i = state.nextRun(total: total, share: share, failFast: failFast) {
                    let started = DispatchTime.now().uptimeNanoseconds
                    let report = TraceRunner.run(
                        compiled, modules: modules, limits: limits, seed: settings.seed,
                        perturbation: settings.perturbation(run: i))
                    let verdict = PropertyChecker.check(report).acrossRuns()
                    tally.add(run: i, report, verdict)
                    onRun?(i, report, verdict, Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
                    let failed = breakage(report, verdict, excluding: baseline) != nil
                    let done = state.finish(i, failed: failed)
                    progress?(done)
                }
            }
        }
        var failing = state.failing.sorted()
        if failFast, let first = failing.first { failing = [first] }
        var outcome = ExploreOutcome(
            settings: settings, runsDone: state.done, failingRuns: failing, firstFailure: nil,
            summary: tally.summary())
        if let first = failing.first {
            outcome.firstFailure = Shrinker.shrink(
                compiled, modules: modules, limits: limits, settings: settings, run: first, nominal: nominal,
                sources: sources, options: shrinking, excluding: baseline)
        }
        return outcome
    }

    /// The mutable state the exploring threads share, behind a lock.
    private final class SharedState: @unchecked Sendable {
        private let lock = NSLock()
        private var next = 0
        private var stopAfter = Int.max
        var done = 0
        var failing = Set<Int>()

        func nextRun(total: Int, share: RunShare, failFast: Bool) -> Int? {
            lock.lock()
            defer { lock.unlock() }
            let run = share.next(after: next)
            guard run < total, run <= stopAfter || !failFast else { return nil }
            next = run
            return run
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
