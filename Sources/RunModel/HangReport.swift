/// Why a run that hit a limit hung, in the terms a user fixes it in: the
/// tasks that ran in its last steps with what each did most (the spinning
/// ones), and every pending task with what it awaits (docs/EXPLORING.md,
/// "Hangs named").
public struct HangReport: Sendable, Equatable {
    /// The limit that stopped the run: `max-steps`, `max-time`, `max-instructions`, `max-memory` or `livelock`.
    public var reason: String
    /// How many loop steps the report looked back over (at most `HangReport.window`).
    public var window: Int
    /// For a livelock, how many steps ran without progress before the run was stopped.
    public var stepsWithoutProgress: Int
    /// The tasks that stepped in the window, most steps first (ties: creation order).
    public var spinning: [SpinningTask]
    /// Where the run was when the limit hit, when it was inside a frame of
    /// the trace (`while True: pass` hitting `max-instructions`): `main() at line 4`.
    public var stoppedAt: String?
    /// Every task left pending, in creation order, with what it awaits.
    public var pending: [PendingTask]

    /// How many of the last steps a hang report looks back over.
    public static let window = 1000

    public init(
        reason: String, window: Int, stepsWithoutProgress: Int = 0, spinning: [SpinningTask],
        stoppedAt: String? = nil, pending: [PendingTask]
    ) {
        self.reason = reason
        self.window = window
        self.stepsWithoutProgress = stepsWithoutProgress
        self.spinning = spinning
        self.stoppedAt = stoppedAt
        self.pending = pending
    }

    /// One line on what the run was doing, for the message of its status:
    /// `it spent its last 1000 steps in Task-2 poll() (500, at line 5), Task-3 poll() (500, at line 9)`.
    public var summary: String {
        var parts: [String] = []
        if reason == "livelock" {
            parts.append(
                "\(stepsWithoutProgress) steps passed with no print, log, task created or done, job or I/O, "
                    + "and the tasks returned to the same state")
        }
        if !spinning.isEmpty {
            let shown = spinning.prefix(3).map { "\($0.name) \($0.coroutine) (\($0.steps), at \($0.position))" }
            let more = spinning.count > 3 ? " and \(spinning.count - 3) more" : ""
            parts.append(
                "its last \(window) step\(window == 1 ? "" : "s") ran \(shown.joined(separator: ", "))\(more)")
        } else if window > 0 {
            parts.append("no task ran in its last \(window) step\(window == 1 ? "" : "s")")
        }
        if let at = stoppedAt { parts.append("it was running \(at)") }
        return parts.joined(separator: "; ")
    }

    /// The lines that detail it, unindented: one per spinning task, then one per pending task.
    public var lines: [String] {
        spinning.map { "spinning: \($0)" } + pending.map { "pending: \($0.name) awaits \($0.awaiting)" }
    }
}

/// A task that ran in the last steps of a hung run, and what it did most.
public struct SpinningTask: Sendable, Equatable, CustomStringConvertible {
    public var name: String
    /// Its coroutine's name, with parentheses: `poll()`.
    public var coroutine: String
    /// How many of the window's steps were its steps.
    public var steps: Int
    /// The position it resumed at most often (in its own coroutine: the
    /// `await` it was suspended at), in words: `line 5`, `pkg/mod.py line 5`.
    public var position: String
    /// How many of its steps resumed there.
    public var stepsAtPosition: Int
    /// Where it is suspended now, innermost frame first in words (`line 12 in fetch()`); nil when unknown.
    public var now: String?

    public init(name: String, coroutine: String, steps: Int, position: String, stepsAtPosition: Int, now: String?) {
        self.name = name
        self.coroutine = coroutine
        self.steps = steps
        self.position = position
        self.stepsAtPosition = stepsAtPosition
        self.now = now
    }

    /// `Task-2 poll(): 500 steps, 500 of them resumed at line 5; now at line 5 in poll()`.
    public var description: String {
        var s =
            "\(name) \(coroutine): \(steps) step\(steps == 1 ? "" : "s"), "
            + "\(stepsAtPosition) of them resumed at \(position)"
        if let now { s += "; now at \(now)" }
        return s
    }
}
