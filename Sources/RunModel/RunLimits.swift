import Foundation

/// The limits of one run (TRACE_LANGUAGE.md, "Limits"; docs/EXPLORING.md, "Hangs named"; docs/LIMITS.md).
public struct RunLimits: Sendable {
    public var maxSteps = 10_000_000
    public var maxTime = 86400.0
    public var maxInstructions = 100_000_000
    /// Whether a run that cycles without progress is stopped early as a
    /// livelock (status `limit`, value `'livelock'`): `--no-livelock-detection` clears it.
    public var detectsLivelock = true
    /// How many loop steps without progress (no print, log, task created or
    /// done, job, I/O) make a stretch that is compared with the next one: a
    /// livelock is two such stretches in a row that end in the same state
    /// with nothing from before them still pending (`--livelock-steps`).
    public var livelockSteps = 10_000
    /// The memory budget of the run, in bytes (`--max-memory`): the resident
    /// memory the process gains while the run runs may not pass it (status
    /// `limit`, value `'max-memory'`; docs/LIMITS.md, "Sizes and memory").
    /// At least `minimumMaxMemory`.
    public var maxMemory = RunLimits.defaultMaxMemory

    /// The default budget: a quarter of the machine's physical memory, at most
    /// 2 GiB, so that a run ends well before a 4 GiB address-space ceiling.
    public static let defaultMaxMemory: Int = {
        let physical = ProcessInfo.processInfo.physicalMemory
        let quarter = physical > 0 ? Int(clamping: physical / 4) : 2 << 30
        return max(minimumMaxMemory, min(quarter, 2 << 30))
    }()

    /// The smallest budget accepted: 16 MiB (below it, a run's own loading can pass it).
    public static let minimumMaxMemory = 16 << 20

    public init(
        maxSteps: Int = 10_000_000, maxTime: Double = 86400, maxInstructions: Int = 100_000_000,
        detectsLivelock: Bool = true, livelockSteps: Int = 10_000, maxMemory: Int = RunLimits.defaultMaxMemory
    ) {
        self.maxSteps = maxSteps
        self.maxTime = maxTime
        self.maxInstructions = maxInstructions
        self.detectsLivelock = detectsLivelock
        self.livelockSteps = livelockSteps
        self.maxMemory = maxMemory
    }

    /// A size in bytes as `--max-memory` takes it: a whole number of bytes,
    /// or a number (decimals allowed) with a binary suffix `K`, `M`, `G` or `T`
    /// (KiB, MiB, GiB, TiB; `KB`, `KiB` and lower case accepted too): `512M`,
    /// `2G`, `1.5GiB`, `1073741824`. Nil for anything else, or a size past `Int.max`.
    public static func parseMemorySize(_ text: String) -> Int? {
        var s = Substring(text.trimmingCharacters(in: .whitespaces))
        var unit = 1.0
        for suffix in ["ib", "b"] where s.lowercased().hasSuffix(suffix) {
            s = s.dropLast(suffix.count)
            break
        }
        if let last = s.last?.lowercased() {
            let scales: [String: Double] = ["k": 0x1p10, "m": 0x1p20, "g": 0x1p30, "t": 0x1p40]
            if let scale = scales[last] {
                unit = scale
                s = s.dropLast()
            } else if text.lowercased().hasSuffix("ib") {
                return nil  // "iB" alone is no unit
            }
        }
        s = Substring(s.trimmingCharacters(in: .whitespaces))
        guard !s.isEmpty, s.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
            s.filter({ $0 == "." }).count <= 1, s.first != ".", s.last != ".", let number = Double(s)
        else { return nil }
        let bytes = (number * unit).rounded(.down)
        guard bytes.isFinite, bytes < 0x1p63 else { return nil }
        if unit == 1, s.contains(".") { return nil }  // a fraction of a byte
        return Int(bytes)
    }
}
