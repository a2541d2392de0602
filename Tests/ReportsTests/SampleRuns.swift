import Foundation
import RunModel
import RunStore

@testable import Reports

/// Runs made by hand for the reports' tests: fixed dates and times, so that
/// every renderer's output is the same on every machine.
enum Sample {
    static let date = Date(timeIntervalSince1970: 1_800_000_000)

    static func suite(_ label: String, id: Int64) -> SuiteRun {
        SuiteRun(
            id: id, uuid: "suite-\(id)", label: label, gitCommit: label == "main" ? "1111aaaa2222" : "3333bbbb4444",
            gitDirty: false, host: "ci-host", harnessVersion: "0.1.0", arguments: ["run", "fixtures/"], shard: nil,
            startedAt: date.addingTimeInterval(Double(id) * 60))
    }

    /// `fetch.trace` on the baseline: `a` then `b` finish; the candidate makes `b` slower,
    /// so the order breaks; a worker runs one job; one print tries to inject a script.
    static func fetch(label: String, id: Int64, slowB: Bool, wall: Double) -> StoredRun {
        let bDone = slowB ? 2.5 : 1.0
        var events = [
            TraceEvent(t: 0, ctx: "Task-2", kind: .print, text: "a started"),
            TraceEvent(t: 0, ctx: "Task-3", kind: .print, text: "b started"),
            TraceEvent(t: 0.5, ctx: "Task-3", kind: .print, text: "<script>alert('b')</script>"),
        ]
        var tail = [
            TraceEvent(t: bDone, ctx: "Task-3", kind: .print, text: "b finished"),
            TraceEvent(t: bDone, ctx: "Task-3", kind: .taskDone, state: "result", value: "'b'"),
        ]
        let a = [
            TraceEvent(t: 2, ctx: "Task-2", kind: .print, text: "a finished"),
            TraceEvent(t: 2, ctx: "Task-2", kind: .taskDone, state: "result", value: "'a'"),
        ]
        events += slowB ? a + tail : tail + a
        tail = []
        let end = max(2.0, bDone)
        events += [
            TraceEvent(t: end, ctx: "Task-1", kind: .taskDone, state: "result", value: "None"),
            TraceEvent(t: end, ctx: nil, kind: .runEnd, value: "None", status: "ok"),
        ]
        let orderHeld = !slowB
        // Steps (loop callbacks) and causes: each event in a step of its own, in order.
        let eventSteps = events.indices.map { $0 + 2 }
        func step(_ text: String) -> Int { eventSteps[events.firstIndex { $0.text == text || $0.value == text }!] }
        let outside = Cause(kind: .outside, source: -1, step: 0, t: 0)
        let byMain = Cause(kind: .task, source: 0, step: 1, t: 0)
        let bDoneCause =
            slowB
            ? Cause(kind: .job, source: 0, step: 6, t: 1.5)
            : Cause(kind: .timer, source: 2, step: step("<script>alert('b')</script>"), t: 0.5)
        let mainWakes = [
            Wake(step: 1, t: 0, cause: outside),
            Wake(
                step: step("None"), t: end,
                cause: Cause(kind: .task, source: slowB ? 2 : 1, step: step("None") - 1, t: end)),
        ]
        let aWakes = [
            Wake(step: 2, t: 0, cause: byMain),
            Wake(step: step("a finished"), t: 2, cause: Cause(kind: .timer, source: 1, step: 2, t: 0)),
        ]
        let bWakes = [
            Wake(step: 3, t: 0, cause: byMain),
            Wake(
                step: step("<script>alert('b')</script>"), t: 0.5, cause: Cause(kind: .timer, source: 2, step: 3, t: 0)),
            Wake(step: step("b finished"), t: bDone, cause: bDoneCause),
        ]
        let sneakyCause = Cause(kind: .task, source: 2, step: step("<script>alert('b')</script>"), t: 0.5)
        return StoredRun(
            id: id, suiteRunID: label == "main" ? 1 : 2, label: label, tracePath: "fixtures/demo/fetch.trace",
            traceHash: "sha256:" + String(repeating: slowB ? "b" : "a", count: 64), seed: 0, runIndex: 0, status: "ok",
            value: "None", passed: orderHeld, virtualDuration: end, wallTime: wall, steps: 11,
            problems: [], startedAt: date.addingTimeInterval(Double(id)), events: events,
            tasks: [
                TaskRecord(
                    name: "Task-1", created: 0, firstStep: 0, done: end, state: "result", steps: 2,
                    stepTimes: [0, end],
                    creator: outside, createdStep: 0, doneStep: step("None"), wakes: mainWakes),
                TaskRecord(
                    name: "Task-2", created: 0, firstStep: 0, done: 2, state: "result", steps: 2, stepTimes: [0, 2],
                    coroutine: "fetch('a', 2.0)", creator: byMain, createdStep: 1, doneStep: step("a finished"),
                    wakes: aWakes),
                TaskRecord(
                    name: "Task-3", created: 0, firstStep: 0, done: bDone, state: "result", steps: 3,
                    stepTimes: [0, 0.5, bDone], coroutine: "fetch('b', \(bDone))", creator: byMain, createdStep: 1,
                    doneStep: step("b finished"), wakes: bWakes),
                TaskRecord(
                    name: "<b>sneaky</b>", created: 0.5, firstStep: 0.5, done: nil, state: "pending", steps: 1,
                    stepTimes: [0.5], creator: sneakyCause, createdStep: sneakyCause.step,
                    wakes: [Wake(step: sneakyCause.step + 1, t: 0.5, cause: sneakyCause)]),
            ],
            jobs: [
                JobRecord(
                    executor: "asyncio", job: "fetch('<a>', 1)", worker: "asyncio_0", queued: 0.25, started: 0.5,
                    finished: 1.5, succeeded: true, queuedStep: 4, startedStep: 5, finishedStep: 6)
            ],
            properties: [
                PropertyResult(
                    name: "expect.order", line: 14, column: 1, passed: orderHeld,
                    message: orderHeld
                        ? ""
                        : "expect.order (line 14): 'a finished' (first at t=2.0, event 4) came before 'b finished' (first at t=2.5, event 6)"
                ),
                PropertyResult(name: "expect.elapsed", line: 15, column: 1, passed: true, message: ""),
            ], eventSteps: eventSteps)
    }

