import RunModel

extension HangReport {
    /// The `hang` object of a trace in `vloop run --json`: the limit, the
    /// steps looked at, the spinning tasks and the pending ones.
    var jsonObject: [String: Any] {
        var object: [String: Any] = [
            "reason": reason, "window": window, "summary": summary,
            "spinning": spinning.map {
                var task: [String: Any] = [
                    "task": $0.name, "coroutine": $0.coroutine, "steps": $0.steps, "position": $0.position,
                    "steps_at_position": $0.stepsAtPosition,
                ]
                if let now = $0.now { task["now"] = now }
                return task
            },
            "pending": pending.map { ["task": $0.name, "awaits": $0.awaiting] },
        ]
        if reason == "livelock" { object["steps_without_progress"] = stepsWithoutProgress }
        if let stoppedAt { object["stopped_at"] = stoppedAt }
        return object
    }
}

extension HangReport {
    /// How the exploration report says that a failing run hung: its limit and
    /// summary, then the spinning and pending tasks, indented.
    var explorationLines: [String] {
        ["it hung (limit '\(reason)'): \(summary)"] + lines.map { "  " + $0 }
    }
}
