import Foundation
import Properties

/// A run whose two replays differed (`SuiteOptions.checksDeterminism`,
/// `vloop run --check-determinism`): the first such run of a trace, and how
/// many of its runs were not deterministic.
public struct DeterminismFailure: Sendable, Equatable {
    /// The run's index: 0 for the nominal replay (and its repetitions), else the explored run.
    public var run: Int
    /// Where its two logs first differ.
    public var difference: LogDifference
    /// How many of the trace's runs differed, this one included.
    public var runs: Int

    /// The lines that report it, unindented.
    public var lines: [String] {
        let what = run == 0 ? "the nominal run (run 0)" : "run \(run)"
        var out = ["not deterministic: \(what), replayed twice in fresh loops, gave two different event logs"]
        out += difference.lines
        if runs > 1 { out.append("\(runs) runs of this trace were not deterministic") }
        return out
    }

    /// The problem recorded with the run (one line).
    var problem: String {
        "\(Self.problemPrefix) replayed twice, the event logs first differ at event \(difference.index + 1)"
    }

    /// How `problem` starts.
    static let problemPrefix = "not deterministic:"
}

/// The determinism failures of a trace's runs, collected from the exploring threads.
final class DeterminismFailures: @unchecked Sendable {
    private let lock = NSLock()
    private var failures: [(run: Int, difference: LogDifference)] = []

    func add(run: Int, _ difference: LogDifference) {
        lock.lock()
        failures.append((run, difference))
        lock.unlock()
    }

    /// The indices of the runs that failed, in order.
    var runs: [Int] {
        lock.lock()
        defer { lock.unlock() }
        return failures.map(\.run).sorted()
    }

    /// The lowest-numbered run that failed, with the count; nil when none did.
    var first: DeterminismFailure? {
        lock.lock()
        defer { lock.unlock() }
        guard let f = failures.min(by: { $0.run < $1.run }) else { return nil }
        return DeterminismFailure(run: f.run, difference: f.difference, runs: failures.count)
    }
}
