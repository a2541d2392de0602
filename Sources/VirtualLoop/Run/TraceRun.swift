import Foundation
import PyRuntime
import RunModel
import TraceLanguage

/// Everything one replay of a trace produced.
public struct RunReport {
    public var events: [TraceEvent]
    /// How the run ended: the `status` of its `run_end` event.
    public var status: RunStatus
    /// The `value` of `run_end`.
    public var value: String
    /// The virtual clock at the end.
    public var elapsed: Double
    public var steps: Int
    public var notes: [String]
    public var properties: [PropertyCall]
    public var blockings: [Blocking]
    /// Every executor job and every connection, for reports.
    public var jobs: [JobRecord]
    public var connections: [ConnectionRecord]
    /// What an exploring run perturbed, in order; empty for the nominal replay.
    public var perturbations: [AppliedPerturbation]
    /// `sim.explore(...)` as the trace called it.
    public var exploreSettings: [String: Value]
    public var pendingTasks: [PendingTask]
    /// For a run that a limit stopped (status `limit`): the tasks that spun
    /// in its last steps and what the pending ones await; nil otherwise.
    public var hang: HangReport?
    /// The exception that escaped the trace, with its traceback in trace lines.
    public var escaped: PyException?
    public var lastResult: Value
    /// The interpreter of the run, for evaluating properties over its values.
    public let interpreter: Interpreter
    /// Keeps the run's objects valid while the report is in use.
    package let world: World

    /// Every task's lifecycle, in creation order (computed when asked for:
    /// a run that is not stored does not pay for it).
    public var tasks: [TaskRecord] { world.taskRecords }
    /// The step of each event (RunModel/Causality.swift); empty when the
    /// run kept no task records.
    public var eventSteps: [Int] { world.recorder.eventSteps }
    /// Every executor job, in order of submission.

    /// The traceback of the escaped exception, innermost last, as Python
    /// prints it, with each line of the trace it passed through.
    public func traceback(file: SourceFile) -> String? {
        traceback(files: [file])
    }

    /// The traceback of the escaped exception, innermost last, as Python
    /// prints it: each entry names its own file (the trace's, or that of a
    /// module it imported; `files` holds their sources) and shows its line.
    public func traceback(files: [SourceFile]) -> String? {
        guard let e = escaped else { return nil }
        var lines = ["Traceback (most recent call last):"]
        for entry in e.traceback {
            let file = files.first { $0.path == entry.path } ?? files.first
            let path = entry.path.isEmpty ? file?.path ?? "" : entry.path
            lines.append("  File \"\(path)\", line \(entry.loc.line), in \(entry.function)")
            let source = (file?.lineText(entry.loc.line) ?? "").trimmingCharacters(in: .whitespaces)
            if !source.isEmpty { lines.append("    " + source) }
        }
        lines.append(e.tracebackSummary(interpreter))
        // The notes of `add_note`, one a line after the exception's, as CPython's traceback prints them.
        if let notes = e.attributes["__notes__"]?.object as? PyList {
            for note in notes.items { lines.append((try? interpreter.str(note)) ?? "<note str() failed>") }
        }
        if let note = unavailableModuleNote(e, files: files) { lines.append(note) }
        return lines.joined(separator: "\n")
    }
}

public enum TraceRunner {
    /// Replays a compiled trace once on a fresh world.
    /// With a `perturbation`, the run is one run of an exploration.
    /// Without `recordingTaskSteps`, the report's task records have no step
    /// times (`vloop run --no-store`, which stores no records, spares the work).
    /// `modules` are the user's modules the trace may import (compiled with it).
    public static func run(
        _ compiled: CompiledModule, modules: ModuleTable = ModuleTable(), limits: RunLimits = RunLimits(),
        seed: UInt64 = 0, perturbation: Perturbation? = nil, recordingTaskSteps: Bool = true
    ) -> RunReport {
        onLargeStack {
            runHere(
                compiled, modules: modules, limits: limits, seed: seed, perturbation: perturbation,
                recordingTaskSteps: recordingTaskSteps)
        }
    }

