/// The runs of an exploration that one shard replays (`vloop run --shard i/n`,
/// docs/EXPLORING.md, "Sharding"): run 0, the nominal replay, is every shard's;
/// explored run r (r >= 1) is shard ((r - 1) mod n) + 1's. So n shards cover
/// every run exactly once besides run 0, whatever the number of runs, and a
/// shard's share needs no other shard's to be known.
public struct RunShare: Sendable, Equatable, CustomStringConvertible {
    /// From 1 to `count`.
    public let index: Int
    /// At least 1.
    public let count: Int

    /// Every run: the share of an unsharded exploration.
    public static let all = RunShare(uncheckedIndex: 1, count: 1)

    /// Nil unless 1 <= index <= count.
    public init?(index: Int, count: Int) {
        guard count >= 1, index >= 1, index <= count else { return nil }
        self.init(uncheckedIndex: index, count: count)
    }

    private init(uncheckedIndex index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// Whether this share holds run `run`.
    public func owns(run: Int) -> Bool { run == 0 || (run - 1) % count == index - 1 }

    /// The first run after `run` that this share holds.
    public func next(after run: Int) -> Int {
        if run < index { return index }
        return run + count - (run - index) % count
    }

    /// How many of runs 0..<total this share holds, run 0 included.
    public func runs(of total: Int) -> Int {
        guard total > index else { return min(total, 1) }
        return 1 + (total - 1 - index) / count + 1
    }

    /// `i/n`.
    public var description: String { "\(index)/\(count)" }
}
