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
    /// When set, every draw not in it is taken back (TEMPORARY until the core lands).
    public var only: Set<DrawID>? = nil
    /// A draw's deviation from nominal multiplied by its scale (TEMPORARY until the core lands).
    public var scales: [DrawID: Double] = [:]

    /// Whether the draw `id` is taken back.
    package func takesBack(_ id: DrawID) -> Bool {
        disabled.contains(id) || (only.map { !$0.contains(id) } ?? false) || scales[id] == 0
    }

    public init(
        seed: UInt64, run: Int, jitter: Double, timerJitter: Double = 0, shuffleReady: Bool = false,
        disabled: Set<DrawID> = []
    ) {
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
    package static func splitmix(_ x: UInt64) -> UInt64 {
        var generator = SplitMix64(seed: x)
        return generator.next()
    }

    /// A draw's 53 top bits as a number in [0, 1).
    package static func unit(_ u: UInt64) -> Double { Double(u >> 11) * 0x1.0p-53 }
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

    public init(id: DrawID, kind: Kind, description: String) {
        self.id = id
        self.kind = kind
        self.description = description
    }
}

/// Seconds as the descriptions print them: Python's repr, rounded to 6 digits.
package func seconds(_ d: Double) -> String {
    let r = (d * 1_000_000).rounded() / 1_000_000
    return floatRepr(r)
}

/// A deviation from a nominal time in words: `0.19 s late`, `0.02 s early`.
package func lateness(_ d: Double) -> String {
    d < 0 ? "\(seconds(-d)) s early" : "\(seconds(d)) s late"
}
