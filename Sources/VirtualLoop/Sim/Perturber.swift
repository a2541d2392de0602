import PyRuntime
import RunModel
import TraceLanguage

/// Who caused a perturbed timing: the task running when it was drawn (or the
/// job's submitting task, for a job), else another source (a worker, a peer,
/// the loop), with what the report says of it.
package struct PerturbationCause {
    /// The PCT source: a task's serial (from 1), or a key above `otherSources` for a worker or a peer.
    package var source: Int
    package var task: String?
    package var coroutine: String?

    /// Keys of sources that are not tasks start here (tasks are numbered from 1).
    package static let otherSources = 1 << 40
    /// Drawn outside any task: a callback of the loop itself.
    package static let loop = PerturbationCause(source: 0, task: nil, coroutine: nil)
}

/// The draws of one run (docs/EXPLORING.md). Each draw is keyed by its
/// source position and its count there (TRACE_LANGUAGE.md, "Exploring"), so
/// taking one back changes no other. The strategy decides what a draw means:
/// `random` and `swarm` use it as a uniform number; `pct` uses the priority
/// of the task that caused it instead, so that a lower-priority task's timers
/// are later and its jobs slower, run-wide.
package final class Perturber {
    package let p: Perturbation
    /// The kinds this run perturbs (all of them but those a zero setting, or swarm, turned off).
    package let kinds: PerturbationKinds
    @exclusivity(unchecked) private var counts: [Int: Int] = [:]
    @exclusivity(unchecked) package private(set) var applied: [AppliedPerturbation] = []
    /// PCT: the rank of task serial t (1...n) is `ranks[t - 1]`, 0 the highest priority.
    private let ranks: [Int]
    /// PCT: the steps at which the running task drops to the lowest priority, ascending.
    private let changePoints: [Int]
    private var nextChange = 0
    /// PCT: the tasks a change point demoted (their sources are then at the full bound).
    @exclusivity(unchecked) private var demoted: Set<Int> = []

    /// Draws of the order of simultaneous external events are at their
    /// position's column plus this, a position of their own.
    package static let orderColumn = 1 << 16

    package init(_ p: Perturbation) {
        self.p = p
        var kinds = PerturbationKinds.all
        if p.jitter == 0 { kinds.subtract([.jobs, .peers]) }
        if p.timerJitter == 0 && p.timerLateness == 0 { kinds.remove(.timers) }
        if p.strategy == .swarm {
            // Each kind on with probability 1/2, drawn at (line 0, column 2);
            // a run with none of its possible kinds keeps them all.
            var on = PerturbationKinds()
            for (i, (kind, _)) in PerturbationKinds.each.enumerated()
            where Perturbation.draw(seed: p.seed, run: p.run, line: 0, column: 2, k: i) >> 63 == 1 {
                on.insert(kind)
            }
            if !on.intersection(kinds).isEmpty { kinds.formIntersection(on) }
        }
        self.kinds = kinds
        var ranks: [Int] = []
        var points: [Int] = []
        if p.strategy == .pct {
            // A random permutation of the nominal run's n tasks (Fisher-Yates
            // from the last down, draws at (0, 1)), and d−1 change points
            // uniform among its k steps (draws at (0, 3)).
            let n = p.nominalTasks
            ranks = Array(0..<max(n, 0))
            for i in stride(from: n - 1, to: 0, by: -1) {
                let u = Perturbation.draw(seed: p.seed, run: p.run, line: 0, column: 1, k: n - 1 - i)
                ranks.swapAt(i, Int(Perturbation.unit(u) * Double(i + 1)))
            }
            let k = max(p.nominalSteps, 1)
            for j in 0..<max(p.depth - 1, 0) {
                let u = Perturbation.draw(seed: p.seed, run: p.run, line: 0, column: 3, k: j)
                points.append(1 + Int(Perturbation.unit(u) * Double(k)))
            }
            points.sort()
        }
        self.ranks = ranks
        changePoints = points
    }

    /// The first step at which PCT changes a priority (Int.max when none is left).
    package var nextChangePoint: Int { nextChange < changePoints.count ? changePoints[nextChange] : Int.max }

    /// PCT: step `step` ran task `serial` (nil when it ran no task's step):
    /// the change points reached by now demote it. Returns whether one did.
    package func reached(step: Int, task serial: Int?) -> Bool {
        guard let serial, nextChange < changePoints.count, changePoints[nextChange] <= step else { return false }
        while nextChange < changePoints.count && changePoints[nextChange] <= step { nextChange += 1 }
        demoted.insert(serial)
        return true
    }

    /// PCT: how far down source `s` is, from 0 (the highest priority: on
    /// time, fastest) to 1 (the lowest: the full bound).
    private func priorityFraction(_ s: Int) -> Double {
        if demoted.contains(s) { return 1 }
        if s >= 1 && s <= ranks.count {
            return ranks.count == 1 ? 1 : Double(ranks[s - 1]) / Double(ranks.count - 1)
        }
        // A task the nominal run did not have, a worker, a peer, the loop: a priority of its own.
        return Perturbation.unit(Perturbation.draw(seed: p.seed, run: p.run, line: 0, column: 4, k: s))
    }

    private func next(_ loc: SourceLocation) -> (u: UInt64, id: DrawID) {
        let key = loc.line << 20 | loc.column
        let k = counts[key, default: 0]
        counts[key] = k + 1
        let id = DrawID(line: loc.line, column: loc.column, k: k)
        return (Perturbation.draw(seed: p.seed, run: p.run, line: loc.line, column: loc.column, k: k), id)
    }

    /// The number in [0, 1) that draw `u` stands for under this run's strategy.
    private func fraction(_ u: UInt64, _ cause: PerturbationCause) -> Double {
        p.strategy == .pct ? priorityFraction(cause.source) : Perturbation.unit(u)
    }

    /// A simulated duration of kind `kind` (`.jobs` or `.peers`) drawn at
    /// `loc`: `nominal` times a factor in [1-J, 1+J].
    package func duration(
        _ nominal: Double, at loc: SourceLocation, kind: PerturbationKinds, cause: PerturbationCause, t: Double,
        position: @autoclosure () -> String, _ describe: (Double) -> String
    ) -> Double {
        guard kinds.contains(kind), nominal > 0 else { return nominal }
        let (u, id) = next(loc)
        let w = p.weight(id)
        if w == 0 { return nominal }
        let drawn = nominal * (1 - p.jitter + 2 * p.jitter * fraction(u, cause))
        let value = nominal + (drawn - nominal) * w
        if value == nominal { return nominal }
        applied.append(
            AppliedPerturbation(
                id: id, kind: .duration, description: describe(value), t: t, task: cause.task,
                coroutine: cause.coroutine, position: position(), amount: value, nominal: nominal))
        return value
    }

    /// How late a timer of delay `delay` set at `loc` fires: up to
    /// `timerJitter + timerLateness * delay` seconds, never early.
    package func lateness(
        delay: Double, at loc: SourceLocation, cause: PerturbationCause, t: Double, position: @autoclosure () -> String,
        _ describe: (Double) -> String
    ) -> Double {
        let bound = p.timerJitter + p.timerLateness * max(delay, 0)
        guard bound > 0 else { return 0 }
        let (u, id) = next(loc)
        let w = p.weight(id)
        if w == 0 { return 0 }
        let late = bound * fraction(u, cause) * w
        if late == 0 { return 0 }
        applied.append(
            AppliedPerturbation(
                id: id, kind: .lateness, description: describe(late), t: t, task: cause.task,
                coroutine: cause.coroutine, position: position(), amount: late, nominal: 0))
        return late
    }

    /// Where among `choices + 1` places an external event due at the same
    /// instant as `choices` others goes: `choices` is its nominal place
    /// (after them); fewer puts it before some of them.
    package func order(
        _ choices: Int, at loc: SourceLocation, t: Double, position: @autoclosure () -> String,
        _ describe: (Int) -> String
    ) -> Int {
        guard kinds.contains(.order), choices > 0 else { return choices }
        let (u, id) = next(SourceLocation(line: loc.line, column: loc.column + Self.orderColumn))
        if p.weight(id) == 0 { return choices }
        let place = Int(Perturbation.unit(u) * Double(choices + 1))
        if place == choices { return choices }
        applied.append(
            AppliedPerturbation(
                id: id, kind: .order, description: describe(choices - place), t: t, position: position(),
                amount: Double(choices - place), nominal: 0))
        return place
    }

    /// A Fisher-Yates shuffle of `n` callbacks, from the last element down,
    /// with draws at the position of the loop itself (line 0, column 0).
    /// Returns the order to run them in, or nil to keep theirs.
    package func shuffle(_ n: Int, t: Double, _ describe: () -> String) -> [Int]? {
        guard p.shuffleReady, n > 1 else { return nil }
        var order = Array(0..<n)
        var first: DrawID?
        for i in stride(from: n - 1, to: 0, by: -1) {
            let (u, id) = next(SourceLocation(line: 0, column: 0))
            if first == nil { first = id }
            let j = Int(Perturbation.unit(u) * Double(i + 1))
            order.swapAt(i, j)
        }
        // An iteration's shuffle is one perturbation: taken back whole.
        if let first, p.weight(first) == 0 { return nil }
        if order == Array(0..<n) { return nil }
        applied.append(
            AppliedPerturbation(
                id: first!, kind: .shuffle, description: describe(), t: t, position: "the loop", amount: Double(n)))
        return order
    }
}

