// Swift Testing helpers for vloop: checks that record issues, and explorations
// that fail a test with the shrunk counterexample. A separate library so that
// only test targets link Swift Testing.
import Testing
@_exported import VLoop

/// Records an issue when `check` failed, with its message, the slice of the
/// event log it names and, for a run replayed from an exploration, its replay
/// command; returns whether it held. `#expect` takes a `Bool`; this is its
/// counterpart for a ``Check``:
///
///     @Test func oneThenTwoThenThree() throws {
///         let run = try Trace(file: "fixtures/seed/gather-two-coroutines.trace").replay()
///         expect(run.order("1", "2", "3"))
///         expect(run.elapsed(max: 2.0))
///     }
@discardableResult
public func expect(_ check: Check, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
    if !check.passed {
        Issue.record(Comment(rawValue: check.description), sourceLocation: sourceLocation)
    }
    return check.passed
}

/// Explores `trace` (``Trace/explore(runs:seed:strategy:depth:jitter:timerJitter:timerLateness:shuffleReady:limits:jobs:failFast:)``)
/// and records one issue per failure: what broke, the shrunk perturbations in
/// words, and the command that replays it. A test calling it fails with the
/// shrunk counterexample; it also records an issue when the exploration
/// cannot start.
///
///     @Test func orderHoldsUnderShuffling() async throws {
///         await explore(try Trace(file: "fixtures/explore/order-made-explicit-holds.trace"), runs: 50)
///     }
///
/// - Returns: the exploration, nil when it could not start.
@discardableResult
public func explore(
    _ trace: Trace, runs: Int? = nil, seed: UInt64 = 0, strategy: ExploreStrategy? = nil, depth: Int? = nil,
    jitter: Double? = nil, timerJitter: Double? = nil, timerLateness: Double? = nil, shuffleReady: Bool = false,
    limits: RunLimits = RunLimits(), sourceLocation: SourceLocation = #_sourceLocation
) async -> Exploration? {
    let found: Exploration
    do {
        found = try await trace.explore(
            runs: runs, seed: seed, strategy: strategy, depth: depth, jitter: jitter, timerJitter: timerJitter,
            timerLateness: timerLateness, shuffleReady: shuffleReady,
            limits: limits)
    } catch {
        Issue.record(
            Comment(rawValue: "\(trace.name): could not explore: \(error)"), sourceLocation: sourceLocation)
        return nil
    }
    for failure in found.failures {
        Issue.record(Comment(rawValue: "\(trace.name): \(failure)"), sourceLocation: sourceLocation)
    }
    return found
}

/// Explores `trace` as ``explore(_:runs:seed:strategy:depth:jitter:timerJitter:timerLateness:shuffleReady:limits:sourceLocation:)``
/// does, then replays every explored run (the nominal one included) and
/// checks `property` on it: records an issue per failure of the trace's own
/// properties (shrunk) and per run on which `property` fails (with that
/// run's replay command).
///
///     @Test func atMostThree() async throws {
///         let trace = try Trace(file: "fixtures/explore/max-three-with-semaphore-holds.trace")
///         await explore(trace, runs: 100) { run in
///             run.concurrency("job * start", "job * end", max: 3)
///         }
///     }
///
/// - Returns: the exploration, nil when it could not start.
@discardableResult
public func explore(
    _ trace: Trace, runs: Int? = nil, seed: UInt64 = 0, strategy: ExploreStrategy? = nil, depth: Int? = nil,
    jitter: Double? = nil, timerJitter: Double? = nil, timerLateness: Double? = nil, shuffleReady: Bool = false,
    limits: RunLimits = RunLimits(), sourceLocation: SourceLocation = #_sourceLocation,
    checking property: (Run) -> Check
) async -> Exploration? {
    guard
        let found = await explore(
            trace, runs: runs, seed: seed, strategy: strategy, depth: depth, jitter: jitter, timerJitter: timerJitter,
            timerLateness: timerLateness, shuffleReady: shuffleReady,
            limits: limits, sourceLocation: sourceLocation)
    else { return nil }
    for i in 0..<found.runs {
        let run = found.replay(run: i, of: trace, limits: limits)
        let check = property(run)
        if !check.passed {
            Issue.record(
                Comment(rawValue: "\(trace.name), run \(i) of seed \(seed): \(check)"),
                sourceLocation: sourceLocation)
        }
    }
    return found
}
