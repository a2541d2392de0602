import RunModel

/// One perturbation an explored run applied, as the run database keeps it
/// (the `perturbation` table): what it was, when and by whom it was caused,
/// and how far it moved the world from the nominal run.
///
/// Every field but `kind`, `draw` and `description` may be missing: a
/// perturbation outside any task has no task, and the reorderings of ready
/// callbacks have no amount.
public struct StoredPerturbation: Sendable, Equatable, Codable {
    /// `duration`, `lateness`, `shuffle`, `order` (`AppliedPerturbation.Kind`'s raw value).
    public var kind: String
    /// The draw that made it, `line:column#count` (`DrawID`'s description):
    /// what a perturbation file names to replay or take it back.
    public var draw: String
    /// The virtual time at which it was drawn.
    public var t: Double?
    /// The task that caused it (its name); nil outside tasks.
    public var task: String?
    /// The coroutine of that task (`fetch`).
    public var coroutine: String?
    /// Where in the source, in words: `line 12`, `pkg/mod.py line 12`.
    public var position: String?
    /// The value drawn: seconds late for a timer, the perturbed duration for a job or a peer delay.
    public var amount: Double?
    /// What the nominal run had instead: 0 for a timer, the nominal duration for a job or a peer delay.
    public var nominal: Double?
    /// The perturbation in words: "job blocks(3) took 0.131 s instead of 0.1 (line 9)".
    public var description: String

    public init(
        kind: String, draw: String, t: Double? = nil, task: String? = nil, coroutine: String? = nil,
        position: String? = nil, amount: Double? = nil, nominal: Double? = nil, description: String
    ) {
        self.kind = kind
        self.draw = draw
        self.t = t
        self.task = task
        self.coroutine = coroutine
        self.position = position
        self.amount = amount
        self.nominal = nominal
        self.description = description
    }
}

/// How an explored run was made: its strategy and the `vloop run` flags that
/// replay it (the `run` table's `strategy` and `explore_flags`). Nil for a
/// run that was not explored (a nominal replay, or one recorded by a vloop
/// from before `v6-run-perturbations`).
public struct ExploredRun: Sendable, Equatable, Codable {
    /// The concrete strategy of this run: `random`, `pct` or `swarm` (a
    /// portfolio exploration picks one per run).
    public var strategy: String
    /// The `vloop run` flags that replay this run exactly: the exploration's
    /// settings and the run's index (`--seed 0 --strategy portfolio --depth 3 ... --run 17`),
    /// or `--perturbations FILE` for a run replayed from a perturbation file.
    public var flags: String

    public init(strategy: String, flags: String) {
        self.strategy = strategy
        self.flags = flags
    }
}

extension StoredRun {
    /// The command that replays this explored run exactly
    /// (`vloop run --seed 0 ... --run 17 fixtures/x.trace`); nil for a run that was not explored.
    public var replayCommand: String? {
        explored.map { "vloop run \($0.flags) \(tracePath)" }
    }
}
