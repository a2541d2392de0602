import PyRuntime
import RunModel
import TraceLanguage

// Hangs named (docs/EXPLORING.md, "Hangs named"): a ring of the last task
// steps, so that a run stopped by a limit names the tasks that spun and
// where; and the livelock watch, which stops a run early when it cycles
// without progress.

/// What a run keeps to name a hang: the last `HangReport.window` task steps
/// and the last step that made progress. Writing one step is three stores;
/// everything else happens only at the checks of `World.checkLivelock()`,
/// at most once per `RunLimits.livelockSteps` steps.
package final class HangWatch {
    /// One task step: the task, where its own coroutine resumed (the `pc` of
    /// its frame; -1 for a native coroutine) and the loop step it ran in.
    /// The task is unretained: `AsyncioState.allTasks` keeps every task of
    /// the run alive.
    package struct Entry {
        var task: Unmanaged<PyTask>?
        var pc: Int
        var step: Int
    }

    /// The last task steps, a ring. Invariant: `ring[next]` is the oldest
    /// entry once the ring has wrapped (before, the entries from `next` on
    /// have no task); `0 <= next < HangReport.window`. The world keeps a
    /// copy of `ring` and owns `next` (`World.recordStep`), so that a step
    /// touches neither this object nor its reference count.
    let ring: UnsafeMutablePointer<Entry>
    /// The loop step (`World.steps`) in which the last progress happened:
    /// a print, a log, a task created or done, an external event delivered
    /// (a job's step, a peer's bytes, a connection).
    @exclusivity(unchecked) package var lastProgressStep = 0
    /// The step after which `World.checkLivelock()` looks next (`Int.max`
    /// without livelock detection); `World.stepCheck` is at most it.
    @exclusivity(unchecked) package var nextCheck = Int.max
    /// How many times trace code read the clock (`loop.time()`, `time.*`):
    /// a cycle that reads a moving clock may be waiting for a deadline.
    @exclusivity(unchecked) package var clockReads = 0
    /// The state at the last check of a silent stretch; nil when progress
    /// came since, or before the first check.
    @exclusivity(unchecked) var checkpoint: Checkpoint?

    /// The state of the run at the end of a stretch without progress.
    struct Checkpoint {
        /// `lastProgressStep` when it was taken: a later progress voids it.
        var progressStep: Int
        /// The fingerprint of the stepping tasks' frames and the trace's globals.
        var state: Int
        /// The period of the task steps then.
        var period: Period
        /// The timers pending then (identity and deadline: the loop reuses
        /// a sleep's timer handle, with a new deadline).
        var timers: Set<TimerKey>
        /// `World.externalSeq` then: a pending external event with a seq up
        /// to it was already pending.
        var externalSeq: Int
        /// The clock then. While it stands still, the cycle keeps the ready
        /// queue full (the select never waits), so no timer or external event
        /// due later can ever come: only a clock that moved lets them.
        var clock: Double
        /// `clockReads` then.
        var clockReads: Int
    }

    /// How a sequence of task steps repeats: every `entries` task steps,
    /// which are `loopSteps` loop steps apart.
    struct Period: Equatable {
        var entries: Int
        var loopSteps: Int
    }

    /// The shortest period of `entries` (oldest first) that repeats at least
    /// twice: entry `i + p` is the same task resuming at the same place as
    /// entry `i`, the same number of loop steps later, for every `i`.
    static func period(of entries: [Entry]) -> Period? {
        let n = entries.count
        guard n >= 2 else { return nil }
        for p in 1...(n / 2) {
            let gap = entries[p].step - entries[0].step
            var i = 0
            while i + p < n {
                let a = entries[i], b = entries[i + p]
                if a.task?.toOpaque() != b.task?.toOpaque() || a.pc != b.pc || b.step - a.step != gap { break }
                i += 1
            }
            if i + p == n, gap > 0 { return Period(entries: p, loopSteps: gap) }
        }
        return nil
    }

    struct TimerKey: Hashable {
        var id: ObjectIdentifier
        var when: Double
    }

    init() {
        ring = .allocate(capacity: HangReport.window)
        ring.initialize(repeating: Entry(task: nil, pc: -1, step: 0), count: HangReport.window)
    }

    deinit { ring.deallocate() }

    /// The entries of loop steps after `step`, oldest first (`next`: `World.stepRingNext`).
    func entries(after step: Int, next: Int) -> [Entry] {
        var out: [Entry] = []
        for k in 0..<HangReport.window {
            let e = ring[(next + k) % HangReport.window]
            if e.task != nil && e.step > step { out.append(e) }
        }
        return out
    }
}

