import Foundation
import Properties
import PyRuntime
import Reports
import RunModel
import RunStore
import TraceLanguage
import VirtualLoop

/// Runs a suite of traces in this process, as `vloop run` does: finds the
/// traces, replays each one (`repetitions` times), explores and shrinks,
/// records every run in the run database, writes JUnit XML, and returns one
/// `TraceResult` per trace.
///
/// It prints nothing and never exits the process: what `vloop run` prints
/// arrives through the `progress` closure while the suite runs, and a problem
/// of the suite itself (a missing path, a run database that cannot be used, a
/// JUnit file that cannot be written) is thrown as a `SuiteError`. A failing
/// trace is not an error: it is a `TraceResult` whose `passed` is false.
///
///     var options = SuiteOptions(paths: ["fixtures/seed"])
///     options.storage.noStore = true
///     let result = try SuiteRunner(options).run { progress in
///         if case .traceFinished(let trace) = progress {
///             for line in trace.lines { print(line.text) }   // PASS  fixtures/seed/...
///         }
///     }
///     print(result.closingLine)                               // 4 passed, 0 failed
///     for t in result.traces where !t.passed {
///         print(t.path, t.properties.filter { !$0.passed }.map(\.message))
///         if let f = t.exploration?.failure { print(f.shrunk, f.replayCommand) }
///     }
///
/// Runs are deterministic: the same options give the same results, wall times aside.
/// The runner sets nothing process-wide and may run on any thread; a trace's
/// exploration runs on `exploration.jobs` threads of its own.
public struct SuiteRunner: Sendable {
    public var options: SuiteOptions

    public init(_ options: SuiteOptions) {
        self.options = options
    }

