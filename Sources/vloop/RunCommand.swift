import ArgumentParser
import Foundation
import Properties
import TraceLanguage
import VirtualLoop

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Replay traces and check their properties.",
        discussion: """
        Prints one line per trace with its status and virtual duration, then `N passed, N failed`. \
        A trace fails when a property breaks, when the run ends with a status no property expected \
        (an exception, a deadlock, a limit), or when it has errors (shown as file:line:column).

        Examples:
          vloop run fixtures/seed fixtures/conformance
          vloop run --events fixtures/seed/run-create-task-results.trace
          vloop run --output --max-time 3600 my.trace
          vloop run --json fixtures/ > summary.json
          vloop run --runs 1000 --jitter 0.5 fixtures/explore/response-races-timer.trace
          vloop run --seed 0 --jitter 0.5 --run 17 --events my.trace   (replays run 17 exactly)

        Exploring: a trace that calls sim.explore(...), or any of --runs, --jitter, --timer-jitter, \
        --shuffle-ready, is replayed under many perturbed worlds (run 0 is the nominal replay); the \
        first failing run is shrunk to the fewest perturbations that still break it and shown with \
        the command that replays it.
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

    @Flag(help: "Do not record the runs (accepted now; runs are not stored yet).")
    var noStore = false

    @OptionGroup(title: "Exploring")
    var explore: ExploreOptions

    func validate() throws {
        if maxSteps < 1 { throw ValidationError("--max-steps must be at least 1") }
        if !(maxTime > 0) || !maxTime.isFinite { throw ValidationError("--max-time must be a positive number of seconds") }
        if maxInstructions < 1 { throw ValidationError("--max-instructions must be at least 1") }
        if seed < 0 { throw ValidationError("--seed must not be negative") }
    }

    func run() throws {
        let traces = tracesOrExit(paths)
        let statusToStderr = events || json || output
        func status(_ s: String) {
            if statusToStderr { printError(s) } else { print(s) }
        }
        let limits = RunLimits(maxSteps: maxSteps, maxTime: maxTime, maxInstructions: maxInstructions)
        var passed = 0, failed = 0
        var summaries: [[String: Any]] = []
        // Each run's objects are freed when the process exits, not one by one:
        // tearing down a run of a million objects costs as much as a fifth of running it.
        var finishedRuns: [RunReport] = []
        defer { withExtendedLifetime(finishedRuns) {} }
        for path in traces {
            let started = DispatchTime.now().uptimeNanoseconds
            switch TraceLoader.load(path: path) {
            case .failure(.unreadable(let why)):
                exitUsage(why)
            case .failure(.invalid(let file, let diagnostics)):
                failed += 1
                for d in diagnostics { printError(d.rendered(in: file)) }
                status("FAIL  \(path)  (\(diagnostics.count) error\(diagnostics.count == 1 ? "" : "s"))")
                summaries.append(["trace": path, "passed": false, "status": "invalid",
                                  "errors": diagnostics.map(\.description)])
            case .success(let trace):
                var report = TraceRunner.run(trace.compiled, limits: limits, seed: UInt64(seed))
                var settings: ExploreSettings?
                if explore.requested || !report.exploreSettings.isEmpty {
                    do {
                        settings = try explore.settings(trace: report.exploreSettings, seed: UInt64(seed))
                    } catch {
                        failed += 1
                        status("FAIL  \(path)  \(error)")
                        summaries.append(["trace": path, "passed": false, "status": "invalid", "errors": ["\(error)"]])
                        continue
                    }
                }
                if let i = explore.run, i > 0, let s = settings {
                    report = TraceRunner.run(trace.compiled, limits: limits, seed: UInt64(seed),
                                             perturbation: s.perturbation(run: i))
                }
                let wall = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
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
                var verdict = PropertyChecker.check(report)
                finishedRuns.append(report)
                var outcome: ExploreOutcome?
                if let s = settings, explore.run == nil, s.runs > 1, verdict.passed {
                    let bar = ProgressBar(total: s.runs, label: path)
                    outcome = Explorer.explore(trace.compiled, limits: limits, settings: s, nominal: report,
                                               jobs: explore.jobs, failFast: explore.failFast,
                                               progress: { bar.update($0) })
                    bar.clear()
                    if outcome?.firstFailure != nil { verdict.passed = false }
                }
                if verdict.passed { passed += 1 } else { failed += 1 }
                var line = "\(verdict.passed ? "PASS" : "FAIL")  \(path)  \(report.status), \(floatRepr(report.elapsed)) s virtual, \(report.steps) steps"
                if let o = outcome {
                    line += ", \(o.runsDone) runs explored (\(o.settings.flags))"
                } else if let i = explore.run, let s = settings {
                    line += ", run \(i) of \(s.flags)"
                }
                status(line + ", \(formatMillis(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9))")
                if let f = outcome?.firstFailure {
                    for l in describeFailure(f, outcome: outcome!, path: path) { status("      \(l)") }
                }
                if explore.run != nil {
                    for p in report.perturbations { status("      perturbed: \(p.description)") }
                }
                for r in verdict.results where !r.passed { status("      \(r.message)") }
                for p in verdict.problems { status("      \(p)") }
                if report.status == "exception", let tb = report.traceback(file: trace.file), !verdict.passed {
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
                    "trace": path, "passed": verdict.passed, "status": report.status, "value": report.value,
                    "elapsed": report.elapsed, "steps": report.steps, "wall_seconds": wall,
                    "properties": verdict.results.map { ["name": $0.name, "line": $0.line, "passed": $0.passed, "message": $0.message] },
                    "problems": verdict.problems, "notes": report.notes,
                    "explored_runs": outcome?.runsDone ?? 1, "failing_runs": outcome?.failingRuns ?? [],
                    "shrunk": outcome?.firstFailure?.shrunk.map(\.description) ?? [],
                ])
            }
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
    let ms = seconds * 1000
    if ms < 10 { return String(format: "%.2f ms", ms) }
    if ms < 1000 { return String(format: "%.0f ms", ms) }
    return String(format: "%.2f s", seconds)
}
