import Foundation
import Properties
import RunModel
import TraceLanguage
import VirtualLoop

/// A trace, parsed and compiled, ready to replay (TRACE_LANGUAGE.md).
///
/// A `Trace` is an immutable value: it holds the compiled program, not a run.
/// Every ``replay(seed:run:strategy:depth:jitter:timerJitter:timerLateness:shuffleReady:limits:taskStepTimes:)`` builds a fresh world of its own, so one trace may be
/// replayed from many threads or tasks at once, and the same replay always
/// gives the same ``Run``.
///
///     import VLoop
///
///     let trace = try Trace(
///         source: """
///             import asyncio
///
///             async def main():
///                 await asyncio.gather(asyncio.sleep(1), asyncio.sleep(2))
///                 print('done')
///
///             asyncio.run(main())
///             expect.output(['done'])
///             """, name: "inline")
///     let run = trace.replay()
///     print(run.status, run.elapsed, run.output, run.passed)   // ok 2.0 ["done"] true
public struct Trace: Sendable {
    /// The trace's name: its path as found, or the name given with its source.
    /// Messages and replay commands name it.
    public let name: String
    /// The trace's source text.
    public var source: String { loaded.file.text }

    let loaded: LoadedTrace

    /// The user's modules the trace imports (found in its search paths and
    /// compiled with it, once): name, path and source of each, in the order
    /// they were loaded. A replay reads no file: it runs what is here.
    public var modules: [(name: String, path: String, source: String)] {
        loaded.modules.order.compactMap { n in
            guard let m = loaded.modules[n], let file = m.file else { return nil }
            return (n, file.path, file.text)
        }
    }

    /// Compiles a trace from its source text.
    ///
    /// - Parameters:
    ///   - source: the trace, in the trace language.
    ///   - name: what its errors and replay commands call it (a file name, say).
    ///   - searchPaths: the folders its `import` statements find the user's
    ///     modules and packages in, in order (as `PYTHONPATH`); none by default.
    /// - Throws: ``TraceError/invalid(path:diagnostics:)`` with every error
    ///   found (in the trace, or in a module it imports: then its path).
    public init(source: String, name: String = "<trace>", searchPaths: [String] = []) throws(TraceError) {
        switch TraceLoader.load(
            SourceFile(path: name, text: source), modulePaths: searchPaths,
            builtinModules: World.builtinModuleNames)
        {
        case .success(let loaded):
            self.name = name
            self.loaded = loaded
        case .failure(let failure):
            throw TraceError(failure, path: name)
        }
    }

    /// Reads and compiles the trace in a file.
    ///
    /// - Throws: ``TraceError/unreadable(path:)`` when the file cannot be read,
    ///   ``TraceError/invalid(path:diagnostics:)`` when the trace has errors.
    ///
    /// The trace's modules are found in its own folder, then in `searchPaths`.
    public init(contentsOf url: URL, searchPaths: [String] = []) throws(TraceError) {
        try self.init(path: url.path, modulePaths: searchPaths)
    }

    /// Reads and compiles a trace file (a `.trace` or a `.py` file), looking
    /// for a relative `file` in each of `searchPaths` in turn (relative search
    /// paths are relative to the current directory); an absolute `file` is
    /// read as given. The modules it imports are found in its own folder, then
    /// in `searchPaths` (as `vloop run --path` finds them), and read now: the
    /// trace carries their sources, and replays read no file.
    ///
    ///     let trace = try Trace(file: "order-by-luck.trace", searchPaths: ["fixtures/explore"])
    ///     print(trace.name)   // fixtures/explore/order-by-luck.trace
    ///     let service = try Trace(file: "ordersvc_test.py", searchPaths: ["fixtures/programs"])
    ///     print(service.modules.map(\.name))   // ["ordersvc", "ordersvc.service", ...]
    ///
    /// - Throws: ``TraceError/unreadable(path:)`` when no search path holds a
    ///   readable `file`, ``TraceError/invalid(path:diagnostics:)`` when the
    ///   trace or a module it imports has errors.
    public init(file: String, searchPaths: [String] = ["."]) throws(TraceError) {
        if file.hasPrefix("/") {
            try self.init(path: file, modulePaths: searchPaths)
            return
        }
        for folder in searchPaths {
            let path = folder == "." ? file : (folder as NSString).appendingPathComponent(file)
            if FileManager.default.isReadableFile(atPath: path) {
                try self.init(path: path, modulePaths: searchPaths)
                return
            }
        }
        throw .unreadable(path: file)
    }

    private init(path: String, modulePaths: [String]) throws(TraceError) {
        switch TraceLoader.load(path: path, modulePaths: modulePaths, builtinModules: World.builtinModuleNames) {
        case .success(let loaded):
            name = path
            self.loaded = loaded
        case .failure(let failure):
            throw TraceError(failure, path: path)
        }
    }

