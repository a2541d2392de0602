import PyRuntime
import RunModel

/// What the recorder keeps about a run beside its event log: each task's
/// lifecycle, each executor job, each connection's traffic. These are not
/// events (the event log's format is fixed by TRACE_LANGUAGE.md and compared
/// byte for byte with CPython's); they feed the run store and the timelines
/// of the reports.

/// What one run records: the event log, the notes, and the records beside
/// it. Appends happen only while `recording`; once the run has stopped
/// (a top-level failure, a deadlock, a limit), nothing more is recorded.
public final class Recorder {
    /// The event log. Appended only while `recording`.
    @exclusivity(unchecked) public package(set) var events: [TraceEvent] = []
    /// False once the run has stopped: nothing more is recorded.
    package var recording = true {
        didSet { noteSink.open = recording }
    }
    /// Notes about the run (never-retrieved exceptions, warnings); not events.
    public var notes: [String] { noteSink.items }
    /// Where notes go; shared with objects that may outlive the world.
    public let noteSink = NoteSink()
    /// The callbacks and steps that advanced the clock, for `expect.max_blocking`.
    @exclusivity(unchecked) public package(set) var blockings: [Blocking] = []
    /// Each task's steps at new instants, in order (see `taskRecords`),
    /// when `recordsTaskSteps`.
    @exclusivity(unchecked) package var stepLog: [StepMark] = []
    @exclusivity(unchecked) package var recordsTaskSteps = true
    /// Every executor job and every connection of the run.
    @exclusivity(unchecked) public package(set) var jobs: [JobRecord] = []
    @exclusivity(unchecked) public package(set) var connections: [ConnectionRecord] = []

    package init() {}
}

extension PyTask {
    /// `result`, `exception`, `cancelled` or `pending`, as `task_done` names
    /// them, without the cost of `repr` of the result.
    package var lifecycleState: String {
        switch state {
        case .pending: return "pending"
        case .cancelled: return "cancelled"
        case .finished: return exception == nil ? "result" : "exception"
        }
    }
}

/// A task stepping at an instant it had not stepped at before. One log for
/// the whole run (rather than an array per task) keeps the hot path to one
/// comparison and an amortised append.
package struct StepMark {
    package let task: Int
    package let t: Double
}

extension World {
    /// The lifecycle of every task of the run, in creation order.
    /// Without `recorder.recordsTaskSteps`, each record's `stepTimes` is empty
    /// (its `firstStep` and `steps` are there all the same).
    public var taskRecords: [TaskRecord] {
        guard recorder.recordsTaskSteps else { return asyncio.allTasks.map { taskRecord($0, stepTimes: []) } }
        // Each task's instants, gathered from the one log in two passes (count, then fill).
        var slot = [Int](repeating: -1, count: asyncio.taskSerial + 1)
        for (i, t) in asyncio.allTasks.enumerated() { slot[t.serial] = i }
        var counts = [Int](repeating: 0, count: asyncio.allTasks.count)
        for mark in recorder.stepLog where slot[mark.task] >= 0 { counts[slot[mark.task]] += 1 }
        var times = counts.map { n -> [Double] in
            var a: [Double] = []
            a.reserveCapacity(n)
            return a
        }
        for mark in recorder.stepLog where slot[mark.task] >= 0 { times[slot[mark.task]].append(mark.t) }
        return asyncio.allTasks.enumerated().map { i, t in taskRecord(t, stepTimes: times[i]) }
    }

    private func taskRecord(_ t: PyTask, stepTimes: [Double]) -> TaskRecord {
        TaskRecord(
            name: t.name, created: t.createdAt, firstStep: t.firstStepAt.isNaN ? nil : t.firstStepAt,
            done: t.doneAt.isNaN ? nil : t.doneAt, state: t.lifecycleState, steps: t.stepCount,
            stepTimes: stepTimes, coroutine: t.call?.text, exception: t.exceptionText)
    }
}

extension World {
    /// The recorder's primitives for the concurrent.futures prelude.
    package func recorderPrimitives() -> [String: Value] {
        return [
            "_job_queued": preludeBuiltin("_job_queued") { [unowned self] args, vm in
                let label = try self.describeCall(args[1], args[2], args[3], vm)
                self.recorder.jobs.append(JobRecord(executor: try vm.str(args[0]), job: label, queued: self.clock))
                if self.perturber != nil { self.jobCauses[self.recorder.jobs.count - 1] = self.perturbationCause }
                return .int(self.recorder.jobs.count - 1)
            },
            "_job_started": preludeBuiltin("_job_started") { [unowned self] args, vm in
                let i = try vm.intArg(args[0], "job")
                self.recorder.jobs[i].started = self.clock
                let worker = args[1].object as? SimWorker
                self.recorder.jobs[i].worker = worker?.name
                worker?.jobLabel = self.recorder.jobs[i].job
                if let worker {
                    worker.jobCause =
                        self.jobCauses[i]
                        ?? PerturbationCause(source: worker.channel, task: nil, coroutine: nil)
                }
                return .none
            },
            "_job_finished": preludeBuiltin("_job_finished") { [unowned self] args, vm in
                let i = try vm.intArg(args[0], "job")
                self.recorder.jobs[i].finished = self.clock
                self.recorder.jobs[i].succeeded = !(try vm.truthy(args[1]))
                return .none
            },
        ]
    }

    /// `f(a, b, k=v)` with the reprs of the arguments; a partial's own arguments first.
    package func describeCall(_ fn: Value, _ args: Value, _ kwargs: Value, _ vm: Interpreter) throws -> String {
        var function = fn
        var positional: [Value] = []
        var keywords: [(String, Value)] = []
        if let p = fn.object as? PyPartial {
            function = p.function
            positional = p.args
            keywords = p.keywords
        }
        positional += try vm.iterate(args)
        if case .obj(let o) = kwargs, let d = o as? PyDict {
            for (k, v) in d.table.entries { keywords.append((try vm.str(k), v)) }
        }
        let name: String
        if let f = function.object as? PyFunction {
            name = f.name
        } else if let b = function.object as? PyBuiltin {
            name = b.name
        } else {
            name = try vm.repr(function)
        }
        let parts = try positional.map { try vm.repr($0) } + keywords.map { "\($0.0)=\(try vm.repr($0.1))" }
        return "\(name)(\(parts.joined(separator: ", ")))"
    }
}

extension World {
    package var currentCtx: String { ctxWorker?.name ?? currentTask?.name ?? "MainThread" }

    package func record(_ e: TraceEvent) {
        markProgress()
        if recorder.recording { recorder.events.append(e) }
    }

    package func recordPrint(_ text: String) {
        record(TraceEvent(t: clock, ctx: currentCtx, kind: .print, text: text))
    }

    package func recordLog(_ text: String) {
        record(TraceEvent(t: clock, ctx: currentCtx, kind: .log, text: text))
    }

    package func note(_ text: String) {
        noteSink.add(text)
    }

    package func taskFinished(_ t: PyTask) {
        let (state, value) = t.outcome(vm)
        if state == "exception" { t.exceptionText = value }
        record(TraceEvent(t: clock, ctx: t.name, kind: .taskDone, state: state, value: value))
    }

    package func recordResult(_ v: Value) -> Value {
        lastResult = v
        return v
    }
}