    /// The traces named by `paths`: files as given (a `.trace` or `.py` file,
    /// or any other), folders searched recursively and sorted. In a folder,
    /// a trace is a `*.trace` file, or a Python test file (`test_*.py` or
    /// `*_test.py`) outside any package (a folder holding `__init__.py`), so
    /// that a package's modules, and the helpers beside the tests, are
    /// imported by traces rather than run as traces. Throws `.noSuchPath` or
    /// `.unreadable` for a path that does not exist or cannot be read, and
    /// `.noTraces` when none is found.
    public static func findTraces(_ paths: [String]) throws(SuiteError) -> [String] {
        var out: [String] = []
        let fm = FileManager.default
        for p in paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: p, isDirectory: &isDir) else { throw .noSuchPath(p) }
            if !isDir.boolValue {
                guard fm.isReadableFile(atPath: p) else { throw .unreadable(p) }
                out.append(p)
                continue
            }
            guard let walker = fm.enumerator(atPath: p) else { throw .unreadable(p) }
            var found: [String] = []
            while let rel = walker.nextObject() as? String {
                let path = (p as NSString).appendingPathComponent(rel)
                if isTraceInFolder(path) { found.append(path) }
            }
            out += found.sorted()
        }
        if out.isEmpty { throw .noTraces(paths) }
        return out
    }

    /// Whether a file found in a folder is a trace: `*.trace`, or `test_*.py` /
    /// `*_test.py` in a folder that is not a package.
    public static func isTraceInFolder(_ path: String) -> Bool {
        if path.hasSuffix(".trace") { return true }
        let name = (path as NSString).lastPathComponent
        guard name.hasSuffix(".py"), name.hasPrefix("test_") || name.hasSuffix("_test.py") else { return false }
        let folder = (path as NSString).deletingLastPathComponent
        return !FileManager.default.fileExists(atPath: (folder as NSString).appendingPathComponent("__init__.py"))
    }

    /// Reads and compiles a trace and the user's modules it imports (from its
    /// own folder, then `modulePaths`), as every command does.
    public static func load(path: String, modulePaths: [String]) -> Result<LoadedTrace, TraceLoader.Failure> {
        TraceLoader.load(path: path, modulePaths: modulePaths, builtinModules: World.builtinModuleNames)
    }

    /// The traces this suite runs: `findTraces(options.paths)`, then the
    /// shard's (all of them when the shard splits explorations by run: `SuiteOptions.shardsRuns`).
    public func traces() throws(SuiteError) -> [String] {
        let all = try Self.findTraces(options.paths)
        guard let shard = options.shard, !options.shardsRuns else { return all }
        return shard.select(all)
    }

    /// Runs the suite.
    ///
    /// - Parameter progress: called with what happens, in order, on the calling
    ///   thread, except `.explorationProgress`, which comes from the exploring
    ///   threads (concurrently: it must be thread-safe).
    /// - Returns: one result per trace of `traces()`, in that order, and where they were recorded.
    /// - Throws: `SuiteError` when the suite itself cannot run: invalid options,
    ///   a path missing or unreadable, no trace found, a run database that cannot
    ///   be used, a JUnit file that cannot be written. Progress already reported stays valid;
    ///   the runs recorded before the error stay recorded.
    public func run(progress: @escaping @Sendable (SuiteProgress) -> Void = { _ in }) throws(SuiteError) -> SuiteResult
    {
        try options.validate()
        let traces = try traces()
        let replayFile = try perturbationFile(for: traces)
        progress(.started(traces: traces))
        let startedAt = Date()
        var recorder: Recorder?
        if !options.storage.noStore {
            recorder = try Recorder(options: options, startedAt: startedAt)
        }
        let retained = options.keepsRunsAlive ? RetainedRuns() : nil
        var results: [TraceResult] = []
        var stored: [StoredRun] = []
        for path in traces {
            let (result, runs) = try runTrace(
                path, recorder: recorder, retained: retained, replayFile: replayFile, progress: progress)
            stored += runs
            results.append(result)
            progress(.traceFinished(result))
        }
        var recorded: RecordedRuns?
        if let recorder {
            try recorder.finish()
            recorded = RecordedRuns(
                databasePath: recorder.store.path, label: recorder.label,
                suiteRunID: recorder.suiteRunID, runIDs: results.flatMap(\.runIDs))
            progress(.recorded(recorded!))
        }
        if let junit = options.junitPath {
            let name = "vloop run " + options.paths.joined(separator: " ")
            // One test case per trace: its repetitions are samples of one test, not tests.
            // (The last nominal replay, when there is one, rather than whichever explored run came last.)
            var perTrace: [String: StoredRun] = [:]
            for r in stored where perTrace[r.tracePath] == nil || r.runIndex == 0 { perTrace[r.tracePath] = r }
            let cases = unique(stored.map(\.tracePath)).map { perTrace[$0]! }
            try write(
                JUnitReport().render(
                    runs: cases, suiteName: name, timestamp: startedAt, notes: junitNotes(results)),
                to: junit)
        }
        return SuiteResult(traces: results, recorded: recorded, startedAt: startedAt, retained: retained)
    }

    /// Replays one trace (its repetitions, then its exploration) and records its runs.
    private func runTrace(
        _ path: String, recorder: Recorder?, retained: RetainedRuns?, replayFile: PerturbationFile?,
        progress: @escaping @Sendable (SuiteProgress) -> Void
    ) throws(SuiteError)
        -> (TraceResult, [StoredRun])
    {
        let seed = options.seed
        let limits = options.limits
        let explore = options.exploration
        let recordingTaskSteps = recorder != nil
        let hash = Provenance.contentHash(FileManager.default.contents(atPath: path) ?? Data())
        // `./fixtures/a.trace` and `fixtures/a.trace` are one trace to the reports.
        var storedPath = Substring(path)
        while storedPath.hasPrefix("./") { storedPath = storedPath.dropFirst(2) }
        var runs: [StoredRun] = []
        var errors: [TraceDiagnostic] = []
        var hiddenErrors = 0
        var lastVerdict: Verdict?
        var lastReport: RunReport?
        var lastFile: SourceFile?
        var lastTrace: LoadedTrace?
        var settings: ExploreSettings?
        var settingsError: String?
        /// The path and hash of each module the trace imports (recorded with its runs).
        var modules: [StoredModule]?
        let determinism = DeterminismFailures()
        for _ in 0..<options.repetitions {
            let runStarted = Date()
            let started = DispatchTime.now().uptimeNanoseconds
            switch Self.load(path: path, modulePaths: options.modulePaths) {
            case .failure(.unreadable(let why)):
                throw .unreadable(why.hasPrefix("cannot read ") ? String(why.dropFirst("cannot read ".count)) : path)
            case .failure(.invalid(let invalid)):
                let wall = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
                if runs.isEmpty {
                    errors = invalid.shown.map { TraceDiagnostic($0.diagnostic, rendered: $0.rendered) }
                    hiddenErrors = invalid.diagnostics.count - errors.count
                    progress(.traceErrors(path: path, errors: errors))
                }
                runs.append(
                    StoredRun(
                        invalidTracePath: String(storedPath), traceHash: hash, seed: Int64(seed),
                        errors: invalid.shown.map(\.diagnostic.description), wallTime: wall, startedAt: runStarted))
            case .success(let trace):
                if modules == nil {
                    modules = trace.modules.files.map {
                        StoredModule(path: $0.path, hash: Provenance.contentHash(Data($0.text.utf8)))
                    }
                }
                var report = TraceRunner.run(
                    trace.compiled, modules: trace.modules, limits: limits, seed: UInt64(seed),
                    recordingTaskSteps: recordingTaskSteps)
                var runIndex = 0
                var perturbation: Perturbation?
                if let file = replayFile {
                    do {
                        try PerturbationFileError.check(
                            file: file.trace, fileHash: file.traceHash, trace: path, traceHash: hash)
                    } catch {
                        throw .perturbations("\(explore.perturbationFile ?? ""): \(error)")
                    }
                    settings = file.settings
                    report = TraceRunner.run(
                        trace.compiled, modules: trace.modules, limits: limits, seed: UInt64(seed),
                        perturbation: file.perturbation, recordingTaskSteps: recordingTaskSteps)
                    perturbation = file.perturbation
                    runIndex = file.run
                } else if settings == nil && settingsError == nil
                    && (explore.requested || !report.exploreSettings.isEmpty)
                {
                    do {
                        settings = try explore.settings(trace: report.exploreSettings, seed: UInt64(seed))
                    } catch {
                        settingsError = "\(error)"
                    }
                }
                if let i = explore.replayRun, i > 0, let s = settings {
                    perturbation = s.calibrated(to: report).perturbation(run: i)
                    report = TraceRunner.run(
                        trace.compiled, modules: trace.modules, limits: limits, seed: UInt64(seed),
                        perturbation: perturbation, recordingTaskSteps: recordingTaskSteps)
                    runIndex = i
                }
                var verdict = PropertyChecker.check(report)
                if explores(settings, replayFile: replayFile) {
                    // Vacuity is judged over every run of the exploration (ExploreSummary).
                    verdict = verdict.acrossRuns()
                }
                if options.checksDeterminism {
                    let again = TraceRunner.run(
                        trace.compiled, modules: trace.modules, limits: limits, seed: UInt64(seed),
                        perturbation: perturbation, recordingTaskSteps: recordingTaskSteps)
                    if let d = LogDifference.compare(report.events, again.events) {
                        determinism.add(run: runIndex, d)
                        verdict.passed = false
                        verdict.problems.append(DeterminismFailure(run: runIndex, difference: d, runs: 1).problem)
                    }
                    retained?.reports.append(again)
                }
                if let e = settingsError {
                    verdict.passed = false
                    verdict.problems.append(e)
                }
                let wall = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
                runs.append(
                    StoredRun(
                        tracePath: String(storedPath), traceHash: hash, seed: Int64(seed),
                        runIndex: runIndex, report: report, verdict: verdict, wallTime: wall,
                        startedAt: runStarted, detail: recorder != nil || options.junitPath != nil,
                        modules: modules ?? [],
                        explored: replayFile.map { ExploredRun(perturbationFile: explore.perturbationFile ?? "", $0) }
                            ?? settings.flatMap { ExploredRun(settings: $0, run: runIndex) },
                        sources: trace.sourceFiles))
                lastTrace = trace
                retained?.reports.append(report)
                lastVerdict = verdict
                lastReport = report
                lastFile = trace.file
            }
            if let recorder {
                runs[runs.count - 1].id = try recorder.write(runs[runs.count - 1])
            }
        }
        // Exploring: runs 1..<N of perturbed worlds, each recorded with its index.
        var outcome: ExploreOutcome?
        var explored: ExploredRuns?
        var shrunkFile: String?
        // A trace whose nominal run fails is explored too: the summary says so, and
        // a finding is a run that fails otherwise.
        if let s = settings, explores(s, replayFile: replayFile), let trace = lastTrace, let nominal = lastReport {
            let share = options.runShare
            progress(.explorationStarted(trace: path, runs: share.runs(of: s.runs)))
            let collected = ExploredRuns()
            let storedModules = modules ?? []
            let checksDeterminism = options.checksDeterminism
            // The explorer's own settings for each run (PCT's are calibrated to the nominal run).
            let calibrated = s.calibrated(to: nominal)
            outcome = Explorer.explore(
                trace.compiled, modules: trace.modules, limits: limits, settings: s, nominal: nominal,
                jobs: explore.jobs, failFast: explore.failFast, share: share,
                progress: { progress(.explorationProgress(trace: path, done: $0, total: share.runs(of: s.runs))) },
                onRun: { i, report, verdict, wall in
                    var verdict = verdict
                    if checksDeterminism {
                        let again = TraceRunner.run(
                            trace.compiled, modules: trace.modules, limits: limits, seed: s.seed,
                            perturbation: calibrated.perturbation(run: i))
                        if let d = LogDifference.compare(report.events, again.events) {
                            determinism.add(run: i, d)
                            verdict.passed = false
                            verdict.problems.append(DeterminismFailure(run: i, difference: d, runs: 1).problem)
                        }
                    }
                    let run = StoredRun(
                        tracePath: String(storedPath), traceHash: hash, seed: Int64(seed), runIndex: i,
                        report: report, verdict: verdict, wallTime: wall,
                        startedAt: Date(), detail: recorder != nil, modules: storedModules,
                        explored: ExploredRun(settings: s, run: i), sources: trace.sourceFiles)
                    collected.add(run, recorder: recorder)
                },
                sources: trace.sourceFiles,
                shrinking: Shrinker.Options(progress: { progress(.shrinking(trace: path, replays: $0)) }))
            progress(.explorationFinished(trace: path))
            if let error = collected.error { throw error }
            explored = collected
            if let o = outcome, let f = o.firstFailure {
                shrunkFile = try writePerturbationFile(
                    f, trace: String(storedPath), traceHash: hash, settings: o.settings)
            }
            if let recorder, let o = outcome {
                try recorder.write(
                    StoredExploration(
                        o, path: path, storedPath: String(storedPath), hash: hash,
                        shard: options.shardsRuns ? options.shard?.description : nil,
                        nondeterministic: determinism.runs))
            }
        }
        let walls = (runs.map(\.wallTime) + (explored?.walls ?? [])).sorted()
        let vacuous = outcome?.summary.vacuous ?? []
        var result = TraceResult(
            path: path,
            passed: runs.allSatisfy(\.passed) && explored?.allPassed != false && outcome?.firstFailure == nil
                && vacuous.isEmpty,
            lastRunPassed: false,
            status: .invalid, value: "", virtualDuration: 0, steps: 0, wallTime: walls[walls.count / 2],
            repetitions: options.repetitions, errors: errors, properties: [], problems: [], notes: [], warnings: [],
            pendingTasks: [], traceback: nil, exploration: outcome.map { ExplorationResult($0, path: path) },
            replayedRun: nil, runIDs: runs.compactMap(\.id) + (explored?.ids ?? []), events: [],
            hiddenErrors: hiddenErrors)
        result.exploration?.share = options.runShare
        result.determinism = determinism.first
        result.exploration?.failure?.perturbationFile = shrunkFile
        guard let report = lastReport, let verdict = lastVerdict, let file = lastFile else { return (result, runs) }
        result.lastRunPassed = verdict.passed
        result.status = TraceStatus(report.status)
        result.value = report.value
        result.virtualDuration = report.elapsed
        result.steps = report.steps
        result.errors = []
        result.properties = verdict.results
        if let summary = outcome?.summary { result.properties.markVacuous(summary) }
        // A determinism failure is shown by `determinism`, in full.
        result.problems = verdict.problems.filter { !$0.hasPrefix(DeterminismFailure.problemPrefix) }
        result.notes = report.notes
        result.warnings = verdict.warnings
        result.pendingTasks = report.pendingTasks
        result.hang = report.hang
        result.traceback =
            report.status == .exception ? report.traceback(files: lastTrace?.sourceFiles ?? [file]) : nil
        if let i = explore.replayRun ?? replayFile?.run, let s = settings {
            result.replayedRun = ReplayedRun(
                run: i, settings: s,
                perturbations: report.perturbations.map { $0.explained(sources: lastTrace?.sourceFiles ?? []) },
                perturbationFile: explore.perturbationFile)
        }
        if options.keepsEvents { result.events = report.events }
        return (result, runs)
    }

    /// Whether a trace with these settings is explored (not only replayed).
    private func explores(_ settings: ExploreSettings?, replayFile: PerturbationFile?) -> Bool {
        guard let settings else { return false }
        return options.exploration.replayRun == nil && replayFile == nil && settings.runs > 1
    }

    private func write(_ text: String, to path: String) throws(SuiteError) {
        let folder = (path as NSString).deletingLastPathComponent
        do {
            if !folder.isEmpty {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            }
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw .cannotWrite(path: path, reason: (error as NSError).localizedDescription)
        }
    }
}

