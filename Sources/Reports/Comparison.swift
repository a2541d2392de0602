import Foundation
import RunModel
import RunStore

/// The comparison of two sets of runs (a baseline, such as the main branch,
/// and a candidate, such as a pull request), as plain values that every
/// renderer reads. `Comparison.make` decides what changed and what is a
/// regression (issue 6, item 6):
///
/// - a trace that passed on every baseline run and fails on a candidate run;
/// - a trace that ends with another status than on the baseline (an
///   exception, a deadlock, a limit) and does not pass: never an
///   improvement, however much sooner it ended; its times are then not
///   judged at all (they measure another ending);
/// - a property that held on every baseline run and breaks on a candidate run;
/// - a virtual duration, or a task's completion time, whose median grew by
///   more than `threshold` (10% by default);
/// - a wall time whose median grew by at least `wallFloor` (5 ms by
///   default), by more than 5%, and by more than three times the larger
///   median absolute deviation of the two sides, judged only with at least
///   `minimumWallSamples` samples on each side (never one pair), and whose
///   ratio of medians strays from the suite's, that way, by more than noise
///   (`SuiteWallShift`). The floor and the suite's ratio are the noise model:
///   on a shared machine, whole stretches of back-to-back repeats of a
///   millisecond trace move together, so their spread says little of the
///   noise between the two sides' stretches.
public struct Comparison: Sendable, Codable {
    public var baseline: SideSummary
    public var candidate: SideSummary
    /// The relative growth of a virtual time that counts as a regression (0.1 is 10%).
    public var threshold: Double
    /// The least change of a median wall time, in seconds, that is judged at all.
    public var wallFloor: Double
    /// The wall times' shift across the suite, against which each trace's is
    /// judged; nil when too few traces have enough samples.
    public var wallShift: SuiteWallShift?
    /// Every regression, in the order of the traces; the reports' headline.
    public var regressions: [Finding]
    /// What got better: traces and properties fixed, times that shrank.
    public var improvements: [Finding]
    /// Every trace on either side, in path order.
    public var traces: [TraceComparison]

    public static let minimumWallSamples = 3
    public static let wallGrowth = 0.05
    public static let wallDeviations = 3.0
    /// The default of `wallFloor`: 5 ms (`vloop report --wall-floor`).
    public static let defaultWallFloor = 0.005

    public var hasRegressions: Bool { !regressions.isEmpty }
}

/// One side of a comparison, summed up.
public struct SideSummary: Sendable, Codable, Equatable {
    /// The label, or `run 12`.
    public var name: String
    public var runs: Int
    public var passed: Int
    public var failed: Int
    public var traces: Int
    public var commits: [String]
    public var hosts: [String]
    public var harnessVersions: [String]
    /// When its first suite run started.
    public var startedAt: Date?
}

/// A regression or an improvement, with the sentence the reports show.
public struct Finding: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable {
        case traceFailed = "trace-failed"
        case traceFixed = "trace-fixed"
        case statusChanged = "status-changed"
        case propertyBroke = "property-broke"
        case propertyFixed = "property-fixed"
        case virtualDuration = "virtual-duration"
        case taskCompletion = "task-completion"
        case wallTime = "wall-time"
    }

    public var kind: Kind
    public var trace: String
    /// `expect.at (line 9)`, `Task-3`, or nil for the trace as a whole.
    public var subject: String?
    /// What changed, in words: `2.0 s → 2.5 s (+25.0%)`.
    public var detail: String
}

/// One trace on both sides.
public struct TraceComparison: Sendable, Codable {
    public enum Outcome: String, Sendable, Codable {
        case stillPassing = "passing"
        case stillFailing = "failing"
        case broke = "broke"
        case fixed = "fixed"
        case added = "new"
        case removed = "removed"
    }

    public var path: String
    public var outcome: Outcome
    public var baseline: TraceSide?
    public var candidate: TraceSide?
    public var properties: [PropertyChange]
    /// Where the event logs of the two representative runs first differ; nil when they are the same.
    public var divergence: Divergence?
    public var virtualDuration: Change?
    public var wallTime: WallTimeComparison?
    /// The tasks whose median completion time changed, and those on one side only.
    public var tasks: [TaskChange]
    /// Per task name, its completion times across the runs of each side.
    public var latencies: [LatencyDistribution]
    /// The timelines of the two representative runs (`Comparison.representative`).
    public var baselineTimeline: Timeline?
    public var candidateTimeline: Timeline?
    /// Each side's explored runs summed up; nil for a side that explored none.
    public var baselineExplored: ExploredSide?
    public var candidateExplored: ExploredSide?