extension World {
    /// Progress: something a livelock never does (an event, a task created,
    /// an external event delivered) happened in this step.
    @inline(__always) package func markProgress() {
        hangs.lastProgressStep = steps
    }

    /// Notes that `task` steps now, resuming its coroutine's frame at `pc`.
    @inline(__always) package func recordStep(_ task: PyTask, pc: Int) {
        stepRing[stepRingNext] = HangWatch.Entry(task: .passUnretained(task), pc: pc, step: steps)
        stepRingNext = stepRingNext == HangReport.window - 1 ? 0 : stepRingNext + 1
    }

    /// The clock, read by trace code (`loop.time()`, `time.monotonic()`, ...).
    @inline(__always) package func readClock() -> Double {
        hangs.clockReads &+= 1
        return clock
    }

    /// The livelock watch, when `steps` passes `hangs.nextCheck` (before
    /// the step runs); returns the step after which it looks again. After
    /// `livelockSteps` steps without progress, when the task steps since the
    /// last progress repeat with a period (the same tasks resuming at the
    /// same places, the same number of loop steps apart), the state is taken
    /// (the fingerprint of those tasks' frames and of the trace's globals); a
    /// whole number of periods and at least `livelockSteps` steps later,
    /// still without progress, the run is a livelock when the period and the
    /// state are the same and nothing from outside the cycle can still
    /// change it (`stillPending`).
    package func checkLivelock() throws -> Int {
        let stretch = limits.livelockSteps
        guard steps - 1 - hangs.lastProgressStep >= stretch else {
            hangs.checkpoint = nil
            return hangs.lastProgressStep + stretch
        }
        let recent = hangs.entries(after: hangs.lastProgressStep, next: stepRingNext)
        let period = HangWatch.period(of: recent)
        if let before = hangs.checkpoint, before.progressStep == hangs.lastProgressStep, let period,
            period == before.period, fingerprint(recent) == before.state, !stillPending(before)
        {
            throw RunStop(reason: .limit("livelock"))
        }
        guard let period else {
            hangs.checkpoint = nil
            return steps - 1 + stretch
        }
        var timers = Set<HangWatch.TimerKey>()
        for loop in loops {
            for h in loop.scheduled.handles where !h.cancelled {
                timers.insert(HangWatch.TimerKey(id: ObjectIdentifier(h), when: h.when))
            }
        }
        hangs.checkpoint = HangWatch.Checkpoint(
            progressStep: hangs.lastProgressStep, state: fingerprint(recent), period: period, timers: timers,
            externalSeq: externalSeq, clock: clock, clockReads: hangs.clockReads)
        let periods = (stretch + period.loopSteps - 1) / period.loopSteps
        return steps - 1 + periods * period.loopSteps
    }

    /// The fingerprint of the state a cycle of `recent` task steps would repeat.
    private func fingerprint(_ recent: [HangWatch.Entry]) -> Int {
        var fingerprint = StateFingerprint()
        var seen = Set<ObjectIdentifier>()
        for e in recent {
            let task = e.task!.takeUnretainedValue()
            guard seen.insert(ObjectIdentifier(task)).inserted else { continue }
            fingerprint.add(task)
        }
        for v in vm.globals.values { fingerprint.add(v, depth: StateFingerprint.depth) }
        return fingerprint.value
    }

