import Foundation
import RunModel

/// The comparison for a terminal: the headline, the regressions and
/// improvements, then one line per trace and the details of those that changed.
public struct TextReport: ComparisonRenderer {
    /// ANSI colours (off for files, pipes, and when NO_COLOR is set).
    public var color = false

    public init(color: Bool = false) { self.color = color }

    func paint(_ s: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }

    public func render(_ c: Comparison) -> String {
        var out = "vloop report: \(c.baseline.name) (baseline) → \(c.candidate.name) (candidate)\n"
        out += "  baseline:  \(sideLine(c.baseline))\n"
        out += "  candidate: \(sideLine(c.candidate))\n"
        if let w = c.wallShift { out += "  wall time: candidate \(w.summary)\n" }
        out += "\n"
        out += headline(c) + "\n"
        if !c.regressions.isEmpty {
            out += "\n" + paint("Regressions", "1;31") + "\n"
            for f in c.regressions { out += "  ✗ \(findingLine(f))\n" }
        }
        if !c.improvements.isEmpty {
            out += "\n" + paint("Improvements", "1;32") + "\n"
            for f in c.improvements { out += "  ✓ \(findingLine(f))\n" }
        }
        out += "\nTraces\n"
        let width = min(max(c.traces.map(\.path.count).max() ?? 0, 10), 60)
        for t in c.traces {
            let path = t.path.padding(toLength: max(width, t.path.count), withPad: " ", startingAt: 0)
            out +=
                "  \(outcomeWord(t.outcome).padding(toLength: 8, withPad: " ", startingAt: 0)) \(path)  \(traceNumbers(t))\n"
        }
        for t in c.traces
        where (t.changed || t.baselineExplored != nil || t.candidateExplored != nil) && t.baseline != nil
            && t.candidate != nil
        {
            out += "\n" + paint(t.path, "1") + "\n"
            for p in t.properties where p.changed {
                if p.candidateHeld == false && !p.message.isEmpty {
                    out += "  broke  \(p.message)\n"
                } else {
                    out +=
                        "  \(p.candidateHeld == true ? "fixed" : "broke")  \(p.name) (line \(p.candidateLine ?? p.baselineLine ?? 0))\n"
                }
            }
            for (role, side) in [("baseline", t.baseline), ("candidate", t.candidate)] {
                for l in side.map({ failureLines($0, role: role) }) ?? [] { out += "  \(l)\n" }
            }
            for (role, explored) in [("baseline", t.baselineExplored), ("candidate", t.candidateExplored)] {
                guard let explored else { continue }
                out += "  \(role): " + explored.lines[0] + "\n"
                for l in explored.lines.dropFirst() { out += "    \(l)\n" }
            }
            if let d = t.divergence {
                out += "  first divergence at event \(d.index + 1) (t=\(virtualTimeText(d.time))):\n"
                for e in d.context { out += "      \(e.jsonLine)\n" }
                out += "    - \(d.baselineEvent?.jsonLine ?? "(the log had ended)")\n"
                out += "    + \(d.candidateEvent?.jsonLine ?? "(the log had ended)")\n"
            }
            for task in t.tasks where task.baselineDone != nil || task.candidateDone != nil {
                let b = task.baselineDone.map(seconds) ?? "—", cand = task.candidateDone.map(seconds) ?? "—"
                out += "  task \(task.label) done at \(b) → \(cand)\(task.regression ? "  (regression)" : "")\n"
            }
            if let w = t.wallTime, w.verdict == .slower || w.verdict == .faster {
                out += "  wall time \(describe(w))\n"
            }
        }
        return out
    }

    func headline(_ c: Comparison) -> String {
        let r = c.regressions.count, i = c.improvements.count
        let changed = c.traces.filter(\.changed).count
        let text =
            "\(r) regression\(plural(r)), \(i) improvement\(plural(i)); \(changed) of \(c.traces.count) trace\(plural(c.traces.count)) changed"
        return r > 0 ? paint(text, "1;31") : paint(text, "1;32")
    }

    func sideLine(_ s: SideSummary) -> String {
        var parts = [
            "\(s.runs) run\(plural(s.runs)) of \(s.traces) trace\(plural(s.traces))",
            "\(s.passed) passed, \(s.failed) failed",
        ]
        if !s.commits.isEmpty { parts.append("commit \(s.commits.joined(separator: ", "))") }
        if let d = s.startedAt { parts.append(dateText(d)) }
        return parts.joined(separator: "; ")
    }

    func findingLine(_ f: Finding) -> String {
        "\(f.trace)\(f.subject.map { ": \($0)" } ?? ""): \(f.detail)"
    }

    func traceNumbers(_ t: TraceComparison) -> String {
        var parts: [String] = []
        if let v = t.virtualDuration {
            parts.append(v.baseline == v.candidate ? "\(seconds(v.candidate)) virtual" : "\(describe(v)) virtual")
        }
        if let w = t.wallTime {
            switch w.verdict {
            case .tooFewSamples:
                parts.append(
                    "wall \(duration(w.baselineMedian)) → \(duration(w.candidateMedian)) (too few samples to judge)")
            case .unchanged:
                parts.append("wall \(duration(w.baselineMedian)) → \(duration(w.candidateMedian)) (within noise)")
            case .slower, .faster: parts.append("wall \(w.verdict.rawValue)")
            }
        }
        if t.divergence != nil { parts.append("events diverge") }
        return parts.joined(separator: ", ")
    }
}

/// How one side's representative run failed, for the reports in text:
/// `candidate ended with exception (KeyError: 'b')`, its traceback indented,
/// then each task that raised.
func failureLines(_ side: TraceSide, role: String, maxTasks: Int = 5) -> [String] {
    guard let ending = side.ending else { return [] }
    var lines = ["\(role) ended with \(ending)\(side.representativeRun.map { " (run \($0))" } ?? "")"]
    if let tb = side.traceback { lines += tb.split(separator: "\n").map { "  " + $0 } }
    for e in side.taskExceptions.prefix(maxTasks) { lines.append("\(role) task \(e)") }
    if side.taskExceptions.count > maxTasks {
        lines.append("… and \(side.taskExceptions.count - maxTasks) more tasks that raised")
    }
    return lines
}

func outcomeWord(_ o: TraceComparison.Outcome) -> String {
    switch o {
    case .stillPassing: return "pass"
    case .stillFailing: return "FAIL"
    case .broke: return "BROKE"
    case .fixed: return "fixed"
    case .added: return "new"
    case .removed: return "removed"
    }
}

/// `2027-01-15 08:00:00 UTC`.
func dateText(_ d: Date) -> String { utcTimestamp(d) + " UTC" }

/// `2027-01-15 08:00:00`, in UTC.
public func utcTimestamp(_ d: Date) -> String {
    let f = DateFormatter()
    f.locale = Locale(identifier: "en_US_POSIX")
    f.timeZone = TimeZone(identifier: "UTC")
    f.dateFormat = "yyyy-MM-dd HH:mm:ss"
    return f.string(from: d)
}
