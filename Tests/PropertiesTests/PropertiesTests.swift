import PyRuntime
import RunModel
import Testing
import TraceLanguage

@testable import Properties
// PropertyCall, Blocking and PendingTask have only internal memberwise initialisers.
@testable import VirtualLoop

/// A run built by hand: events are appended in order, `run_end` is added when it is checked.
private struct Run {
    var events: [TraceEvent] = []
    var status = RunStatus.ok
    var value = "None"
    var clock = 0.0
    var blockings: [Blocking] = []
    var pending: [PendingTask] = []
    var lastResult: Value = .none
    var calls: [PropertyCall] = []
    let vm = Interpreter()

    mutating func print(_ text: String, at t: Double, by ctx: String = "Task-1") {
        clock = t
        events.append(TraceEvent(t: t, ctx: ctx, kind: .print, text: text))
    }

    mutating func log(_ text: String, at t: Double, by ctx: String = "Task-1") {
        clock = t
        events.append(TraceEvent(t: t, ctx: ctx, kind: .log, text: text))
    }

    mutating func taskDone(_ ctx: String, _ state: String = "result", _ value: String = "None", at t: Double) {
        clock = t
        events.append(TraceEvent(t: t, ctx: ctx, kind: .taskDone, state: state, value: value))
    }

    mutating func expect(_ name: String, _ args: Value..., keywords: [(String, Value)] = [], line: Int = 1) {
        calls.append(
            PropertyCall(
                name: name, args: args, keywords: keywords,
                loc: SourceLocation(line: line, column: 1)))
    }

    func verdict(elapsed: Double? = nil) -> Verdict {
        let end = elapsed ?? clock
        let log = events + [TraceEvent(t: end, ctx: nil, kind: .runEnd, value: value, status: status.rawValue)]
        return PropertyChecker.check(
            events: log, status: status, value: value, elapsed: end, properties: calls,
            blockings: blockings, pendingTasks: pending, lastResult: lastResult,
            interpreter: vm)
    }

    /// The only property's result.
    func result() -> PropertyResult {
        let v = verdict()
        precondition(v.results.count == 1)
        return v.results[0]
    }
}

private func dict(_ pairs: KeyValuePairs<String, Value>) -> Value {
    let d = PyDict()
    let vm = Interpreter()
    for (k, v) in pairs { try! d.setItem(.str(k), v, vm) }
    return .obj(d)
}

private func allPassed(_ v: Verdict) -> Bool { v.results.allSatisfy { $0.passed } }

private func list(_ items: Value...) -> Value { .obj(PyList(items)) }

/// Two tasks: a prints at 0 and 2, b at 0 and 1.
private func twoWorkers() -> Run {
    var run = Run()
    run.print("a started", at: 0, by: "Task-2")
    run.print("b started", at: 0, by: "Task-3")
    run.print("b finished", at: 1, by: "Task-3")
    run.taskDone("Task-3", at: 1)
    run.print("a finished", at: 2, by: "Task-2")
    run.taskDone("Task-2", at: 2)
    return run
}

// MARK: Globs

@Test func aGlobMatchesTheWholeText() {
    #expect(Glob("a*").matches("abc"))
    #expect(!Glob("b").matches("abc"))
    #expect(!Glob("ab").matches("abc"))
}

@Test func aStarMatchesAnyRunIncludingNoneAndNewlines() {
    #expect(Glob("*blocks(*): running").matches("job blocks(3): running"))
    #expect(Glob("*blocks(*): running").matches("blocks(): running"))
    #expect(Glob("a*b").matches("a\nline\nb"))
    #expect(!Glob("*blocks(*): running").matches("job blocks(3): done"))
}

@Test func aQuestionMarkMatchesExactlyOneCharacter() {
    #expect(Glob("worker ?").matches("worker 1"))
    #expect(!Glob("worker ?").matches("worker 12"))
    #expect(!Glob("worker ?").matches("worker "))
    #expect(Glob("caf?").matches("café"))
}

