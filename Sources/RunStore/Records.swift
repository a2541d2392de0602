import Foundation
import RunModel

/// One invocation of `vloop run` (or one shard of it): the runs it recorded
/// share its label, commit, host and arguments.
public struct SuiteRun: Sendable, Equatable, Codable {
    /// The database's id; nil before the suite run is written.
    public var id: Int64?
    /// Unique across databases, so that `vloop merge` never copies a suite run twice.
    public var uuid: String
    /// What reports compare: the git commit by default (`3f2a9c1b7d0e`, `3f2a9c1b7d0e-dirty`).
    public var label: String
    public var gitCommit: String?
    public var gitDirty: Bool?
    public var host: String
    public var harnessVersion: String
    /// The command line, without the program's path.
    public var arguments: [String]
    /// `i/n` for a sharded run.
    public var shard: String?
    public var startedAt: Date
    public var finishedAt: Date?

    public init(
        id: Int64? = nil, uuid: String = UUID().uuidString.lowercased(), label: String,
        gitCommit: String?, gitDirty: Bool?, host: String, harnessVersion: String,
        arguments: [String], shard: String?, startedAt: Date, finishedAt: Date? = nil
    ) {
        self.id = id
        self.uuid = uuid
        self.label = label
        self.gitCommit = gitCommit
        self.gitDirty = gitDirty
        self.host = host
        self.harnessVersion = harnessVersion
        self.arguments = arguments
        self.shard = shard
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }
}

/// One replay of one trace, with everything the reports read.
public struct StoredRun: Sendable, Codable {
    /// The database's id; nil before the run is written.
    public var id: Int64?
    public var suiteRunID: Int64?
    /// The label of its suite run (filled when read).
    public var label: String
    public var tracePath: String
    /// `sha256:` and the hex digest of the trace's bytes.
    public var traceHash: String
    public var seed: Int64
    /// 0 for the nominal replay; exploration numbers its runs from 1.
    public var runIndex: Int
    /// `ok`, `exception`, `deadlock`, `limit`, or `invalid` for a trace with errors.
    public var status: String
    /// The `value` of `run_end`; the diagnostics' count for an invalid trace.
    public var value: String
    public var passed: Bool
    /// The virtual clock at the end, in seconds.
    public var virtualDuration: Double
    /// The harness's own time to replay and check the run, in seconds.
    public var wallTime: Double
    public var steps: Int
    /// Why the run failed besides its properties (an unexpected status, errors of the trace).
    public var problems: [String]
    public var startedAt: Date
    public var events: [TraceEvent]
    public var tasks: [TaskRecord]
    public var jobs: [JobRecord]
    public var properties: [PropertyResult]
    /// The user's modules the trace imported: the path and content hash of
    /// each, in the order they were loaded (what ran, beside `traceHash`).
    public var modules: [StoredModule]
    /// The strategy and settings of an explored run; nil for a run that was not explored.
    public var explored: ExploredRun?
    /// What an explored run perturbed, in the order it was drawn; empty for the nominal replay.
    public var perturbations: [StoredPerturbation]
    /// For a run that ended with an exception: its traceback through the
    /// trace's files, as `vloop run` prints it (nil otherwise, and for runs
    /// recorded by an older vloop).
    public var traceback: String?
    /// The step (loop callback, RunModel/Causality.swift) of each of `events`;
    /// empty when not recorded (a run stored by a vloop before causality).
    /// Invariant: empty or as long as `events`.
    public var eventSteps: [Int]

    public init(
        id: Int64? = nil, suiteRunID: Int64? = nil, label: String = "", tracePath: String,
        traceHash: String, seed: Int64, runIndex: Int, status: String, value: String, passed: Bool,
        virtualDuration: Double, wallTime: Double, steps: Int, problems: [String], startedAt: Date,
        events: [TraceEvent], tasks: [TaskRecord], jobs: [JobRecord], properties: [PropertyResult],
        modules: [StoredModule] = [], explored: ExploredRun? = nil, perturbations: [StoredPerturbation] = [],
        traceback: String? = nil, eventSteps: [Int] = []
    ) {
        assert(eventSteps.isEmpty || eventSteps.count == events.count, "eventSteps must match events")
        self.traceback = traceback
        self.eventSteps = eventSteps
        self.id = id
        self.suiteRunID = suiteRunID
        self.label = label
        self.tracePath = tracePath
        self.traceHash = traceHash
        self.seed = seed
        self.runIndex = runIndex
        self.status = status
        self.value = value
        self.passed = passed
        self.virtualDuration = virtualDuration
        self.wallTime = wallTime
        self.steps = steps
        self.problems = problems
        self.startedAt = startedAt
        self.events = events
        self.tasks = tasks
        self.jobs = jobs
        self.properties = properties
        self.modules = modules
        self.explored = explored
        self.perturbations = perturbations
    }

