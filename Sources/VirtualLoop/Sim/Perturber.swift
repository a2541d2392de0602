import PyRuntime
import RunModel
import TraceLanguage

/// The draws of one run.
package final class Perturber {
    package let p: Perturbation
    @exclusivity(unchecked) private var counts: [Int: Int] = [:]
    @exclusivity(unchecked) package private(set) var applied: [AppliedPerturbation] = []

    package init(_ p: Perturbation) { self.p = p }

    private func next(_ loc: SourceLocation) -> (u: UInt64, id: DrawID) {
        let key = loc.line << 20 | loc.column
        let k = counts[key, default: 0]
        counts[key] = k + 1
        let id = DrawID(line: loc.line, column: loc.column, k: k)
        return (Perturbation.draw(seed: p.seed, run: p.run, line: loc.line, column: loc.column, k: k), id)
    }

    /// A simulated duration drawn at `loc`: `nominal` times a factor in [1-J, 1+J].
    package func duration(_ nominal: Double, at loc: SourceLocation, _ describe: (Double) -> String) -> Double {
        guard p.jitter > 0, nominal > 0 else { return nominal }
        let (u, id) = next(loc)
        if p.takesBack(id) { return nominal }
        let value = nominal * (1 + (-p.jitter + 2 * p.jitter * Perturbation.unit(u)) * (p.scales[id] ?? 1))
        applied.append(AppliedPerturbation(id: id, kind: .duration, description: describe(value)))
        return value
    }

    /// The lateness in [0, T] of a timer set at `loc`.
    package func lateness(at loc: SourceLocation, _ describe: (Double) -> String) -> Double {
        guard p.timerJitter > 0 else { return 0 }
        let (u, id) = next(loc)
        if p.takesBack(id) { return 0 }
        let late = p.timerJitter * Perturbation.unit(u) * (p.scales[id] ?? 1)
        applied.append(AppliedPerturbation(id: id, kind: .lateness, description: describe(late)))
        return late
    }

    /// A Fisher-Yates shuffle of `n` callbacks, from the last element down,
    /// with draws at the position of the loop itself (line 0, column 0).
    /// Returns the order to run them in, or nil to keep theirs.
    package func shuffle(_ n: Int, _ describe: () -> String) -> [Int]? {
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
        if let first, p.takesBack(first) { return nil }
        if order == Array(0..<n) { return nil }
        applied.append(AppliedPerturbation(id: first!, kind: .shuffle, description: describe()))
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

    /// A simulated duration, perturbed when the run explores.
    package func perturbed(_ nominal: Double, at loc: SourceLocation, _ describe: (Double) -> String) -> Double {
        perturber?.duration(nominal, at: loc, describe) ?? nominal
    }
}