@Test func bracketsAndBackslashesAreLiteral() {
    #expect(Glob("[ab]").matches("[ab]"))
    #expect(!Glob("[ab]").matches("a"))
    #expect(Glob("a\\*").matches("a\\xyz"))
}

// MARK: Patterns

@Test func aStringPatternMatchesOnlyPrintAndLogEvents() {
    var run = Run()
    run.log("INFO:root:Task-2", at: 0)
    run.taskDone("Task-2", at: 1)
    run.expect("never", .str("*Task-2*"))
    #expect(run.result().message.contains("event 1"))
    var quiet = Run()
    quiet.taskDone("Task-2", at: 1)
    quiet.expect("never", .str("*Task-2*"))
    #expect(quiet.result().passed)
}

@Test func aDictPatternMatchesEveryGivenFieldAsAGlob() {
    var run = twoWorkers()
    run.expect(
        "order", dict(["kind": .str("task_done"), "ctx": .str("Task-3")]),
        dict(["ctx": .str("Task-?"), "text": .str("a fin*")]))
    run.expect("never", dict(["kind": .str("task_done"), "state": .str("exc*")]))
    #expect(allPassed(run.verdict()))
}

@Test func aDictPatternCanMatchRunEnd() {
    var run = Run()
    run.print("x", at: 1)
    run.expect("at", dict(["kind": .str("run_end")]), .float(1.0))
    #expect(run.result().passed)
}

@Test func aDictPatternNeedsTheFieldItNames() {
    var run = Run()
    run.print("x", at: 1)
    run.expect("never", dict(["value": .str("*")]))  // print events have no value; run_end has one
    #expect(run.result().message.contains("run_end"))
}

@Test func aDictPatternWithAnUnknownKeyFailsItsProperty() {
    var run = Run()
    run.expect("never", dict(["status": .str("ok")]), line: 7)
    let r = run.result()
    #expect(!r.passed)
    #expect(r.line == 7)
    #expect(r.message.contains("'status'"))
    #expect(r.message.contains("ctx, text, kind, state, value"))
}

@Test func aNumberPatternMatchesItsText() {
    var run = Run()
    run.print("42", at: 0)
    run.expect("never", .int(42))
    #expect(!run.result().passed)
}

@Test func aPatternThatIsNeitherStringNorDictFailsItsProperty() {
    var run = Run()
    run.expect("never", list(.str("a")))
    #expect(run.result().message.contains("a pattern is a string"))
}

// MARK: expect.output

@Test func outputHoldsWhenTheTextsAreExactlyTheLines() {
    var run = Run()
    run.print("one", at: 0)
    run.log("WARNING:root:two", at: 1)
    run.expect("output", list(.str("one"), .str("WARNING:root:two")))
    #expect(run.result().passed)
}

@Test func outputComparesExactTextsWithoutGlobs() {
    var run = Run()
    run.print("one", at: 0)
    run.expect("output", list(.str("o*")))
    #expect(run.result().message.contains("text 1 is 'one'"))
}

@Test func outputFailsOnMissingOrExtraTexts() {
    var run = Run()
    run.print("one", at: 0)
    run.expect("output", list(.str("one"), .str("two")))
    run.expect("output", list())
    let results = run.verdict().results
    #expect(results[0].message.contains("1 texts instead of 2"))
    #expect(results[1].message.contains("1 texts instead of 0"))
}

@Test func outputRefusesSomethingThatIsNotIterable() {
    var run = Run()
    run.expect("output", .int(3))
    #expect(run.result().message.contains("a list of texts"))
}

// MARK: expect.order

@Test func orderHoldsWhenFirstMatchesComeInOrder() {
    var run = twoWorkers()
    run.expect("order", .str("a started"), .str("b started"), .str("b finished"), .str("a finished"))
    #expect(run.result().passed)
}