    /// True when anything about the trace changed.
    public var changed: Bool {
        outcome == .broke || outcome == .fixed || outcome == .added || outcome == .removed
            || divergence != nil || properties.contains { $0.changed }
            || (virtualDuration.map { $0.baseline != $0.candidate } ?? false)
            || (wallTime.map { $0.verdict == .slower || $0.verdict == .faster } ?? false)
            || tasks.contains { $0.regression }
    }

    enum CodingKeys: String, CodingKey {
        case path, outcome, baseline, candidate, properties, divergence, virtualDuration, wallTime, tasks, latencies
        case baselineExplored, candidateExplored
    }
}

/// One trace's runs on one side.
public struct TraceSide: Sendable, Codable, Equatable {
    public var runs: Int
    public var passed: Int
    public var statuses: [String]
    public var traceHashes: [String]
    /// The run the timelines and the divergence use (`Comparison.representative`).
    public var representativeRun: Int64?
    /// How the representative run ended when that was not `ok` (an
    /// exception, a deadlock, a limit): `exception (KeyError: 'b')`; nil otherwise.
    public var ending: String?
    /// Its traceback, through the trace's lines, when it ended with an exception.
    public var traceback: String?
    /// Its tasks that ended with an exception: `fetch-b fetch('b', 0.15): KeyError: 'b'`.
    public var taskExceptions: [String] = []
}

/// A property by name and position among the trace's properties of that name,
/// so that moving it to another line does not make it another property.
public struct PropertyChange: Sendable, Codable, Equatable {
    /// `expect.at #1`.
    public var key: String
    public var name: String
    public var baselineLine: Int?
    public var candidateLine: Int?
    /// Held on every run of the side; nil when the side does not have it.
    public var baselineHeld: Bool?
    public var candidateHeld: Bool?
    /// The failure on the candidate side, when it fails there (else on the baseline side).
    public var message: String

    public var changed: Bool { baselineHeld != candidateHeld }
}

/// The first event at which two event logs differ.
public struct Divergence: Sendable, Codable, Equatable {
    /// Its position in both logs, from 0.
    public var index: Int
    /// The events just before it, the same on both sides (at most three).
    public var context: [TraceEvent]
    /// Nil when that log had ended.
    public var baselineEvent: TraceEvent?
    public var candidateEvent: TraceEvent?

    /// The virtual time at which the logs part.
    public var time: Double { baselineEvent?.t ?? candidateEvent?.t ?? 0 }
}

/// A median on each side.
public struct Change: Sendable, Codable, Equatable {
    public var baseline: Double
    public var candidate: Double
    public var regression: Bool
    public var improvement: Bool

    /// Relative growth (0.25 is +25%); nil when the baseline is 0.
    public var growth: Double? { baseline == 0 ? nil : (candidate - baseline) / baseline }
}

/// The harness's wall time for one trace, sample against sample.
public struct WallTimeComparison: Sendable, Codable, Equatable {
    public enum Verdict: String, Sendable, Codable {
        case slower, faster, unchanged
        case tooFewSamples = "too-few-samples"
    }

    public var baselineSamples: [Double]
    public var candidateSamples: [Double]
    public var baselineMedian: Double
    public var candidateMedian: Double
    public var baselineMAD: Double
    public var candidateMAD: Double
    public var verdict: Verdict
}

/// A task's median completion time on each side.
public struct TaskChange: Sendable, Codable, Equatable {
    public var name: String
    /// The call that made its coroutine: `fetch('b')`.
    public var coroutine: String?
    public var baselineDone: Double?
    public var candidateDone: Double?
    public var regression: Bool
    public var improvement: Bool

    /// `Task-3 fetch('b')`.
    public var label: String { taskLabel(name, call: coroutine) }
}

/// A task's completion times across the runs of each side.
public struct LatencyDistribution: Sendable, Codable, Equatable {
    /// The task's name, and the call that made its coroutine when known (`Task-3 fetch('b')`).
    public var task: String
    public var baseline: [Double]
    public var candidate: [Double]
}

