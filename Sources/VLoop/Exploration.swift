import Foundation
import Properties
import RunModel
import VirtualLoop

/// The outcome of ``Trace/explore(runs:seed:strategy:depth:jitter:timerJitter:timerLateness:shuffleReady:limits:jobs:failFast:)``:
/// how many perturbed runs ran, which of them failed, and the first failure shrunk.
///
///     let trace = try Trace(file: "fixtures/explore/order-by-luck.trace")
///     let found = try await trace.explore(runs: 50, seed: 7)
///     for f in found.failures {
///         print(f.property?.name)    // Optional("expect.output")
///         print(f.shrunk)            // ["the 2 ready callbacks at t=0.0 ran in a shuffled order"]
///         print(f.replayCommand)     // vloop run --seed 7 --strategy portfolio --depth 3 --jitter 0.0 ... --run N fixtures/explore/order-by-luck.trace
///         let again = trace.replay(seed: f.seed, run: f.run)   // fails the same way
///     }
public struct Exploration: Sendable, Equatable {
    /// How many runs ran, run 0 (the nominal replay) included; fewer than
    /// asked with `failFast`, and 1 when the nominal replay already fails.
    public var runs: Int
    /// The seed of the exploration's draws (and of the trace's `random`).
    public var seed: UInt64
    /// The settings explored under: the trace's `sim.explore(...)`, overridden by the options given.
    public var strategy: ExploreStrategy
    public var depth: Int
    public var jitter: Double
    public var timerJitter: Double
    /// The proportional lateness of timers in effect.
    public var timerLateness: Double
    public var shuffleReady: Bool
    /// The `vloop run` flags that give these settings: `--seed 7 --strategy portfolio --depth 3 --jitter 0.5 --timer-lateness 0.5`.
    public var flags: String
    /// Every run that failed, in order (only the first with `failFast`).
    public var failingRuns: [Int]
    /// The first failing run, shrunk; empty when every run held. (Only the
    /// first failing run is shrunk: `failingRuns` lists the others.)
    public var failures: [Failure]

    /// Every explored run held.
    public var passed: Bool { failures.isEmpty }

    /// Replays run `run` of this exploration (0 is the nominal replay), with its
    /// seed and settings: the run is the one the exploration checked, and its
    /// ``Run/replayCommand`` is set, so that a failing ``Check`` on it says how to replay it.
    ///
    ///     let found = try await trace.explore(runs: 50, seed: 7)
    ///     for f in found.failures {
    ///         let run = found.replay(run: f.run, of: trace)
    ///         print(run.replayCommand!)   // vloop run --seed 7 --strategy portfolio ... --run N order-by-luck.trace
    ///     }
    public func replay(run: Int, of trace: Trace, limits: RunLimits = RunLimits()) -> Run {
        var r = trace.replay(
            seed: seed, run: run, strategy: strategy, depth: depth, jitter: jitter, timerJitter: timerJitter,
            timerLateness: timerLateness, shuffleReady: shuffleReady,
            limits: limits)
        r.replayCommand = "vloop run \(flags) --run \(run) \(trace.name)"
        return r
    }
}

/// A failing run of an exploration, shrunk to the fewest perturbations that still break it.
public struct Failure: Sendable, Equatable, CustomStringConvertible {
    /// The exploration's seed.
    public var seed: UInt64
    /// The failing run's index (0 when the nominal replay itself fails).
    public var run: Int
    /// The first property that failed; nil when the run failed by its status alone (see `message`).
    public var property: PropertyResult?
    /// What broke, in words: the property's message, or the unexpected status.
    public var message: String
    /// The first event where the shrunk run's order of events left the nominal run's, in words.
    public var divergence: String?
    /// The events around it in both runs, one block each, with their virtual times.
    public var divergenceContext: [String] = []
    /// Every perturbation the run drew that changed something, in words.
    public var perturbations: [String]
    /// The perturbations of the shrunk run, in words: each one needed (taking back any one
    /// alone makes the failure go away), each at the smallest size found that still breaks it
    /// (`job fetch(1) on worker 1 took 0.13 s instead of 0.1 (line 9)`).
    public var shrunk: [String]
    /// The shrunk run: `only` its kept draws, at their `scales`. ``Trace/replay(perturbation:limits:taskStepTimes:)``
    /// with it replays the shrunk run exactly; nil when the nominal run fails.
    ///
    ///     if let p = f.shrunkPerturbation { #expect(!trace.replay(perturbation: p).passed) }
    public var shrunkPerturbation: Perturbation? = nil
    /// The command that replays the run exactly, as `vloop run` prints it:
    /// `vloop run --seed 7 --strategy portfolio --depth 3 --jitter 0.5 --timer-lateness 0.5 --run 42 PATH`.
    public var replayCommand: String

    /// The report `vloop run` prints for it, one line each: what broke, the shrunk perturbations, the replay command.
    public var description: String {
        var lines = ["run \(run) of seed \(seed) broke: \(message)"]
        lines += shrunk.map { "  \($0)" }
        if let divergence { lines.append("the shrunk run left the nominal run's order \(divergence)") }
        lines += divergenceContext.map { "  \($0)" }
        lines.append("replay: \(replayCommand)")
        return lines.joined(separator: "\n")
    }
}

