import RunModel
import RunStore

/// The explored runs of one side of a trace (those with a run index above
/// 0, beside its nominal run 0), summed up for a label that holds thousands
/// of them: how often each property held, how many distinct orders of events
/// the runs produced, and the failing runs grouped by where their event log
/// first left the nominal run's (one group per distinct first divergence,
/// most runs first).
public struct ExploredSide: Sendable, Codable, Equatable {
    /// A property by name and line, over the explored runs.
    public struct Tally: Sendable, Codable, Equatable {
        public var name: String
        public var line: Int
        public var held: Int
        public var broke: Int
    }

    /// Failing runs whose logs first left the nominal one at the same event,
    /// the same way.
    public struct FailureGroup: Sendable, Codable, Equatable {
        /// The position of the first differing event, from 0.
        public var index: Int
        /// The nominal run's event there; nil when its log had ended.
        public var nominal: TraceEvent?
        /// The failing runs' event there; nil when their logs had ended.
        public var explored: TraceEvent?
        /// Their run indices, in order.
        public var runs: [Int]
    }

    /// How many explored runs the side has, and how many of them failed.
    public var runs: Int
    public var failing: Int
    public var properties: [Tally]
    /// How many different event logs the explored runs and the nominal run produced.
    public var distinctOrders: Int
    /// Nil when the side has no nominal run to compare with.
    public var nominalRun: Int64?
    public var failureGroups: [FailureGroup]

    /// Groups listed in full; the rest are counted.
    public static let maximumGroups = 20

    /// The summary of `runs` (one side of one trace); nil when none of them was explored.
    public init?(_ runs: [StoredRun]) {
        let explored = runs.filter { $0.runIndex > 0 }
        guard !explored.isEmpty else { return nil }
        let nominal = runs.last { $0.runIndex == 0 }
        self.runs = explored.count
        failing = explored.count { !$0.passed }
        nominalRun = nominal?.id

        var tallies: [Tally] = []
        var position: [String: Int] = [:]
        for r in explored {
            for p in r.properties {
                let key = "\(p.name)@\(p.line)"
                if position[key] == nil {
                    position[key] = tallies.count
                    tallies.append(Tally(name: p.name, line: p.line, held: 0, broke: 0))
                }
                if p.passed { tallies[position[key]!].held += 1 } else { tallies[position[key]!].broke += 1 }
            }
        }
        properties = tallies

        var orders = Set<Int>()
        for r in explored + (nominal.map { [$0] } ?? []) {
            var h = Hasher()
            h.combine(r.events.count)
            for e in r.events { h.combine(e.jsonLine) }
            orders.insert(h.finalize())
        }
        distinctOrders = orders.count

        var groups: [FailureGroup] = []
        if let nominal {
            for r in explored where !r.passed {
                let d = Comparison.firstDivergence(nominal.events, r.events)
                let index = d?.index ?? nominal.events.count
                if let g = groups.firstIndex(where: {
                    $0.index == index && $0.nominal == d?.baselineEvent && $0.explored == d?.candidateEvent
                }) {
                    groups[g].runs.append(r.runIndex)
                } else {
                    groups.append(
                        FailureGroup(
                            index: index, nominal: d?.baselineEvent, explored: d?.candidateEvent, runs: [r.runIndex]))
                }
            }
        }
        for i in groups.indices { groups[i].runs.sort() }  // runs are recorded as they finish, in any order
        failureGroups = groups.sorted { ($0.runs.count, -$0.index) > ($1.runs.count, -$1.index) }
    }

    /// The lines the text reports show, after a line naming the side.
    public var lines: [String] {
        var out = [
            "\(runs) explored run\(plural(runs)), \(failing) failing; \(distinctOrders) distinct order\(plural(distinctOrders)) of events"
                + (nominalRun == nil ? "" : " (the nominal run's included)")
        ]
        for t in properties {
            out.append("\(t.name) (line \(t.line)): held on \(t.held), broke on \(t.broke)")
        }
        for g in failureGroups.prefix(Self.maximumGroups) { out.append(Self.groupLine(g)) }
        if failureGroups.count > Self.maximumGroups {
            out.append("… and \(failureGroups.count - Self.maximumGroups) more ways of failing")
        }
        if nominalRun == nil && failing > 0 {
            out.append("(no nominal run on this side: the failing runs are not grouped)")
        }
        return out
    }

    /// `27 failing runs (3, 17, 45, …) leave the nominal run at event 5: print 'b' instead of print 'a'`.
    public static func groupLine(_ g: FailureGroup) -> String {
        let n = g.runs.count
        let which = ExplorationAccount.list(g.runs, limit: 8)
        let nominal = g.nominal.map(\.summary) ?? "the end of the log"
        let explored = g.explored.map(\.summary) ?? "the end of the log"
        return
            "\(n) failing run\(plural(n)) (\(which)) leave\(n == 1 ? "s" : "") the nominal run at event \(g.index + 1): \(explored) instead of \(nominal)"
    }
}
