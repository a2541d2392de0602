import Foundation
import PyRuntime
import RunModel

/// A shrunk run of an exploration, written to a file that replays it
/// exactly (`vloop run --perturbations FILE PATH`; docs/EXPLORING.md,
/// "Shrinking and explaining"): the trace it belongs to (its path and content
/// hash), the exploration's seed and settings, the run index, and the draws
/// kept with their scales. Every other draw of the run is nominal.
///
///     {"format": "vloop-perturbations/1", "trace": "fixtures/explore/a.trace",
///      "trace_hash": "sha256:…", "seed": 0, "run": 12,
///      "settings": {"strategy": "pct", "jitter": 0.5, …},
///      "draws": [{"line": 9, "column": 15, "k": 1, "scale": 0.25, "what": "job fetch(2) on worker 1 took …"}]}
public struct PerturbationFile: Sendable, Equatable {
    /// The format's name and version, the file's first key.
    public static let format = "vloop-perturbations/1"

    /// The trace's path as explored, and the hash of its content (`sha256:` and hex digits).
    public var trace: String
    public var traceHash: String
    public var settings: ExploreSettings
    public var run: Int
    /// The kept draws, in the order the run made them, each with its scale and its words.
    public var draws: [Draw]

    /// One kept draw: which, how much of its deviation from nominal (1: all of it), and what it did.
    public struct Draw: Sendable, Equatable {
        public var id: DrawID
        public var scale: Double
        /// Its description, for the reader; not read back.
        public var what: String

        public init(id: DrawID, scale: Double, what: String) {
            self.id = id
            self.scale = scale
            self.what = what
        }
    }

    public init(trace: String, traceHash: String, settings: ExploreSettings, run: Int, draws: [Draw]) {
        self.trace = trace
        self.traceHash = traceHash
        self.settings = settings
        self.run = run
        self.draws = draws
    }

    /// The file of a shrunk failure (nil for the nominal run, which has nothing to replay).
    public init?(_ failure: ExploreFailure, trace: String, traceHash: String, settings: ExploreSettings) {
        guard let p = failure.shrunkPerturbation, let only = p.only else { return nil }
        let words = Dictionary(failure.shrunk.map { ($0.id, $0.description) }, uniquingKeysWith: { a, _ in a })
        let order = failure.perturbations.map(\.id) + failure.shrunk.map(\.id)
        var seen = Set<DrawID>()
        var draws: [Draw] = []
        for id in order where only.contains(id) && seen.insert(id).inserted {
            draws.append(Draw(id: id, scale: p.scales[id] ?? 1, what: words[id] ?? ""))
        }
        self.init(trace: trace, traceHash: traceHash, settings: settings, run: failure.run, draws: draws)
    }

    /// The perturbation that replays the shrunk run.
    /// (The settings' `nominalSteps` and `nominalTasks` are the file's, as the exploration measured them.)
    public var perturbation: Perturbation {
        let s = settings
        return Perturbation(
            seed: s.seed, run: run, jitter: s.jitter, timerJitter: s.timerJitter,
            timerLateness: s.effectiveTimerLateness,
            shuffleReady: s.shuffleReady, strategy: s.strategy, depth: s.depth, nominalSteps: s.nominalSteps,
            nominalTasks: s.nominalTasks,
            scales: Dictionary(
                draws.filter { $0.scale < 1 }.map { ($0.id, $0.scale) }, uniquingKeysWith: { a, _ in a }),
            only: Set(draws.map(\.id)))
    }

    /// Where `vloop run` writes it: `<folder>/<trace-stem>-seed<S>-run<I>.json`.
    public static func path(folder: String, trace: String, seed: UInt64, run: Int) -> String {
        let stem = ((trace as NSString).lastPathComponent as NSString).deletingPathExtension
        return (folder as NSString).appendingPathComponent("\(stem)-seed\(seed)-run\(run).json")
    }