@Test func orderNamesBothFirstMatchesWhenOutOfOrder() {
    var run = twoWorkers()
    run.expect("order", .str("a finished"), .str("b finished"), line: 14)
    let r = run.result()
    #expect(
        r.description == "expect.order (line 14): 'b finished' (first at t=1.0, event 3) came before "
            + "'a finished' (first at t=2.0, event 5)")
}

@Test func orderFailsWhenAPatternMatchesNothing() {
    var run = twoWorkers()
    run.expect("order", .str("a started"), .str("c started"))
    #expect(
        run.result().message
            == "expect.order (line 1): no event matches 'c started' "
            + "(the closest texts: 'a started', 'b started', 'a finished')")
}

@Test func orderMarkedVacuousHoldsWhenAPatternMatchesNothing() {
    var run = twoWorkers()
    run.expect("order", .str("a started"), .str("c started"), keywords: [("vacuous", .bool(true))])
    #expect(run.result().passed)
}

@Test func orderFailsWhenTwoPatternsFirstMatchTheSameEvent() {
    var run = twoWorkers()
    run.expect("order", .str("? started"), .str("a started"))
    #expect(run.result().message.contains("first match the same event"))
}

@Test func orderRefusesKeywords() {
    var run = twoWorkers()
    run.expect("order", .str("a started"), keywords: [("strict", .bool(true))])
    #expect(run.result().message.contains("unexpected keyword argument 'strict'"))
}

// MARK: expect.before

@Test func beforeHoldsWhenEveryMatchOfAComesBeforeEveryMatchOfB() {
    var run = twoWorkers()
    run.expect("before", .str("? started"), .str("? finished"))
    #expect(run.result().passed)
}

@Test func beforeFailsWhenAMatchOfBComesFirst() {
    var run = twoWorkers()
    run.expect("before", .str("a *"), .str("b *"))
    let m = run.result().message
    #expect(m.hasPrefix("expect.before (line 1): event 2 (print 'b started' by Task-3 at t=0.0) matches 'b *'"))
    #expect(m.contains("event 5"))
}

@Test func beforeHoldsWhenEitherSideMatchesNothingOnlyWhenMarkedVacuous() {
    var run = twoWorkers()
    run.expect("before", .str("nothing"), .str("a started"), keywords: [("vacuous", .bool(true))])
    run.expect("before", .str("a finished"), .str("nothing"), keywords: [("vacuous", .bool(true))])
    #expect(allPassed(run.verdict()))
}

@Test func beforeFailsAsVacuousWhenEitherSideMatchesNothing() {
    var run = twoWorkers()
    run.expect("before", .str("nothing"), .str("a started"))
    run.expect("before", .str("a finished"), .str("nothing"))
    let verdict = run.verdict()
    #expect(verdict.results.allSatisfy { !$0.passed && $0.failedAsVacuous })
    #expect(
        verdict.results[0].message.hasPrefix("expect.before (line 1): holds only vacuously: 'nothing' matched no event")
    )
    // Among many runs, a run's own vacuity is not its failure.
    #expect(verdict.acrossRuns().passed)
    #expect(verdict.acrossRuns().results[0].unmatched.map(\.pattern) == ["'nothing'"])
}

@Test func beforeFailsWhenOneEventMatchesBothSides() {
    var run = twoWorkers()
    run.expect("before", .str("a finished"), .str("a *"))
    #expect(!run.result().passed)
}

// MARK: expect.never

@Test func neverHoldsWhenNothingMatches() {
    var run = twoWorkers()
    run.expect("never", .str("c *"))
    #expect(run.result().passed)
}

@Test func neverNamesTheFirstMatchAndCountsTheOthers() {
    var run = twoWorkers()
    run.expect("never", .str("* finished"))
    #expect(
        run.result().message
            == "expect.never (line 1): event 3 (print 'b finished' by Task-3 at t=1.0) matches '* finished' "
            + "(and 1 more event)")
}

