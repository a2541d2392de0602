import Foundation
import Properties
import PyRuntime
import Reports
import RunModel
import TraceLanguage
import VirtualLoop

/// The outcome of a suite: one `TraceResult` per trace, in the order run, and the totals.
public struct SuiteResult: Sendable {
    /// One per trace, sorted as the runner found them (files as given, folders sorted).
    public var traces: [TraceResult]
    /// Where the runs were recorded; nil with `noStore`.
    public var recorded: RecordedRuns?
    /// When the suite started (the JUnit timestamp and the suite run's start).
    public var startedAt: Date
    /// Keeps the runs' objects alive with `SuiteOptions.keepsRunsAlive`.
    let retained: RetainedRuns?

    /// How many traces passed.
    public var passed: Int { traces.count(where: \.passed) }
    /// How many traces failed (a property broke, an unexpected status, errors).
    public var failed: Int { traces.count - passed }
    /// Whether every trace passed (`vloop run`'s exit status 0).
    public var allPassed: Bool { failed == 0 }

    /// The closing line of `vloop run`: `4 passed, 0 failed`.
    public var closingLine: String { "\(passed) passed, \(failed) failed" }

    /// The summary `vloop run --json` prints: `passed`, `failed` and one object
    /// per trace (its status, durations, properties, problems, notes, recorded run
    /// ids, and its exploration), pretty-printed with sorted keys, without a final newline.
    public func jsonSummary() throws -> Data {
        let doc: [String: Any] = ["passed": passed, "failed": failed, "traces": traces.map(\.jsonObject)]
        return try JSONSerialization.data(withJSONObject: doc, options: [.prettyPrinted, .sortedKeys])
    }
}

/// How a trace's last replay ended.
public enum TraceStatus: String, Sendable, Equatable, CustomStringConvertible {
    /// The run ended normally.
    case ok
    /// An exception escaped the trace.
    case exception
    /// Tasks were left waiting with nothing left to wake them.
    case deadlock
    /// A limit (`maxSteps`, `maxTime`, `maxInstructions`) stopped the run.
    case limit
    /// The trace has errors and did not run.
    case invalid

    public var description: String { rawValue }

    /// The status of a trace that ran, as its last run ended.
    public init(_ status: RunStatus) {
        switch status {
        case .ok: self = .ok
        case .exception: self = .exception
        case .deadlock: self = .deadlock
        case .limit: self = .limit
        }
    }
}

/// The outcome of one trace: its last replay, summed up over its repetitions and explored runs.
///
/// For an invalid trace, `status` is `.invalid`, `errors` lists its errors, and
/// the run's fields (`value`, `virtualDuration`, `steps`, `properties`, ...) are empty.
public struct TraceResult: Sendable {
    /// The trace's path as found (a file as given, or inside a folder as given).
    public var path: String
    /// Every run passed (repetitions and explored runs alike), and no exploration failed.
    public var passed: Bool
    /// The last replay passed on its own: every property held and it ended as expected
    /// (`passed` also counts the other repetitions and the explored runs).
    public var lastRunPassed: Bool
    public var status: TraceStatus
    /// The `value` of the last replay's `run_end`.
    public var value: String
    /// The virtual clock at the end of the last replay, in seconds.
    public var virtualDuration: Double
    /// The loop callbacks of the last replay.
    public var steps: Int
    /// The median wall time over every run of the trace (repetitions and explored runs), in seconds.
    public var wallTime: Double
    /// How many times the trace was replayed (`SuiteOptions.repetitions`).
    public var repetitions: Int
    /// The trace's errors; empty unless `status` is `.invalid`. At most
    /// `InvalidSource.maxShownPerFile` per file: `hiddenErrors` counts the others.
    public var errors: [TraceDiagnostic]
    /// One per `expect.*` statement of the last replay, in the order they ran.
    public var properties: [PropertyResult]
    /// Why the trace fails besides its properties (a status nothing expected, bad `sim.explore` settings).
    public var problems: [String]
    /// What CPython's asyncio would have logged (exceptions never retrieved, coroutines never awaited).
    public var notes: [String]
    /// Deadlocks and pending tasks that no `expect.all_done()` checked (shown when the last replay passed).
    public var warnings: [String]
    /// The tasks left pending at the end, with what each awaited.
    public var pendingTasks: [PendingTask]
    /// For a last replay that a limit stopped: what it was doing (`HangReport`).
    public var hang: HangReport? = nil
    /// The traceback of the exception that escaped the trace, as Python prints it
    /// (shown when the last replay failed).
    public var traceback: String?
    /// The exploration of the trace; nil when it was not explored.
    public var exploration: ExplorationResult?
    /// The one run replayed with `SuiteOptions.Exploration.replayRun`; nil otherwise.
    public var replayedRun: ReplayedRun?
    /// The ids of the trace's recorded runs, in the order written; empty with `noStore`.
    public var runIDs: [Int64]
    /// The last replay's event log, with `SuiteOptions.keepsEvents`; else empty.
    public var events: [TraceEvent]
    /// The errors of an invalid trace not in `errors` (beyond the number shown per file).
    public var hiddenErrors = 0
    /// The first of its runs whose two replays differed, with `SuiteOptions.checksDeterminism`; else nil.
    public var determinism: DeterminismFailure?

