import PyRuntime
import RunModel

/// Properties that hold only vacuously (TRACE_LANGUAGE.md, "Properties", and
/// docs/EXPLORING.md): an `expect.before`, `expect.order` or
/// `expect.concurrency` one of whose patterns matched no event fails, naming
/// the closest texts, unless the trace marks it `vacuous=True`. Over an
/// exploration, what counts is whether the pattern matched in any run.
enum Vacuity {
    /// The properties whose patterns are checked for matching something.
    static let properties: Set<String> = ["before", "order", "concurrency"]

    /// The message of a property that held only because `unmatched` matched nothing.
    static func message(_ unmatched: [UnmatchedPattern], runs: Int = 1) -> String {
        let which = unmatched.map(\.description).joined(separator: "; ")
        let scope = runs == 1 ? "in the run" : "in any of the \(runs) runs"
        return "holds only vacuously: \(which) \(scope); a pattern is a glob on the whole text "
            + "(add '*' where more follows), or add vacuous=True if it is meant to match nothing"
    }
}

extension CheckedRun {
    /// The patterns of an `expect.before`, `order` or `concurrency` call that
    /// match no event of the run, unless it says `vacuous=True` (or its
    /// arguments are wrong, which its check reports).
    func unmatched(_ name: String, _ positional: [Value], _ keywords: [(String, Value)]) -> [UnmatchedPattern] {
        guard Vacuity.properties.contains(name), let signature = CheckedRun.signatures[name],
            let args = try? signature.bind(positional, keywords), (try? vacuousFlag(args)) == false
        else { return [] }
        let values: [Value]
        switch name {
        case "before": values = [args.required("a"), args.required("b")]
        case "concurrency": values = [args.required("start"), args.required("end")]
        default: values = args.rest
        }
        var out: [UnmatchedPattern] = []
        for v in values {
            guard let p = try? EventPattern(v, "", vm), p.first(in: events) == nil else { continue }
            // `expect.order` fails on its own when a pattern matches nothing; the message
            // names the closest texts there too, and the property is vacuous all the same.
            out.append(UnmatchedPattern(pattern: p.shown, closest: ClosestTexts.find(for: p, in: events)))
        }
        return out
    }

    /// `vacuous=`: `True` or `False` (default `False`).
    func vacuousFlag(_ args: BoundArguments) throws -> Bool {
        switch args["vacuous"] {
        case nil: return false
        case .bool(let b)?: return b
        case let v?:
            throw ArgumentError("vacuous must be True or False, not \(vm.typeName(v)) \(show(v, vm))")
        }
    }
}

extension Verdict {
    /// The verdict of one run among many: a property that failed only because
    /// a pattern matched nothing in this run holds here (its `unmatched` kept),
    /// since another run may match it; the exploration's summary fails the
    /// trace when a pattern matched in no run at all.
    public func acrossRuns() -> Verdict {
        var v = self
        var changed = false
        for i in v.results.indices where v.results[i].failedAsVacuous {
            v.results[i].passed = true
            v.results[i].message = ""
            changed = true
        }
        if changed { v.passed = v.problems.isEmpty && v.results.allSatisfy(\.passed) }
        return v
    }
}
