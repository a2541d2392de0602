import Foundation
import RunModel
import VirtualLoop

/// What an exploration tried and what it saw, over every run it made (the
/// nominal run 0 included): how many distinct orders of events, each
/// property's tally, the runs that ended otherwise than the nominal run,
/// exceptions left in tasks, properties that held only vacuously, and how
/// the nominal run itself fared (docs/EXPLORING.md, "What an exploration tried").
///
/// Every count is independent of the order runs finish in, so `--jobs` never
/// changes a summary.
public struct ExploreSummary: Sendable, Equatable {
    /// The runs summed up, run 0 included.
    public var runs: Int
    /// How many distinct orders of events the runs had (times left out).
    public var distinctOrderings: Int
    /// How many runs, run 0 included, had exactly the nominal run's order of events.
    public var nominalOrderings: Int
    /// How many perturbations the runs drew that changed something, by kind
    /// (`AppliedPerturbation.Kind`'s raw value: `lateness` for timers, `duration` for jobs and peers...).
    public var perturbations: [String: Int]
    /// How many runs (besides run 0) drew at least one perturbation.
    public var perturbedRuns: Int
    /// One per `expect.*` statement, in the order of the trace.
    public var properties: [PropertyTally]
    /// The runs whose status differs from the nominal run's (or whose exception does), by status and value.
    public var statuses: [StatusTally]
    /// "Task exception was never retrieved" notes over the runs; nil when there were none.
    public var taskExceptions: NoteTally?
    /// The properties one of whose patterns matched no event in any run (and not marked `vacuous=True`).
    public var vacuous: [VacuousProperty]
    /// How the nominal run (run 0) ended, and what in it failed (empty when it passed).
    public var nominalStatus: RunStatus
    public var nominalFailures: [String]
    /// What the nominal run had that an exploration perturbs: executor jobs and connections to peers.
    public var nominalJobs: Int
    public var nominalConnections: Int

    /// Whether the nominal run failed on its own.
    public var nominalFails: Bool { !nominalFailures.isEmpty }

    /// `500 runs, 143 distinct orderings (the nominal order in 12)`.
    public var orderingsLine: String {
        let n = distinctOrderings
        var line = "\(runs) run\(runs == 1 ? "" : "s"), \(n) distinct ordering\(n == 1 ? "" : "s")"
        if n > 1 { line += " (the nominal order in \(nominalOrderings))" }
        return line
    }

    /// The lines that say what was tried and seen, unindented: a few in all, plus one
    /// per broken property and unexpected status (the vacuous properties are failures
    /// of the trace's properties, shown with them). With `verbose`, one per property.
    public func lines(settings: ExploreSettings, verbose: Bool = false) -> [String] {
        var out: [String] = []
        if nominalFails {
            out.append(
                "the nominal run (run 0) fails: " + nominalFailures.joined(separator: "; ")
                    + "; explored anyway: a finding is a run that fails otherwise")
        }
        out.append(orderingsLine)
        if distinctOrderings == 1 && runs > 1 { out.append(unchangedWarning(settings: settings)) }
        // A property that held only vacuously is reported as failing (with the trace's properties), not as held.
        let held = properties.filter { p in
            p.broke == 0 && !vacuous.contains { $0.name == p.name && $0.line == p.line && $0.column == p.column }
        }
        if verbose {
            out += properties.map(\.text)
        } else {
            if !held.isEmpty && held.count == properties.count {
                out.append("every property held in every run (\(held.count))")
            } else if !held.isEmpty {
                out.append("\(held.count) other propert\(held.count == 1 ? "y" : "ies") held in every run")
            }
            out += properties.filter { $0.broke > 0 }.map(\.text)
        }
        let shown = 5
        for s in statuses.prefix(shown) { out.append(s.text) }
        if statuses.count > shown {
            out.append("\(statuses.count - shown) more ways runs ended otherwise (vloop run --json lists them)")
        }
        if let t = taskExceptions { out.append(t.text) }
        return out
    }

    /// What the kinds of perturbation other than timers and durations are called: one, and more than one.
    static let kindWords = [
        "shuffle": ("shuffled iteration", "shuffled iterations"),
        "order": ("reordering of simultaneous events", "reorderings of simultaneous events"),
    ]