    /// The lines `vloop run` shows for the trace, in order: the status line
    /// (`PASS  path  ok, 2.0 s virtual, 15 steps, 1.20 ms`), then what failed
    /// and why, indented; notes and warnings are `.diagnostic` lines.
    public var lines: [SuiteLine] {
        var out: [SuiteLine] = []
        func status(_ s: String) { out.append(SuiteLine(s, .status)) }
        func diagnostic(_ s: String) { out.append(SuiteLine(s, .diagnostic)) }
        if self.status == .invalid {
            let n = errors.count + hiddenErrors
            status("FAIL  \(path)  (\(n) error\(n == 1 ? "" : "s"))")
            return out
        }
        let wallText = duration(wallTime) + (repetitions > 1 ? " (median of \(repetitions))" : "")
        var line =
            "\(passed ? "PASS" : "FAIL")  \(path)  \(self.status), \(virtualTimeText(virtualDuration)) s virtual, \(steps) steps"
        if let e = exploration {
            line += ", \(e.runsLine)"
        } else if let r = replayedRun {
            line += ", run \(r.run) of \(r.settings.flags)"
            if let file = r.perturbationFile { line += ", shrunk as \(file) says" }
        }
        status(line + ", \(wallText)")
        if let e = exploration, e.settings.shuffleReady {
            status(
                "      --shuffle-ready: its orders are ones no CPython loop produces (asyncio runs ready callbacks first in, first out); what it finds may be no bug"
            )
        }
        if let e = exploration {
            for l in e.summary.lines(settings: e.settings) { status("      \(l)") }
            if let f = e.failure {
                for l in f.lines(of: e) { status("      \(l)") }
            }
        }
        for p in replayedRun?.perturbations ?? [] { status("      perturbed: \(p)") }
        for r in properties where !r.passed { status("      \(r.message)") }
        for p in problems { status("      \(p)") }
        for l in determinism?.lines ?? [] { status("      \(l)") }
        if self.status == .exception, let tb = traceback, !lastRunPassed {
            for l in tb.split(separator: "\n") { status("      " + l) }
        }
        // What CPython's asyncio would log: not events, shown after the trace's line.
        for n in notes { diagnostic("      note: \(n)") }
        if lastRunPassed {
            for w in warnings { diagnostic("      warning: \(w)") }
        } else if self.status == .deadlock {
            for t in pendingTasks { status("      deadlock: \(t.name) awaits \(t.awaiting)") }
        }
        return out
    }