    /// Whether, while the clock moves, the cycle can still change: a timer or
    /// an external event pending at `before` is still pending (something
    /// from outside the cycle will happen), or trace code read the clock
    /// since (its state includes the time: `while loop.time() < deadline`).
    private func stillPending(_ before: HangWatch.Checkpoint) -> Bool {
        if clock == before.clock { return false }
        // The cycle's state includes the clock when it reads it: `while loop.time() < deadline`.
        if hangs.clockReads != before.clockReads { return true }
        if external.contains(where: { $0.seq <= before.externalSeq }) { return true }
        for loop in loops {
            for h in loop.scheduled.handles where !h.cancelled {
                if before.timers.contains(HangWatch.TimerKey(id: ObjectIdentifier(h), when: h.when)) { return true }
            }
        }
        return false
    }

    /// What the run was doing when `stop` (a limit) ended it.
    package func hangReport(_ stop: RunStop, reason: String, pending: [PendingTask], mainPath: String) -> HangReport {
        // A stop from `checkStep` (max-steps, livelock) came before its step ran.
        let last = reason == "max-steps" || reason == "livelock" ? steps - 1 : steps
        let entries = hangs.entries(after: last - HangReport.window, next: stepRingNext)
        var order: [PyTask] = []
        var counts: [ObjectIdentifier: (steps: Int, pcs: [Int: Int])] = [:]
        for e in entries {
            let task = e.task!.takeUnretainedValue()
            let id = ObjectIdentifier(task)
            if counts[id] == nil {
                order.append(task)
                counts[id] = (0, [:])
            }
            counts[id]!.steps += 1
            counts[id]!.pcs[e.pc, default: 0] += 1
        }
        var spinning: [SpinningTask] = []
        for task in order {
            let c = counts[ObjectIdentifier(task)]!
            // The position resumed at most; ties: the earliest in the code.
            let (pc, n) = c.pcs.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }!
            let frame = task.hintFrame?.takeUnretainedValue()
            let position = frame.map { positionWords($0.code, line: location($0.code, pc: pc).line, mainPath) }
            spinning.append(
                SpinningTask(
                    name: task.name, coroutine: coroutineName(task), steps: c.steps,
                    position: position ?? "its native coroutine", stepsAtPosition: n,
                    now: task.isDone ? "done" : innermost(task, mainPath)))
        }
        let serial = Dictionary(uniqueKeysWithValues: order.map { (ObjectIdentifier($0), $0.serial) })
        spinning = zip(order, spinning).sorted {
            $0.1.steps != $1.1.steps
                ? $0.1.steps > $1.1.steps : serial[ObjectIdentifier($0.0)]! < serial[ObjectIdentifier($1.0)]!
        }.map(\.1)
        var stoppedAt: String?
        if let p = stop.position {
            let function = p.function == "<module>" ? "the trace's top level" : "\(p.function)()"
            stoppedAt = "\(function) at \(positionWords(path: p.path, line: p.line, mainPath))"
        }
        return HangReport(
            reason: reason, window: min(HangReport.window, last),
            stepsWithoutProgress: reason == "livelock" ? last - hangs.lastProgressStep : 0,
            spinning: spinning, stoppedAt: stoppedAt, pending: pending)
    }

    private func coroutineName(_ task: PyTask) -> String {
        if let g = task.coro as? PyGenerator { return "\(g.frame.code.qualifiedName)()" }
        if let n = task.coro as? NativeCoroutine { return "\(n.name)()" }
        return "a coroutine"
    }

    /// Where a pending task is suspended: its innermost frame of trace code, `line 12 in fetch()`.
    private func innermost(_ task: PyTask, _ mainPath: String) -> String? {
        var iterator: SendableIterator? = task.coro
        var found: Frame?
        while let g = iterator as? PyGenerator {
            if !g.frame.code.isInternal { found = g.frame }
            guard g.frame.delegating, g.frame.sp >= 2 else { break }
            iterator = g.frame.peek(1).object as? SendableIterator
        }
        guard let f = found else { return nil }
        return "\(positionWords(f.code, line: f.location.line, mainPath)) in \(f.code.qualifiedName)()"
    }

    private func location(_ code: CodeObject, pc: Int) -> SourceLocation {
        let i = min(max(pc - 1, 0), code.locations.count - 1)
        return i >= 0 ? code.locations[i] : .unknown
    }

    private func positionWords(_ code: CodeObject, line: Int, _ mainPath: String) -> String {
        if code.isInternal { return "line \(line) of asyncio's \(code.qualifiedName)()" }
        return positionWords(path: code.sourcePath, line: line, mainPath)
    }

    /// `line 12` in the trace, `pkg/mod.py line 12` in a module of the user's.
    private func positionWords(path: String, line: Int, _ mainPath: String) -> String {
        path.isEmpty || path == mainPath ? "line \(line)" : "\(path) line \(line)"
    }
}

