import PyRuntime
import RunModel
import TraceLanguage
import VirtualLoop

/// A finished run, as the properties see it. Each check returns `nil` when
/// its property holds, else what was seen instead; a mistake in the
/// arguments throws an `ArgumentError`.
struct CheckedRun {
    let events: [TraceEvent]
    let status: RunStatus
    let value: String
    let elapsed: Double
    let blockings: [Blocking]
    let pendingTasks: [PendingTask]
    let lastResult: Value
    let vm: Interpreter

    /// The signatures of the reference's `Expect` methods, by property name.
    static let signatures: [String: Signature] = [
        "output": Signature("expect.output", ["lines"]),
        "order": Signature("expect.order", [], variadic: true, keywordOnly: ["vacuous"]),
        "before": Signature("expect.before", ["a", "b"], keywordOnly: ["vacuous"]),
        "never": Signature("expect.never", ["a"]),
        "at": Signature("expect.at", ["a", "t", "tolerance"], required: 2),
        "elapsed": Signature("expect.elapsed", ["t", "max", "min", "tolerance"], required: 0),
        "concurrency": Signature("expect.concurrency", ["start", "end", "max"], keywordOnly: ["vacuous"]),
        "max_blocking": Signature("expect.max_blocking", ["d"]),
        "result": Signature("expect.result", ["value"]),
        "raises": Signature("expect.raises", ["name"]),
        "all_done": Signature("expect.all_done", []),
        "status": Signature("expect.status", ["s"]),
    ]

    static let statuses = RunStatus.allCases.map(\.rawValue)

    func evaluate(_ call: PropertyCall) -> PropertyResult {
        var result = PropertyResult(
            name: "expect.\(call.name)", line: call.loc.line, column: call.loc.column,
            passed: true, message: "")
        let failure: String?
        if call.name == "<error>" {
            // The statement itself raised (after the run had stopped); args[0] is what it raised.
            result.name = "expect"
            let what = call.args.first.map { (try? vm.str($0)) ?? show($0, vm) } ?? "an error"
            failure = "could not evaluate: \(what)"
        } else {
            failure = self.failure(call.name, call.args, call.keywords)
            result.unmatched = unmatched(call.name, call.args, call.keywords)
        }
        if let failure {
            result.passed = false
            result.message = "\(result.name) (line \(result.line)): \(failure)"
        } else if !result.unmatched.isEmpty {
            result.passed = false
            result.failedAsVacuous = true
            result.message = "\(result.name) (line \(result.line)): \(Vacuity.message(result.unmatched))"
        }
        return result
    }

    /// Checks the property `name` with the arguments of an `expect.<name>(...)` call:
    /// nil when it holds, else what was seen instead (or what is wrong with the arguments).
    func failure(_ name: String, _ positional: [Value], _ keywords: [(String, Value)]) -> String? {
        guard let signature = CheckedRun.signatures[name] else {
            return "there is no such property (properties: "
                + CheckedRun.signatures.keys.sorted().joined(separator: ", ") + ")"
        }
        do {
            let args = try signature.bind(positional, keywords)
            return try check(name, args)
        } catch let e as ArgumentError {
            return e.message
        } catch let r as PyRaise {
            return "could not check: \(r.exception.summary(vm))"
        } catch {
            return "could not check: \(error)"
        }
    }

    private func check(_ name: String, _ args: BoundArguments) throws -> String? {
        let vacuous = try vacuousFlag(args)
        switch name {
        case "output": return try output(args.required("lines"))
        case "order": return try order(args.rest, vacuous: vacuous)
        case "before": return try before(args.required("a"), args.required("b"))
        case "never": return try never(args.required("a"))
        case "at": return try at(args.required("a"), args.required("t"), tolerance: args["tolerance"])
        case "elapsed": return try elapsedWithin(args)
        case "concurrency":
            return try concurrency(args.required("start"), args.required("end"), max: args.required("max"))
        case "max_blocking": return try maxBlocking(args.required("d"))
        case "result": return try result(args.required("value"))
        case "raises": return try raises(args.required("name"))
        case "all_done": return allDone()
        case "status": return try statusIs(args.required("s"))
        default: preconditionFailure("no check for expect.\(name)")
        }
    }

    // MARK: The properties

    /// `expect.output(lines)`: the texts of print and log events, in order, are exactly `lines`.
    private func output(_ lines: Value) throws -> String? {
        let want: [Value]
        do {
            want = try vm.iterate(lines)
        } catch is PyRaise {
            throw ArgumentError("expect.output takes a list of texts, not \(vm.typeName(lines)) \(show(lines, vm))")
        }
        let printed = events.indices.filter { events[$0].kind == .print || events[$0].kind == .log }
        let got = printed.map { events[$0].text ?? "" }
        for (i, text) in got.enumerated() where i < want.count {
            if case .str(let w) = want[i], w == text { continue }
            let e = events[printed[i]]
            return
                "text \(i + 1) is \(stringRepr(text)) (event \(printed[i] + 1), by \(e.ctx ?? "-") at t=\(floatRepr(e.t))), expected \(show(want[i], vm)); "
                + "the texts were \(listRepr(got))"
        }
        if got.count == want.count { return nil }
        if got.count > want.count {
            return "\(got.count) texts instead of \(want.count): text \(want.count + 1) is "
                + "\(stringRepr(got[want.count])), more than expected; the texts were \(listRepr(got))"
        }
        return "\(got.count) texts instead of \(want.count): \(show(want[got.count], vm)) and what follows "
            + "never came; the texts were \(listRepr(got))"
    }