/// What a `SuiteRunner` reports while it runs, in order.
public enum SuiteProgress: Sendable {
    /// The traces about to run (after sharding), before any run.
    case started(traces: [String])
    /// A trace has errors and will not run: each with file:line:column, as soon as it is read.
    case traceErrors(path: String, errors: [TraceDiagnostic])
    /// An exploration of `runs` runs begins.
    case explorationStarted(trace: String, runs: Int)
    /// `done` of the exploration's `total` runs have finished. From the exploring threads.
    case explorationProgress(trace: String, done: Int, total: Int)
    /// Shrinking the first failing run has spent `replays` replays (of at most `Shrinker.defaultBudget`).
    case shrinking(trace: String, replays: Int)
    /// The exploration ended (its failing run is shrunk).
    case explorationFinished(trace: String)
    /// A trace is done: every run replayed, explored and recorded. Its `lines` are what `vloop run` prints.
    case traceFinished(TraceResult)
    /// Every run is recorded, and the database closed (not with `noStore`).
    case recorded(RecordedRuns)
}

/// Why a suite could not run: a problem of the suite, not of a trace
/// (`vloop run` exits 2 with `vloop: ` and the description).
public enum SuiteError: Error, Equatable, CustomStringConvertible {
    /// `no such file or directory: PATH`
    case noSuchPath(String)
    /// `cannot read PATH`
    case unreadable(String)
    /// No trace under the paths.
    case noTraces([String])
    /// An option out of its range (see `SuiteOptions.validate()`).
    case invalidOptions(String)
    /// The run database cannot be used (it is not vloop's, is newer, cannot be created or written).
    case store(StoreError)
    /// A perturbation file (`--perturbations`) that cannot replay: unreadable,
    /// malformed, for another trace, or stale.
    case perturbations(String)
    /// The JUnit file cannot be written.
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case .noSuchPath(let p): return "no such file or directory: \(p)"
        case .unreadable(let p): return "cannot read \(p)"
        case .noTraces(let paths):
            return "no traces (*.trace, test_*.py, *_test.py) under \(paths.joined(separator: " "))"
        case .invalidOptions(let why): return why
        case .store(let e): return e.description
        case .cannotWrite(let path, let reason): return "cannot write \(path): \(reason)"
        case .perturbations(let why): return why
        }
    }
}