extension Comparison {
    /// Compares two sets of runs.
    public static func make(
        baseline: RunSet, candidate: RunSet, threshold: Double = 0.10, wallFloor: Double = defaultWallFloor
    ) -> Comparison {
        let baseRuns = Dictionary(grouping: baseline.runs, by: \.tracePath)
        let candRuns = Dictionary(grouping: candidate.runs, by: \.tracePath)
        let paths = Set(baseRuns.keys).union(candRuns.keys).sorted()
        func walls(_ runs: [StoredRun]?) -> [Double] { (runs ?? []).filter { $0.status != "invalid" }.map(\.wallTime) }
        let shift = SuiteWallShift(
            medians: paths.compactMap { p in
                let b = walls(baseRuns[p]), c = walls(candRuns[p])
                guard b.count >= minimumWallSamples, c.count >= minimumWallSamples else { return nil }
                return (median(b), median(c))
            })
        var traces: [TraceComparison] = []
        var regressions: [Finding] = []
        var improvements: [Finding] = []
        for path in paths {
            let (t, worse, better) = compareTrace(
                path, baseRuns[path] ?? [], candRuns[path] ?? [], threshold: threshold, wallFloor: wallFloor,
                wallShift: shift)
            traces.append(t)
            regressions += worse
            improvements += better
        }
        return Comparison(
            baseline: summary(baseline), candidate: summary(candidate), threshold: threshold, wallFloor: wallFloor,
            wallShift: shift, regressions: regressions, improvements: improvements, traces: traces)
    }

    static func summary(_ set: RunSet) -> SideSummary {
        SideSummary(
            name: set.name, runs: set.runs.count, passed: set.runs.filter(\.passed).count,
            failed: set.runs.filter { !$0.passed }.count, traces: Set(set.runs.map(\.tracePath)).count,
            commits: unique(
                set.suiteRuns.compactMap { s in s.gitCommit.map { $0 + (s.gitDirty == true ? "-dirty" : "") } }),
            hosts: unique(set.suiteRuns.map(\.host)), harnessVersions: unique(set.suiteRuns.map(\.harnessVersion)),
            startedAt: set.suiteRuns.map(\.startedAt).min())
    }

