import Foundation
import Properties
import PyRuntime
import RunModel
import VirtualLoop

/// The version of vloop, recorded with every suite run (`harness_version`).
public let vloopVersion = "0.1.0"

/// What a `SuiteRunner` runs and how: the options of `vloop run` as plain values.
///
/// Every option has the command line's default, so `SuiteOptions(paths: ["fixtures/seed"])`
/// runs a suite the way `vloop run fixtures/seed` does, except that the runs are
/// recorded only where `storage` says (see `Storage`). `validate()` states which
/// values are accepted; `SuiteRunner.run` checks them first.
public struct SuiteOptions: Sendable {
    /// Trace files, and folders searched recursively for traces (`SuiteRunner.findTraces`;
    /// relative paths are relative to the current directory).
    public var paths: [String]
    /// The folders, after each trace's own, that the user's modules and
    /// packages are imported from, in order (`--path`, then `VLOOP_PATH`).
    public var modulePaths: [String]
    /// The limits of each run (`--max-steps`, `--max-time`, `--max-instructions`, `--max-memory`, the livelock watch).
    public var limits: RunLimits
    /// The seed of the `random` module in the traces, and of their explorations (`--seed`); not negative.
    public var seed: Int
    /// How many times each trace is replayed (`--repeat`): wall-time samples for reports; at least 1.
    public var repetitions: Int
    /// Exploring perturbed timings (`--runs`, `--jitter`, ...).
    public var exploration: Exploration
    /// Where the runs are recorded (`--db`, `--label`, `--no-store`).
    public var storage: Storage
    /// Where to write the results as JUnit XML (`--junit`), one test case per trace; nil for none.
    public var junitPath: String?
    /// Run only this shard (`--shard i/n`): of the sorted traces, or of each
    /// exploration's runs when the command line explores (`shardsRuns`); nil for all of them.
    public var shard: Shard?
    /// Keep each trace's event log in its `TraceResult.events` (`--events`, `--output`
    /// print it). Off by default: a large trace's log is large.
    public var keepsEvents: Bool
    /// Keep every replay's objects alive as long as the `SuiteResult` is, instead of
    /// freeing each trace's runs when the trace is done. A command that exits right
    /// after the suite sets it, so that the objects are never torn down one by one
    /// (tearing down a run of a million objects costs as much as a fifth of running
    /// it); a long-lived process should leave it off, as it costs memory.
    public var keepsRunsAlive: Bool
    /// Replay every run twice, in fresh loops, and fail the trace when the two
    /// event logs differ (`--check-determinism`; `DeterminismFailure`).
    public var checksDeterminism = false

    public init(
        paths: [String], limits: RunLimits = RunLimits(), seed: Int = 0, repetitions: Int = 1,
        exploration: Exploration = Exploration(), storage: Storage = Storage(), junitPath: String? = nil,
        shard: Shard? = nil, keepsEvents: Bool = false, keepsRunsAlive: Bool = false, modulePaths: [String] = []
    ) {
        self.paths = paths
        self.modulePaths = modulePaths
        self.limits = limits
        self.seed = seed
        self.repetitions = repetitions
        self.exploration = exploration
        self.storage = storage
        self.junitPath = junitPath
        self.shard = shard
        self.keepsEvents = keepsEvents
        self.keepsRunsAlive = keepsRunsAlive
    }

    /// The exploration knobs (TRACE_LANGUAGE.md, "Exploring"). Each one set here
    /// overrides the trace's own `sim.explore(...)`; a trace is explored when it
    /// calls `sim.explore` or when any of `runs`, `jitter`, `timerJitter`,
    /// `timerLateness`, `strategy`, `depth`, `shuffleReady` or `replayRun` is set.
    public struct Exploration: Sendable, Equatable {
        /// Runs per trace, run 0 being the nominal replay; at least 1.
        public var runs: Int?
        /// Each simulated duration is multiplied by a factor drawn in [1-J, 1+J]; 0 <= J < 1.
        public var jitter: Double?
        /// Each timer fires up to this many seconds late; finite and not negative.
        public var timerJitter: Double?
        /// Each timer fires up to this many times its own delay late (default 0.5,
        /// or 0 when only `timerJitter` is set); finite and not negative.
        public var timerLateness: Double?
        /// How runs choose their perturbations (default: the portfolio).
        public var strategy: ExploreStrategy?
        /// PCT's depth d (d−1 priority-change points); at least 1 (default 3).
        public var depth: Int?
        /// Run each loop iteration's ready callbacks in a random order (orders no CPython loop produces).
        public var shuffleReady: Bool
        /// Replay only this run of the exploration (`--run I`), instead of exploring; not negative.
        public var replayRun: Int?
        /// Replay only the shrunk run this perturbation file holds (`--perturbations FILE`),
        /// instead of exploring; the suite must be the one trace it was written for.
        public var perturbationFile: String?
        /// Threads to explore on; at least 1 (default: the number of cores).
        public var jobs: Int
        /// Stop exploring a trace at its first failing run (every run before it still runs).
        public var failFast: Bool

        public init(
            runs: Int? = nil, jitter: Double? = nil, timerJitter: Double? = nil, timerLateness: Double? = nil,
            strategy: ExploreStrategy? = nil, depth: Int? = nil, shuffleReady: Bool = false,
            replayRun: Int? = nil, jobs: Int = ProcessInfo.processInfo.activeProcessorCount,
            failFast: Bool = false, perturbationFile: String? = nil
        ) {
            self.perturbationFile = perturbationFile
            self.runs = runs
            self.jitter = jitter
            self.timerJitter = timerJitter
            self.timerLateness = timerLateness
            self.strategy = strategy
            self.depth = depth
            self.shuffleReady = shuffleReady
            self.replayRun = replayRun
            self.jobs = jobs
            self.failFast = failFast
        }

