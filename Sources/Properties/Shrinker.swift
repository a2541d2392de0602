import Foundation
import PyRuntime
import RunModel
import TraceLanguage
import VirtualLoop

/// Shrinks a failing run of an exploration (docs/EXPLORING.md, "Shrinking
/// and explaining"): first to a fixed point of take-backs (every kept draw
/// is needed: taking back any one of them alone makes the failure go away),
/// then each kept draw's size toward zero (the smallest scale of its
/// deviation from nominal that still breaks the same property). Every trial
/// replays run `run` with `Perturbation.only` (the draws kept; every other
/// draw, including ones the original run never made, is nominal) and
/// `Perturbation.scales`, so the shrunk run is itself a perturbation that
/// replays exactly (`vloop run --perturbations FILE`).
public enum Shrinker {
    /// The replays one shrink may spend, by default.
    public static let defaultBudget = 1000
    /// The halvings of each kept draw's size (a scale to within 1/2^steps).
    public static let sizeSteps = 5

    /// The replay budget and the progress of one shrink.
    public struct Options: Sendable {
        /// The most replays shrinking may spend (after the one replay of the failing run).
        public var budget: Int
        /// Called after each replay with the count spent so far (on the calling thread).
        public var progress: (@Sendable (Int) -> Void)?

        public init(budget: Int = Shrinker.defaultBudget, progress: (@Sendable (Int) -> Void)? = nil) {
            self.budget = budget
            self.progress = progress
        }
    }

    /// Shrinks run `run` of `settings` (which must fail), and explains it:
    /// what broke, where its events left the nominal order, and the kept
    /// draws in words (`sources`: the trace's source and its modules', for
    /// the text of the awaited calls). `excluding`: the nominal run's own failures
    /// (`Explorer.failureKeys`) when it fails, which are not what this run found.
    public static func shrink(
        _ compiled: CompiledModule, modules: ModuleTable = ModuleTable(), limits: RunLimits, settings: ExploreSettings,
        run: Int, nominal: RunReport, sources: [SourceFile] = [], options: Options = Options(),
        excluding: Set<String> = []
    ) -> ExploreFailure {
        let settings = settings.calibrated(to: nominal)
        guard let start = settings.perturbation(run: run) else {
            preconditionFailure("the nominal run (run 0) has nothing to shrink")
        }
        let original = TraceRunner.run(
            compiled, modules: modules, limits: limits, seed: settings.seed, perturbation: start)
        let verdict = PropertyChecker.check(original).acrossRuns()
        guard let (key, words) = Explorer.breakage(original, verdict, excluding: excluding) else {
            // The run failed once and passes when replayed: something outside its seed decided it
            // (the system refused a worker's thread, the memory budget): reported as it is, not shrunk.
            return ExploreFailure(
                run: run,
                broke: "run \(run) failed, but passed when replayed with the same seed: its failure did not "
                    + "come from its perturbations (the system refused a thread, or --max-memory stopped it)",
                property: nil, perturbations: original.perturbations, shrunk: original.perturbations)
        }
        var search = Search(
            start: start, key: key, excluding: excluding, original: original, budget: options.budget,
            progress: options.progress,
            replay: {
                TraceRunner.run(compiled, modules: modules, limits: limits, seed: settings.seed, perturbation: $0)
            })
        search.takeBack()
        search.shrinkSizes()
        let shrunk = search.best
        func explain(_ ps: [AppliedPerturbation]) -> [AppliedPerturbation] {
            ps.map {
                var p = $0
                p.description = p.explained(sources: sources)
                return p
            }
        }
        let text = Divergence.find(nominal.events, shrunk.events)
        let lines = text.map { $0.lines(run: run) } ?? []
        return ExploreFailure(
            run: run, broke: words,
            property: verdict.results.first { !$0.passed && !excluding.contains(Explorer.propertyKey(of: $0)) },
            divergence: text.map { $0.summary(run: run) }, divergenceContext: lines,
            perturbations: explain(original.perturbations), shrunk: explain(shrunk.perturbations),
            hang: shrunk.hang ?? original.hang, shrunkPerturbation: search.perturbation, replays: search.spent,
            fixedPoint: search.fixedPoint)
    }

