import RunModel
import RunStore

/// What a timeline draws of one run: one lane per task and one per executor
/// worker, on the virtual clock.
public struct Timeline: Sendable, Codable, Equatable {
    public struct Mark: Sendable, Codable, Equatable {
        public var t: Double
        /// Its position in the event log, from 0.
        public var index: Int
        public var kind: String
        public var text: String
        /// The step (loop callback) during which it happened, when recorded.
        public var step: Int? = nil
    }

    public struct Bar: Sendable, Codable, Equatable {
        /// `queued`, `job`.
        public var kind: String
        public var start: Double
        /// Nil when it had not ended when the run did.
        public var end: Double?
        public var label: String
        /// The steps of its start and end, when recorded.
        public var startStep: Int? = nil
        public var endStep: Int? = nil
    }

    /// A perturbation of an explored run, on the lane of the task that caused it.
    public struct Perturbed: Sendable, Codable, Equatable {
        /// The virtual time at which it was drawn.
        public var t: Double
        /// Its place among the run's perturbations, from 0.
        public var index: Int
        /// `duration`, `lateness`, `shuffle`, `order`.
        public var kind: String
        public var text: String
    }

    public struct Lane: Sendable, Codable, Equatable {
        public enum Kind: String, Sendable, Codable { case task, worker, thread }

        public var name: String
        /// For a task: the call that made its coroutine (`fetch('b')`), when known.
        public var call: String? = nil
        /// For a task that raised: `KeyError: 'b'`.
        public var exception: String? = nil
        public var kind: Kind
        /// A task's creation (a worker's first job); nil for the main thread.
        public var start: Double?
        /// When the task finished; nil when it was still pending.
        public var end: Double?
        /// `result`, `exception`, `cancelled`, `pending`; empty for workers.
        public var state: String
        /// The instants at which the task stepped; between two, it waited.
        public var steps: [Double]
        public var marks: [Mark]
        public var bars: [Bar]
        /// The perturbations this lane's task caused (those outside tasks are on `MainThread`).
        public var perturbations: [Perturbed] = []
        /// For a task: the steps of its creation and its end, and each of its
        /// steps with what woke it, when recorded (RunModel/Causality.swift).
        public var startStep: Int? = nil
        public var endStep: Int? = nil
        public var wakes: [Wake] = []

        /// `Task-3 fetch('b')`: the name, and the call when known.
        public var label: String { taskLabel(name, call: call) }
    }

    public var runID: Int64?
    public var tracePath: String
    public var status: String
    /// The virtual clock at the end.
    public var duration: Double
    public var lanes: [Lane]
    /// How many events the run's log has (`run_end` included).
    public var eventCount: Int
    /// What caused what, drawn as arrows (TimelineArrows.swift).
    public var arrows: [Arrow] = []
    /// Whether the run recorded the step of everything drawn, so that it
    /// can be laid out along a step axis (StepAxis.swift).
    public var hasSteps = false

    /// Whether any lane has a perturbation to draw (the legend then explains the marker).
    public var hasPerturbations: Bool { lanes.contains { !$0.perturbations.isEmpty } }
}

extension Timeline {
    /// The lanes of a stored run: tasks in creation order, then the main
    /// thread when something happened outside any task, then workers in order
    /// of their first job.
    public init(_ run: StoredRun) {
        var lanes: [Lane] = run.tasks.map { t in
            Lane(
                name: t.name, call: t.coroutine.flatMap { $0.isEmpty ? nil : $0 }, exception: t.exception,
                kind: .task, start: t.created, end: t.done, state: t.state, steps: t.stepTimes, marks: [], bars: [],
                startStep: t.createdStep, endStep: t.doneStep, wakes: t.wakes)
        }
        var laneOf: [String: Int] = [:]
        for (i, l) in lanes.enumerated() where laneOf[l.name] == nil { laneOf[l.name] = i }
        var workerOrder: [String] = []
        var jobsOf: [String: [JobRecord]] = [:]
        var workerOfJob: [String] = []
        for j in run.jobs {
            let w = j.worker ?? "\(j.executor) (queued)"
            if jobsOf[w] == nil { workerOrder.append(w) }
            jobsOf[w, default: []].append(j)
            workerOfJob.append(w)
        }
        for w in workerOrder {
            let jobs = jobsOf[w]!
            var bars: [Bar] = []
            for j in jobs {
                if let s = j.started, s > j.queued {
                    bars.append(
                        Bar(
                            kind: "queued", start: j.queued, end: s, label: "\(j.executor): queued",
                            startStep: j.queuedStep, endStep: j.startedStep))
                }
                if let s = j.started {
                    bars.append(
                        Bar(
                            kind: "job", start: s, end: j.finished,
                            label: "\(j.executor): \(j.job.isEmpty ? "job" : j.job)", startStep: j.startedStep,
                            endStep: j.finishedStep))
                } else {
                    bars.append(
                        Bar(
                            kind: "queued", start: j.queued, end: nil, label: "\(j.executor): never started",
                            startStep: j.queuedStep))
                }
            }
            laneOf[w] = lanes.count
            lanes.append(
                Lane(
                    name: w, kind: .worker, start: jobs.map(\.queued).min(), end: nil, state: "", steps: [],
                    marks: [], bars: bars))
        }
        func lane(_ ctx: String) -> Int {
            if let l = laneOf[ctx] { return l }
            laneOf[ctx] = lanes.count
            lanes.append(
                Lane(name: ctx, kind: .thread, start: nil, end: nil, state: "", steps: [], marks: [], bars: []))
            return lanes.count - 1
        }
        for (i, e) in run.events.enumerated() where e.kind == .print || e.kind == .log {
            lanes[lane(e.ctx ?? "MainThread")].marks.append(
                Mark(
                    t: e.t, index: i, kind: e.kind.rawValue, text: e.text ?? "",
                    step: i < run.eventSteps.count ? run.eventSteps[i] : nil))
        }
        // A perturbation recorded without its time (by a vloop before they had one) is not drawn.
        for (i, p) in run.perturbations.enumerated() {
            guard let t = p.t else { continue }
            lanes[lane(p.task ?? "MainThread")].perturbations.append(
                Perturbed(t: t, index: i, kind: p.kind, text: p.description))
        }
        self.init(
            runID: run.id, tracePath: run.tracePath, status: run.status, duration: run.virtualDuration,
            lanes: lanes, eventCount: run.events.count)
        arrows = Self.arrows(run, workerLane: workerOfJob.map { laneOf[$0]! })
        hasSteps = !run.eventSteps.isEmpty && run.tasks.allSatisfy { $0.createdStep != nil }
    }

    /// The lane an event of the log belongs to, for highlighting it.
    public func lane(of event: TraceEvent) -> Int? {
        lanes.firstIndex { $0.name == (event.ctx ?? "MainThread") }
    }
}