// MARK: expect.at

@Test func atComparesTheFirstMatchExactly() {
    var run = Run()
    run.print("tick", at: 0.1 + 0.2)
    run.print("tick", at: 1.0)
    run.expect("at", .str("tick"), .float(0.1 + 0.2))
    run.expect("at", .str("tick"), .float(0.3))
    let results = run.verdict().results
    #expect(results[0].passed)
    #expect(results[1].message.contains("at t=0.30000000000000004"))
}

@Test func atAcceptsAnIntegerTime() {
    var run = Run()
    run.print("tick", at: 2.0)
    run.expect("at", .str("tick"), .int(2))
    #expect(run.result().passed)
}

@Test func atWithToleranceAcceptsCloseTimesInclusively() {
    var run = Run()
    run.print("tick", at: 0.1 + 0.2)
    run.expect("at", .str("tick"), .float(0.3), keywords: [("tolerance", .float(1e-9))])
    run.expect("at", .str("tick"), .float(0.25), keywords: [("tolerance", .float(0.01))])
    let results = run.verdict().results
    #expect(results[0].passed)
    #expect(!results[1].passed)
    var edge = Run()
    edge.print("tick", at: 1.5)
    edge.expect("at", .str("tick"), .float(1.0), keywords: [("tolerance", .float(0.5))])
    #expect(edge.result().passed)
}

@Test func atFailsWhenThePatternMatchesNothing() {
    var run = Run()
    run.expect("at", .str("tick"), .float(0))
    #expect(run.result().message == "expect.at (line 1): no event matches 'tick'")
}

@Test func atRefusesATimeThatIsNotANumber() {
    var run = Run()
    run.print("tick", at: 1)
    run.expect("at", .str("tick"), .str("1"))
    #expect(run.result().message == "expect.at (line 1): t must be a number, not str '1'")
}

@Test func atWithAMissingArgumentFailsAndSaysHowToCallIt() {
    var run = Run()
    run.expect("at", .str("tick"))
    #expect(
        run.result().message
            == "expect.at (line 1): expect.at() is missing its argument 't' (usage: expect.at(a, t, tolerance=))")
}

// MARK: expect.elapsed

@Test func elapsedComparesTheRunsDurationExactly() {
    var run = Run()
    run.clock = 0.1 + 0.2
    run.expect("elapsed", .float(0.3))
    run.expect("elapsed", .float(0.3), keywords: [("tolerance", .float(1e-9))])
    let results = run.verdict().results
    #expect(results[0].message == "expect.elapsed (line 1): the run lasted 0.30000000000000004, expected 0.3")
    #expect(results[1].passed)
}

@Test func elapsedBoundsAreInclusive() {
    var run = Run()
    run.clock = 2.0
    run.expect("elapsed", keywords: [("max", .float(2.0))])
    run.expect("elapsed", keywords: [("min", .int(2))])
    run.expect("elapsed", keywords: [("max", .float(3)), ("min", .float(1))])
    #expect(allPassed(run.verdict()))
}

@Test func elapsedFailsOutsideItsBounds() {
    var run = Run()
    run.clock = 2.0
    run.expect("elapsed", keywords: [("max", .float(1.5))])
    run.expect("elapsed", keywords: [("min", .float(2.5))])
    let results = run.verdict().results
    #expect(results[0].message == "expect.elapsed (line 1): the run lasted 2.0, more than max=1.5")
    #expect(results[1].message == "expect.elapsed (line 1): the run lasted 2.0, less than min=2.5")
}

@Test func elapsedWithoutAnyBoundFails() {
    var run = Run()
    run.expect("elapsed")
    #expect(run.result().message.contains("needs a duration"))
}

// MARK: expect.concurrency

