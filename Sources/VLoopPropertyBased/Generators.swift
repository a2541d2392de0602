@_exported import PropertyBased
import VLoop

/// Generators of the inputs a trace's timings are made of, for
/// `x-sheep/swift-property-based`'s `propertyCheck`: drawn at random,
/// and shrunk, when a property fails, towards the smallest value that
/// still fails it, in whole steps, so that the counterexample a test
/// reports is a boundary (`0.061`, not `0.0610473`).
extension Gen where Value == Double {
    /// A duration in seconds, a whole number of `resolution`s (1 ms unless
    /// said otherwise) within `range`; shrinks towards `range`'s lower bound.
    ///
    ///     await propertyCheck(input: Gen.latency(in: 0...0.5)) { latency in
    ///         let run = try template.trace(["latency": latency]).replay()
    ///         expect(run.never(["text": "fetch*", "ctx": "Task-3"]))
    ///     }
    ///
    /// The value is the step count times `resolution`, rounded to the
    /// nearest multiple as Python's `n / 1000` is for the default: `0.061`
    /// is written into the trace as `0.061`.
    public static func latency(
        in range: ClosedRange<Double>, resolution: Double = 0.001
    ) -> Generator<Double, Shrink.Integer<Int>> {
        precondition(resolution > 0 && resolution.isFinite, "Gen.latency: the resolution must be a positive number")
        precondition(
            range.lowerBound >= 0 && range.upperBound.isFinite, "Gen.latency: durations are finite and not negative")
        let low = Int((range.lowerBound / resolution).rounded(.up))
        let high = Int((range.upperBound / resolution).rounded(.down))
        precondition(low <= high, "Gen.latency: no multiple of \(resolution) lies in \(range)")
        let inverse = (1 / resolution).rounded()
        let exact = abs(inverse * resolution - 1) < 1e-12
        return Gen<Int>.value(in: low...high).map { steps in
            // n / 1000 rather than n * 0.001: the same double Python's literal 0.061 is.
            exact ? Double(steps) / inverse : Double(steps) * resolution
        }
    }

    /// `count` durations as ``latency(in:resolution:)`` draws them; each shrinks on its own.
    public static func latencies(
        _ count: ClosedRange<Int>, in range: ClosedRange<Double>, resolution: Double = 0.001
    ) -> Generator<[Double], Generator<Double, Shrink.Integer<Int>>.ArrayShrink> {
        latency(in: range, resolution: resolution).array(of: count)
    }
}