    /// A trace that could not run because it has errors (each `file:line:column: message`).
    public init(
        invalidTracePath: String, traceHash: String, seed: Int64, errors: [String], wallTime: Double,
        startedAt: Date
    ) {
        self.init(
            tracePath: invalidTracePath, traceHash: traceHash, seed: seed, runIndex: 0, status: "invalid",
            value: "\(errors.count) error\(errors.count == 1 ? "" : "s")", passed: false,
            virtualDuration: 0, wallTime: wallTime, steps: 0, problems: errors, startedAt: startedAt,
            events: [], tasks: [], jobs: [], properties: [])
    }
}

/// A module of the user's own that a run's trace imported: its file (as
/// found in the search paths) and `sha256:` with the hex digest of its source.
public struct StoredModule: Sendable, Equatable, Codable {
    public var path: String
    public var hash: String

    public init(path: String, hash: String) {
        self.path = path
        self.hash = hash
    }
}

/// A run as `vloop runs` lists it, without its events, tasks and jobs.
public struct RunSummary: Sendable, Equatable, Codable {
    public var id: Int64
    public var label: String
    public var tracePath: String
    public var seed: Int64
    public var runIndex: Int
    public var status: String
    public var passed: Bool
    public var virtualDuration: Double
    public var wallTime: Double
    public var steps: Int
    public var startedAt: Date
}

/// A label and how many runs it holds, as `vloop runs --labels` lists them.
public struct LabelSummary: Sendable, Equatable, Codable {
    public var label: String
    public var suiteRuns: Int
    public var runs: Int
    public var failed: Int
    public var lastStartedAt: Date
}

/// One side of a comparison: every run of a label, or one run.
public struct RunSet: Sendable {
    public enum Selector: Sendable, Equatable {
        case label(String)
        case run(Int64)
    }

    public var selector: Selector
    public var suiteRuns: [SuiteRun]
    /// In the order they were recorded.
    public var runs: [StoredRun]

    public init(selector: Selector, suiteRuns: [SuiteRun], runs: [StoredRun]) {
        self.selector = selector
        self.suiteRuns = suiteRuns
        self.runs = runs
    }

    /// `3f2a9c1b7d0e` for a label, `run 12` for a run.
    public var name: String {
        switch selector {
        case .label(let l): return l
        case .run(let id): return "run \(id)"
        }
    }
}

extension PropertyResult: Codable {
    enum CodingKeys: String, CodingKey { case name, line, column, passed, message }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try c.decode(String.self, forKey: .name), line: try c.decode(Int.self, forKey: .line),
            column: try c.decode(Int.self, forKey: .column), passed: try c.decode(Bool.self, forKey: .passed),
            message: try c.decode(String.self, forKey: .message))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(line, forKey: .line)
        try c.encode(column, forKey: .column)
        try c.encode(passed, forKey: .passed)
        try c.encode(message, forKey: .message)
    }
}

extension TraceEvent: Codable {
    enum CodingKeys: String, CodingKey { case t, ctx, kind, text, state, value, status }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let kindName = try c.decode(String.self, forKey: .kind)
        guard let kind = TraceEvent.Kind(rawValue: kindName) else {
            throw DecodingError.dataCorruptedError(forKey: .kind, in: c, debugDescription: "unknown kind \(kindName)")
        }
        self.init(
            t: try c.decode(Double.self, forKey: .t), ctx: try c.decodeIfPresent(String.self, forKey: .ctx),
            kind: kind, text: try c.decodeIfPresent(String.self, forKey: .text),
            state: try c.decodeIfPresent(String.self, forKey: .state),
            value: try c.decodeIfPresent(String.self, forKey: .value),
            status: try c.decodeIfPresent(String.self, forKey: .status))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(t, forKey: .t)
        try c.encodeIfPresent(ctx, forKey: .ctx)
        try c.encode(kind.rawValue, forKey: .kind)
        try c.encodeIfPresent(text, forKey: .text)
        try c.encodeIfPresent(state, forKey: .state)
        try c.encodeIfPresent(value, forKey: .value)
        try c.encodeIfPresent(status, forKey: .status)
    }
}