    /// The trace's object in `SuiteResult.jsonSummary()`.
    var jsonObject: [String: Any] {
        if status == .invalid {
            var object: [String: Any] = [
                "trace": path, "passed": false, "status": "invalid", "errors": errors.map(\.description),
                "run_ids": runIDs,
            ]
            if hiddenErrors > 0 { object["errors_not_shown"] = hiddenErrors }
            return object
        }
        var object: [String: Any] = [
            "trace": path, "passed": passed, "status": status.rawValue, "value": value,
            "elapsed": virtualDuration, "steps": steps, "wall_seconds": wallTime,
            "properties": properties.map {
                ["name": $0.name, "line": $0.line, "passed": $0.passed, "message": $0.message]
            },
            "problems": problems, "notes": notes, "run_ids": runIDs,
            "explored_runs": exploration?.runsExplored ?? 1, "failing_runs": exploration?.failingRuns ?? [],
            "shrunk": exploration?.failure?.shrunk ?? [],
            "exploration": exploration?.summary.jsonObject as Any? ?? NSNull(),
            "perturbation_file": exploration?.failure?.perturbationFile ?? NSNull(),
        ]
        if let e = exploration, e.share != .all { object["shard"] = e.share.description }
        if let d = determinism {
            object["not_deterministic"] = ["run": d.run, "runs": d.runs, "lines": d.difference.lines]
        }
        if let hang { object["hang"] = hang.jsonObject }
        return object
    }
}

/// A line of `vloop run`'s output and the stream it belongs on.
public struct SuiteLine: Sendable, Equatable, CustomStringConvertible {
    public enum Stream: Sendable, Equatable {
        /// A result: stdout, unless stdout carries something else (events, JSON).
        case status
        /// A diagnostic: always stderr.
        case diagnostic
    }

    public var text: String
    public var stream: Stream

    public init(_ text: String, _ stream: Stream) {
        self.text = text
        self.stream = stream
    }

    public var description: String { text }
}

/// The exploration of one trace: how many runs, which failed, and the first failure shrunk.
public struct ExplorationResult: Sendable {
    /// The settings explored under (the trace's `sim.explore` under the options).
    public var settings: ExploreSettings
    /// How many runs ran, run 0 included (fewer than `settings.runs` with `failFast`).
    public var runsExplored: Int
    /// The runs that broke a property, in order (only the first with `failFast`).
    public var failingRuns: [Int]
    /// The first failing run, shrunk; nil when every run held.
    public var failure: ExplorationFailure?
    /// What the runs tried and saw: distinct orderings, each property's tally, other statuses.
    public var summary: ExploreSummary
    /// The share of the runs replayed: every run, or one shard's (`SuiteOptions.runShare`).
    public var share = RunShare.all

    init(_ o: ExploreOutcome, path: String) {
        settings = o.settings
        summary = o.summary
        runsExplored = o.runsDone
        failingRuns = o.failingRuns
        failure = o.firstFailure.map { ExplorationFailure($0, settings: o.settings, path: path) }
    }
}

extension ExplorationResult {
    /// `200 runs explored (--seed 0 ...)`, or for a shard `50 of 200 runs explored as shard 2/4 (--seed 0 ...)`.
    var runsLine: String {
        if share == .all { return "\(runsExplored) runs explored (\(settings.flags))" }
        return "\(runsExplored) of \(settings.runs) runs explored as shard \(share) (\(settings.flags))"
    }
}

