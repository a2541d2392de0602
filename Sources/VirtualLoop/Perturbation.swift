import TraceLanguage

/// How one run of an exploration perturbs the simulated world
/// (TRACE_LANGUAGE.md, "Exploring"): a factor in [1-J, 1+J] for each
/// simulated duration (a job's `time.sleep`, a peer's connect, DNS, reply
/// and close delays), a lateness in [0, T] for each timer, and with
/// `shuffleReady` a random order of each iteration's ready callbacks.
public struct Perturbation: Sendable, Equatable {
    public var seed: UInt64
    public var run: Int
    public var jitter: Double
    public var timerJitter: Double
    public var shuffleReady: Bool
    /// Draws taken back (kept nominal), for shrinking. Taking one back
    /// changes no other draw: each is keyed by its own position and count.
    public var disabled: Set<DrawID>

    public init(seed: UInt64, run: Int, jitter: Double, timerJitter: Double = 0, shuffleReady: Bool = false,
                disabled: Set<DrawID> = []) {
        self.seed = seed
        self.run = run
        self.jitter = jitter
        self.timerJitter = timerJitter
        self.shuffleReady = shuffleReady
        self.disabled = disabled
    }

    /// The spec's mixing: each value folded into the state with one SplitMix64
    /// step (`state = splitmix(state ^ value)`, from 0); the draw is the first
    /// output of SplitMix64 started from that key.
    public static func draw(seed: UInt64, run: Int, line: Int, column: Int, k: Int) -> UInt64 {
        var state: UInt64 = 0
        for v in [seed, UInt64(run), UInt64(line), UInt64(column), UInt64(k)] {
            state = splitmix(state ^ v)
        }
        return splitmix(state)
    }

    /// One SplitMix64 step from `x`: its output.
    static func splitmix(_ x: UInt64) -> UInt64 {
        var generator = SplitMix64(seed: x)
        return generator.next()
    }

    /// A draw's 53 top bits as a number in [0, 1).
    static func unit(_ u: UInt64) -> Double { Double(u >> 11) * 0x1.0p-53 }
}

/// Identifies a draw: its source position and its count there.
public struct DrawID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var k: Int

    public init(line: Int, column: Int, k: Int) {
        self.line = line
        self.column = column
        self.k = k
    }

    public static func < (a: DrawID, b: DrawID) -> Bool {
        (a.line, a.column, a.k) < (b.line, b.column, b.k)
    }

    public var description: String { "\(line):\(column)#\(k)" }
}

/// A perturbation that changed the run, in words a user understands.
public struct AppliedPerturbation: Sendable, Equatable {
    public enum Kind: String, Sendable { case duration, lateness, shuffle }
    public var id: DrawID
    public var kind: Kind
    /// "job blocks(3) took 0.131 s instead of 0.1 (line 9)".
    public var description: String
}

/// The draws of one run.
final class Perturber {
    let p: Perturbation
    private var counts: [Int: Int] = [:]
    private(set) var applied: [AppliedPerturbation] = []

    init(_ p: Perturbation) { self.p = p }

    private func next(_ loc: SourceLocation) -> (u: UInt64, id: DrawID) {
        let key = loc.line << 20 | loc.column
        let k = counts[key, default: 0]
        counts[key] = k + 1
        let id = DrawID(line: loc.line, column: loc.column, k: k)
        return (Perturbation.draw(seed: p.seed, run: p.run, line: loc.line, column: loc.column, k: k), id)
    }

    /// A simulated duration drawn at `loc`: `nominal` times a factor in [1-J, 1+J].
    func duration(_ nominal: Double, at loc: SourceLocation, _ describe: (Double) -> String) -> Double {
        guard p.jitter > 0, nominal > 0 else { return nominal }
        let (u, id) = next(loc)
        if p.disabled.contains(id) { return nominal }
        let value = nominal * (1 - p.jitter + 2 * p.jitter * Perturbation.unit(u))
        applied.append(AppliedPerturbation(id: id, kind: .duration, description: describe(value)))
        return value
    }

    /// The lateness in [0, T] of a timer set at `loc`.
    func lateness(at loc: SourceLocation, _ describe: (Double) -> String) -> Double {
        guard p.timerJitter > 0 else { return 0 }
        let (u, id) = next(loc)
        if p.disabled.contains(id) { return 0 }
        let late = p.timerJitter * Perturbation.unit(u)
        applied.append(AppliedPerturbation(id: id, kind: .lateness, description: describe(late)))
        return late
    }

    /// A Fisher-Yates shuffle of `n` callbacks, from the last element down,
    /// with draws at the position of the loop itself (line 0, column 0).
    /// Returns the order to run them in, or nil to keep theirs.
    func shuffle(_ n: Int, _ describe: () -> String) -> [Int]? {
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
        if let first, p.disabled.contains(first) { return nil }
        if order == Array(0..<n) { return nil }
        applied.append(AppliedPerturbation(id: first!, kind: .shuffle, description: describe()))
        return order
    }
}

extension World {
    /// Where the trace is now: the innermost frame of trace code (prelude
    /// frames are CPython's asyncio, not a position of the trace).
    var tracePosition: SourceLocation {
        var f = vm.currentFrame
        while let frame = f {
            if !frame.code.isInternal { return frame.location }
            f = frame.caller
        }
        return .unknown
    }

    /// A simulated duration, perturbed when the run explores.
    func perturbed(_ nominal: Double, at loc: SourceLocation, _ describe: (Double) -> String) -> Double {
        perturber?.duration(nominal, at: loc, describe) ?? nominal
    }
}

/// Seconds as the descriptions print them: Python's repr, rounded to 6 digits.
func seconds(_ d: Double) -> String {
    let r = (d * 1_000_000).rounded() / 1_000_000
    return floatRepr(r)
}