/// A hash of the state a livelock would repeat: values by content, objects
/// by type and, down to `depth` levels, by what they hold (a list's items,
/// a dict's items, an instance's attributes, a future's state).
/// A bounded number of values is visited, so a large heap costs at most a
/// fixed amount per check.
struct StateFingerprint {
    static let depth = 3
    private var hasher = Hasher()
    private var budget = 100_000

    var value: Int { hasher.finalize() }

    /// A task: its identity, then each frame of its chain of awaits (code,
    /// position, locals and stack).
    mutating func add(_ task: PyTask) {
        hasher.combine(ObjectIdentifier(task))
        hasher.combine(task.stepCount > 0)
        var iterator: SendableIterator? = task.coro
        while let g = iterator as? PyGenerator {
            let f = g.frame
            hasher.combine(ObjectIdentifier(f.code))
            hasher.combine(f.pc)
            for i in 0..<f.localCount { add(f.locals[i], depth: Self.depth) }
            for i in 0..<f.sp { add(f.stack[i], depth: Self.depth) }
            for c in f.cells { add(c.value, depth: Self.depth) }
            guard f.delegating, f.sp >= 2 else { break }
            iterator = f.peek(1).object as? SendableIterator
        }
    }

    mutating func add(_ v: Value, depth: Int) {
        budget -= 1
        guard budget >= 0 else { return }
        switch v {
        case .none: hasher.combine(0)
        case .bool(let b): hasher.combine(b ? 1 : 2)
        case .int(let i):
            hasher.combine(3)
            hasher.combine(i)
        case .float(let d):
            hasher.combine(4)
            hasher.combine(d.bitPattern)
        case .str(let s):
            hasher.combine(5)
            hasher.combine(s)
        case .undefined: hasher.combine(6)
        case .obj(let o):
            // By type and content, not identity: a cycle makes new futures
            // and coroutines each time round, in the same states.
            hasher.combine(o.typeName)
            guard depth > 0 else { return }
            add(contentsOf: o, depth: depth - 1)
        }
    }

    private mutating func add(contentsOf o: PyObject, depth: Int) {
        let limit = 256
        if let l = o as? PyList {
            hasher.combine(l.items.count)
            for x in l.items.prefix(limit) { add(x, depth: depth) }
        } else if let t = o as? PyTuple {
            for x in t.items.prefix(limit) { add(x, depth: depth) }
        } else if let d = o as? PyDict {
            hasher.combine(d.table.count)
            hasher.combine(d.version)
            for (k, x) in d.table.entries.prefix(limit) {
                add(k, depth: 0)
                add(x, depth: depth)
            }
        } else if let s = o as? PySet {
            hasher.combine(s.table.count)
            hasher.combine(s.version)
        } else if let q = o as? PyDeque {
            hasher.combine(q.count)
            for i in 0..<min(q.count, limit) { add(q[i], depth: depth) }
        } else if let i = o as? PyInstance {
            for name in i.attributeOrder {
                hasher.combine(name)
                add(i.attributes[name] ?? .undefined, depth: depth)
            }
            if let b = i.base { add(b, depth: depth) }
        } else if let f = o as? PyFuture {
            hasher.combine(f.stateName)
        }
    }
}