/// The first failing run of an exploration, shrunk to the fewest perturbations that still break it.
public struct ExplorationFailure: Sendable {
    /// Its index (0 is the nominal replay).
    public var run: Int
    /// What broke: the first failing property's message, or the unexpected status.
    public var broke: String
    /// The first event where the shrunk run's order of events left the nominal run's, in words.
    public var divergence: String?
    /// The events around it in both runs, one block each, with their virtual times.
    public var divergenceContext: [String]
    /// Every perturbation it drew that changed something, in words
    /// (`Task-1 main(): job work(3) on ThreadPoolExecutor-0_0 took 0.150421 s instead of 0.14 (line 13)`).
    public var perturbations: [String]
    /// The perturbations of the shrunk run, in words: each one needed, each at the smallest size found.
    public var shrunk: [String]
    /// The replays shrinking spent, and whether it reached its fixed point within its budget.
    public var shrinkReplays: Int
    public var shrinkFixedPoint: Bool
    /// The perturbation file that replays the shrunk run (`vloop run --perturbations FILE PATH`);
    /// nil for the nominal run.
    public var perturbationFile: String?
    /// The trace's path.
    public var path: String
    /// The command that replays the run exactly: `vloop run --seed 0 --strategy portfolio --depth 3 --jitter 0.5 --timer-lateness 0.5 --run 1 PATH`.
    public var replayCommand: String
    /// When a limit stopped the run (a livelock, `max-steps`): what it was doing.
    public var hang: HangReport?

    init(_ f: ExploreFailure, settings: ExploreSettings, path: String) {
        run = f.run
        broke = f.broke
        divergence = f.divergence
        divergenceContext = f.divergenceContext
        shrinkReplays = f.replays
        shrinkFixedPoint = f.fixedPoint
        self.path = path
        perturbations = f.perturbations.map(\.description)
        shrunk = f.shrunk.map(\.description)
        replayCommand = settings.replayCommand(run: f.run, path: path)
        hang = f.hang
    }

    /// The lines that report it, unindented.
    func lines(of e: ExplorationResult) -> [String] {
        let otherwise = e.summary.nominalFails ? " otherwise than the nominal run" : ""
        let strategy = e.settings.strategy == .portfolio ? " (\(e.settings.strategy.forRun(run)))" : ""
        var lines = ["run \(run) of seed \(e.settings.seed)\(strategy) broke\(otherwise): \(broke)"]
        if let h = hang { lines += h.explorationLines }
        let n = perturbations.count
        let how =
            shrinkFixedPoint
            ? "in \(shrinkReplays) replay\(shrinkReplays == 1 ? "" : "s")"
            : "(stopped after \(shrinkReplays) replays, short of a fixed point)"
        if shrunk.isEmpty {
            lines.append(
                "no perturbation is needed: it fails with all \(n) taken back (its `random` draws differ from the nominal run's)"
            )
        } else {
            lines.append("shrunk to \(shrunk.count) of its \(n) perturbation\(n == 1 ? "" : "s") \(how):")
            for p in shrunk { lines.append("  \(p)") }
        }
        if let d = divergence {
            lines.append("the shrunk run left the nominal run's order \(d)")
            for l in divergenceContext { lines.append("  \(l)") }
        }
        lines.append("replay: \(replayCommand)")
        if let file = perturbationFile {
            lines.append("replay the shrunk run: vloop run --perturbations \(file) \(path)")
        }
        lines.append(
            "\(e.failingRuns.count) of \(e.runsExplored) runs failed"
                + (e.share == .all
                    ? "" : " in shard \(e.share) (`vloop merge` and `vloop report --explorations` join the shards)"))
        return lines
    }
}

/// One run of an exploration replayed alone (`--run I`).
public struct ReplayedRun: Sendable {
    public var run: Int
    public var settings: ExploreSettings
    /// What the run perturbed, in words, in order.
    public var perturbations: [String]
    /// The perturbation file it was replayed from (`--perturbations`), if any.
    public var perturbationFile: String? = nil
}

/// Where a suite's runs were recorded.
public struct RecordedRuns: Sendable, Equatable {
    public var databasePath: String
    public var label: String
    /// The suite run's id in the database.
    public var suiteRunID: Int64
    /// Every run recorded, in the order written.
    public var runIDs: [Int64]
}

/// Every replay's objects, kept until the process exits (see `SuiteOptions.keepsRunsAlive`).
/// Only held, never read, so sharing it between threads is safe.
final class RetainedRuns: @unchecked Sendable {
    var reports: [RunReport] = []
}
