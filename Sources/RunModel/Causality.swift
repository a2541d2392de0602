/// Why things happen in a run: what created each task and what woke each of
/// its steps. Not events (the event log's format is fixed by
/// TRACE_LANGUAGE.md); the recorder keeps them beside the log, for the
/// arrows of the timelines.
///
/// A run's *steps* are its loop callbacks, numbered from 1 in the order they
/// ran (`World.steps`; 0 is before the loop ran any). Several can run at one
/// virtual instant; their numbers are the ready queue's order, which the
/// step axis of a timeline lays out.

/// The context whose action caused something: put a callback in the ready
/// queue (a task's wake-up, its first step) or created a task.
public struct Cause: Sendable, Equatable, Hashable, Codable {
    public enum Kind: String, Sendable, CaseIterable, Codable {
        /// Code outside any task, timer, job or socket: the trace's main
        /// code, or a callback of the loop that none of these scheduled.
        case outside
        /// A task's step (it completed a future, set an event, put in a
        /// queue, finished, cancelled...): `source` is the task.
        case task
        /// A timer firing: `source` is the task that set it (-1 when no task
        /// did); `step` and `t` are when it was set.
        case timer
        /// An executor job finishing (its result handed to the loop): `source` is the job.
        case job
        /// A socket of the simulated network becoming ready (bytes arrived,
        /// a connect completed, the peer closed): `source` is the connection.
        case socket
    }

    // (The kind is last: 25 bytes, so that a field after a cause packs into its tail.)
    /// The task's place in the run's creation order, the job's in submission
    /// order, or the connection's, from 0; -1 when there is none.
    public var source: Int
    /// The step during which it happened (for a timer: during which it was set).
    public var step: Int
    /// The virtual time at which it happened (for a timer: when it was set).
    public var t: Double
    public var kind: Kind

    public init(kind: Kind, source: Int, step: Int, t: Double) {
        self.kind = kind
        self.source = source
        self.step = step
        self.t = t
    }

    /// Code outside the loop, before any step. (Computed, not stored: a
    /// static stored property costs a lazy-initialisation check at every
    /// read, and every handle made reads it.)
    @inlinable public static var outside: Cause { Cause(kind: .outside, source: -1, step: 0, t: 0) }
}

/// One step of a task, and what woke it.
public struct Wake: Sendable, Equatable, Codable {
    /// The step (loop callback) in which the task stepped.
    public var step: Int
    public var t: Double
    /// What put the step in the ready queue. For a task's first step, what
    /// created it; for a step after a bare `yield` (`sleep(0)`), the task itself.
    public var cause: Cause

    public init(step: Int, t: Double, cause: Cause) {
        self.step = step
        self.t = t
        self.cause = cause
    }
}

extension Cause {
    /// `Task-2 fetch('a')`, `a timer set by Task-2 at 0.1 s`, `the job
    /// blocks(3)`, `the socket of connection 1`: the cause in words, given the run's tasks,
    /// jobs and connections by their labels.
    public func words(task: (Int) -> String?, job: (Int) -> String?, connection: (Int) -> String?) -> String {
        switch kind {
        case .outside: return "code outside any task"
        case .task: return task(source) ?? "a task"
        case .timer:
            let by = source >= 0 ? task(source).map { " by \($0)" } ?? "" : ""
            return "a timer set\(by) at \(virtualTimeText(t)) s"
        case .job: return "the job \(job(source) ?? "?")"
        case .socket: return "the socket of \(connection(source) ?? "a connection")"
        }
    }
}
