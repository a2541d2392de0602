import Properties

/// How `--shard i/n` splits a suite (docs/EXPLORING.md, "Sharding").
///
/// When the command line explores (`Exploration.requested`: `--runs`,
/// `--strategy`, `--jitter`, ...; `--run` is refused with a shard), every trace is explored,
/// and the shards split each exploration by run index: every shard replays
/// every trace's nominal run 0 and explores its share of the other runs
/// (`RunShare`: run r is shard ((r - 1) mod n) + 1's). Otherwise the shards
/// split the sorted traces by position, as a suite without exploration
/// needs, and a trace of the shard that calls `sim.explore` explores all its
/// runs there.
extension SuiteOptions {
    /// Whether the shard splits explorations by run index (and so runs every trace).
    public var shardsRuns: Bool { shard != nil && exploration.requested }

    /// The runs of each exploration this suite replays.
    public var runShare: RunShare { shardsRuns ? shard?.runShare ?? .all : .all }
}

extension SuiteOptions.Shard {
    /// The same shard of an exploration's runs.
    public var runShare: RunShare { RunShare(index: index, count: count) ?? .all }

    /// What is wrong with `text` as `--shard`, in words; nil when it is a valid `i/n`.
    public static func problem(_ text: String) -> String? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else {
            return "--shard must be i/n, shard i of n, such as 1/4 (got '\(text)')"
        }
        if n < 1 { return "--shard \(text): the number of shards must be at least 1" }
        if i < 1 { return "--shard \(text): shards are numbered from 1, so the first is 1/\(n)" }
        if i > n { return "--shard \(text): there is no shard \(i) of \(n); the last is \(n)/\(n)" }
        return nil
    }
}
