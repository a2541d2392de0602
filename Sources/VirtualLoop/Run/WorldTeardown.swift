import PyRuntime
import RunModel

extension World {
    /// Frees the run's objects when the world goes (its report is no longer
    /// held): everything the world and its interpreter reach is emptied by
    /// an `ObjectTeardown`, which breaks the reference cycles that reference
    /// counting alone would keep (a module's functions and its globals, a
    /// pending task and its frame, an exception and its traceback's frames),
    /// so that an exploration of many runs keeps none of them
    /// (docs/LIMITS.md, "Exploration memory"). Its tables (tasks, loops with
    /// their ready queues and timer heaps, modules, workers, sockets) are
    /// emptied too. Nothing of the run may run after it.
    package func tearDown() {
        let vm = self.vm
        var roots: [Value] = [.obj(sim), lastResult]
        roots += modules.values.map { .obj($0) }
        modules = [:]
        roots += loops.map { .obj($0) }
        loops = []
        runningLoopOrNil = nil
        roots += asyncio.allTasks.map { .obj($0) }
        roots += asyncio.tasks.map { .obj($0) }
        asyncio.allTasks = []
        asyncio.tasks = []
        if let l = asyncio.policyLoop { roots.append(.obj(l)) }
        asyncio.policyLoop = nil
        roots += threads.workers.map { .obj($0) }
        threads.workers = []
        threads.currentWorker = nil
        threads.ctxOverride = nil
        roots += network.sockets.values.map { .obj($0) }
        network.sockets = [:]
        network.newlyReady = []
        roots += logging.loggers.values.map { .obj($0) }
        for p in expectations.properties {
            roots += p.args
            roots += p.keywords.map(\.1)
        }
        if let e = escaped { roots.append(.obj(e)) }
        escaped = nil
        external = []
        lastResult = .none
        vm.host = nil
        vm.tearDown(roots: roots) { t in
            if let g = threads.futuresPreludeGlobals { t.add(globals: g) }
            threads.futuresPreludeGlobals = nil
        }
    }
}

extension ObjectTeardown {
    /// Visits what a loop callback refers to.
    package func add(_ c: Callback) {
        switch c {
        case .taskStep(let t, let e):
            add(t)
            if let e { add(e) }
        case .setResultUnlessCancelled(let f, let v):
            add(f)
            add(v)
        case .doneCallback(let c, let f):
            add(c)
            add(f)
        case .wakeup(let t, let f):
            add(t)
            add(f)
        case .sleepWakeup(let t, _): add(t)
        case .call(let fn, let args):
            add(fn)
            add(args)
        case .idle: break
        }
    }

    /// Visits what a future's done callback refers to (a native one's closure is opaque).
    package func add(_ c: FutureCallback) {
        switch c {
        case .value(let v): add(v)
        case .wakeup(let t): add(t)
        case .runUntilComplete, .native: break
        }
    }
}
