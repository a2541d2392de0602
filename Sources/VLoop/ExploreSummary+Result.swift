import Foundation
import Properties
import Reports
import RunModel

extension ExploreSummary {
    /// The summary's object in `vloop run --json` (`exploration` of a trace).
    var jsonObject: [String: Any] {
        var object: [String: Any] = [
            "runs": runs, "distinct_orderings": distinctOrderings, "nominal_orderings": nominalOrderings,
            "perturbations": perturbations, "perturbed_runs": perturbedRuns,
            "nominal": ["status": nominalStatus.rawValue, "passed": !nominalFails, "failures": nominalFailures],
            "properties": properties.map { p -> [String: Any] in
                var o: [String: Any] = ["name": p.name, "line": p.line, "held": p.held, "broke": p.broke]
                if let r = p.firstFailingRun { o["first_failing_run"] = r }
                if let m = p.firstMessage { o["first_message"] = m }
                return o
            },
            "statuses": statuses.map {
                ["status": $0.status.rawValue, "value": $0.value, "runs": $0.runs, "first_run": $0.firstRun]
            },
            "vacuous": vacuous.map { v -> [String: Any] in
                [
                    "name": v.name, "line": v.line,
                    "patterns": v.unmatched.map { ["pattern": $0.pattern, "closest": $0.closest.map(\.text)] },
                ]
            },
        ]
        if let t = taskExceptions {
            object["task_exceptions"] = [
                "runs": t.runs, "notes": t.notes, "first_run": t.firstRun, "first_note": t.firstNote,
            ]
        }
        return object
    }
}

extension [PropertyResult] {
    /// Fails each property that held only vacuously over an exploration, with
    /// the summary's message (its patterns matched no event in any run).
    mutating func markVacuous(_ summary: ExploreSummary) {
        for v in summary.vacuous {
            guard let i = firstIndex(where: { $0.name == v.name && $0.line == v.line && $0.column == v.column })
            else { continue }
            self[i].passed = false
            self[i].failedAsVacuous = true
            self[i].unmatched = v.unmatched
            self[i].message = v.text(runs: summary.runs)
        }
    }
}

/// What JUnit shows of each explored trace, by the path its runs are stored under:
/// the summary's lines and the first failure, and whether the trace failed.
func junitNotes(_ results: [TraceResult]) -> [String: JUnitReport.TraceNote] {
    var notes: [String: JUnitReport.TraceNote] = [:]
    for t in results {
        guard let e = t.exploration else { continue }
        var path = Substring(t.path)
        while path.hasPrefix("./") { path = path.dropFirst(2) }
        var failures = t.properties.filter { !$0.passed }.map(\.message) + t.problems
        if let f = e.failure { failures += f.lines(of: e) }
        notes[String(path)] = JUnitReport.TraceNote(
            failed: !t.passed, failures: failures, lines: e.summary.lines(settings: e.settings, verbose: true))
    }
    return notes
}
