import Properties
import RunStore

extension StoredExploration {
    /// What the run database records of an exploration `vloop run` did: its
    /// settings, its share of the runs (`shard` is `i/n` when the suite split
    /// explorations by run), which runs failed, and its first failure shrunk.
    /// `path` is the trace's path as given (for the replay command),
    /// `storedPath` as its runs are recorded. The runs in `nondeterministic`
    /// (`--check-determinism`) count as failing runs too.
    init(
        _ o: ExploreOutcome, path: String, storedPath: String, hash: String, shard: String?,
        nondeterministic: [Int] = []
    ) {
        let failure = o.firstFailure.map { ExplorationFailure($0, settings: o.settings, path: path) }
        self.init(
            tracePath: storedPath, traceHash: hash, seed: Int64(o.settings.seed), flags: o.settings.flags,
            runs: o.settings.runs, shard: shard, runsDone: o.runsDone,
            failingRuns: Set(o.failingRuns + nondeterministic).sorted(),
            firstFailure: failure.map {
                Failure(run: $0.run, broke: $0.broke, shrunk: $0.shrunk, replayCommand: $0.replayCommand)
            })
    }
}