    /// `steady.trace`: the same on both sides, but slower in wall time on the candidate.
    static func steady(label: String, id: Int64, wall: Double) -> StoredRun {
        StoredRun(
            id: id, suiteRunID: label == "main" ? 1 : 2, label: label, tracePath: "fixtures/demo/steady.trace",
            traceHash: "sha256:" + String(repeating: "c", count: 64), seed: 0, runIndex: 0, status: "ok", value: "None",
            passed: true, virtualDuration: 1.0, wallTime: wall, steps: 4, problems: [],
            startedAt: date.addingTimeInterval(Double(id)),
            events: [
                TraceEvent(t: 1, ctx: "Task-1", kind: .print, text: "tick | *bold* [link](x)"),
                TraceEvent(t: 1, ctx: "Task-1", kind: .taskDone, state: "result", value: "None"),
                TraceEvent(t: 1, ctx: nil, kind: .runEnd, value: "None", status: "ok"),
            ],
            tasks: [
                TaskRecord(
                    name: "Task-1", created: 0, firstStep: 0, done: 1, state: "result", steps: 2, stepTimes: [0, 1])
            ],
            jobs: [],
            properties: [PropertyResult(name: "expect.elapsed", line: 9, column: 1, passed: true, message: "")])
    }

    /// `cache.trace`: passes on the baseline at 0.05 + 0.1 s (a float of
    /// 0.15000000000000002); on the candidate the cache raises `KeyError`
    /// early, which ends the run sooner: a regression, never an improvement.
    static func cache(label: String, id: Int64, crash: Bool, wall: Double) -> StoredRun {
        let end = crash ? 0.1 : 0.05 + 0.1
        var events = [TraceEvent(t: 0.1, ctx: "fetch-b", kind: .print, text: "looking up b")]
        if crash {
            events += [
                TraceEvent(t: 0.1, ctx: "fetch-b", kind: .taskDone, state: "exception", value: "KeyError: 'b'"),
                TraceEvent(t: 0.1, ctx: "Task-1", kind: .taskDone, state: "exception", value: "KeyError: 'b'"),
                TraceEvent(t: 0.1, ctx: nil, kind: .runEnd, value: "KeyError: 'b'", status: "exception"),
            ]
        } else {
            events += [
                TraceEvent(t: 0.1, ctx: "fetch-b", kind: .taskDone, state: "result", value: "'B'"),
                TraceEvent(t: end, ctx: "Task-1", kind: .taskDone, state: "result", value: "None"),
                TraceEvent(t: end, ctx: nil, kind: .runEnd, value: "None", status: "ok"),
            ]
        }
        let traceback = """
            Traceback (most recent call last):
              File "fixtures/demo/cache.trace", line 21, in <module>
                asyncio.run(main())
              File "fixtures/demo/cache.trace", line 16, in main
                print(await b)
              File "fixtures/demo/cache.trace", line 8, in fetch
                return cache[key]
            KeyError: 'b'
            """
        return StoredRun(
            id: id, suiteRunID: label == "main" ? 1 : 2, label: label, tracePath: "fixtures/demo/cache.trace",
            traceHash: "sha256:" + String(repeating: crash ? "e" : "d", count: 64), seed: 0, runIndex: 0,
            status: crash ? "exception" : "ok", value: crash ? "KeyError: 'b'" : "None", passed: !crash,
            virtualDuration: end, wallTime: wall, steps: crash ? 5 : 6,
            problems: crash
                ? [
                    "the run ended with status 'exception' (KeyError: 'b') and no property expected it: add expect.raises('KeyError') if the trace means to raise, or catch it"
                ] : [],
            startedAt: date.addingTimeInterval(Double(id)), events: events,
            tasks: [
                TaskRecord(
                    name: "Task-1", created: 0, firstStep: 0, done: end, state: crash ? "exception" : "result",
                    steps: 2, stepTimes: [0, 0.1], coroutine: "main()", exception: crash ? "KeyError: 'b'" : nil),
                TaskRecord(
                    name: "fetch-b", created: 0, firstStep: 0, done: 0.1, state: crash ? "exception" : "result",
                    steps: 2, stepTimes: [0, 0.1], coroutine: "fetch('b', 0.1)",
                    exception: crash ? "KeyError: 'b'" : nil),
            ],
            jobs: [],
            properties: [PropertyResult(name: "expect.elapsed", line: 22, column: 1, passed: true, message: "")],
            traceback: crash ? traceback : nil)
    }