    /// Replays a compiled trace once, as `run(...)` does, and hands back what
    /// `extract` takes out of the report. The report, and with it the run's
    /// world (for a big trace, hundreds of megabytes of objects), is freed on
    /// the replay's own thread after the caller has resumed: the caller does
    /// not wait for it. `extract` must copy out what it needs, keeping no
    /// reference to the report's objects.
    public static func run<T>(
        _ compiled: CompiledModule, modules: ModuleTable = ModuleTable(), limits: RunLimits = RunLimits(),
        seed: UInt64 = 0, perturbation: Perturbation? = nil, recordingTaskSteps: Bool = true,
        extract: @escaping (RunReport) -> T
    ) -> T {
        onLargeStack(
            {
                let report = runHere(
                    compiled, modules: modules, limits: limits, seed: seed, perturbation: perturbation,
                    recordingTaskSteps: recordingTaskSteps)
                return (extract(report), report)
            })
    }

    /// Deeply recursive traces need more stack than a default thread has.
    package static func onLargeStack<T>(_ body: @escaping () -> T) -> T {
        onLargeStack({ (body(), ()) })
    }

    /// Runs `body` on a thread with a large stack and returns the first part of
    /// its result; the second part (`garbage`) is released on that thread after
    /// the caller has resumed.
    private static func onLargeStack<T>(_ body: @escaping () -> (T, garbage: Any)) -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            var (value, garbage): (T?, Any?) = body()
            box.value = value
            value = nil
            done.signal()
            garbage = nil
            _ = garbage
        }
        thread.stackSize = (1 << 29) * sanitizerStackFactor
        thread.start()
        done.wait()
        return box.value!
    }

    package static func runHere(
        _ compiled: CompiledModule, modules: ModuleTable = ModuleTable(), limits: RunLimits, seed: UInt64,
        perturbation: Perturbation?, recordingTaskSteps: Bool = true
    ) -> RunReport {
        let vm = Interpreter()
        let world = World(
            vm: vm, limits: limits, seed: seed, perturbation: perturbation, userModules: modules)
        world.recorder.recordsTaskSteps = recordingTaskSteps
        vm.host = world
        vm.globals = Globals(names: compiled.globalNames)
        if let i = compiled.globalNames.firstIndex(of: "__name__") { vm.globals.values[i] = .str("__main__") }
        // A script has no package: its relative imports fail (CPython's `__package__` is None).
        if let i = compiled.globalNames.firstIndex(of: "__package__") { vm.globals.values[i] = .none }
        if let i = compiled.globalNames.firstIndex(of: "__file__") {
            vm.globals.values[i] = .str(compiled.code.sourcePath)
        }
        world.expectations.expectStatements = compiled.expectStatements

        var status = RunStatus.ok
        var value = ""
        var escaped: PyException?
        var limitStop: (stop: RunStop, which: String)?
        do {
            _ = try vm.runModuleCode(compiled.code)
            try world.finishPools()
            value = (try? vm.repr(world.lastResult)) ?? "None"
        } catch let r as PyRaise {
            status = .exception
            escaped = r.exception
            value = r.exception.summary(vm)
        } catch let stop as RunStop {
            switch stop.reason {
            case .deadlock:
                status = .deadlock
                value = (try? vm.repr(.obj(PyList(world.pendingTasks(of: nil).map { .str($0.name) })))) ?? "[]"
            case .limit(let which):
                status = .limit
                value = "'\(which)'"  // the repr of the limit's name, as the spec's event log says
                limitStop = (stop, which)
            }
        } catch {
            status = .exception
            value = "\(error)"
        }
        let pending = world.pendingTasks(of: nil).map {
            PendingTask(name: $0.name, awaiting: describeWait($0, deadlocked: status == .deadlock))
        }
        let hang = limitStop.map {
            world.hangReport($0.stop, reason: $0.which, pending: pending, mainPath: compiled.code.sourcePath)
        }
        if status == .ok { world.endOfRunNotes() }
        world.recorder.recording = false
        // The run is over: generators dropped from now on are not closed (GeneratorFinalization.swift).
        vm.pendingCloses.stop()
        world.recorder.events.append(
            TraceEvent(t: world.clock, ctx: nil, kind: .runEnd, value: value, status: status.rawValue))
        if world.recorder.recordsTaskSteps { world.recorder.eventSteps.append(world.steps) }

        // The expect statements the trace did not reach still run.
        for i in world.expectations.expectStatements.indices where !world.expectations.expectsRun.contains(i) {
            do {
                try world.runExpectStatement(i)
            } catch let r as PyRaise {
                world.expectations.properties.append(
                    PropertyCall(
                        name: "<error>", args: [.str(r.exception.summary(vm))],
                        keywords: [], loc: world.expectations.expectStatements[i].loc))
            } catch {
                world.expectations.properties.append(
                    PropertyCall(
                        name: "<error>", args: [.str("\(error)")], keywords: [],
                        loc: world.expectations.expectStatements[i].loc))
            }
        }
        world.stopWorkers()
        world.escaped = escaped
        return RunReport(
            events: world.recorder.events, status: status, value: value, elapsed: world.clock,
            steps: world.steps, notes: world.recorder.notes, properties: world.expectations.properties,
            blockings: world.recorder.blockings, jobs: world.recorder.jobs, connections: world.recorder.connections,
            perturbations: world.perturber?.applied ?? [], exploreSettings: world.sim.explore,
            pendingTasks: pending, hang: hang, escaped: escaped,
            lastResult: world.lastResult, interpreter: vm, world: world)
    }

    /// What a pending task waits for, in words.
    package static func describeWait(_ t: PyTask, deadlocked: Bool) -> String {
        guard let w = t.futureWaiter else { return "nothing: it was ready to run" }
        if let other = w as? PyTask { return "task \(other.name)" }
        if let g = w as? GatheringFuture { return "a gather() of \(g.children.count) awaitables" }
        let future = deadlocked ? "a future that nothing resolves" : "a future"
        if let api = preludeCall(in: t) { return "\(future) in \(api)" }
        return future
    }

    /// The asyncio call of the prelude (`Lock.acquire()`, `Queue.get()`,
    /// `wait_for()`) that a task's coroutine is suspended in, if any: the
    /// outermost prelude frame of its chain of awaits, past the context
    /// managers' `__aenter__` that only forwards to `acquire`.
    package static func preludeCall(in t: PyTask) -> String? {
        var iterator: SendableIterator? = t.coro
        var found: String?
        while let g = iterator as? PyGenerator {
            let code = g.frame.code
            if code.isInternal {
                if found == nil || found == "_ContextManagerMixin.__aenter__()" { found = "\(code.qualifiedName)()" }
                if found != "_ContextManagerMixin.__aenter__()" { break }
            }
            guard g.frame.delegating else { break }
            iterator = g.frame.peek(1).object as? SendableIterator  // under the pushed None
        }
        return found
    }
}

/// The value a large-stack thread hands back: written by that thread before
/// it signals, read by the caller after.
private final class ResultBox<T>: @unchecked Sendable {
    @exclusivity(unchecked) var value: T?
}

extension World {
    /// Notes about what was left behind: CPython logs them when objects are collected.
    package func endOfRunNotes() {
        for t in asyncio.allTasks {
            if t.isDone, t.logTraceback, let e = t.exception {
                note("Task exception was never retrieved: \(t.name): \(e.summary(vm))")
            }
        }
        for t in asyncio.allTasks where !t.isDone && t.logDestroyPending {
            note("Task was destroyed but it is pending: \(t.name)")
        }
    }
}
