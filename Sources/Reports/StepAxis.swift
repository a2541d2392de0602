/// Along what a timeline is laid out: virtual time, or the steps (loop
/// callbacks) in the order they ran.
public enum TimelineAxis: String, CaseIterable, Sendable {
    case time, steps
}

/// The step axis of a timeline: the steps (loop callbacks, in the order they
/// ran) at which something drawn happened, one slot each, so that what
/// happened at one virtual instant is laid out in the ready queue's order
/// instead of on one point.
struct StepAxis {
    /// The steps, ascending, each once.
    private(set) var steps: [Int] = []
    /// The virtual time of each of `steps`.
    private(set) var times: [Double] = []

    init(_ timeline: Timeline) {
        var points: [(step: Int, t: Double)] = []
        func add(_ step: Int?, _ t: Double?) {
            if let step, let t { points.append((step, t)) }
        }
        for lane in timeline.lanes {
            add(lane.startStep, lane.start)
            add(lane.endStep, lane.end)
            for w in lane.wakes { add(w.step, w.t) }
            for m in lane.marks { add(m.step, m.t) }
            for b in lane.bars {
                add(b.startStep, b.start)
                add(b.endStep, b.end)
            }
        }
        for a in timeline.arrows {
            add(a.fromStep, a.fromT)
            add(a.toStep, a.toT)
        }
        points.sort { $0.step < $1.step || ($0.step == $1.step && $0.t < $1.t) }
        for p in points where steps.last != p.step {
            steps.append(p.step)
            times.append(p.t)
        }
    }

    var count: Int { steps.count }

    /// The slot of `step`: its place in `steps`, or where it would be.
    func slot(_ step: Int) -> Int { Self.firstIndex(in: steps, notBelow: step) }

    /// The first slot at or after the virtual time `t` (for what has no step, such as a perturbation).
    func slot(at t: Double) -> Int { Self.firstIndex(in: times, notBelow: t) }

    /// The first index of sorted `a` whose element is at least `x` (`a.count` when none is).
    private static func firstIndex<T: Comparable>(in a: [T], notBelow x: T) -> Int {
        var lo = 0, hi = a.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if a[mid] < x { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Slots at which the virtual time changes (the first of each instant),
    /// thinned to at most `count`, for the axis's labels.
    func instantStarts(count: Int) -> [Int] {
        var starts: [Int] = []
        for i in times.indices where i == 0 || times[i] != times[i - 1] { starts.append(i) }
        guard starts.count > count, count > 0 else { return starts }
        let every = Double(starts.count) / Double(count)
        return (0..<count).map { starts[Int(Double($0) * every)] }
    }
}
