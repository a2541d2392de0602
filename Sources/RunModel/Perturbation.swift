/// How the runs of an exploration choose their perturbations
/// (docs/EXPLORING.md, "Strategies").
public enum ExploreStrategy: String, Sendable, CaseIterable, CustomStringConvertible {
    /// Every timing source draws its perturbation uniformly and independently.
    case random
    /// Probabilistic concurrency testing: a random priority per task, d−1
    /// priority-change points among the nominal run's steps; the sources of a
    /// lower-priority task run later and slower.
    case pct
    /// `random`, with whole kinds of perturbation (timers, jobs, peers, the
    /// order of simultaneous external events) switched on or off per run.
    case swarm
    /// Run i uses random, pct and swarm in turn.
    case portfolio

    /// The strategy run `run` uses: itself, or for a portfolio the one whose turn it is.
    public func forRun(_ run: Int) -> ExploreStrategy {
        guard self == .portfolio else { return self }
        return [.random, .pct, .swarm][(max(run, 1) - 1) % 3]
    }

    public var description: String { rawValue }
}

/// The kinds of timing a run perturbs; swarm runs switch each on or off.
public struct PerturbationKinds: OptionSet, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Timers set by trace code fire late.
    public static let timers = PerturbationKinds(rawValue: 1)
    /// Executor jobs' blocking steps take longer or shorter.
    public static let jobs = PerturbationKinds(rawValue: 2)
    /// Simulated peers' connect, DNS, reply and close delays vary.
    public static let peers = PerturbationKinds(rawValue: 4)
    /// External events due at the same instant (job completions, deliveries
    /// of different connections) come in another order.
    public static let order = PerturbationKinds(rawValue: 8)
    public static let all: PerturbationKinds = [.timers, .jobs, .peers, .order]
    /// The kinds in the order swarm draws them.
    public static let each: [(PerturbationKinds, String)] = [
        (.timers, "timers"), (.jobs, "jobs"), (.peers, "peers"), (.order, "order"),
    ]

    public var description: String {
        let names = Self.each.filter { contains($0.0) }.map(\.1)
        return names.isEmpty ? "nothing" : names.joined(separator: ", ")
    }
}

/// How one run of an exploration perturbs the simulated world
/// (TRACE_LANGUAGE.md, "Exploring"; docs/EXPLORING.md): a factor in [1-J, 1+J]
/// for each simulated duration (a job's `time.sleep`, a peer's connect, DNS,
/// reply and close delays), a lateness for each timer set by trace code (up
/// to `timerJitter` seconds plus `timerLateness` times its own delay), a new
/// order of external events due at one instant, and with `shuffleReady` a
/// random order of each iteration's ready callbacks (which no CPython loop
/// produces). The strategy decides how the draws are used.
public struct Perturbation: Sendable, Equatable {
    public var seed: UInt64
    public var run: Int
    public var jitter: Double
    public var timerJitter: Double
    /// Each timer may fire up to this many times its own delay late.
    public var timerLateness: Double
    public var shuffleReady: Bool
    /// The run's own strategy (never `.portfolio`: that picks one per run).
    public var strategy: ExploreStrategy
    /// PCT's depth d: d−1 priority-change points.
    public var depth: Int
    /// PCT's k and n: the nominal run's loop steps and tasks.
    public var nominalSteps: Int
    public var nominalTasks: Int
    /// Draws taken back (kept nominal), for shrinking. Taking one back
    /// changes no other draw: each is keyed by its own position and count.
    public var disabled: Set<DrawID>
    /// A draw's deviation from nominal is multiplied by its scale (absent: 1;
    /// 0 takes it back), for shrinking a perturbation's size.
    public var scales: [DrawID: Double]
    /// When set, every draw not in it is taken back (a shrunk run replayed).
    public var only: Set<DrawID>?

    public init(
        seed: UInt64, run: Int, jitter: Double, timerJitter: Double = 0, timerLateness: Double = 0,
        shuffleReady: Bool = false, strategy: ExploreStrategy = .random, depth: Int = 3, nominalSteps: Int = 0,
        nominalTasks: Int = 0, disabled: Set<DrawID> = [], scales: [DrawID: Double] = [:], only: Set<DrawID>? = nil
    ) {
        self.seed = seed
        self.run = run
        self.jitter = jitter
        self.timerJitter = timerJitter
        self.timerLateness = timerLateness
        self.shuffleReady = shuffleReady
        self.strategy = strategy.forRun(run)
        self.depth = depth
        self.nominalSteps = nominalSteps
        self.nominalTasks = nominalTasks
        self.disabled = disabled
        self.scales = scales
        self.only = only
    }

    /// How much of draw `id` applies: 0 when taken back, else its scale.
    @inline(__always) public func weight(_ id: DrawID) -> Double {
        if disabled.contains(id) { return 0 }
        if let only, !only.contains(id) { return 0 }
        return scales[id] ?? 1
    }

    /// The seed of the trace's `random` in this run: the run's seed itself
    /// for run 0 (the nominal replay keeps its numbers), else (seed, run)
    /// folded as the draws fold their keys.
    public static func randomSeed(seed: UInt64, run: Int) -> UInt64 {
        guard run > 0 else { return seed }
        return splitmix(splitmix(splitmix(0 ^ seed) ^ UInt64(run)) ^ 0x7261_6E64_6F6D)  // "random"
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
    public enum Kind: String, Sendable { case duration, lateness, shuffle, order }
    public var id: DrawID
    public var kind: Kind
    /// "job blocks(3) took 0.131 s instead of 0.1 (line 9)".
    public var description: String
    /// The virtual time at which it was drawn.
    public var t: Double
    /// The task that caused it (`Task-3`), nil outside tasks (a job's worker, a callback).
    public var task: String?
    /// That task's coroutine's name (`fetch`).
    public var coroutine: String?
    /// Where it was drawn, in words: `line 12`, `pkg/mod.py line 12`.
    public var position: String
    /// The drawn value and the nominal one: seconds late and 0 for a timer;
    /// the perturbed and the nominal duration for a job or a peer's delay;
    /// for a shuffle or an order, the number of callbacks or events and 0.
    public var amount: Double
    public var nominal: Double

    public init(
        id: DrawID, kind: Kind, description: String, t: Double = 0, task: String? = nil, coroutine: String? = nil,
        position: String = "", amount: Double = 0, nominal: Double = 0
    ) {
        self.id = id
        self.kind = kind
        self.description = description
        self.t = t
        self.task = task
        self.coroutine = coroutine
        self.position = position
        self.amount = amount
        self.nominal = nominal
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