    static func compareTrace(
        _ path: String, _ base: [StoredRun], _ cand: [StoredRun], threshold: Double, wallFloor: Double,
        wallShift: SuiteWallShift?
    )
        -> (TraceComparison, [Finding], [Finding])
    {
        var worse: [Finding] = []
        var better: [Finding] = []
        let basePassed = !base.isEmpty && base.allSatisfy(\.passed)
        let candPassed = !cand.isEmpty && cand.allSatisfy(\.passed)
        let outcome: TraceComparison.Outcome
        switch (base.isEmpty, cand.isEmpty) {
        case (true, _): outcome = .added
        case (_, true): outcome = .removed
        default:
            switch (basePassed, candPassed) {
            case (true, true): outcome = .stillPassing
            case (true, false): outcome = .broke
            case (false, true): outcome = .fixed
            case (false, false): outcome = .stillFailing
            }
        }
        // Another ending than the baseline's: the times measure something else.
        let baseStatuses = Set(base.map(\.status)), candStatuses = Set(cand.map(\.status))
        let statusChanged = !base.isEmpty && !cand.isEmpty && baseStatuses != candStatuses
        if outcome == .broke {
            let failing = cand.first { !$0.passed }!
            let why = failing.properties.first { !$0.passed }?.message ?? failing.problems.first ?? failing.status
            // The ending, unless the reason already says it.
            let said = !failing.value.isEmpty && why.contains(failing.value)
            let ending = failing.status == "ok" || said ? "" : " (\(endingText(failing)))"
            worse.append(
                Finding(
                    kind: .traceFailed, trace: path, subject: nil,
                    detail:
                        "passed on all \(base.count) baseline run\(plural(base.count)), fails on \(cand.filter { !$0.passed }.count) of \(cand.count)\(ending): \(why)"
                ))
        } else if statusChanged && !candPassed {
            let changed = cand.first { !baseStatuses.contains($0.status) } ?? cand[0]
            let count = cand.filter { !baseStatuses.contains($0.status) }.count
            worse.append(
                Finding(
                    kind: .statusChanged, trace: path, subject: nil,
                    detail:
                        "ends with \(endingText(changed)) on \(count) of \(cand.count) candidate run\(plural(cand.count)), "
                        + "with \(baseStatuses.sorted().map { "'\($0)'" }.joined(separator: " or ")) on the baseline"))
        }
        if outcome == .fixed {
            better.append(
                Finding(
                    kind: .traceFixed, trace: path, subject: nil,
                    detail: "failed on the baseline, passes on all \(cand.count) candidate run\(plural(cand.count))"))
        }

        // Properties, by name and position among those of the same name.
        let baseProps = propertyVerdicts(base), candProps = propertyVerdicts(cand)
        var properties: [PropertyChange] = []
        for key in unique(baseProps.map(\.key) + candProps.map(\.key)) {
            let b = baseProps.first { $0.key == key }, c = candProps.first { $0.key == key }
            let change = PropertyChange(
                key: key, name: (b ?? c)!.name, baselineLine: b?.line, candidateLine: c?.line,
                baselineHeld: b?.held, candidateHeld: c?.held,
                message: c?.message ?? b?.message ?? "")
            properties.append(change)
            let subject = "\(change.name) (line \(c?.line ?? b?.line ?? 0))"
            if b?.held == true && c?.held == false {
                var why = change.message
                if let r = why.range(of: "): "), why.hasPrefix(change.name) { why = String(why[r.upperBound...]) }
                worse.append(
                    Finding(
                        kind: .propertyBroke, trace: path, subject: subject,
                        detail: "held on the baseline, breaks on the candidate: \(why)"))
            } else if b?.held == false && c?.held == true {
                better.append(
                    Finding(
                        kind: .propertyFixed, trace: path, subject: subject,
                        detail: "broke on the baseline, holds on the candidate"))
            }
        }

        let baseRep = representative(base), candRep = representative(cand)
        var divergence: Divergence?
        if let b = baseRep, let c = candRep { divergence = firstDivergence(b.events, c.events) }

        var virtualDuration: Change?
        var wallTime: WallTimeComparison?
        var tasks: [TaskChange] = []
        var latencies: [LatencyDistribution] = []
        let validBase = base.filter { $0.status != "invalid" }, validCand = cand.filter { $0.status != "invalid" }
        // The times are shown, but judged only between runs that ended alike.
        let judged = !statusChanged
        if !validBase.isEmpty && !validCand.isEmpty {
            let change = timeChange(
                median(validBase.map(\.virtualDuration)), median(validCand.map(\.virtualDuration)),
                threshold: threshold, judged: judged)
            virtualDuration = change
            if judged && change.regression {
                worse.append(
                    Finding(
                        kind: .virtualDuration, trace: path, subject: nil,
                        detail: "virtual duration \(describe(change))"))
            } else if judged && change.improvement {
                better.append(
                    Finding(
                        kind: .virtualDuration, trace: path, subject: nil,
                        detail: "virtual duration \(describe(change))"))
            }
            let wall = compareWallTimes(
                validBase.map(\.wallTime), validCand.map(\.wallTime), floor: wallFloor, shift: wallShift)
            wallTime = wall
            if judged && wall.verdict == .slower {
                worse.append(Finding(kind: .wallTime, trace: path, subject: nil, detail: "wall time \(describe(wall))"))
            } else if judged && wall.verdict == .faster {
                better.append(
                    Finding(kind: .wallTime, trace: path, subject: nil, detail: "wall time \(describe(wall))"))
            }

            // Tasks whose times moved the same way are one finding: `Task-1, Task-5 complete 3.0 s → 3.75 s`.
            var taskWorse: [(Change, [String])] = [], taskBetter: [(Change, [String])] = []
            func group(_ list: inout [(Change, [String])], _ c: Change, _ name: String) {
                if let i = list.firstIndex(where: { $0.0 == c }) {
                    list[i].1.append(name)
                } else {
                    list.append((c, [name]))
                }
            }
            let baseDone = completionTimes(validBase), candDone = completionTimes(validCand)
            let calls = coroutines(validCand).merging(coroutines(validBase)) { c, _ in c }
            func label(_ name: String) -> String { taskLabel(name, call: calls[name]) }
            for name in unique(baseDone.map(\.0) + candDone.map(\.0)) {
                let b = baseDone.first { $0.0 == name }?.1 ?? [], c = candDone.first { $0.0 == name }?.1 ?? []
                if !b.isEmpty || !c.isEmpty {
                    latencies.append(LatencyDistribution(task: label(name), baseline: b, candidate: c))
                }
                guard !b.isEmpty || !c.isEmpty else { continue }
                if b.isEmpty || c.isEmpty {
                    tasks.append(
                        TaskChange(
                            name: name, coroutine: calls[name], baselineDone: b.isEmpty ? nil : median(b),
                            candidateDone: c.isEmpty ? nil : median(c), regression: false, improvement: false))
                    continue
                }
                let change = timeChange(median(b), median(c), threshold: threshold, judged: judged)
                if change.baseline != change.candidate {
                    tasks.append(
                        TaskChange(
                            name: name, coroutine: calls[name], baselineDone: change.baseline,
                            candidateDone: change.candidate,
                            regression: change.regression, improvement: change.improvement))
                }
                if judged && change.regression {
                    group(&taskWorse, change, label(name))
                } else if judged && change.improvement {
                    group(&taskBetter, change, label(name))
                }
            }
            for (change, names) in taskWorse {
                worse.append(
                    Finding(
                        kind: .taskCompletion, trace: path, subject: names.joined(separator: ", "),
                        detail: "\(names.count == 1 ? "completes" : "complete") \(describe(change))"))
            }
            for (change, names) in taskBetter {
                better.append(
                    Finding(
                        kind: .taskCompletion, trace: path, subject: names.joined(separator: ", "),
                        detail: "\(names.count == 1 ? "completes" : "complete") \(describe(change))"))
            }
        }

        func side(_ runs: [StoredRun]) -> TraceSide? {
            guard let last = representative(runs) else { return nil }
            return TraceSide(
                runs: runs.count, passed: runs.filter(\.passed).count,
                statuses: unique(runs.map(\.status)), traceHashes: unique(runs.map(\.traceHash)),
                representativeRun: last.id, ending: last.passed || last.status == "ok" ? nil : endingText(last),
                traceback: last.traceback,
                taskExceptions: last.tasks.compactMap { t in t.exception.map { "\(t.label): \($0)" } })
        }
        let comparison = TraceComparison(
            path: path, outcome: outcome, baseline: side(base), candidate: side(cand), properties: properties,
            divergence: divergence, virtualDuration: virtualDuration, wallTime: wallTime, tasks: tasks,
            latencies: latencies, baselineTimeline: baseRep.map(Timeline.init),
            candidateTimeline: candRep.map(Timeline.init), baselineExplored: ExploredSide(base),
            candidateExplored: ExploredSide(cand))
        return (comparison, worse, better)
    }