@Test func concurrencyCountsOpenIntervalsAcrossContexts() {
    var run = Run()
    run.print("start", at: 0, by: "Task-2")
    run.print("start", at: 0, by: "Task-3")
    run.print("end", at: 1, by: "Task-2")
    run.print("end", at: 1, by: "Task-3")
    run.expect("concurrency", .str("start"), .str("end"), keywords: [("max", .int(2))])
    run.expect("concurrency", .str("start"), .str("end"), keywords: [("max", .int(1))])
    let results = run.verdict().results
    #expect(results[0].passed)
    #expect(results[1].message.contains("2 intervals were open at event 2 (print 'start' by Task-3 at t=0.0)"))
}

@Test func concurrencyDoesNotOverlapACloseLoggedBeforeAnOpenAtTheSameInstant() {
    var run = Run()
    run.print("start", at: 0, by: "Task-2")
    run.print("end", at: 1, by: "Task-2")
    run.print("start", at: 1, by: "Task-3")
    run.expect("concurrency", .str("start"), .str("end"), .int(1))
    #expect(run.result().passed)
}

@Test func concurrencyOverlapsAnOpenLoggedBeforeACloseAtTheSameInstant() {
    var run = Run()
    run.print("start", at: 0, by: "Task-2")
    run.print("start", at: 1, by: "Task-3")
    run.print("end", at: 1, by: "Task-2")
    run.expect("concurrency", .str("start"), .str("end"), .int(1))
    #expect(!run.result().passed)
}

@Test func concurrencyClosesBeforeOpeningOnAnEventMatchingBoth() {
    var run = Run()
    run.print("step", at: 0)
    run.print("step", at: 1)
    run.print("step", at: 2)
    run.expect("concurrency", .str("step"), .str("step"), keywords: [("max", .int(1))])
    #expect(run.result().passed)
}

@Test func concurrencyEndClosesEveryOpenIntervalOfItsContextOnly() {
    var run = Run()
    run.print("start", at: 0, by: "Task-2")
    run.print("start", at: 0, by: "Task-2")
    run.print("start", at: 0, by: "Task-3")
    run.print("end", at: 1, by: "Task-2")
    run.print("start", at: 1, by: "Task-4")
    run.print("start", at: 1, by: "Task-5")
    run.expect("concurrency", .str("start"), .str("end"), keywords: [("max", .int(3))])
    run.expect("concurrency", .str("start"), .str("end"), keywords: [("max", .int(2))])
    let results = run.verdict().results
    #expect(results[0].passed)
    #expect(results[1].message.contains("3 intervals were open at event 3"))
}

@Test func concurrencyCanCloseOnADictPattern() {
    var run = Run()
    run.print("start", at: 0, by: "Task-2")
    run.taskDone("Task-2", at: 1)
    run.print("start", at: 1, by: "Task-3")
    run.expect("concurrency", .str("start"), dict(["kind": .str("task_done")]), keywords: [("max", .int(1))])
    #expect(run.result().passed)
}

@Test func concurrencyRequiresItsMaximum() {
    var run = Run()
    run.expect("concurrency", .str("start"), .str("end"))
    #expect(run.result().message.contains("missing its argument 'max'"))
}

// MARK: expect.max_blocking

@Test func maxBlockingHoldsUpToItsLimitInclusive() {
    var run = Run()
    run.blockings = [Blocking(start: 0.1, duration: 0.2, ctx: "Task-1")]
    run.expect("max_blocking", .float(0.2))
    #expect(run.result().passed)
}

@Test func maxBlockingNamesTheLongestCallbackOverTheLimit() {
    var run = Run()
    run.blockings = [
        Blocking(start: 0.1, duration: 0.20000000000000004, ctx: "Task-1"),
        Blocking(start: 1.0, duration: 0.5, ctx: "Task-2"),
    ]
    run.expect("max_blocking", .float(0.2))
    #expect(
        run.result().message
            == "expect.max_blocking (line 1): a callback of Task-2 blocked the loop for 0.5 s from t=1.0, more than 0.2 s "
            + "(2 callbacks took longer than 0.2 s)")
}