/// The run database of a suite run being recorded.
private final class Recorder: @unchecked Sendable {
    let store: RunStore
    let suiteRunID: Int64
    let label: String

    init(options: SuiteOptions, startedAt: Date) throws(SuiteError) {
        let store = try storeGuarded { try RunStore.open(path: options.storage.databasePath, mode: .create) }
        let suite = Provenance.suiteRun(
            label: options.storage.label, arguments: options.storage.arguments,
            shard: options.shard?.description, harnessVersion: vloopVersion,
            startedAt: startedAt)
        self.store = store
        label = suite.label
        suiteRunID = try storeGuarded { try store.beginSuiteRun(suite) }
    }

    func write(_ run: StoredRun) throws(SuiteError) -> Int64 {
        try storeGuarded { try store.write(run, suiteRunID: suiteRunID) }
    }

    func write(_ exploration: StoredExploration) throws(SuiteError) {
        try storeGuarded { try store.write(exploration, suiteRunID: suiteRunID) }
    }

    /// Records the end of the suite run and closes the database; closing
    /// checkpoints the write-ahead log into the file, so that the file alone
    /// (a CI artifact, a shard to merge) holds every run.
    func finish() throws(SuiteError) {
        try storeGuarded { try store.finishSuiteRun(id: suiteRunID, at: Date()) }
        try storeGuarded { try store.close() }
    }
}

