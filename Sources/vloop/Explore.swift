import ArgumentParser
import Foundation
import VLoop

/// The exploration flags of `vloop run` (TRACE_LANGUAGE.md, "Exploring").
struct ExploreOptions: ParsableArguments {
    @Option(help: "Explore this many runs per trace (run 0 is the nominal replay; overrides sim.explore).")
    var runs: Int?

    @Option(
        help: ArgumentHelp(
            "How runs choose their perturbations: random, pct, swarm or portfolio (default: portfolio).",
            valueName: "strategy"))
    var strategy: ExploreStrategy?

    @Option(help: "PCT's depth d: d-1 priority-change points per run (default 3).")
    var depth: Int?

    @Option(
        help:
            "Each job's blocking step and each peer delay is multiplied by a factor drawn in [1-J, 1+J] (0 <= J < 1; default 0.5)."
    )
    var jitter: Double?

    @Option(help: "Each timer fires up to F times its own delay late, never early (default 0.5).")
    var timerLateness: Double?

    @Option(help: "Each timer fires up to this many seconds late (alone, instead of --timer-lateness's default).")
    var timerJitter: Double?

    @Flag(help: "Run each loop iteration's ready callbacks in a random order: orders no CPython loop produces.")
    var shuffleReady = false

    @Option(help: "Replay only run I of the exploration (with --seed, it replays exactly).")
    var run: Int?

    @Option(
        help: ArgumentHelp(
            "Replay exactly the shrunk run this perturbation file holds (as a failing exploration prints it).",
            valueName: "file"))
    var perturbations: String?

    @Option(help: "Explore on this many threads (default: the number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "Stop exploring a trace at its first failing run.")
    var failFast = false

    func validate() throws {
        if let runs, runs < 1 { throw ValidationError("--runs must be at least 1, not \(runs)") }
        if let jitter, !(jitter >= 0 && jitter < 1) {
            throw ValidationError("--jitter must be in [0, 1), not \(jitter)")
        }
        if let t = timerJitter, !(t >= 0) || !t.isFinite {
            throw ValidationError("--timer-jitter must be a non-negative number of seconds")
        }
        if let l = timerLateness, !(l >= 0) || !l.isFinite {
            throw ValidationError("--timer-lateness must be a non-negative factor, not \(l)")
        }
        if let depth, depth < 1 { throw ValidationError("--depth must be at least 1, not \(depth)") }
        if let run, run < 0 { throw ValidationError("--run must not be negative") }
        if jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if perturbations != nil, run != nil || runs != nil {
            throw ValidationError("--perturbations replays one run: it takes neither --run nor --runs")
        }
    }

    /// The options of the suite runner.
    var suiteOptions: SuiteOptions.Exploration {
        SuiteOptions.Exploration(
            runs: runs, jitter: jitter, timerJitter: timerJitter, timerLateness: timerLateness, strategy: strategy,
            depth: depth, shuffleReady: shuffleReady,
            replayRun: run, jobs: jobs, failFast: failFast, perturbationFile: perturbations)
    }
}

/// A progress bar on stderr, drawn only on a terminal and outside CI.
final class ProgressBar: @unchecked Sendable {
    private let total: Int
    private let label: String
    private let enabled: Bool
    private let lock = NSLock()
    private var shown = -1

    init(total: Int, label: String) {
        self.total = total
        self.label = label
        enabled = isatty(fileno(stderr)) != 0 && ProcessInfo.processInfo.environment["CI"] == nil && total > 1
    }

    func update(_ done: Int) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        let percent = done * 100 / max(total, 1)
        guard percent != shown else { return }
        shown = percent
        let width = 30
        let filled = width * done / max(total, 1)
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        FileHandle.standardError.write("\r  [\(bar)] \(done)/\(total) runs  \(label)".data(using: .utf8)!)
    }

    /// Shrinking the failing run: `replays` of at most `SuiteRunner.shrinkBudget` spent.
    func shrinking(_ replays: Int) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        shown = 101
        FileHandle.standardError.write(
            "\r\u{1B}[K  shrinking: \(replays) replays (at most \(SuiteRunner.shrinkBudget))  \(label)".data(
                using: .utf8)!)
    }

    func clear() {
        guard enabled, shown >= 0 else { return }
        FileHandle.standardError.write("\r\u{1B}[K".data(using: .utf8)!)
    }
}

extension ExploreStrategy: ExpressibleByArgument {
    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}