    /// The run that stands for a side (its timeline, its ending, the
    /// divergence): of a side that explored, its first failing explored run
    /// (with the perturbations that broke it), else its latest nominal run;
    /// otherwise its latest run.
    static func representative(_ runs: [StoredRun]) -> StoredRun? {
        if let failing = runs.first(where: { $0.runIndex > 0 && !$0.passed }) { return failing }
        return runs.last { $0.runIndex == 0 } ?? runs.last
    }

    /// Per property key: its name, line, whether it held on every run, and a failure message.
    static func propertyVerdicts(
        _ runs: [StoredRun]
    ) -> [(key: String, name: String, line: Int, held: Bool, message: String)] {
        var out: [(key: String, name: String, line: Int, held: Bool, message: String)] = []
        for run in runs {
            var seen: [String: Int] = [:]
            for p in run.properties {
                let n = (seen[p.name] ?? 0) + 1
                seen[p.name] = n
                let key = "\(p.name) #\(n)"
                if let i = out.firstIndex(where: { $0.key == key }) {
                    if !p.passed && out[i].held {
                        out[i].held = false; out[i].message = p.message; out[i].line = p.line
                    }
                } else {
                    out.append((key, p.name, p.line, p.passed, p.message))
                }
            }
        }
        return out
    }

    /// Per task name, in order of first creation, the completion times of the runs where it finished.
    static func completionTimes(_ runs: [StoredRun]) -> [(String, [Double])] {
        var order: [String] = []
        var times: [String: [Double]] = [:]
        for run in runs {
            for t in run.tasks {
                if times[t.name] == nil { order.append(t.name); times[t.name] = [] }
                if let d = t.done { times[t.name]!.append(d) }
            }
        }
        return order.map { ($0, times[$0]!) }
    }

    /// Per task name, the call that made its coroutine, as the first run that knows it says.
    static func coroutines(_ runs: [StoredRun]) -> [String: String] {
        var calls: [String: String] = [:]
        for run in runs {
            for t in run.tasks where calls[t.name] == nil {
                if let c = t.coroutine, !c.isEmpty { calls[t.name] = c }
            }
        }
        return calls
    }