/// Runs `body`, throwing what the run database threw as a `SuiteError.store`.
private func storeGuarded<T>(_ body: () throws -> T) throws(SuiteError) -> T {
    do {
        return try body()
    } catch let e as StoreError {
        throw .store(e)
    } catch {
        throw .store(StoreError("\(error)"))
    }
}

/// The runs of an exploration, collected (and recorded) from the exploring threads.
private final class ExploredRuns: @unchecked Sendable {
    private let lock = NSLock()
    /// What the trace's result needs of the explored runs, and no more: a run's
    /// record (its events, tasks and jobs) is written and let go, so that an
    /// exploration of any number of runs keeps 16 bytes a run (docs/LIMITS.md,
    /// "Exploration memory"). In the order the runs finished.
    private(set) var ids: [Int64] = []
    private(set) var walls: [Double] = []
    private(set) var allPassed = true
    /// The first error of the database; no run is written after it.
    private(set) var error: SuiteError?

    func add(_ run: StoredRun, recorder: Recorder?) {
        lock.lock()
        defer { lock.unlock() }
        if let recorder, error == nil {
            do {
                ids.append(try recorder.write(run))
            } catch {
                self.error = error
            }
        }
        walls.append(run.wallTime)
        allPassed = allPassed && run.passed
    }
}

func unique(_ xs: [String]) -> [String] {
    var seen = Set<String>()
    return xs.filter { seen.insert($0).inserted }
}