    /// Says plainly that the exploration changed no order of events, and why, from what the runs drew.
    func unchangedWarning(settings: ExploreSettings) -> String {
        var line =
            "all \(runs) runs had the nominal order of events: nothing this exploration perturbed changed the order"
        let timers = perturbations["lateness"] ?? 0
        let durations = perturbations["duration"] ?? 0
        let others = perturbations.filter { $0.key != "lateness" && $0.key != "duration" }.values.reduce(0, +)
        if timers + durations + others == 0 {
            var why: [String] = []
            let timersPerturbed = settings.timerJitter > 0 || settings.effectiveTimerLateness > 0
            why.append(
                timersPerturbed
                    ? "the trace set no timer that could fire late"
                    : "timers were not perturbed (--timer-lateness 0, --timer-jitter 0)")
            if nominalJobs == 0 && nominalConnections == 0 {
                why.append("it ran no executor job and talked to no peer")
            } else if settings.jitter == 0 {
                why.append("job and peer durations were not perturbed (--jitter 0)")
            }
            if settings.shuffleReady { why.append("no iteration had ready callbacks to shuffle") }
            line += ": no run drew a perturbation (" + why.joined(separator: "; ") + ")"
            var flags: [String] = []
            if !timersPerturbed { flags.append("--timer-lateness") }
            if settings.jitter == 0 && (nominalJobs > 0 || nominalConnections > 0) { flags.append("--jitter") }
            line +=
                flags.isEmpty
                ? "; its order of events depends on its code alone" : "; try " + flags.joined(separator: " or ")
        } else {
            var drawn: [String] = []
            if timers > 0 { drawn.append("\(timers) late timer\(timers == 1 ? "" : "s")") }
            if durations > 0 { drawn.append("\(durations) job or peer duration\(durations == 1 ? "" : "s")") }
            for (kind, n) in perturbations.sorted(by: { $0.key < $1.key })
            where kind != "lateness" && kind != "duration" {
                let words = Self.kindWords[kind] ?? (kind + " perturbation", kind + " perturbations")
                drawn.append("\(n) " + (n == 1 ? words.0 : words.1))
            }
            line += " (\(perturbedRuns) run\(perturbedRuns == 1 ? "" : "s") drew " + drawn.joined(separator: ", ") + ")"
            line += "; try a larger --timer-lateness or --jitter"
        }
        return line
    }
}

/// One property over the runs of an exploration.
public struct PropertyTally: Sendable, Equatable {
    public var name: String
    public var line: Int
    public var column: Int
    /// In how many runs it held, and in how many it broke.
    public var held: Int
    public var broke: Int
    /// The first run (lowest index) in which it broke, and how.
    public var firstFailingRun: Int?
    public var firstMessage: String?

    /// `expect.before (line 12): held in 480 runs, broke in 20 (first run 3)`.
    public var text: String {
        var s = "\(name) (line \(line)): held in \(held) run\(held == 1 ? "" : "s")"
        if broke > 0 {
            s += ", broke in \(broke)"
            if let r = firstFailingRun { s += " (first run \(r))" }
        }
        return s
    }
}

/// The runs of an exploration that ended with one status (and, for an
/// exception, one exception) other than the nominal run's.
public struct StatusTally: Sendable, Equatable {
    public var status: RunStatus
    /// The `value` of `run_end`: `Type: message` for an exception, the pending tasks for a deadlock.
    public var value: String
    public var runs: Int
    public var firstRun: Int

    /// `12 runs ended with an exception (first run 7): ValueError: boom`.
    public var text: String {
        let what: String
        switch status {
        case .exception: what = "with an exception"
        case .deadlock: what = "in a deadlock"
        case .limit: what = "at a limit"
        case .ok: what = "ok"
        }
        return "\(runs) run\(runs == 1 ? "" : "s") ended \(what) (first run \(firstRun)): \(value)"
    }
}

/// A kind of note that runs logged, such as "Task exception was never retrieved".
public struct NoteTally: Sendable, Equatable {
    /// How many runs logged at least one, and how many they logged in all.
    public var runs: Int
    public var notes: Int
    /// The first run (lowest index) that logged one, and its first such note.
    public var firstRun: Int
    public var firstNote: String

    /// `Task exception was never retrieved in 3 runs (4 notes; first run 2): Task-3: ValueError: boom`.
    public var text: String {
        let text =
            firstNote.hasPrefix(NoteTally.taskException + ": ")
            ? String(firstNote.dropFirst(NoteTally.taskException.count + 2)) : firstNote
        return "\(NoteTally.taskException) in \(runs) run\(runs == 1 ? "" : "s") "
            + "(\(notes) note\(notes == 1 ? "" : "s"); first run \(firstRun)): \(text)"
    }

    static let taskException = "Task exception was never retrieved"
}

/// A property that held only vacuously over an exploration: its patterns that matched no event in any run.
public struct VacuousProperty: Sendable, Equatable {
    public var name: String
    public var line: Int
    public var column: Int
    public var unmatched: [UnmatchedPattern]

    /// The message the trace fails with.
    public func text(runs: Int) -> String {
        "\(name) (line \(line)): \(Vacuity.message(unmatched, runs: runs))"
    }
}

/// A 64-bit hash of a run's order of events: the fields that
/// `TraceEvent.sameIgnoringTime` compares, times left out (FNV-1a; equal
/// orders hash alike).
public func orderingHash(_ events: [TraceEvent]) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    @inline(__always) func mix(_ s: String?) {
        if let s {
            for b in s.utf8 {
                h = (h ^ UInt64(b)) &* 0x100_0000_01b3
            }
        }
        h = (h ^ 0xff) &* 0x100_0000_01b3  // a separator no UTF-8 text holds
    }
    for e in events {
        mix(e.kind.rawValue)
        mix(e.ctx)
        mix(e.text)
        mix(e.state)
        mix(e.value)
        mix(e.status)
    }
    return h
}

