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
    /// Every task step, in order, with what woke it (see `taskRecords`),
    /// when `recordsTaskSteps`.
    @exclusivity(unchecked) package var stepLog: [StepMark] = []
    /// The step (`World.steps`) during which each event of `events` was
    /// recorded, when `recordsTaskSteps`: where the event stands on a step axis.
    /// Invariant (asserted by `EventLoop.checkInvariants`): as long as
    /// `events` when `recordsTaskSteps`, empty otherwise.
    @exclusivity(unchecked) public package(set) var eventSteps: [Int] = []
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

/// A task's step, and what woke it (`World.context` when it began; a task's
/// `source` by serial). One log for the whole run (rather than an array per
/// task) keeps the hot path to an amortised append.
package struct StepMark {
    package let step: Int
    package let t: Double
    package let cause: Cause
    /// The task's serial (in the cause's tail padding: 48 bytes a mark).
    package let task: Int32
}

extension World {
    /// The lifecycle of every task of the run, in creation order.
    /// Without `recorder.recordsTaskSteps`, each record's `stepTimes` is empty
    /// (its `firstStep` and `steps` are there all the same).
    public var taskRecords: [TaskRecord] {
        guard recorder.recordsTaskSteps else {
            return asyncio.allTasks.map {
                TaskRecord(
                    name: $0.name, created: $0.createdAt, firstStep: $0.firstStepAt.isNaN ? nil : $0.firstStepAt,
                    done: $0.doneAt.isNaN ? nil : $0.doneAt, state: $0.lifecycleState, steps: $0.stepCount,
                    stepTimes: [], coroutine: $0.call?.text, exception: $0.exceptionText)
            }
        }
        // Each task's steps, gathered from the one log in two passes (count, then fill).
        var slot = [Int](repeating: -1, count: asyncio.taskSerial + 1)
        for (i, t) in asyncio.allTasks.enumerated() { slot[t.serial] = i }
        /// A cause with a task's place in creation order instead of its serial.
        func placed(_ c: Cause) -> Cause {
            guard c.kind == .task || c.kind == .timer, c.source >= 0 else { return c }
            var placed = c
            placed.source = c.source < slot.count ? slot[c.source] : -1
            return placed
        }
        var counts = [Int](repeating: 0, count: asyncio.allTasks.count)
        for mark in recorder.stepLog where slot[Int(mark.task)] >= 0 { counts[slot[Int(mark.task)]] += 1 }
        var wakes = counts.map { n -> [Wake] in
            var a: [Wake] = []
            a.reserveCapacity(n)
            return a
        }
        for mark in recorder.stepLog where slot[Int(mark.task)] >= 0 {
            wakes[slot[Int(mark.task)]].append(Wake(step: mark.step, t: mark.t, cause: placed(mark.cause)))
        }
        return asyncio.allTasks.enumerated().map { i, t in
            var instants: [Double] = []
            for w in wakes[i] where instants.last != w.t { instants.append(w.t) }
            return TaskRecord(
                name: t.name, created: t.createdAt, firstStep: t.firstStepAt.isNaN ? nil : t.firstStepAt,
                done: t.doneAt.isNaN ? nil : t.doneAt, state: t.lifecycleState, steps: t.stepCount,
                stepTimes: instants, coroutine: t.call?.text, exception: t.exceptionText,
                creator: placed(t.creator), createdStep: t.createdStep, doneStep: t.doneStep < 0 ? nil : t.doneStep,
                wakes: wakes[i])
        }
    }
}

extension World {
    /// The recorder's primitives for the concurrent.futures prelude.
    package func recorderPrimitives() -> [String: Value] {
        return [
            "_job_queued": preludeBuiltin("_job_queued") { [unowned self] args, vm in
                let label = try self.describeCall(args[1], args[2], args[3], vm)
                self.recorder.jobs.append(
                    JobRecord(executor: try vm.str(args[0]), job: label, queued: self.clock, queuedStep: self.steps))
                if self.perturber != nil { self.jobCauses[self.recorder.jobs.count - 1] = self.perturbationCause }
                return .int(self.recorder.jobs.count - 1)
            },
            "_job_started": preludeBuiltin("_job_started") { [unowned self] args, vm in
                let i = try vm.intArg(args[0], "job")
                self.recorder.jobs[i].started = self.clock
                self.recorder.jobs[i].startedStep = self.steps
                let worker = args[1].object as? SimWorker
                worker?.job = i
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
                self.recorder.jobs[i].finishedStep = self.steps
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
        if recorder.recording {
            recorder.events.append(e)
            if recorder.recordsTaskSteps { recorder.eventSteps.append(steps) }
        }
    }

    /// A task's step begins: what woke it is what scheduled its callback
    /// (`runHandle` made that the context), logged when the run keeps task
    /// steps; the task's step is then the context.
    @inline(__always) package func noteWake(task serial: Int, at now: Double) {
        if recorder.recordsTaskSteps {
            recorder.stepLog.append(
                StepMark(step: steps, t: now, cause: context, task: Int32(truncatingIfNeeded: serial)))
        }
        context = Cause(kind: .task, source: serial, step: steps, t: now)
    }

    /// The cause of what is scheduled now: the context, stamped with the
    /// step and the time when it is code outside the loop (whose context
    /// says nothing of when).
    @inline(__always) package var cause: Cause {
        context.kind == .outside ? Cause(kind: .outside, source: -1, step: steps, t: clock) : context
    }

    /// The cause a timer set now carries (`Cause.timer`): the task that set it, and when.
    @inline(__always) package var timerCause: Cause {
        let byTask = context.kind == .task || context.kind == .timer
        return Cause(kind: .timer, source: byTask ? context.source : -1, step: steps, t: clock)
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
