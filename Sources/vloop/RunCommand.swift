import ArgumentParser
import Foundation
import Properties
import Reports
import RunModel
import RunStore
import TraceLanguage
import VirtualLoop
import VLoop

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Replay traces, check their properties, and record the runs.",
        discussion: """
        Prints one line per trace with its status and virtual duration, then `N passed, N failed`. \
        A trace fails when a property breaks, when the run ends with a status no property expected \
        (an exception, a deadlock, a limit), or when it has errors (shown as file:line:column).

        Every run is recorded in the run database (--db; default $VLOOP_DB, else .vloop/runs.sqlite) \
        under a label (default: the git commit, with -dirty when tracked files have changes), \
        for `vloop runs`, `vloop show` and `vloop report`. --no-store records nothing.

        Examples:
          vloop run fixtures/seed fixtures/conformance
          vloop run --events fixtures/seed/run-create-task-results.trace
          vloop run --output --max-time 3600 my.trace
          vloop run --json fixtures/ > summary.json
          vloop run --label main --repeat 5 fixtures/    (5 wall-time samples each)
          vloop run --junit results.xml fixtures/        (JUnit XML for CI)
          vloop run --shard 2/4 --db shard2.sqlite fixtures/  (a quarter of them)
          vloop run --runs 1000 --jitter 0.5 fixtures/explore/response-races-timer.trace
          vloop run --seed 0 --jitter 0.5 --run 17 --events my.trace   (replays run 17)

        Exploring: a trace that calls sim.explore(...), or any of --runs, --jitter, --timer-jitter, \
        --shuffle-ready, is replayed under many perturbed worlds (run 0 is the nominal replay; every \
        run is recorded with its index); the first failing run is shrunk to the fewest perturbations \
        that still break it and shown with the command that replays it.
        """
    )

    @ArgumentParser.Argument(help: "Trace files or folders (searched recursively for *.trace).")
    var paths: [String] = ["."]

    @Flag(help: "Print each run's event log as JSON Lines on stdout (status lines go to stderr).")
    var events = false

    @Flag(help: "Echo what the traces print and log on stdout, as running them would.")
    var output = false

    @Flag(help: "Print the summary as JSON on stdout (status lines go to stderr).")
    var json = false

    @Option(help: "Stop a run after this many loop callbacks (status 'limit').")
    var maxSteps: Int = 10_000_000

    @Option(help: "Stop a run when the virtual clock would pass this many seconds.")
    var maxTime: Double = 86400

    @Option(help: "Bound the interpreted instructions of any single step.")
    var maxInstructions: Int = 100_000_000

    @Option(help: "The seed of the `random` module in traces.")
    var seed: Int = 0

    @Option(help: "Replay each trace this many times (wall-time samples for `vloop report`).")
    var `repeat`: Int = 1

    @OptionGroup var store: StoreOptions

    @Flag(help: "Do not record the runs.")
    var noStore = false

    @OptionGroup(title: "Exploring")
    var explore: ExploreOptions

    @Option(help: "The label the runs are recorded under (default: the git commit, with -dirty for changes).")
    var label: String?

    @Option(help: ArgumentHelp("Write the results as JUnit XML to this file.", valueName: "file"))
    var junit: String?

    @Option(help: ArgumentHelp("Replay only shard i of n: the sorted traces whose position is i modulo n (from 1).",
                               valueName: "i/n"))
    var shard: String?

    func validate() throws {
        if maxSteps < 1 { throw ValidationError("--max-steps must be at least 1") }
        if !(maxTime > 0) || !maxTime.isFinite { throw ValidationError("--max-time must be a positive number of seconds") }
        if maxInstructions < 1 { throw ValidationError("--max-instructions must be at least 1") }
        if seed < 0 { throw ValidationError("--seed must not be negative") }
        if `repeat` < 1 { throw ValidationError("--repeat must be at least 1") }
        if let label, label.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--label must not be empty") }
        if let shard, Self.parseShard(shard) == nil {
            throw ValidationError("--shard must be i/n with 1 <= i <= n, such as 1/4 (got '\(shard)')")
        }
    }

    static func parseShard(_ s: String) -> (index: Int, count: Int)? {
        let parts = s.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, i >= 1, i <= n else { return nil }
        return (i, n)
    }

    func run() throws {
        var traces = tracesOrExit(paths)
        if let shard, let (i, n) = Self.parseShard(shard) {
            traces = traces.enumerated().filter { $0.offset % n == i - 1 }.map(\.element)
        }
        let statusToStderr = events || json || output
        func status(_ s: String) {
            if statusToStderr { printError(s) } else { print(s) }
        }
        let limits = RunLimits(maxSteps: maxSteps, maxTime: maxTime, maxInstructions: maxInstructions)

        let startedAt = Date()
        var recorder: (store: RunStore, suiteRunID: Int64)?
        var suiteLabel = ""
        if !noStore {
            let db = store.open(.create)
            let suite = Provenance.suiteRun(label: label, arguments: Array(CommandLine.arguments.dropFirst()),
                                            shard: shard, harnessVersion: vloopVersion, startedAt: startedAt)
            suiteLabel = suite.label
            recorder = (db, orExit { try db.beginSuiteRun(suite) })
        }

        var passed = 0, failed = 0
        var summaries: [[String: Any]] = []
        var stored: [StoredRun] = []
        // Each run's objects are freed when the process exits, not one by one:
        // tearing down a run of a million objects costs as much as a fifth of running it.
        var finishedRuns: [RunReport] = []
        defer { withExtendedLifetime(finishedRuns) {} }
        for path in traces {
            let hash = Provenance.contentHash(FileManager.default.contents(atPath: path) ?? Data())
            // `./fixtures/a.trace` and `fixtures/a.trace` are one trace to the reports.
            var storedPath = Substring(path)
            while storedPath.hasPrefix("./") { storedPath = storedPath.dropFirst(2) }
            var runs: [StoredRun] = []
            var lastVerdict: Verdict?
            var lastReport: RunReport?
            var lastFile: SourceFile?
            var lastTrace: LoadedTrace?
            var settings: ExploreSettings?
            var settingsError: String?
            for _ in 0..<`repeat` {
                let runStarted = Date()
                let started = DispatchTime.now().uptimeNanoseconds
                switch TraceLoader.load(path: path) {
                case .failure(.unreadable(let why)):
                    exitUsage(why)
                case .failure(.invalid(let file, let diagnostics)):
                    let wall = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
                    if runs.isEmpty { for d in diagnostics { printError(d.rendered(in: file)) } }
                    runs.append(StoredRun(invalidTracePath: String(storedPath), traceHash: hash, seed: Int64(seed),
                                          errors: diagnostics.map(\.description), wallTime: wall, startedAt: runStarted))
                case .success(let trace):
                    var report = TraceRunner.run(trace.compiled, limits: limits, seed: UInt64(seed),
                                                 recordingTaskSteps: !noStore)
                    var runIndex = 0
                    if settings == nil && settingsError == nil && (explore.requested || !report.exploreSettings.isEmpty) {
                        do {
                            settings = try explore.settings(trace: report.exploreSettings, seed: UInt64(seed))
                        } catch {
                            settingsError = "\(error)"
                        }
                    }
                    if let i = explore.run, i > 0, let s = settings {
                        report = TraceRunner.run(trace.compiled, limits: limits, seed: UInt64(seed),
                                                 perturbation: s.perturbation(run: i), recordingTaskSteps: !noStore)
                        runIndex = i
                    }
                    var verdict = PropertyChecker.check(report)
                    if let e = settingsError {
                        verdict.passed = false
                        verdict.problems.append(e)
                    }
                    let wall = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
                    runs.append(StoredRun(tracePath: String(storedPath), traceHash: hash, seed: Int64(seed),
                                          runIndex: runIndex, report: report, verdict: verdict, wallTime: wall,
                                          startedAt: runStarted, detail: recorder != nil || junit != nil))
                    lastTrace = trace
                    finishedRuns.append(report)
                    lastVerdict = verdict
                    lastReport = report
                    lastFile = trace.file
                }
                if let (db, suiteID) = recorder {
                    runs[runs.count - 1].id = orExit { try db.write(runs[runs.count - 1], suiteRunID: suiteID) }
                }
            }
            // Exploring: runs 1..<N of perturbed worlds, each recorded with its index.
            var outcome: ExploreOutcome?
            if let s = settings, explore.run == nil, s.runs > 1, let trace = lastTrace, let nominal = lastReport,
               lastVerdict?.passed == true {
                let bar = ProgressBar(total: s.runs, label: path)
                let lock = NSLock()
                outcome = Explorer.explore(trace.compiled, limits: limits, settings: s, nominal: nominal,
                                           jobs: explore.jobs, failFast: explore.failFast,
                                           progress: { bar.update($0) },
                                           onRun: { i, report, verdict, wall in
                    let run = StoredRun(tracePath: String(storedPath), traceHash: hash, seed: Int64(seed), runIndex: i,
                                        report: report, verdict: verdict, wallTime: wall,
                                        startedAt: Date(), detail: recorder != nil)
                    lock.lock()
                    defer { lock.unlock() }
                    var r = run
                    if let (db, suiteID) = recorder { r.id = orExit { try db.write(run, suiteRunID: suiteID) } }
                    runs.append(r)
                })
                bar.clear()
            }
            stored += runs
            let tracePassed = runs.allSatisfy(\.passed) && outcome?.firstFailure == nil
            if tracePassed { passed += 1 } else { failed += 1 }
            let first = runs[0]
            let walls = runs.map(\.wallTime).sorted()
            let wallText = formatMillis(walls[walls.count / 2]) + (`repeat` > 1 ? " (median of \(`repeat`))" : "")
            guard let report = lastReport, let verdict = lastVerdict, let file = lastFile else {
                let n = first.problems.count
                status("FAIL  \(path)  (\(n) error\(n == 1 ? "" : "s"))")
                summaries.append(["trace": path, "passed": false, "status": "invalid", "errors": first.problems,
                                  "run_ids": runs.compactMap(\.id)])
                continue
            }
            if events {
                var out = ""
                for e in report.events { out += e.jsonLine + "\n" }
                FileHandle.standardOutput.write(out.data(using: .utf8)!)
            }
            if output {
                var out = ""
                for e in report.events where e.kind == .print || e.kind == .log { out += (e.text ?? "") + "\n" }
                FileHandle.standardOutput.write(out.data(using: .utf8)!)
            }
            var line = "\(tracePassed ? "PASS" : "FAIL")  \(path)  \(report.status), \(floatRepr(report.elapsed)) s virtual, \(report.steps) steps"
            if let o = outcome {
                line += ", \(o.runsDone) runs explored (\(o.settings.flags))"
            } else if let i = explore.run, let s = settings {
                line += ", run \(i) of \(s.flags)"
            }
            status(line + ", \(wallText)")
            if let f = outcome?.firstFailure {
                for l in describeFailure(f, outcome: outcome!, path: path) { status("      \(l)") }
            }
            if explore.run != nil {
                for p in report.perturbations { status("      perturbed: \(p.description)") }
            }
            for r in verdict.results where !r.passed { status("      \(r.message)") }
            for p in verdict.problems { status("      \(p)") }
            if report.status == "exception", let tb = report.traceback(file: file), !verdict.passed {
                status(tb.split(separator: "\n").map { "      " + $0 }.joined(separator: "\n"))
            }
            // What CPython's asyncio would log (never-retrieved exceptions, coroutines never
            // awaited, exceptions in callbacks): not events, shown after the trace's line.
            for n in report.notes { printError("      note: \(n)") }
            if verdict.passed {
                for w in verdict.warnings { printError("      warning: \(w)") }
            } else if report.status == "deadlock" {
                for t in report.pendingTasks { status("      deadlock: \(t.name) awaits \(t.awaiting)") }
            }
            summaries.append([
                "trace": path, "passed": tracePassed, "status": report.status, "value": report.value,
                "elapsed": report.elapsed, "steps": report.steps, "wall_seconds": walls[walls.count / 2],
                "properties": verdict.results.map { ["name": $0.name, "line": $0.line, "passed": $0.passed, "message": $0.message] },
                "problems": verdict.problems, "notes": report.notes, "run_ids": runs.compactMap(\.id),
                "explored_runs": outcome?.runsDone ?? 1, "failing_runs": outcome?.failingRuns ?? [],
                "shrunk": outcome?.firstFailure?.shrunk.map(\.description) ?? [],
            ])
        }
        if let (db, suiteID) = recorder {
            orExit { try db.finishSuiteRun(id: suiteID, at: Date()) }
            // Closing checkpoints the write-ahead log into the file, so that the
            // file alone (a CI artifact, a shard to merge) holds every run.
            orExit { try db.close() }
            let ids = stored.compactMap(\.id)
            if let lo = ids.min(), let hi = ids.max() {
                printError("recorded \(ids.count) run\(ids.count == 1 ? "" : "s") (\(lo == hi ? "\(lo)" : "\(lo)–\(hi)")) in \(db.path) as \(suiteLabel); `vloop runs` lists them")
            }
        }
        if let junit {
            let name = "vloop run " + paths.joined(separator: " ")
            // One test case per trace: its repetitions are samples of one test, not tests.
            var perTrace: [String: StoredRun] = [:]
            for r in stored { perTrace[r.tracePath] = r }
            let cases = unique(stored.map(\.tracePath)).map { perTrace[$0]! }
            writeFile(JUnitReport().render(runs: cases, suiteName: name, timestamp: startedAt), to: junit)
        }
        let closing = "\(passed) passed, \(failed) failed"
        if json {
            let doc: [String: Any] = ["passed": passed, "failed": failed, "traces": summaries]
            let data = try JSONSerialization.data(withJSONObject: doc, options: [.prettyPrinted, .sortedKeys])
            FileHandle.standardOutput.write(data + "\n".data(using: .utf8)!)
            printError(closing)
        } else {
            status(closing)
        }
        fflush(stdout)
        Foundation.exit(failed > 0 ? 1 : 0)
    }
}

func formatMillis(_ seconds: Double) -> String {
    duration(seconds)
}

func unique(_ xs: [String]) -> [String] {
    var seen = Set<String>()
    return xs.filter { seen.insert($0).inserted }
}