        /// Whether these options ask for an exploration whatever the trace says.
        public var requested: Bool {
            runs != nil || jitter != nil || timerJitter != nil || timerLateness != nil || strategy != nil
                || depth != nil || shuffleReady || replayRun != nil || perturbationFile != nil
        }

        /// A trace's `sim.explore(...)` settings under these options; throws
        /// `ExploreError` when the trace's own settings are invalid.
        func settings(trace: [String: Value], seed: UInt64) throws -> ExploreSettings {
            var s = try ExploreSettings(seed: seed).applying(trace: trace)
            if let runs { s.runs = runs }
            if let jitter { s.jitter = jitter }
            if let timerJitter {
                s.timerJitter = timerJitter
                // `--timer-jitter` alone keeps its meaning: up to T late, and no more.
                if timerLateness == nil && trace["timer_lateness"] == nil { s.timerLateness = nil }
            }
            if let timerLateness { s.timerLateness = timerLateness }
            if let strategy { s.strategy = strategy }
            if let depth { s.depth = depth }
            if shuffleReady { s.shuffleReady = true }
            return s
        }
    }

    /// Where and under what name the runs are recorded (DESIGN.md, "Storage").
    public struct Storage: Sendable, Equatable {
        /// The run database; created, with its folder, when missing. The library
        /// reads no environment: the command line resolves `--db` and `VLOOP_DB`.
        public var databasePath: String
        /// The label the runs are recorded under; nil for the default (the git
        /// commit, with `-dirty` when tracked files changed; outside git, the start time).
        public var label: String?
        /// Record nothing and open no database (`--no-store`).
        public var noStore: Bool
        /// The arguments recorded with the suite run (the command line's, for `vloop runs`).
        public var arguments: [String]

        public init(
            databasePath: String = ".vloop/runs.sqlite", label: String? = nil, noStore: Bool = false,
            arguments: [String] = []
        ) {
            self.databasePath = databasePath
            self.label = label
            self.noStore = noStore
            self.arguments = arguments
        }
    }

    /// Shard `index` of `count` (from 1): the sorted traces whose position is
    /// `index` modulo `count`, so that `count` shards cover each trace once.
    public struct Shard: Sendable, Equatable, CustomStringConvertible {
        public let index: Int
        public let count: Int
        /// `i/n`, as given (and recorded with the suite run).
        public let description: String

        /// Nil unless 1 <= index <= count.
        public init?(index: Int, count: Int) {
            guard count >= 1, index >= 1, index <= count else { return nil }
            self.index = index
            self.count = count
            description = "\(index)/\(count)"
        }

        /// Parses `i/n`, such as `1/4`; nil unless 1 <= i <= n.
        public init?(_ text: String) {
            let parts = text.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, i >= 1, i <= n else {
                return nil
            }
            index = i
            count = n
            description = text
        }

        /// The traces of this shard, of all the sorted `traces`.
        public func select(_ traces: [String]) -> [String] {
            traces.enumerated().filter { $0.offset % count == index - 1 }.map(\.element)
        }
    }

    /// Throws `SuiteError.invalidOptions` naming the first option out of its range.
    public func validate() throws(SuiteError) {
        func bad(_ s: String) -> SuiteError { .invalidOptions(s) }
        if limits.maxSteps < 1 { throw bad("maxSteps must be at least 1") }
        if !(limits.maxTime > 0) || !limits.maxTime.isFinite {
            throw bad("maxTime must be a positive number of seconds")
        }
        if limits.maxInstructions < 1 { throw bad("maxInstructions must be at least 1") }
        if limits.maxMemory < RunLimits.minimumMaxMemory {
            throw bad("maxMemory must be at least \(RunLimits.minimumMaxMemory) bytes (16 MiB)")
        }
        if limits.livelockSteps < 1 { throw bad("livelockSteps must be at least 1") }
        if seed < 0 { throw bad("seed must not be negative") }
        if repetitions < 1 { throw bad("repetitions must be at least 1") }
        if let label = storage.label, label.trimmingCharacters(in: .whitespaces).isEmpty {
            throw bad("the label must not be empty")
        }
        let e = exploration
        if let runs = e.runs, runs < 1 { throw bad("runs must be at least 1, not \(runs)") }
        if let j = e.jitter, !(j >= 0 && j < 1) { throw bad("jitter must be in [0, 1), not \(j)") }
        if let t = e.timerJitter, !(t >= 0) || !t.isFinite {
            throw bad("timerJitter must be a non-negative number of seconds")
        }
        if let l = e.timerLateness, !(l >= 0) || !l.isFinite {
            throw bad("timerLateness must be a non-negative factor")
        }
        if let d = e.depth, d < 1 { throw bad("depth must be at least 1, not \(d)") }
        if let run = e.replayRun, run < 0 { throw bad("replayRun must not be negative") }
        if e.jobs < 1 { throw bad("jobs must be at least 1") }
        if shard != nil, e.replayRun != nil || e.perturbationFile != nil {
            throw bad(
                "a shard cannot replay one run: replayRun (--run) and perturbationFile (--perturbations) name one run, which belongs to one shard"
            )
        }
        if e.perturbationFile != nil, e.replayRun != nil || e.runs != nil {
            throw bad("a perturbation file replays one run: it takes neither runs nor replayRun")
        }
    }
}