extension World {
    /// Where the trace is now: the innermost frame of trace code (prelude
    /// frames are CPython's asyncio, not a position of the trace). A position
    /// in a module the trace imported carries the module's ordinal (its place
    /// in the load order, from 1) above bit 24 of its line, so that its draws
    /// are its own (the trace's positions, ordinal 0, draw as the spec says);
    /// `positionText` shows it.
    package var tracePosition: SourceLocation {
        var f = vm.currentFrame
        while let frame = f {
            if !frame.code.isInternal {
                var loc = frame.location
                if let ordinal = moduleOrdinals[frame.code.sourcePath] { loc.line |= ordinal << 24 }
                return loc
            }
            f = frame.caller
        }
        return .unknown
    }

    /// A position of `tracePosition` in words: `line 12`, or `ordersvc/client.py line 12` in a module.
    package func positionText(_ loc: SourceLocation) -> String {
        let ordinal = loc.line >> 24
        let line = "line \(loc.line & 0xFF_FFFF)"
        guard ordinal > 0, ordinal <= userModules.files.count else { return line }
        return userModules.files[ordinal - 1].path + " " + line
    }

    /// The cause of a timing drawn now: the running task, else the loop.
    package var perturbationCause: PerturbationCause {
        guard let t = currentTask else { return .loop }
        return PerturbationCause(source: t.serial, task: t.name, coroutine: t.coroutineName)
    }

    /// A simulated duration of kind `kind`, perturbed when the run explores.
    package func perturbed(
        _ nominal: Double, at loc: SourceLocation, kind: PerturbationKinds, cause: PerturbationCause? = nil,
        _ describe: (Double) -> String
    ) -> Double {
        guard let perturber else { return nominal }
        return perturber.duration(
            nominal, at: loc, kind: kind, cause: cause ?? perturbationCause, t: clock, position: positionText(loc),
            describe)
    }
}

extension PyTask {
    /// The name of the task's coroutine function (`fetch`), for reports.
    package var coroutineName: String? { hintFrame?.takeUnretainedValue().code.qualifiedName }
}
