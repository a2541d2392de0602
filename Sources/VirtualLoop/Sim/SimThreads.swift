import Foundation
import PyRuntime
import RunModel
import TraceLanguage

/// Simulated worker threads and processes (TRACE_LANGUAGE.md, "Executors").
///
/// A worker is a real OS thread that runs only while the thread that resumed
/// it waits: a strict hand-off, so exactly one thing runs at a time and every
/// replay is the same. A job is an ordinary function run on its worker, up to
/// its first `time.sleep(d)`, which schedules the worker's wake-up as an
/// external event at now + d and hands control back. The pools themselves
/// (which worker takes which job, the queue, completions) are Python in the
/// prelude, over the primitives here.
package final class SimWorker: PyObject {
    /// The `ctx` of its events: the thread's name, or `PID n` for a process.
    package let name: String
    /// `%(threadName)s` in its log records.
    package let threadName: String
    /// `%(process)d` in its log records.
    package let pid: Int

    /// Its OS thread, started with the worker (`startThread(of:)`) and joined at the end of the run.
    @exclusivity(unchecked) fileprivate var thread: NativeThread?
    fileprivate let wake = DispatchSemaphore(value: 0)
    /// Who resumed it last, and so who waits for it (nil: the loop's thread).
    /// Weak: every worker lives in `World.workers` until the run is over.
    @exclusivity(unchecked) fileprivate weak var resumer: SimWorker?
    /// The call it runs now (`blocks(3)`), for the words of a perturbation.
    @exclusivity(unchecked) package var jobLabel = ""
    /// Who submitted the job it runs, for PCT's priorities and the words of a perturbation.
    @exclusivity(unchecked) package var jobCause: PerturbationCause?
    /// The job it runs (its index in the recorder's `jobs`), the cause of what it schedules.
    @exclusivity(unchecked) package var job = -1
    /// Its external events keep their order among themselves (`scheduleExternal`).
    package var channel: Int { PerturbationCause.otherSources + ordinal }
    /// Its place among the run's workers, from 0.
    @exclusivity(unchecked) package var ordinal = 0
    /// The function to run next; set by `run(on:)`.
    @exclusivity(unchecked) fileprivate var pending: Value?
    /// The interpreter's per-thread state while the worker is suspended.
    @exclusivity(unchecked) fileprivate var saved = Interpreter.ThreadState()
    /// Set when the run is over: the worker unwinds and its thread ends.
    @exclusivity(unchecked) fileprivate var killed = false
    @exclusivity(unchecked) fileprivate var exited = false

    package init(name: String, threadName: String, pid: Int) {
        self.name = name
        self.threadName = threadName
        self.pid = pid
    }

    package override var typeName: String { "Thread" }
    package override func dropReferences(into teardown: ObjectTeardown) {
        if let pending { teardown.add(pending) }
        pending = nil
    }
    package override func repr(_ vm: Interpreter) throws -> String { "<Thread(\(threadName), started daemon)>" }
}

/// The state of a run's simulated threads: the workers, who runs now, and
/// the hand-off between them and the loop's thread. Invariant: at most one
/// of the loop's thread and the workers runs at a time; `currentWorker` is
/// the one that does (nil: the loop's thread).
package final class SimThreads {
    /// The worker running now (nil: the loop's thread).
    @exclusivity(unchecked) package var currentWorker: SimWorker?
    /// The worker a pool's completion runs "in", for the ctx of its events.
    @exclusivity(unchecked) package var ctxOverride: SimWorker?
    /// Every worker of the run, to end their threads at the end. Invariant:
    /// each has its OS thread, and there are at most `maxThreads` of them.
    @exclusivity(unchecked) package var workers: [SimWorker] = []
    /// The loop's thread waits on this while a worker runs.
    package let mainWake = DispatchSemaphore(value: 0)
    /// A limit hit inside a worker, rethrown in the loop's thread.
    @exclusivity(unchecked) package var pendingStop: RunStop?
    @exclusivity(unchecked) package var workerSteps = 0
    /// Virtual process ids: the loop's process is 1000, workers 1001, ...
    @exclusivity(unchecked) package var nextPID = 1001
    @exclusivity(unchecked) package var poolCounter = 0
    /// The globals of the concurrent.futures prelude (for the exit hook).
    @exclusivity(unchecked) package var futuresPreludeGlobals: Globals?

    package init() {}

    /// The native stack each worker's thread reserves, in bytes. A job may
    /// recurse to `Interpreter.maxCallDepth` levels (Python frames, and the
    /// native recursion of a repr or a comparison, which count with them)
    /// before its `RecursionError`: at most 1.1 MiB in a release build, 21
    /// MiB in a debug build, whose frames are far larger (WorkerStackTests
    /// measures it). The rest is margin. A run's worker stacks take at most
    /// `maxThreads` times this of address space (docs/LIMITS.md, "Worker pools"),
    /// and `sanitizerStackFactor` times more under a sanitizer.
    #if DEBUG
    package static let workerStackSize = (32 << 20) * sanitizerStackFactor
    #else
    package static let workerStackSize = (4 << 20) * sanitizerStackFactor
    #endif
    /// How many worker threads one run may have at once: twice a pool's
    /// largest `max_workers` (`_MAX_WORKERS` in Sim/Python/pools.py), so that
    /// two pools of that size fit. Past it, starting a thread fails as an OS
    /// refusal does: `RuntimeError: can't start new thread`.
    package static let maxThreads = 512
}

