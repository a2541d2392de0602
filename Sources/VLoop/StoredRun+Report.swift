import Foundation
import RunModel
import RunStore
import TraceLanguage
import VirtualLoop

extension StoredRun {
    /// The run of a valid trace, from its report and its verdict; without
    /// `detail`, its events, tasks, jobs and perturbations are left out (for a
    /// run that is only summed up, not stored). `explored` is how an
    /// explored run was made (nil for the nominal replay). `sources` are
    /// the files of the trace and its modules, for the lines of a traceback.
    public init(
        tracePath: String, traceHash: String, seed: Int64, runIndex: Int, report: RunReport,
        verdict: Verdict, wallTime: Double, startedAt: Date, detail: Bool = true, modules: [StoredModule] = [],
        explored: ExploredRun? = nil, sources: [SourceFile] = []
    ) {
        var problems = verdict.problems
        if !verdict.passed && report.status == .deadlock {
            problems += report.pendingTasks.map { "deadlock: \($0.name) awaits \($0.awaiting)" }
        }
        self.init(
            tracePath: tracePath, traceHash: traceHash, seed: seed, runIndex: runIndex,
            status: report.status.rawValue, value: report.value, passed: verdict.passed,
            virtualDuration: report.elapsed, wallTime: wallTime, steps: report.steps, problems: problems,
            startedAt: startedAt, events: detail ? report.events : [], tasks: detail ? report.tasks : [],
            jobs: detail ? report.jobs : [],
            properties: verdict.results, modules: modules, explored: explored,
            perturbations: detail ? report.perturbations.map(StoredPerturbation.init) : [],
            traceback: detail && report.status == .exception ? report.traceback(files: sources) : nil,
            eventSteps: detail ? report.eventSteps : [])
    }
}
