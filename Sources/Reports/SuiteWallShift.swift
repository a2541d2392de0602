import Foundation

/// What the machine did to wall times between the two sides, measured over
/// the whole suite: the noise model of the gate's wall-time rule.
///
/// On a shared machine the load moves every trace's wall time at once (the
/// candidate's label may run while another job takes a core), and moves it
/// in stretches longer than a trace's back-to-back repeats, so a trace's own
/// spread (its MAD) understates the noise between the two sides. Over many
/// traces it shows: each trace's ratio of medians (candidate / baseline)
/// scatters around the suite's median ratio by the noise alone. A trace is
/// then slower only when its ratio strays from the suite's by more than
/// `deviations` times that scatter (measured robustly: 1.4826 × the MAD of
/// the log ratios), beside the absolute floor and the per-trace rules.
///
/// What this cannot see: a change that slows every trace alike (vloop's own
/// speed, which `scripts/bench` measures) reads as the machine's doing; the
/// reports show the suite's ratio so that a reader sees it.
public struct SuiteWallShift: Sendable, Codable, Equatable {
    /// The median over traces of candidate median / baseline median (0.81:
    /// the candidate's runs took 19% less time across the board).
    public var ratio: Double
    /// The robust standard deviation of the traces' natural-log ratios.
    public var spread: Double
    /// The traces it was measured over (those with enough samples on both sides).
    public var traces: Int

    /// Fewer traces than this measure no suite-wide noise (the rule is then not applied).
    public static let minimumTraces = 8
    public static let deviations = 3.0

    /// From each trace's (baseline median, candidate median); nil with too few traces.
    public init?(medians: [(baseline: Double, candidate: Double)]) {
        let logs = medians.filter { $0.baseline > 0 && $0.candidate > 0 }.map { log($0.candidate / $0.baseline) }
        guard logs.count >= Self.minimumTraces else { return nil }
        let center = median(logs)
        ratio = exp(center)
        spread = 1.4826 * median(logs.map { abs($0 - center) })
        traces = logs.count
    }

    /// Whether a trace whose median went from `baseline` to `candidate` got
    /// slower beyond what the suite's noise explains.
    public func slower(baseline: Double, candidate: Double) -> Bool {
        guard baseline > 0, candidate > 0 else { return candidate > baseline }
        return log(candidate / baseline) - log(ratio) > Self.deviations * spread
    }

    /// Whether it got faster beyond what the suite's noise explains.
    public func faster(baseline: Double, candidate: Double) -> Bool {
        guard baseline > 0, candidate > 0 else { return candidate < baseline }
        return log(ratio) - log(candidate / baseline) > Self.deviations * spread
    }

    /// `0.81× across 394 traces (one trace strays by ±42% by noise alone)`.
    public var summary: String {
        let noise = (exp(spread) - 1) * 100
        return String(format: "%.2f× across %d traces (a trace strays by ±%.0f%% by noise alone)", ratio, traces, noise)
    }
}
