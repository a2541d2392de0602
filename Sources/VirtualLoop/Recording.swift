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