/// Why an exploration could not start.
public enum ExplorationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An option out of its range (runs below 1, jitter outside [0, 1), jobs below 1, ...).
    case invalidOptions(String)
    /// The trace's own `sim.explore(...)` is invalid.
    case invalidSettings(String)

    public var description: String {
        switch self {
        case .invalidOptions(let s), .invalidSettings(let s): return s
        }
    }
}

extension Trace {
    /// Replays the trace under `runs` perturbed worlds (TRACE_LANGUAGE.md,
    /// "Exploring") on `jobs` threads, and shrinks the first failing run to
    /// the perturbations that break it: what `vloop run --runs N --seed S` does.
    ///
    /// Run 0 is the nominal replay; run i draws its perturbations from
    /// (seed, i) alone, so the result does not depend on `jobs`, and
    /// ``replay(seed:run:strategy:depth:jitter:timerJitter:timerLateness:shuffleReady:limits:taskStepTimes:)`` with the
    /// failure's seed and run reproduces it. When the nominal replay already
    /// fails, nothing else runs and the failure is run 0.
    ///
    /// Each option left nil (or false) takes the trace's own `sim.explore(...)`
    /// setting, or its default (200 runs, the portfolio of strategies, PCT's
    /// depth 3, jitter 0.5, timers up to half their delay late, no shuffle).
    /// The exploration runs on threads of its own, not on the cooperative
    /// pool; cancelling the calling task does not stop it.
    ///
    ///     let found = try await trace.explore(runs: 500, seed: 7)
    ///     #expect(found.failures.isEmpty, "\(found.failures)")
    ///
    /// - Throws: ``ExplorationError`` when an option is out of range or the trace's `sim.explore` is invalid.
    public func explore(
        runs: Int? = nil, seed: UInt64 = 0, strategy: ExploreStrategy? = nil, depth: Int? = nil,
        jitter: Double? = nil, timerJitter: Double? = nil, timerLateness: Double? = nil,
        shuffleReady: Bool = false, limits: RunLimits = RunLimits(),
        jobs: Int = ProcessInfo.processInfo.activeProcessorCount, failFast: Bool = false
    ) async throws(ExplorationError) -> Exploration {
        let options = SuiteOptions.Exploration(
            runs: runs, jitter: jitter, timerJitter: timerJitter, timerLateness: timerLateness, strategy: strategy,
            depth: depth, shuffleReady: shuffleReady, jobs: jobs,
            failFast: failFast)
        do {
            try SuiteOptions(paths: [], limits: limits, exploration: options).validate()
        } catch {
            if case .invalidOptions(let why) = error { throw .invalidOptions(why) }
            throw .invalidOptions(error.description)
        }
        let result = await withCheckedContinuation {
            (done: CheckedContinuation<Result<Exploration, ExplorationError>, Never>) in
            let thread = Thread {
                done.resume(returning: self.exploreHere(seed: seed, options: options, limits: limits))
            }
            thread.start()
        }
        return try result.get()
    }

    /// The exploration, on the calling thread (which it blocks until every run is done).
    private func exploreHere(
        seed: UInt64, options: SuiteOptions.Exploration, limits: RunLimits
    )
        -> Result<Exploration, ExplorationError>
    {
        let compiled = loaded.compiled
        let nominal = TraceRunner.run(compiled, modules: loaded.modules, limits: limits, seed: seed)
        var settings: ExploreSettings
        do {
            settings = try options.settings(trace: nominal.exploreSettings, seed: seed)
        } catch {
            return .failure(.invalidSettings("\(error)"))
        }
        // As `vloop run`: a trace whose nominal replay fails is not explored.
        if !PropertyChecker.check(nominal).passed { settings.runs = 1 }
        let outcome = Explorer.explore(
            compiled, modules: loaded.modules, limits: limits, settings: settings, nominal: nominal, jobs: options.jobs,
            failFast: options.failFast, sources: loaded.sourceFiles)
        let failures = outcome.firstFailure.map { f in
            Failure(
                seed: seed, run: f.run, property: f.property, message: f.broke, divergence: f.divergence,
                divergenceContext: f.divergenceContext, perturbations: f.perturbations.map(\.description),
                shrunk: f.shrunk.map(\.description), shrunkPerturbation: f.shrunkPerturbation,
                replayCommand: settings.replayCommand(run: f.run, path: name))
        }
        return .success(
            Exploration(
                runs: outcome.runsDone, seed: seed, strategy: settings.strategy, depth: settings.depth,
                jitter: settings.jitter, timerJitter: settings.timerJitter,
                timerLateness: settings.effectiveTimerLateness, shuffleReady: settings.shuffleReady,
                flags: settings.flags, failingRuns: outcome.failingRuns,
                failures: failures.map { [$0] } ?? []))
    }
}
