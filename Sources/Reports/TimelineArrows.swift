import RunModel
import RunStore

extension Timeline {
    /// One "why" of a run, drawn from its cause to its effect: a task created
    /// by another, a step woken by another task, by a timer, by a job's
    /// completion or by a socket (RunModel/Causality.swift).
    public struct Arrow: Sendable, Codable, Equatable {
        /// Apart from `created`, the kinds of `Cause.Kind` that have a place to come from, by the same names.
        public enum Kind: String, Sendable, Codable {
            /// A task's creation (its first step follows).
            case created
            /// A step woken by what another task did (completed a future,
            /// set an event, put in a queue, finished, cancelled it).
            case task
            /// A step woken by a timer (the end of a sleep, a `call_later`).
            case timer
            /// A step woken by a job's completion.
            case job
            /// A step woken by a socket (bytes arrived, a connect completed).
            case socket
        }

        public var kind: Kind
        /// The lane of the cause; nil when it has none (a socket: the network has no lane).
        public var from: Int?
        public var fromT: Double
        public var fromStep: Int?
        /// The lane of the effect.
        public var to: Int
        public var toT: Double
        public var toStep: Int?
        /// The arrow in words, for its tooltip: `Task-1 main() woke worker-0 at 0.18 s: …`.
        public var text: String
    }

    /// The arrows of `run`: each task's creation by another task, a timer or
    /// a job, then each step's wake-up that another lane caused, and every
    /// wake-up by a timer (a task's own sleep included) or a socket. A step
    /// woken by its own task (after `sleep(0)`, or a callback its step
    /// scheduled) and causes outside any task draw none.
    /// `workerLane[j]` is the lane of job `j`.
    static func arrows(_ run: StoredRun, workerLane: [Int]) -> [Arrow] {
        var arrows: [Arrow] = []
        func taskName(_ i: Int) -> String? { run.tasks.indices.contains(i) ? run.tasks[i].label : nil }
        func jobName(_ i: Int) -> String? { run.jobs.indices.contains(i) ? run.jobs[i].job : nil }
        func words(_ c: Cause) -> String {
            c.words(task: taskName, job: jobName, connection: { "connection \($0 + 1)" })
        }
        /// Where a cause stands: its lane, time and step.
        func origin(_ c: Cause) -> (lane: Int?, t: Double, step: Int?)? {
            switch c.kind {
            case .outside: return nil
            case .task: return run.tasks.indices.contains(c.source) ? (c.source, c.t, c.step) : nil
            case .timer: return (run.tasks.indices.contains(c.source) ? c.source : nil, c.t, c.step)
            case .job:
                guard run.jobs.indices.contains(c.source), c.source < workerLane.count else { return nil }
                let j = run.jobs[c.source]
                return (workerLane[c.source], j.finished ?? c.t, j.finishedStep ?? c.step)
            case .socket: return (nil, c.t, c.step)
            }
        }
        for (i, t) in run.tasks.enumerated() {
            if let c = t.creator, let o = origin(c) {
                arrows.append(
                    Arrow(
                        kind: .created, from: o.lane, fromT: o.t, fromStep: o.step, to: i, toT: t.created,
                        toStep: t.createdStep, text: "\(words(c)) created \(t.label) at \(virtualTimeText(t.created)) s"
                    ))
            }
            // The first step's cause is the creation's, drawn above.
            for w in t.wakes.dropFirst() {
                let c = w.cause
                if c.kind == .task && c.source == i { continue }
                // A wake's arrow is of its cause's kind (`origin` has no place for one outside any task).
                guard let o = origin(c), let kind = Arrow.Kind(rawValue: c.kind.rawValue) else { continue }
                arrows.append(
                    Arrow(
                        kind: kind, from: o.lane, fromT: o.t, fromStep: o.step, to: i, toT: w.t, toStep: w.step,
                        text: "\(words(c)) woke \(t.label) at \(virtualTimeText(w.t)) s (step \(w.step))"))
            }
        }
        return arrows
    }
}
