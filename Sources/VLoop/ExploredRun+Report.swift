import Properties
import RunModel
import RunStore

extension StoredPerturbation {
    /// A perturbation of a run's report, as the run database keeps it.
    init(_ p: AppliedPerturbation) {
        self.init(
            kind: p.kind.rawValue, draw: p.id.description, t: p.t, task: p.task, coroutine: p.coroutine,
            position: p.position, amount: p.amount, nominal: p.nominal, description: p.description)
    }
}

extension ExploredRun {
    /// Run `run` of an exploration with `settings` (nil for run 0, the nominal
    /// replay): its own strategy (a portfolio's turn) and the flags that replay it.
    init?(settings: ExploreSettings, run: Int) {
        guard run > 0 else { return nil }
        self.init(strategy: settings.strategy.forRun(run).rawValue, flags: "\(settings.flags) --run \(run)")
    }

    /// The run a perturbation file replays (`vloop run --perturbations FILE`): that command replays it again.
    init(perturbationFile path: String, _ file: PerturbationFile) {
        self.init(strategy: file.settings.strategy.forRun(file.run).rawValue, flags: "--perturbations \(path)")
    }
}