// MARK: expect.result

@Test func resultComparesWithPythonEquality() {
    var run = Run()
    run.lastResult = list(.int(1), .float(2.0))
    run.expect("result", list(.float(1.0), .int(2)))
    run.expect("result", .obj(PyTuple([.int(1), .int(2)])))
    let results = run.verdict().results
    #expect(results[0].passed)
    #expect(results[1].message == "expect.result (line 1): the last run returned [1, 2.0], expected (1, 2)")
}

@Test func resultOfNoneHoldsWhenNoRunReturnedAnything() {
    var run = Run()
    run.expect("result", .none)
    #expect(run.result().passed)
}

// MARK: expect.raises and expect.status

@Test func raisesComparesTheTypeNameOfTheEscapedException() {
    var run = Run()
    run.status = .exception
    run.value = "TimeoutError: late"
    run.expect("raises", .str("asyncio.TimeoutError"))
    run.expect("raises", .str("TimeoutError"))
    run.expect("raises", .str("ValueError"))
    let v = run.verdict()
    #expect(v.results.map(\.passed) == [true, true, false])
    #expect(v.results[2].message == "expect.raises (line 1): the run raised TimeoutError: late, not ValueError")
}

@Test func raisesReadsATypeNameWithoutAMessage() {
    var run = Run()
    run.status = .exception
    run.value = "CancelledError"
    run.expect("raises", .str("CancelledError"))
    #expect(run.verdict().passed)
}

@Test func raisesFailsWhenTheRunDidNotRaise() {
    var run = Run()
    run.expect("raises", .str("KeyError"))
    let v = run.verdict()
    #expect(
        v.results[0].message == "expect.raises (line 1): the run ended with status 'ok' (None), not with an exception")
    #expect(!v.passed)
}

@Test func raisesTakesANameNotAClass() {
    var run = Run()
    run.status = .exception
    run.value = "KeyError: 'k'"
    run.expect("raises", .obj(PyType.keyError))
    #expect(run.result().message.contains("type name as a string"))
}

@Test func aRaisingRunPassesWhenARaisesPropertyExpectsIt() {
    var run = Run()
    run.status = .exception
    run.value = "KeyError: 'k'"
    run.expect("raises", .str("KeyError"))
    let v = run.verdict()
    #expect(v.passed)
    #expect(v.problems.isEmpty)
}

@Test func aRaisingRunWithAWrongRaisesFailsOnlyByThatProperty() {
    var run = Run()
    run.status = .exception
    run.value = "KeyError: 'k'"
    run.expect("raises", .str("ValueError"))
    let v = run.verdict()
    #expect(!v.passed)
    #expect(v.problems.isEmpty)
}

@Test func aRaisingRunWithoutRaisesOrStatusIsAProblem() {
    var run = Run()
    run.status = .exception
    run.value = "KeyError: 'k'"
    let v = run.verdict()
    #expect(!v.passed)
    #expect(
        v.problems == [
            "the run ended with status 'exception' (KeyError: 'k') and no property expected it: "
                + "add expect.raises('KeyError') if the trace means to raise, or catch it"
        ])
}

@Test func aStatusPropertyThatHoldsMakesADeadlockExpected() {
    var run = Run()
    run.status = .deadlock
    run.value = "['Task-1']"
    run.pending = [PendingTask(name: "Task-1", awaiting: "a future that nothing resolves")]
    run.expect("status", .str("deadlock"))
    let v = run.verdict()
    #expect(v.passed)
    #expect(v.warnings == ["the run deadlocked: Task-1 (awaiting a future that nothing resolves) never finished"])
}

@Test func aStatusPropertyThatFailsLeavesTheStatusUnexpected() {
    var run = Run()
    run.status = .limit
    run.value = "'max-steps'"
    run.expect("status", .str("deadlock"))
    let v = run.verdict()
    #expect(v.results[0].message == "expect.status (line 1): the run ended with status 'limit' ('max-steps')")
    #expect(v.problems.count == 1)
}