    /// `expect.order(a, b, ...)`: the first match of each pattern comes after the first match of the one before.
    /// With `vacuous=True` it holds when a pattern matches nothing, as `expect.before` does.
    private func order(_ patterns: [Value], vacuous: Bool) throws -> String? {
        let ps = try patterns.enumerated().map { try EventPattern($0.element, "pattern \($0.offset + 1)", vm) }
        var previous: (pattern: EventPattern, index: Int)?
        for p in ps {
            guard let i = p.first(in: events) else {
                if vacuous { return nil }
                let closest = ClosestTexts.find(for: p, in: events)
                return "no event matches \(p.shown)" + UnmatchedPattern.closestClause(closest)
            }
            if let prev = previous, i <= prev.index {
                if i == prev.index {
                    return "\(prev.pattern.shown) and \(p.shown) first match the same event, \(describe(i)); "
                        + "\(p.shown) must come later"
                }
                return "\(firstMatch(p, i)) came before \(firstMatch(prev.pattern, prev.index))"
            }
            previous = (p, i)
        }
        return nil
    }

    /// `expect.before(a, b)`: every match of `a` comes before every match of `b` (holds when either matches nothing).
    private func before(_ a: Value, _ b: Value) throws -> String? {
        let pa = try EventPattern(a, "the first pattern", vm), pb = try EventPattern(b, "the second pattern", vm)
        let ia = pa.all(in: events), ib = pb.all(in: events)
        guard let lastA = ia.last, let firstB = ib.first, lastA >= firstB else { return nil }
        if lastA == firstB {
            return "\(describe(firstB)) matches both \(pa.shown) and \(pb.shown)"
        }
        return "\(describe(firstB)) matches \(pb.shown) but comes before \(describe(lastA)), which matches \(pa.shown)"
    }

    /// `expect.never(a)`: no event matches `a`.
    private func never(_ a: Value) throws -> String? {
        let pa = try EventPattern(a, "the pattern", vm)
        let all = pa.all(in: events)
        guard let i = all.first else { return nil }
        let more = all.count > 1 ? " (and \(all.count - 1) more event\(all.count == 2 ? "" : "s"))" : ""
        return "\(describe(i)) matches \(pa.shown)\(more)"
    }

    /// `expect.at(a, t, tolerance=)`: the first match of `a` is at `t`, exactly unless a tolerance is given.
    private func at(_ a: Value, _ t: Value, tolerance: Value?) throws -> String? {
        let pa = try EventPattern(a, "the pattern", vm)
        let want = try number(t, "t", vm)
        let tol = try tolerance.map { try number($0, "tolerance", vm) }
        guard let i = pa.first(in: events) else { return "no event matches \(pa.shown)" }
        let got = events[i].t
        if within(got, t, want, tol) { return nil }
        return "\(pa.shown) first matches at t=\(floatRepr(got)) (event \(i + 1): \(summary(i))), "
            + "expected t=\(show(t, vm))\(tol.map { " within \(floatRepr($0))" } ?? "")"
    }

    /// `expect.elapsed(t, max=, min=, tolerance=)`: the run's virtual duration; bounds are inclusive.
    private func elapsedWithin(_ args: BoundArguments) throws -> String? {
        let t = args["t"], maxV = args["max"], minV = args["min"]
        guard t != nil || maxV != nil || minV != nil else {
            throw ArgumentError(
                "expect.elapsed() needs a duration: expect.elapsed(t), expect.elapsed(max=t) "
                    + "or expect.elapsed(min=t)")
        }
        let want = try t.map { try number($0, "t", vm) }
        let hi = try maxV.map { try number($0, "max", vm) }
        let lo = try minV.map { try number($0, "min", vm) }
        let tol = try args["tolerance"].map { try number($0, "tolerance", vm) }
        let d = floatRepr(elapsed)
        if let t, let want, !within(elapsed, t, want, tol) {
            return "the run lasted \(d), expected \(show(t, vm))\(tol.map { " within \(floatRepr($0))" } ?? "")"
        }
        if let hi, elapsed > hi { return "the run lasted \(d), more than max=\(show(maxV!, vm))" }
        if let lo, elapsed < lo { return "the run lasted \(d), less than min=\(show(minV!, vm))" }
        return nil
    }