    /// The state of one shrink: the draws kept, their scales, the last
    /// failing report, and the replays spent.
    struct Search {
        let start: Perturbation
        let key: String
        /// Failures that are the nominal run's own (not this run's finding).
        let excluding: Set<String>
        let budget: Int
        let progress: (@Sendable (Int) -> Void)?
        let replay: (Perturbation) -> RunReport
        /// The kept draws, in the order the original run made them.
        private(set) var kept: [DrawID] = []
        /// The scale of each kept draw below 1.
        private(set) var scales: [DrawID: Double] = [:]
        /// The last replay that failed as the original did (with `kept` and `scales`).
        private(set) var best: RunReport
        private(set) var spent = 0
        /// Whether a whole take-back pass removed nothing (false when the budget ran out first).
        private(set) var fixedPoint = false

        init(
            start: Perturbation, key: String, excluding: Set<String> = [], original: RunReport, budget: Int,
            progress: (@Sendable (Int) -> Void)?, replay: @escaping (Perturbation) -> RunReport
        ) {
            self.start = start
            self.excluding = excluding
            kept = original.perturbations.map(\.id)
            best = original
            self.key = key
            self.budget = budget
            self.progress = progress
            self.replay = replay
        }

        /// The perturbation of the kept draws at their scales.
        var perturbation: Perturbation { perturbation(kept, scales) }

        func perturbation(_ keep: [DrawID], _ scales: [DrawID: Double]) -> Perturbation {
            var p = start
            p.only = Set(keep)
            p.scales = scales.filter { keep.contains($0.key) && $0.value < 1 }
            return p
        }

        /// Records a failing replay: the draws it kept are those it applied
        /// (a kept draw it never made, or made nominal, changes nothing).
        mutating func keep(_ ids: [DrawID], report: RunReport) {
            let applied = Set(report.perturbations.map(\.id))
            kept = ids.filter(applied.contains)
            best = report
        }

        /// Whether `keep` at `scales` still breaks the same property; nil when the budget is spent.
        mutating func fails(_ keep: [DrawID], _ scales: [DrawID: Double]) -> RunReport?? {
            guard spent < budget else { return nil }
            spent += 1
            let report = replay(perturbation(keep, scales))
            progress?(spent)
            return .some(Explorer.breakage(report, excluding: excluding)?.key == key ? report : nil)
        }

        /// Takes back chunks of the kept draws (halving their size down to
        /// one draw), then single draws, pass after pass, until a whole pass
        /// of single take-backs removes nothing or the budget is spent.
        mutating func takeBack() {
            var chunk = max(1, kept.count / 2)
            while true {
                var removed = false
                var i = 0
                while i < kept.count {
                    var trial = kept
                    trial.removeSubrange(i..<min(i + chunk, kept.count))
                    guard let outcome = fails(trial, scales) else { return }
                    if let report = outcome {
                        keep(trial, report: report)
                        removed = true
                    } else {
                        i += chunk
                    }
                }
                if chunk > 1 {
                    chunk = max(1, min(chunk / 2, kept.count / 2))
                } else if !removed {
                    fixedPoint = true
                    return
                }
            }
        }

        /// Halves each kept draw's scale in [0, 1] toward the smallest that
        /// still fails (`sizeSteps` replays each, while the budget lasts).
        mutating func shrinkSizes() {
            // An order or a shuffle has no size: any scale above 0 is all of it.
            let sized = Set(best.perturbations.filter { $0.kind == .lateness || $0.kind == .duration }.map(\.id))
            for id in kept where sized.contains(id) {
                var low = 0.0
                var high = 1.0
                for _ in 0..<Shrinker.sizeSteps {
                    let mid = (low + high) / 2
                    var trial = scales
                    trial[id] = mid
                    guard let outcome = fails(kept, trial) else { return }
                    if let report = outcome {
                        high = mid
                        scales = trial
                        best = report
                    } else {
                        low = mid
                    }
                }
            }
        }
    }
}
