import PyRuntime
import RunModel
import TraceLanguage
import VirtualLoop

/// Checks the `expect.*` properties of a run against its event log
/// (TRACE_LANGUAGE.md, "Properties: `expect`"), with the verdicts of the
/// reference runner's `--check` (`reference/vloop_reference.py`).
///
///     let report = TraceRunner.run(compiled)
///     let verdict = PropertyChecker.check(report)
///     for r in verdict.results where !r.passed { print("FAIL \(r)") }
///     // FAIL expect.order (line 14): 'b finished' (first at t=1.0, event 3) came before 'a finished' (...)
public enum PropertyChecker {
    /// Checks every property the run recorded, and whether its status was expected.
    public static func check(_ report: RunReport) -> Verdict {
        check(
            events: report.events, status: report.status, value: report.value, elapsed: report.elapsed,
            properties: report.properties, blockings: report.blockings, pendingTasks: report.pendingTasks,
            lastResult: report.lastResult, interpreter: report.interpreter, hang: report.hang)
    }

    /// The checker over the parts of a run it reads, for callers (and tests)
    /// that have no `RunReport`.
    ///
    /// - Parameters:
    ///   - events: the event log, `run_end` last.
    ///   - status: how the run ended.
    ///   - value: the `value` of `run_end` (`Type: message` for `exception`).
    ///   - elapsed: the virtual clock at the end (the `t` of `run_end`).
    ///   - properties: the `expect.*` calls, in the order they ran.
    ///   - blockings: the callbacks that advanced the clock, and by how much.
    ///   - pendingTasks: the tasks not done at the end, in creation order.
    ///   - lastResult: what the last `run`/`run_until_complete` returned.
    ///   - interpreter: the run's interpreter, for `==`, `str` and `repr` of its values.
    ///   - hang: for a run a limit stopped, what it was doing (named in the problems when no property expected it).
    public static func check(
        events: [TraceEvent], status: RunStatus, value: String, elapsed: Double,
        properties: [PropertyCall], blockings: [Blocking], pendingTasks: [PendingTask],
        lastResult: Value, interpreter: Interpreter, hang: HangReport? = nil
    ) -> Verdict {
        let run = CheckedRun(
            events: events, status: status, value: value, elapsed: elapsed,
            blockings: blockings, pendingTasks: pendingTasks, lastResult: lastResult,
            vm: interpreter)
        let results = properties.map { run.evaluate($0) }

        // The reference's rule: `ok`, or `exception` with any expect.raises in the
        // trace (a wrong one fails by itself), or an expect.status that holds.
        let expected =
            status == .ok
            || (status == .exception && properties.contains { $0.name == "raises" })
            || zip(properties, results).contains { $0.0.name == "status" && $0.1.passed }
        var problems: [String] = []
        if !expected {
            problems.append(unexpectedStatus(status, value, hang: hang))
            problems += hang?.lines ?? []
        }

        var warnings: [String] = []
        if !properties.contains(where: { $0.name == "all_done" }) {
            warnings += leftBehind(status, value, pendingTasks)
        }
        return Verdict(
            passed: expected && results.allSatisfy(\.passed), results: results,
            problems: problems, warnings: warnings)
    }

    /// One property over a finished run's log, as `expect.<name>(args...)` would check
    /// it: nil when it holds, else the message `expect.*` gives after its
    /// `expect.<name> (line N): ` prefix. The properties that read only the log,
    /// status and duration (`order`, `before`, `never`, `at`, `elapsed`,
    /// `concurrency`, `output`, `status`, `raises`) are checked exactly as in a trace.
    package static func failure(
        of name: String, _ args: [Value], keywords: [(String, Value)] = [],
        events: [TraceEvent], status: RunStatus, value: String, elapsed: Double, interpreter: Interpreter
    ) -> String? {
        let run = CheckedRun(
            events: events, status: status, value: value, elapsed: elapsed,
            blockings: [], pendingTasks: [], lastResult: .none, vm: interpreter)
        return run.failure(name, args, keywords)
    }

    private static func unexpectedStatus(_ status: RunStatus, _ value: String, hang: HangReport?) -> String {
        let fix: String
        switch status {
        case .exception:
            let type = exceptionTypeName(value)
            fix = "add expect.raises('\(type)') if the trace means to raise, or catch it"
        case .deadlock:
            fix =
                "every task left waits for something that never happens; "
                + "add expect.status('deadlock') if that is the point of the trace"
        case .limit where hang?.reason == "livelock":
            fix =
                "\(hang!.summary); the trace loops forever: make the loop wait for what it polls, "
                + "raise --livelock-steps or pass --no-livelock-detection if it does progress unseen, "
                + "or add expect.status('limit') if that is the point of the trace"
        case .limit where value == "'max-memory'":
            let what = hang.map { "\($0.summary); " } ?? ""
            fix =
                "\(what)the memory the run added passed its budget: keep less, or raise --max-memory "
                + "(docs/LIMITS.md), or add expect.status('limit') if that is the point of the trace"
        case .limit:
            let what = hang.map { "\($0.summary); " } ?? ""
            fix =
                "\(what)the trace may loop forever; raise --max-steps/--max-time, "
                + "or add expect.status('limit') if that is the point of the trace"
        case .ok:
            fix = "add expect.status('ok') if that is expected"
        }
        return "the run ended with status '\(status)' (\(value)) and no property expected it: \(fix)"
    }

    private static func leftBehind(_ status: RunStatus, _ value: String, _ pending: [PendingTask]) -> [String] {
        if status == .deadlock {
            if pending.isEmpty { return ["the run deadlocked with no task pending (\(value))"] }
            return ["the run deadlocked: \(describePending(pending)) never finished"]
        }
        if pending.isEmpty { return [] }
        let n = pending.count
        return [
            "\(n) task\(n == 1 ? " was" : "s were") left pending at the end: \(describePending(pending)) "
                + "(add expect.all_done() to make this a failure)"
        ]
    }
}

/// `Task-2 (awaiting task Task-3), Task-3 (awaiting a future that nothing resolves)`.
func describePending(_ pending: [PendingTask]) -> String {
    pending.map { $0.awaiting.isEmpty ? $0.name : "\($0.name) (awaiting \($0.awaiting))" }
        .joined(separator: ", ")
}

/// The type name of a `Type: message` exception summary (`Type` alone when the message is empty).
func exceptionTypeName(_ summary: String) -> String {
    guard let r = summary.range(of: ": ") else { return summary }
    return String(summary[..<r.lowerBound])
}