    /// `expect.concurrency(start, end, max=n)`, reading the log in order: an event
    /// matching `end` first closes every open interval of its `ctx`, then one
    /// matching `start` opens an interval in its `ctx`.
    private func concurrency(_ start: Value, _ end: Value, max: Value) throws -> String? {
        let ps = try EventPattern(start, "start", vm), pe = try EventPattern(end, "end", vm)
        let limit = try number(max, "max", vm)
        var open: [String?: [Int]] = [:]  // the events that opened each ctx's intervals
        var total = 0
        for (i, e) in events.enumerated() {
            if pe.matches(e) {
                total -= open.removeValue(forKey: e.ctx)?.count ?? 0
            }
            if ps.matches(e) {
                open[e.ctx, default: []].append(i)
                total += 1
                if Double(total) > limit {
                    let opened = open.values.joined().sorted().map {
                        "\(events[$0].ctx ?? "(no ctx)") since t=\(floatRepr(events[$0].t)) (event \($0 + 1))"
                    }
                    return "\(total) interval\(total == 1 ? " was" : "s were") open at \(describe(i)), "
                        + "more than max=\(show(max, vm)): " + opened.joined(separator: ", ")
                }
            }
        }
        return nil
    }

    /// `expect.max_blocking(d)`: no callback advanced the clock by more than `d`.
    private func maxBlocking(_ d: Value) throws -> String? {
        let limit = try number(d, "d", vm)
        let over = blockings.filter { $0.duration > limit }
        guard var worst = over.first else { return nil }
        for b in over where b.duration > worst.duration { worst = b }
        let others = over.count > 1 ? " (\(over.count) callbacks took longer than \(show(d, vm)) s)" : ""
        return "a callback of \(worst.ctx) blocked the loop for \(floatRepr(worst.duration)) s "
            + "from t=\(floatRepr(worst.start)), more than \(show(d, vm)) s\(others)"
    }

    /// `expect.result(value)`: the last `run`/`run_until_complete` returned something `==` to `value`.
    private func result(_ value: Value) throws -> String? {
        if try vm.equals(lastResult, value) { return nil }
        return "the last run returned \(show(lastResult, vm)), expected \(show(value, vm))"
    }

    /// `expect.raises(name)`: the run ended with an exception of that type name (`a.b.Name` reads as `Name`).
    private func raises(_ name: Value) throws -> String? {
        guard case .str(let full) = name else {
            throw ArgumentError(
                "expect.raises takes the exception's type name as a string "
                    + "(expect.raises('TimeoutError')), not \(vm.typeName(name)) \(show(name, vm))")
        }
        let want = String(full.split(separator: ".", omittingEmptySubsequences: false).last ?? "")
        guard status == .exception else {
            return "the run ended with status '\(status)' (\(value)), not with an exception"
        }
        let got = exceptionTypeName(value)
        if got == want { return nil }
        return "the run raised \(value), not \(want)"
    }

    /// `expect.all_done()`: no task is left pending at the end; a deadlock fails it.
    private func allDone() -> String? {
        if !pendingTasks.isEmpty {
            let what = status == .deadlock ? "the run deadlocked; tasks left pending" : "tasks left pending"
            return "\(what): \(describePending(pendingTasks))"
        }
        if status == .deadlock { return "the run deadlocked (\(value))" }
        return nil
    }

    /// `expect.status(s)`: the run ended with status `s`.
    private func statusIs(_ s: Value) throws -> String? {
        guard case .str(let want) = s, CheckedRun.statuses.contains(want) else {
            throw ArgumentError(
                "expect.status takes one of "
                    + CheckedRun.statuses.map { "'\($0)'" }.joined(separator: ", ") + ", not \(show(s, vm))")
        }
        if want == status.rawValue { return nil }
        return "the run ended with status '\(status)' (\(value))"
    }

    // MARK: Describing events

    /// `event 3 (print 'text' by Task-2 at t=1.0)`; events are numbered from 1, as the lines of the log.
    func describe(_ i: Int) -> String {
        "event \(i + 1) (\(summary(i)) at t=\(floatRepr(events[i].t)))"
    }

    func summary(_ i: Int) -> String { events[i].summary }

    /// `'b finished' (first at t=1.0, event 3)`; a dict pattern also says what it matched.
    private func firstMatch(_ p: EventPattern, _ i: Int) -> String {
        let at = "first at t=\(floatRepr(events[i].t)), event \(i + 1)"
        if case .text = p.shape { return "\(p.shown) (\(at))" }
        return "\(p.shown) (\(at): \(summary(i)))"
    }

    private func within(_ got: Double, _ t: Value, _ want: Double, _ tolerance: Double?) -> Bool {
        if let tolerance { return abs(got - want) <= tolerance }
        // Python's float == int is exact, as the interpreter's `==` is.
        return (try? vm.equals(.float(got), t)) ?? (got == want)
    }
}

private func listRepr(_ texts: [String]) -> String {
    "[" + texts.map(stringRepr).joined(separator: ", ") + "]"
}
