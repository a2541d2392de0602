/// What the recorder keeps about a run beside its event log: each task's
/// lifecycle and each executor job's. These are not events (the event log's
/// format is fixed by TRACE_LANGUAGE.md and compared byte for byte with
/// CPython's); they feed the run store and the timelines of the reports.

/// One task's lifecycle on the virtual clock.
public struct TaskRecord: Sendable, Equatable, Codable {
    /// The task's name at the end of the run (`Task-3`, or the name given).
    public var name: String
    /// When the task was created.
    public var created: Double
    /// When its first step ran; nil when it never ran.
    public var firstStep: Double?
    /// When it finished; nil when it was still pending at the end.
    public var done: Double?
    /// `result`, `exception`, `cancelled` or `pending`.
    public var state: String
    /// How many steps it took (calls of `Task.__step`).
    public var steps: Int
    /// The distinct instants at which it stepped, in order; between two of
    /// them the task was waiting.
    public var stepTimes: [Double]

    public init(name: String, created: Double, firstStep: Double?, done: Double?, state: String,
                steps: Int, stepTimes: [Double]) {
        self.name = name
        self.created = created
        self.firstStep = firstStep
        self.done = done
        self.state = state
        self.steps = steps
        self.stepTimes = stepTimes
    }
}

/// One job submitted to an executor (`run_in_executor`, `submit`).
public struct JobRecord: Sendable, Equatable, Codable {
    /// The executor's name (`ThreadPoolExecutor-0`, `asyncio`).
    public var executor: String
    /// The worker that ran it (`ThreadPoolExecutor-0_1`, `PID 1001`); nil while it was queued.
    public var worker: String?
    /// When it was submitted.
    public var queued: Double
    /// When a worker took it; nil when none did before the run ended.
    public var started: Double?
    /// When it returned or raised; nil when it had not by the end of the run.
    public var finished: Double?

    public init(executor: String, worker: String?, queued: Double, started: Double?, finished: Double?) {
        self.executor = executor
        self.worker = worker
        self.queued = queued
        self.started = started
        self.finished = finished
    }
}

/// Records the jobs of a run's executors. The executor code calls `queued`
/// when a job is submitted, `started` when a worker takes it and `finished`
/// when it returns or raises, each at the current virtual time:
///
///     let job = world.jobRecorder.queued(executor: "asyncio", at: world.clock)
///     world.jobRecorder.started(job, worker: "asyncio_0", at: world.clock)
///     world.jobRecorder.finished(job, at: world.clock)
public final class JobRecorder {
    /// Identifies a job recorded by `queued`.
    public struct JobID: Hashable, Sendable {
        let index: Int
    }

    /// Every job, in order of submission.
    public private(set) var jobs: [JobRecord] = []

    public init() {}

    public func queued(executor: String, at t: Double) -> JobID {
        jobs.append(JobRecord(executor: executor, worker: nil, queued: t, started: nil, finished: nil))
        return JobID(index: jobs.count - 1)
    }

    public func started(_ job: JobID, worker: String, at t: Double) {
        precondition(jobs[job.index].started == nil, "a job is started once")
        jobs[job.index].worker = worker
        jobs[job.index].started = t
    }

    public func finished(_ job: JobID, at t: Double) {
        precondition(jobs[job.index].started != nil, "a job finishes after it started")
        jobs[job.index].finished = t
    }
}

extension PyTask {
    /// `result`, `exception`, `cancelled` or `pending`, as `task_done` names
    /// them, without the cost of `repr` of the result.
    var lifecycleState: String {
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
struct StepMark {
    let task: Int
    let t: Double
}

extension World {
    /// The lifecycle of every task of the run, in creation order.
    public var taskRecords: [TaskRecord] {
        // Each task's instants, gathered from the one log in two passes (count, then fill).
        var slot = [Int](repeating: -1, count: taskSerial + 1)
        for (i, t) in allTasks.enumerated() { slot[t.serial] = i }
        var counts = [Int](repeating: 0, count: allTasks.count)
        for mark in stepLog where slot[mark.task] >= 0 { counts[slot[mark.task]] += 1 }
        var times = counts.map { n -> [Double] in
            var a: [Double] = []
            a.reserveCapacity(n)
            return a
        }
        for mark in stepLog where slot[mark.task] >= 0 { times[slot[mark.task]].append(mark.t) }
        return allTasks.enumerated().map { i, t in
            TaskRecord(name: t.name, created: t.createdAt, firstStep: times[i].first,
                       done: t.doneAt.isNaN ? nil : t.doneAt, state: t.lifecycleState, steps: t.stepCount,
                       stepTimes: times[i])
        }
    }
}