    /// Not `judged`: the times of runs that ended otherwise, shown as neither.
    static func timeChange(_ b: Double, _ c: Double, threshold: Double, judged: Bool = true) -> Change {
        // A float's last bits are not a change of time.
        let tolerance = 1e-9
        return Change(
            baseline: b, candidate: c,
            regression: judged && c - b > tolerance && c > b * (1 + threshold),
            improvement: judged && b - c > tolerance && b > c * (1 + threshold))
    }

    static func compareWallTimes(
        _ b: [Double], _ c: [Double], floor: Double = defaultWallFloor, shift: SuiteWallShift? = nil
    ) -> WallTimeComparison {
        let mb = median(b), mc = median(c)
        let madB = medianAbsoluteDeviation(b), madC = medianAbsoluteDeviation(c)
        var verdict = WallTimeComparison.Verdict.unchanged
        if b.count < minimumWallSamples || c.count < minimumWallSamples {
            verdict = .tooFewSamples
        } else {
            let noise = max(wallDeviations * max(madB, madC), floor)
            if mc - mb > wallGrowth * mb && mc - mb >= noise && shift?.slower(baseline: mb, candidate: mc) ?? true {
                verdict = .slower
            } else if mb - mc > wallGrowth * mc && mb - mc >= noise
                && shift?.faster(baseline: mb, candidate: mc) ?? true
            {
                verdict = .faster
            }
        }
        return WallTimeComparison(
            baselineSamples: b, candidateSamples: c, baselineMedian: mb, candidateMedian: mc,
            baselineMAD: madB, candidateMAD: madC, verdict: verdict)
    }

    /// The first index at which two logs differ, with up to three equal events before it.
    public static func firstDivergence(_ a: [TraceEvent], _ b: [TraceEvent]) -> Divergence? {
        let common = min(a.count, b.count)
        var i = 0
        while i < common && a[i] == b[i] { i += 1 }
        if i == common && a.count == b.count { return nil }
        return Divergence(
            index: i, context: Array(a[max(0, i - 3)..<i]), baselineEvent: i < a.count ? a[i] : nil,
            candidateEvent: i < b.count ? b[i] : nil)
    }
}

func median(_ xs: [Double]) -> Double {
    if xs.isEmpty { return 0 }
    let s = xs.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

func medianAbsoluteDeviation(_ xs: [Double]) -> Double {
    let m = median(xs)
    return median(xs.map { abs($0 - m) })
}

func unique<T: Hashable>(_ xs: [T]) -> [T] {
    var seen = Set<T>()
    return xs.filter { seen.insert($0).inserted }
}

func plural(_ n: Int) -> String { n == 1 ? "" : "s" }

/// How a run ended: `exception (KeyError: 'b')`, `limit ('max-steps')`, `ok`.
func endingText(_ run: StoredRun) -> String {
    run.value.isEmpty || run.status == "ok" ? run.status : "\(run.status) (\(run.value))"
}

/// `2.0 s → 2.5 s (+25.0%)`.
func describe(_ c: Change) -> String {
    var s = "\(seconds(c.baseline)) → \(seconds(c.candidate))"
    if let g = c.growth { s += " (\(percent(g)))" }
    return s
}

/// `median 1.20 ms → 1.61 ms (+34.2%), MAD 0.02/0.03 ms, 5+5 samples`.
func describe(_ w: WallTimeComparison) -> String {
    let g = w.baselineMedian > 0 ? " (\(percent((w.candidateMedian - w.baselineMedian) / w.baselineMedian)))" : ""
    return "median \(duration(w.baselineMedian)) → \(duration(w.candidateMedian))\(g), "
        + "MAD \(duration(w.baselineMAD)) / \(duration(w.candidateMAD)), "
        + "\(w.baselineSamples.count)+\(w.candidateSamples.count) samples"
}

/// A virtual time as Python prints it: `2.0 s`.
func seconds(_ t: Double) -> String { virtualTimeText(t) + " s" }

func percent(_ x: Double) -> String {
    String(format: "%@%.1f%%", x >= 0 ? "+" : "", x * 100)
}

/// A wall time: `0.85 ms`, `12 ms`, `1.20 s`.
public func duration(_ seconds: Double) -> String {
    let ms = seconds * 1000
    if ms < 10 { return String(format: "%.2f ms", ms) }
    if ms < 1000 { return String(format: "%.0f ms", ms) }
    return String(format: "%.2f s", seconds)
}