@Test func raisesDoesNotExpectADeadlock() {
    var run = Run()
    run.status = .deadlock
    run.value = "[]"
    run.expect("raises", .str("KeyError"))
    #expect(run.verdict().problems.count == 1)
}

@Test func statusExceptionExpectsARaisingRun() {
    var run = Run()
    run.status = .exception
    run.value = "KeyError: 'k'"
    run.expect("status", .str("exception"))
    #expect(run.verdict().passed)
}

@Test func statusRefusesAnUnknownStatus() {
    var run = Run()
    run.expect("status", .str("deadlocked"))
    #expect(
        run.result().message
            == "expect.status (line 1): expect.status takes one of 'ok', 'exception', 'deadlock', 'limit', not 'deadlocked'"
    )
}

// MARK: expect.all_done and warnings

@Test func allDoneHoldsWhenNoTaskIsPending() {
    var run = Run()
    run.expect("all_done")
    let v = run.verdict()
    #expect(v.passed)
    #expect(v.warnings.isEmpty)
}

@Test func allDoneFailsOnATaskLeftPending() {
    var run = Run()
    run.pending = [PendingTask(name: "Task-3", awaiting: "task Task-4")]
    run.expect("all_done")
    #expect(run.result().message == "expect.all_done (line 1): tasks left pending: Task-3 (awaiting task Task-4)")
}

@Test func allDoneFailsOnADeadlockEvenWithoutPendingTasks() {
    var run = Run()
    run.status = .deadlock
    run.value = "[]"
    run.expect("all_done")
    run.expect("status", .str("deadlock"))
    let v = run.verdict()
    #expect(v.results[0].message == "expect.all_done (line 1): the run deadlocked ([])")
    #expect(!v.passed)
}

@Test func pendingTasksAreAWarningWithoutAllDone() {
    var run = Run()
    run.pending = [PendingTask(name: "Task-3", awaiting: "task Task-4")]
    let v = run.verdict()
    #expect(v.passed)
    #expect(
        v.warnings == [
            "1 task was left pending at the end: Task-3 (awaiting task Task-4) "
                + "(add expect.all_done() to make this a failure)"
        ])
}

@Test func allDoneReplacesTheWarningsWithAFailure() {
    var run = Run()
    run.pending = [PendingTask(name: "Task-3", awaiting: "task Task-4")]
    run.expect("all_done")
    #expect(run.verdict().warnings.isEmpty)
}

// MARK: Calls that cannot be checked

@Test func anExpectStatementThatCouldNotBeEvaluatedFails() {
    var run = Run()
    run.calls.append(
        PropertyCall(
            name: "<error>", args: [.str("NameError: name 'x' is not defined")],
            keywords: [], loc: SourceLocation(line: 9, column: 1)))
    let r = run.result()
    #expect(r.description == "expect (line 9): could not evaluate: NameError: name 'x' is not defined")
}

@Test func tooManyArgumentsFailThePropertyInsteadOfCrashing() {
    var run = Run()
    run.expect("never", .str("a"), .str("b"))
    #expect(
        run.result().message
            == "expect.never (line 1): expect.never() takes at most 1 argument but 2 were given (usage: expect.never(a))"
    )
}

@Test func anArgumentGivenTwiceFailsTheProperty() {
    var run = Run()
    run.expect("concurrency", .str("s"), .str("e"), .int(1), keywords: [("max", .int(2))])
    #expect(run.result().message.contains("multiple values for argument 'max'"))
}

@Test func aFailingPropertyFailsTheVerdict() {
    var run = twoWorkers()
    run.expect("never", .str("a *"))
    run.expect("all_done")
    let v = run.verdict()
    #expect(!v.passed)
    #expect(v.problems.isEmpty)
    #expect(v.results.map(\.passed) == [false, true])
}