    /// Replays the trace once: the nominal run (`random` seeded with 0), or
    /// run `run` of an exploration, exactly as `vloop run --seed S --jitter J --run I` does.
    ///
    /// Run 0 is the nominal replay, unperturbed. For a run above 0, the
    /// exploration's settings are the trace's own `sim.explore(...)` with
    /// each option given here overriding it, so the arguments of a
    /// ``Failure``'s replay command reproduce its failure:
    ///
    ///     let run = trace.replay(seed: 7, run: 42, jitter: 0.5)
    ///     print(run.perturbations)   // ["Task-1 main(): job fetch(1) on asyncio_0 took 0.13 s instead of 0.1 (line 9)", ...]
    ///
    /// - Parameters:
    ///   - seed: seeds the trace's `random` module and the exploration's draws.
    ///   - run: the run of the exploration; 0 for the nominal replay.
    ///   - strategy: how the run chooses its perturbations; nil for the trace's (the portfolio by default).
    ///   - depth: PCT's depth; nil for the trace's (3 by default).
    ///   - jitter: each job's blocking step and peer delay is multiplied by a factor in [1-J, 1+J]; nil for the trace's (0.5 by default).
    ///   - timerJitter: each timer fires up to this many seconds late; nil for the trace's (0 by default).
    ///   - timerLateness: each timer fires up to this many times its delay late; nil for the trace's
    ///     (0.5 by default, 0 when only a timer jitter is set).
    ///   - shuffleReady: true runs each iteration's ready callbacks in a random order; false leaves the trace's setting.
    ///   - limits: the run's limits.
    ///   - taskStepTimes: true fills each task record's `stepTimes` (every
    ///     instant it stepped at, what the reports' timelines draw); false,
    ///     the default, leaves them empty and spares a big trace the work,
    ///     as `vloop run --no-store` does. `firstStep` and `steps` are there either way.
    /// - Returns: the run. Settings out of range (from here or from the trace's
    ///   `sim.explore`) do not throw: the run fails with the reason among its ``Run/problems``.
    public func replay(
        seed: UInt64 = 0, run: Int = 0, strategy: ExploreStrategy? = nil, depth: Int? = nil, jitter: Double? = nil,
        timerJitter: Double? = nil, timerLateness: Double? = nil, shuffleReady: Bool = false,
        limits: RunLimits = RunLimits(), taskStepTimes: Bool = false
    ) -> Run {
        guard run > 0 else {
            return TraceRunner.run(
                loaded.compiled, modules: loaded.modules, limits: limits, seed: seed,
                recordingTaskSteps: taskStepTimes
            ) {
                Run($0, trace: self, seed: seed, runIndex: 0)
            }
        }
        let nominal = TraceRunner.run(
            loaded.compiled, modules: loaded.modules, limits: limits, seed: seed, recordingTaskSteps: false)
        let options = SuiteOptions.Exploration(
            jitter: jitter, timerJitter: timerJitter, timerLateness: timerLateness, strategy: strategy, depth: depth,
            shuffleReady: shuffleReady)
        let settings: ExploreSettings
        do {
            settings = try options.settings(trace: nominal.exploreSettings, seed: seed).calibrated(to: nominal)
            if let problem = settings.problem { throw ExploreError.badSetting(problem) }
        } catch {
            return Run(nominal, trace: self, seed: seed, runIndex: 0, problem: "\(error)")
        }
        return replay(perturbation: settings.perturbation(run: run)!, limits: limits, taskStepTimes: taskStepTimes)
    }

    /// Replays the trace under one perturbation: run `perturbation.run` of an
    /// exploration with `perturbation.seed`, with the draws of
    /// `perturbation.disabled` taken back (kept nominal). The trace's own
    /// `sim.explore(...)` is not read: the perturbation says everything.
    ///
    ///     let p = Perturbation(seed: 0, run: 3, jitter: 0, shuffleReady: true)
    ///     print(trace.replay(perturbation: p).perturbations)
    ///
    /// `taskStepTimes` is as for ``replay(seed:run:strategy:depth:jitter:timerJitter:timerLateness:shuffleReady:limits:taskStepTimes:)``.
    public func replay(
        perturbation: Perturbation, limits: RunLimits = RunLimits(), taskStepTimes: Bool = false
    ) -> Run {
        TraceRunner.run(
            loaded.compiled, modules: loaded.modules, limits: limits, seed: perturbation.seed,
            perturbation: perturbation, recordingTaskSteps: taskStepTimes
        ) {
            Run($0, trace: self, seed: perturbation.seed, runIndex: perturbation.run)
        }
    }
}
