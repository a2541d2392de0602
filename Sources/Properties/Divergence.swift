import Foundation
import PyRuntime
import RunModel

/// The first event where a run's order of events left the nominal run's
/// (times aside), with a few events around it from both runs.
struct Divergence {
    /// How many events before the first differing one are shown, and after it.
    static let before = 3
    static let after = 2

    /// The index of the first differing event (0-based).
    var index: Int
    var nominal: [TraceEvent]
    var events: [TraceEvent]

    /// Nil when the two logs are the same, times aside.
    static func find(_ nominal: [TraceEvent], _ events: [TraceEvent]) -> Divergence? {
        firstDifference(nominal, events) { $0.sameIgnoringTime($1) }.map {
            Divergence(index: $0, nominal: nominal, events: events)
        }
    }

    /// `at event 7: the nominal run has print 'a' by Task-2 at t=0.05, run 3 has print 'b' by Task-3 at t=0.07`.
    func summary(run: Int) -> String {
        let a = index < nominal.count ? nominal[index] : nil
        let b = index < events.count ? events[index] : nil
        return
            "at event \(index + 1): the nominal run has \(a.map(Self.describe) ?? "nothing"), run \(run) has \(b.map(Self.describe) ?? "nothing")"
    }

    /// The events around it, one block per run, the first differing one
    /// marked with `>`: the lines `vloop run` prints under the summary.
    func lines(run: Int) -> [String] {
        var out: [String] = []
        let from = max(0, index - Self.before)
        let width = String(min(max(nominal.count, events.count), index + Self.after + 1)).count
        for (title, log) in [("the nominal run", nominal), ("run \(run), shrunk", events)] {
            out.append("\(title):")
            let to = min(log.count, index + Self.after + 1)
            if from >= to {
                out.append("  > (no event \(index + 1): the log ends after \(log.count))")
                continue
            }
            for i in from..<to {
                let number = String(i + 1)
                let pad = String(repeating: " ", count: max(0, width - number.count))
                let mark = i == index ? ">" : " "
                out.append("  \(mark) \(pad)\(number)  t=\(floatRepr(log[i].t))  \(log[i].summary)")
            }
            if to < index + 1 { out.append("  > (no event \(index + 1): the log ends after \(log.count))") }
        }
        return out
    }

    /// `print 'text' by Task-2 at t=1.0`.
    static func describe(_ e: TraceEvent) -> String { "\(e.summary) at t=\(floatRepr(e.t))" }
}