/// Unwinds a suspended job whose run is over; no trace code can catch it.
package struct WorkerKilled: Error {}

extension Interpreter {
    /// What a thread of the trace has of its own in the interpreter.
    package struct ThreadState {
        package var callDepth = 0
        package unowned(unsafe) var currentFrame: Frame?
        package var instructions = 0
    }

    package var threadState: ThreadState {
        get { ThreadState(callDepth: callDepth, currentFrame: currentFrame, instructions: instructions) }
        set {
            callDepth = newValue.callDepth
            currentFrame = newValue.currentFrame
            instructions = newValue.instructions
        }
    }
}

extension World {
    /// A blocking wait in the loop's thread (`time.sleep`, `shutdown(wait=True)`,
    /// `Future.result()`): workers keep running, each of their events at its
    /// own instant, until `done()` holds or the next one would pass `until`.
    /// Network events wait for the next select. Returns whether `done()` holds.
    @discardableResult
    package func blockUntil(_ until: Double?, _ done: () throws -> Bool) throws -> Bool {
        while try !done() {
            guard let i = external.firstIndex(where: { $0.kind == .worker }) else { return false }
            let e = external[i]
            if let until, e.due > until { return false }
            external.remove(at: i)
            let next = max(clock, e.due)
            if next > limits.maxTime { throw RunStop(reason: .limit("max-time")) }
            clock = next
            try e.action()
        }
        return true
    }

    // MARK: Running workers

    /// Runs `fn()` on `worker` (its first step, now), until it sleeps or returns.
    package func run(_ fn: Value, on worker: SimWorker) throws {
        worker.pending = fn
        try switchTo(worker)
    }

    /// Hands control to `worker` and waits until it hands it back.
    package func switchTo(_ worker: SimWorker) throws {
        threads.workerSteps += 1
        if threads.workerSteps > limits.maxSteps { throw RunStop(reason: .limit("max-steps")) }
        let me = threads.currentWorker
        let mine = vm.threadState
        let loop = runningLoopOrNil
        let task = currentTask
        let cause = context
        worker.resumer = me
        threads.currentWorker = worker
        runningLoopOrNil = nil
        currentTask = nil
        context = Cause(kind: .job, source: worker.job, step: steps, t: clock)
        vm.threadState = worker.saved
        worker.wake.signal()
        (me?.wake ?? threads.mainWake).wait()
        worker.saved = vm.threadState
        vm.threadState = mine
        threads.currentWorker = me
        runningLoopOrNil = loop
        currentTask = task
        context = cause
        if let stop = threads.pendingStop {
            if me == nil { threads.pendingStop = nil }
            throw stop
        }
    }

    /// The semaphore of the thread waiting for `worker` to hand control back.
    private func waiter(of worker: SimWorker) -> DispatchSemaphore {
        worker.resumer?.wake ?? threads.mainWake
    }

    /// Gives control back to whoever resumed `worker` and waits to be resumed.
    fileprivate func yieldBack(_ worker: SimWorker) throws {
        waiter(of: worker).signal()
        worker.wake.wait()
        if worker.killed { throw WorkerKilled() }
    }

    /// Starts the OS thread of a new worker, which waits for its first
    /// hand-off; a thread that cannot start (the run's `maxThreads`, or the
    /// system refuses it) is CPython's `RuntimeError: can't start new thread`.
    fileprivate func startThread(of worker: SimWorker) throws {
        do {
            if threads.workers.count >= SimThreads.maxThreads { throw NativeThread.StartFailure(errorNumber: nil) }
            worker.thread = try NativeThread.start(stackSize: SimThreads.workerStackSize) { [unowned self] in
                self.workerMain(worker)
            }
        } catch {
            throw vm.error(.runtimeError, "can't start new thread")
        }
    }

    /// The body of a worker's OS thread: run each function handed to it,
    /// from its first hand-off to the end of the run.
    fileprivate func workerMain(_ worker: SimWorker) {
        worker.wake.wait()
        while !worker.killed {
            if let fn = worker.pending {
                worker.pending = nil
                do {
                    vm.instructions = 0
                    _ = try vm.call(fn, Args())
                } catch is WorkerKilled {
                    break
                } catch let stop as RunStop {
                    threads.pendingStop = stop
                } catch {
                    // The prelude's job runner catches every Python exception.
                    threads.pendingStop = RunStop(reason: .limit("internal error in a worker: \(error)"))
                }
            }
            do { try yieldBack(worker) } catch { break }
        }
        worker.exited = true
        waiter(of: worker).signal()
    }