    /// The file's text: JSON, pretty-printed with sorted keys.
    public var json: String {
        let object: [String: Any] = [
            "format": Self.format, "trace": trace, "trace_hash": traceHash, "seed": NSNumber(value: settings.seed),
            "run": run, "settings": settings.jsonObject,
            "draws": draws.map {
                ["line": $0.id.line, "column": $0.id.column, "k": $0.id.k, "scale": $0.scale, "what": $0.what]
                    as [String: Any]
            },
        ]
        let data = try! JSONSerialization.data(
            withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// Reads a file's text; throws `PerturbationFileError.malformed` saying what is wrong.
    public init(json text: String) throws(PerturbationFileError) {
        func bad(_ why: String) -> PerturbationFileError { .malformed(why) }
        guard let data = text.data(using: .utf8),
            let any = try? JSONSerialization.jsonObject(with: data),
            let object = any as? [String: Any]
        else { throw bad("not a JSON object") }
        guard object["format"] as? String == Self.format else {
            throw bad("its \"format\" is not \"\(Self.format)\"")
        }
        guard let trace = object["trace"] as? String else { throw bad("\"trace\" must be a string") }
        guard let hash = object["trace_hash"] as? String else { throw bad("\"trace_hash\" must be a string") }
        guard let seed = object["seed"] as? NSNumber, let seedValue = UInt64(exactly: seed.doubleValue) else {
            throw bad("\"seed\" must be a non-negative integer")
        }
        guard let run = object["run"] as? Int, run >= 1 else { throw bad("\"run\" must be an integer of at least 1") }
        guard let settingsObject = object["settings"] as? [String: Any] else {
            throw bad("\"settings\" must be an object")
        }
        var settings: ExploreSettings
        do {
            settings = try ExploreSettings(json: settingsObject)
        } catch {
            throw bad("\"settings\": \(error)")
        }
        settings.seed = UInt64(seedValue)
        guard let list = object["draws"] as? [[String: Any]] else { throw bad("\"draws\" must be a list of objects") }
        var draws: [Draw] = []
        for (i, d) in list.enumerated() {
            guard let line = d["line"] as? Int, let column = d["column"] as? Int, let k = d["k"] as? Int,
                line >= 0, column >= 0, k >= 0
            else { throw bad("draw \(i + 1) needs non-negative integers \"line\", \"column\" and \"k\"") }
            let scale = (d["scale"] as? NSNumber)?.doubleValue ?? 1
            guard scale >= 0, scale <= 1 else { throw bad("draw \(i + 1): \"scale\" must be in [0, 1]") }
            draws.append(
                Draw(id: DrawID(line: line, column: column, k: k), scale: scale, what: d["what"] as? String ?? ""))
        }
        self.init(trace: trace, traceHash: hash, settings: settings, run: run, draws: draws)
    }
}

/// Why a perturbation file cannot replay (`vloop run` exits 2).
public enum PerturbationFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not a perturbation file, or one with a bad field.
    case malformed(String)
    /// Written for another trace.
    case otherTrace(file: String, trace: String)
    /// Written for this trace before it changed (its content hash differs).
    case stale(trace: String)

    public var description: String {
        switch self {
        case .malformed(let why): return "not a valid perturbation file: \(why)"
        case .otherTrace(let file, let trace):
            return "the perturbation file is for \(file), not \(trace) (its content differs)"
        case .stale(let trace):
            return "the perturbation file is stale: \(trace) changed since it was written (its content hash differs)"
        }
    }

    /// Checks that a file written for `file` (hash `fileHash`) replays `trace` (hash `traceHash`).
    public static func check(file: String, fileHash: String, trace: String, traceHash: String) throws(Self) {
        if fileHash == traceHash { return }
        func normalized(_ p: String) -> String {
            var s = Substring(p)
            while s.hasPrefix("./") { s = s.dropFirst(2) }
            return URL(fileURLWithPath: String(s)).standardizedFileURL.path
        }
        if normalized(file) == normalized(trace) { throw .stale(trace: trace) }
        throw .otherTrace(file: file, trace: trace)
    }
}