    static var baseline: RunSet {
        let walls = [0.0020, 0.0021, 0.0019]
        var runs: [StoredRun] = []
        for (i, w) in walls.enumerated() { runs.append(fetch(label: "main", id: Int64(1 + i), slowB: false, wall: w)) }
        for (i, w) in [0.020, 0.021, 0.020].enumerated() {
            runs.append(steady(label: "main", id: Int64(4 + i), wall: w))
        }
        for (i, w) in walls.enumerated() { runs.append(cache(label: "main", id: Int64(13 + i), crash: false, wall: w)) }
        return RunSet(selector: .label("main"), suiteRuns: [suite("main", id: 1)], runs: runs)
    }

    static var candidate: RunSet {
        var runs: [StoredRun] = []
        for (i, w) in [0.0020, 0.0022, 0.0021].enumerated() {
            runs.append(fetch(label: "pr-7", id: Int64(7 + i), slowB: true, wall: w))
        }
        for (i, w) in [0.030, 0.031, 0.030].enumerated() {
            runs.append(steady(label: "pr-7", id: Int64(10 + i), wall: w))
        }
        for (i, w) in [0.0011, 0.0012, 0.0011].enumerated() {
            runs.append(cache(label: "pr-7", id: Int64(16 + i), crash: true, wall: w))
        }
        return RunSet(selector: .label("pr-7"), suiteRuns: [suite("pr-7", id: 2)], runs: runs)
    }

    static var comparison: Comparison { Comparison.make(baseline: baseline, candidate: candidate) }
}