    /// `time.sleep(d)` in a job: the worker's wake-up is an external event.
    package func sleepInWorker(_ worker: SimWorker, _ nominal: Double) throws {
        let loc = tracePosition
        let d = perturbed(nominal, at: loc, kind: .jobs, cause: worker.jobCause) {
            "job \(worker.jobLabel) on \(worker.name) took \(seconds($0)) s instead of \(seconds(nominal)) (\(positionText(loc)))"
        }
        scheduleExternal(clock + d, .worker, channel: worker.channel, describe: { "job \(worker.jobLabel)" }) {
            [unowned self] in try self.switchTo(worker)
        }
        try yieldBack(worker)
    }

    /// Ends every worker thread (the run is over): each suspended job
    /// unwinds, each idle worker wakes to end, and each thread is joined, so
    /// that its stack is freed before the run's report is made.
    package func stopWorkers() {
        for w in threads.workers where !w.exited {
            w.killed = true
            w.resumer = nil
            w.wake.signal()
            threads.mainWake.wait()
        }
        // Each worker's thread is joined (its stack freed now, not whenever the system gets to it), then
        // let go: a worker's thread holds the worker (its block does), a cycle that would keep both after the run.
        for w in threads.workers {
            w.thread?.join()
            w.thread = nil
        }
        threads.workers.removeAll()
    }

    /// The worker whose identity events take now (a job's thread, or a
    /// pool's completion "in" its worker), if any.
    package var ctxWorker: SimWorker? { threads.ctxOverride ?? threads.currentWorker }
}

extension World {
    /// The native primitives of the concurrent.futures prelude.
    package func simPrimitives() -> [String: Value] {
        return [
            "_new_thread": preludeBuiltin("_new_thread") { [unowned self] args, vm in
                let worker = SimWorker(
                    name: try vm.str(args[0]), threadName: try vm.str(args[1]),
                    pid: try vm.intArg(args[2], "pid"))
                try self.startThread(of: worker)
                worker.ordinal = self.threads.workers.count
                self.threads.workers.append(worker)
                return .obj(worker)
            },
            "_run_on": preludeBuiltin("_run_on") { [unowned self] args, _ in
                guard let worker = args[0].object as? SimWorker else { preconditionFailure("_run_on: not a worker") }
                try self.run(args[1], on: worker)
                return .none
            },
            "_complete_later": preludeBuiltin("_complete_later") { [unowned self] args, vm in
                let fn = args[0]
                let worker = self.threads.currentWorker
                let job = worker?.job ?? -1
                self.scheduleExternal(
                    self.clock, .worker, channel: worker?.channel ?? 0,
                    describe: { "the completion of job \(worker?.jobLabel ?? "?")" }
                ) {
                    // What the completion schedules (the wake-up of the awaiting task) was caused by the job.
                    let saved = self.context
                    self.context = Cause(kind: .job, source: job, step: self.steps, t: self.clock)
                    defer { self.context = saved }
                    _ = try vm.call(fn, Args())
                }
                return .none
            },
            "_as_worker": preludeBuiltin("_as_worker") { [unowned self] args, vm in
                let saved = self.threads.ctxOverride
                self.threads.ctxOverride = args[0].object as? SimWorker
                defer { self.threads.ctxOverride = saved }
                return try vm.call(args[1], Args(Array(args.positional.dropFirst(2))))
            },
            "_block_until": preludeBuiltin("_block_until") { [unowned self] args, vm in
                if let w = self.threads.currentWorker {
                    throw vm.error(.runtimeError, "a job cannot wait for another job or a pool (in \(w.name))")
                }
                let timeout = args.count > 1 && !args[1].isNone ? try vm.numberArg(args[1], "timeout") : nil
                let pred = args[0]
                let until = timeout.map { self.clock + $0 }
                let done = try self.blockUntil(until) { try vm.truthy(try vm.call(pred, Args())) }
                if !done, let until, until > self.clock {
                    // The thread waited the whole timeout.
                    if until > self.limits.maxTime { throw RunStop(reason: .limit("max-time")) }
                    self.clock = until
                }
                return .bool(done)
            },
            "_cpu_count": preludeBuiltin("_cpu_count") { [unowned self] _, _ in
                self.sim.cpuCount.map { .int($0) } ?? .none
            },
            "_next_pool_number": preludeBuiltin("_next_pool_number") { [unowned self] _, _ in
                defer { self.threads.poolCounter += 1 }
                return .int(self.threads.poolCounter)
            },
            "_next_pid": preludeBuiltin("_next_pid") { [unowned self] _, _ in
                defer { self.threads.nextPID += 1 }
                return .int(self.threads.nextPID)
            },
            "_note": preludeBuiltin("_note") { [unowned self] args, vm in
                self.note(try vm.str(args[0]))
                return .none
            },
        ]
    }

    /// The interpreter's exit hook: every pool finishes its queued and running jobs.
    package func finishPools() throws {
        guard let globals = threads.futuresPreludeGlobals,
            let i = globals.names.firstIndex(of: "_finish_pools")
        else { return }
        _ = try vm.call(globals.values[i], Args())
    }
}