/// Gathers the summary of an exploration from its runs, which arrive from
/// many threads in any order (behind a lock; every merge is commutative).
final class ExploreTally: @unchecked Sendable {
    private let lock = NSLock()
    private let nominalHash: UInt64
    private let nominalStatus: RunStatus
    private let nominalValue: String
    private var runs = 0
    private var orderings = Set<UInt64>()
    private var nominalOrderings = 0
    private var perturbations: [String: Int] = [:]
    private var perturbedRuns = 0
    /// By property (name, line, column, occurrence): its tally, and its patterns
    /// that matched nothing in every run so far (nil before the first run).
    private var properties: [PropertyKey: (tally: PropertyTally, unmatched: [UnmatchedPattern])] = [:]
    private var statuses: [String: StatusTally] = [:]
    private var taskExceptions: NoteTally?
    private let nominalFailures: [String]
    private let nominalJobs: Int
    private let nominalConnections: Int

    struct PropertyKey: Hashable {
        var name: String
        var line: Int
        var column: Int
        var occurrence: Int
    }

    /// Starts with the nominal run (run 0), whose verdict is `verdict` (`acrossRuns()`).
    init(nominal: RunReport, verdict: Verdict) {
        nominalHash = orderingHash(nominal.events)
        nominalStatus = nominal.status
        nominalValue = nominal.value
        nominalFailures = verdict.results.filter { !$0.passed }.map(\.message) + verdict.problems
        nominalJobs = nominal.jobs.count
        nominalConnections = nominal.connections.count
        add(run: 0, nominal, verdict)
    }

    /// Adds run `i` with its verdict (`acrossRuns()`).
    func add(run i: Int, _ report: RunReport, _ verdict: Verdict) {
        let hash = orderingHash(report.events)
        let differs = report.status != nominalStatus || (report.status == .exception && report.value != nominalValue)
        let exceptionNotes = report.notes.filter { $0.hasPrefix(NoteTally.taskException) }
        lock.lock()
        defer { lock.unlock() }
        runs += 1
        orderings.insert(hash)
        if hash == nominalHash { nominalOrderings += 1 }
        if !report.perturbations.isEmpty { perturbedRuns += 1 }
        for p in report.perturbations { perturbations[p.kind.rawValue, default: 0] += 1 }
        var seen: [String: Int] = [:]
        for r in verdict.results {
            let base = "\(r.name)@\(r.line):\(r.column)"
            let key = PropertyKey(name: r.name, line: r.line, column: r.column, occurrence: seen[base, default: 0])
            seen[base, default: 0] += 1
            var entry =
                properties[key]
                ?? (
                    PropertyTally(name: r.name, line: r.line, column: r.column, held: 0, broke: 0),
                    unmatched: r.unmatched
                )
            if r.passed {
                entry.tally.held += 1
            } else {
                entry.tally.broke += 1
                if entry.tally.firstFailingRun.map({ i < $0 }) ?? true {
                    entry.tally.firstFailingRun = i
                    entry.tally.firstMessage = r.message
                }
            }
            // A pattern stays vacuous while no run matched it.
            entry.unmatched = entry.unmatched.compactMap { u in
                r.unmatched.first { $0.pattern == u.pattern }.map { u.merged(with: $0) }
            }
            properties[key] = entry
        }
        if differs {
            let k = "\(report.status)|\(report.value)"
            var s = statuses[k] ?? StatusTally(status: report.status, value: report.value, runs: 0, firstRun: i)
            s.runs += 1
            s.firstRun = min(s.firstRun, i)
            statuses[k] = s
        }
        if let first = exceptionNotes.first {
            var t = taskExceptions ?? NoteTally(runs: 0, notes: 0, firstRun: i, firstNote: first)
            t.runs += 1
            t.notes += exceptionNotes.count
            if i < t.firstRun {
                t.firstRun = i
                t.firstNote = first
            }
            taskExceptions = t
        }
    }

    func summary() -> ExploreSummary {
        lock.lock()
        defer { lock.unlock() }
        let ordered = properties.sorted {
            ($0.key.line, $0.key.column, $0.key.occurrence, $0.key.name)
                < ($1.key.line, $1.key.column, $1.key.occurrence, $1.key.name)
        }
        return ExploreSummary(
            runs: runs, distinctOrderings: orderings.count, nominalOrderings: nominalOrderings,
            perturbations: perturbations, perturbedRuns: perturbedRuns, properties: ordered.map(\.value.tally),
            statuses: statuses.values.sorted { ($0.firstRun, $0.value) < ($1.firstRun, $1.value) },
            taskExceptions: taskExceptions,
            vacuous: ordered.filter { !$0.value.unmatched.isEmpty }.map {
                VacuousProperty(
                    name: $0.key.name, line: $0.key.line, column: $0.key.column, unmatched: $0.value.unmatched)
            },
            nominalStatus: nominalStatus, nominalFailures: nominalFailures, nominalJobs: nominalJobs,
            nominalConnections: nominalConnections)
    }
}
