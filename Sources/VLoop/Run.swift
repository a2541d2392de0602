import Properties
import RunModel
import VirtualLoop

/// One event of a run's log: RunModel's `TraceEvent` itself (a typealias, not
/// a copy), with `time` and `context` as readable names for its `t` and `ctx`.
///
/// `kind` is `.print`, `.log`, `.taskDone` or `.runEnd`; `text` is what was
/// printed or logged; a `task_done` event has the task's `state` and `value`,
/// the `run_end` event (always last) the run's `status` and `value`.
public typealias Event = TraceEvent

extension TraceEvent {
    /// The virtual time of the event, in seconds (`t`).
    public var time: Double { t }
    /// The task the event happened in (`Task-2`), nil outside any task (`ctx`).
    public var context: String? { ctx }
}

/// One replay of a ``Trace``: everything it produced, as plain values.
///
/// A `Run` is copied out of the replay's world when the replay ends and keeps
/// nothing of it alive: it is `Sendable`, `Equatable`, and safe to keep, compare
/// and pass between tasks. Two replays of the same trace with the same
/// arguments are equal.
///
///     let run = try Trace(source: "print('hi')\nexpect.output(['hi'])", name: "hi.trace").replay()
///     #expect(run.status == .ok)
///     #expect(run.output == ["hi"])
///     #expect(run.passed, "\(run.properties.filter { !$0.passed }.map(\.message))")
public struct Run: Sendable, Equatable {
    /// The name of the trace replayed.
    public var traceName: String
    /// The seed of its `random` module (and of its perturbations).
    public var seed: UInt64
    /// Which run of an exploration it is; 0 for the nominal replay.
    public var runIndex: Int
    /// How the run ended.
    public var status: RunStatus
    /// The `value` of `run_end`: the `repr` of what `asyncio.run` last returned,
    /// `Type: message` for an exception, the pending tasks for a deadlock, the limit's name.
    public var value: String
    /// The texts printed and logged, in order (the `text` of the `print` and `log` events).
    public var output: [String]
    /// The whole event log, `run_end` last.
    public var events: [Event]
    /// The virtual clock at the end, in seconds.
    public var elapsed: Double
    /// The loop callbacks run.
    public var steps: Int
    /// Every task's lifecycle, in creation order.
    public var tasks: [TaskRecord]
    /// Every executor job, in order of submission.
    public var jobs: [JobRecord]
    /// Every connection to a simulated peer.
    public var connections: [ConnectionRecord]
    /// One result per `expect.*` statement, in the order they ran: name, line, passed, message.
    public var properties: [PropertyResult]
    /// Every property held and the run ended as expected (`ok`, or as an
    /// `expect.status`/`expect.raises` says): what `vloop run` calls PASS.
    public var passed: Bool
    /// Why the run fails besides its properties: a status nothing expected, bad exploration settings.
    public var problems: [String]
    /// Deadlocks and pending tasks that no `expect.all_done()` checked.
    public var warnings: [String]
    /// What CPython's asyncio would have logged (exceptions never retrieved, tasks destroyed pending).
    public var notes: [String]
    /// What this run perturbed, in words, in order; empty for the nominal replay.
    public var perturbations: [String]
    /// The tasks left pending at the end, with what each awaited.
    public var pendingTasks: [PendingTask]
    /// The traceback of the exception that escaped the trace, as Python prints it; nil unless `status` is `.exception`.
    public var traceback: String?
    /// The `vloop run` command that replays this run, for a run replayed from an
    /// exploration (``Exploration/replay(run:of:limits:)``); nil otherwise.
    /// A failing ``Check`` on the run shows it.
    public var replayCommand: String?

    /// Copies what a replay produced, and checks its properties.
    init(_ report: RunReport, trace: Trace, seed: UInt64, runIndex: Int, problem: String? = nil) {
        var verdict = PropertyChecker.check(report)
        if let problem {
            verdict.passed = false
            verdict.problems.append(problem)
        }
        traceName = trace.name
        self.seed = seed
        self.runIndex = runIndex
        status = report.status
        value = report.value
        events = report.events
        output = report.events.compactMap { e in e.kind == .print || e.kind == .log ? e.text : nil }
        elapsed = report.elapsed
        steps = report.steps
        tasks = report.tasks
        jobs = report.jobs
        connections = report.connections
        properties = verdict.results
        passed = verdict.passed
        problems = verdict.problems
        warnings = verdict.warnings
        notes = report.notes
        perturbations = report.perturbations.map { $0.explained(sources: trace.loaded.sourceFiles) }
        pendingTasks = report.pendingTasks
        traceback = report.traceback(files: trace.loaded.sourceFiles)
    }

    /// The properties that failed.
    public var failedProperties: [PropertyResult] { properties.filter { !$0.passed } }
}
