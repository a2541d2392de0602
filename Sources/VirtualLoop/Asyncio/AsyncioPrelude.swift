import PyRuntime
import RunModel
import TraceLanguage

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The part of asyncio that vloop runs as Python: CPython 3.11.7's own
/// `locks.py`, `queues.py`, `timeouts.py`, `taskgroups.py`, `mixins.py`,
/// `threads.py`, `runners.py`'s `Runner`, `protocols.py`, the
/// waiting functions of `tasks.py`, `wrap_future`, `run_in_executor` and the
/// network (`create_connection`, the socket transport, `streams.py`),
/// transcribed into the trace language (plus single-inheritance `class`,
/// which only the preludes may use). Running CPython's code, rather than a
/// re-implementation, keeps every callback, wake-up and cancellation in
/// CPython's order.
///
/// The code is in `Asyncio/Python/`, one `.py` file per CPython file, each
/// opening with a header that names the CPython file and lists the
/// transcription's changes (`scripts/diff-preludes` shows them against
/// CPython's own files). Package.swift embeds the files (`.embedInCode`);
/// the prelude is their bodies, in the order of `AsyncioPrelude.files`.
/// The names it needs from the native asyncio (`ensure_future`,
/// `get_running_loop`, `CancelledError`, ...) are in its globals before it
/// runs; `_object_repr` is `object.__repr__`, `property(fget)` a read-only property.
package let asyncioPreludeSource = preludeSource(AsyncioPrelude.files)

/// The prelude compiled once per process; every run executes it in its own globals.
package enum AsyncioPrelude {
    /// The prelude's files in the order they run, as SwiftPM embeds them.
    package static let files = [
        PreludeFile("_constants.py", PackageResources._constants_py),
        PreludeFile("exceptions.py", PackageResources.exceptions_py),
        PreludeFile("heapq_sifts.py", PackageResources.heapq_sifts_py),
        PreludeFile("mixins.py", PackageResources.mixins_py),
        PreludeFile("locks.py", PackageResources.locks_py),
        PreludeFile("queues.py", PackageResources.queues_py),
        PreludeFile("tasks.py", PackageResources.tasks_py),
        PreludeFile("futures.py", PackageResources.futures_py),
        PreludeFile("base_events.py", PackageResources.base_events_py),
        PreludeFile("selector_events.py", PackageResources.selector_events_py),
        PreludeFile("streams.py", PackageResources.streams_py),
        PreludeFile("timeouts.py", PackageResources.timeouts_py),
        PreludeFile("taskgroups.py", PackageResources.taskgroups_py),
        PreludeFile("threads.py", PackageResources.threads_py),
        PreludeFile("runners.py", PackageResources.runners_py),
        PreludeFile("protocols.py", PackageResources.protocols_py),
    ]

    package static let compiled = PreludeSnapshots.asyncio.load()

    /// What the prelude adds to the `asyncio` module.
    package static let exports = [
        "FIRST_COMPLETED", "FIRST_EXCEPTION", "ALL_COMPLETED", "Lock", "Event", "Condition", "Semaphore",
        "BoundedSemaphore", "Queue", "PriorityQueue", "LifoQueue", "wait", "wait_for", "as_completed",
        "shield", "timeout", "timeout_at", "Timeout", "TaskGroup", "wrap_future", "_run_in_executor",
        "_shutdown_default_executor", "_shutdown_asyncgens", "_wrap_awaitable", "open_connection", "StreamReader",
        "StreamWriter",
        "StreamReaderProtocol", "Barrier", "BrokenBarrierError", "SendfileNotAvailableError", "to_thread", "Runner",
        "BaseProtocol", "Protocol", "BufferedProtocol", "DatagramProtocol", "SubprocessProtocol",
    ]
}

/// One `.py` file of a prelude, as SwiftPM embeds it (`PackageResources`).
package struct PreludeFile {
    package let name: String
    package let bytes: [UInt8]

    package init(_ name: String, _ bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
    }
}

/// A prelude's source: the bodies of its files, in order, two blank lines apart.
package func preludeSource(_ files: [PreludeFile]) -> String {
    let starts = files.map { $0.bytes.count - preludeBody($0.bytes).count }
    var count = 2 * max(files.count - 1, 0)
    for (file, start) in zip(files, starts) { count += file.bytes.count - start }
    // Written straight into the string's storage: one copy of the bytes, at start-up.
    return String(unsafeUninitializedCapacity: count) { buffer in
        var n = 0
        for (file, start) in zip(files, starts) {
            if n > 0 {
                buffer[n] = UInt8(ascii: "\n")
                buffer[n + 1] = UInt8(ascii: "\n")
                n += 2
            }
            n += UnsafeMutableBufferPointer(rebasing: buffer[n...]).initialize(fromContentsOf: file.bytes[start...])
        }
        return n
    }
}

/// A prelude file without its header: from its first line that is neither a
/// comment nor blank. The headers are for readers and `scripts/diff-preludes`;
/// leaving them out keeps them from costing the lexer anything at start-up.
package func preludeBody(_ bytes: [UInt8]) -> ArraySlice<UInt8> {
    let start = bytes.withUnsafeBufferPointer { buffer -> Int in
        guard let base = buffer.baseAddress else { return 0 }
        var i = 0
        while i < buffer.count, buffer[i] == UInt8(ascii: "#") || buffer[i] == UInt8(ascii: "\n") {
            // memchr rather than a loop over the bytes: the headers are an eighth of the files.
            guard let end = memchr(base + i, Int32(UInt8(ascii: "\n")), buffer.count - i) else { return buffer.count }
            i = base.distance(to: end.assumingMemoryBound(to: UInt8.self)) + 1
        }
        return i
    }
    return bytes[start...]
}

/// Compiles a prelude once per process; a prelude that does not compile is a bug of vloop.
package func compilePrelude(_ source: String, module: String) -> CompiledModule {
    let file = SourceFile(path: "<\(module) prelude>", text: source)
    do {
        return try Compiler.compile(try Parser.parse(file), file: file, internalModule: module)
    } catch {
        fatalError("the \(module) prelude does not compile: \(error)")
    }
}

/// A native function for a prelude.
package func preludeBuiltin(_ name: String, _ body: @escaping (Args, Interpreter) throws -> Value) -> Value {
    .obj(PyBuiltin(name, body))
}

extension World {
    /// Runs a prelude in globals of its own, seeded with the names it takes
    /// from `m` (the native part of its module) and `seeds`, and adds its
    /// `exports` to `m`. Returns its globals.
    @discardableResult
    package func runPrelude(
        _ prelude: CompiledPrelude, into m: PyModule, seeds: [String: Value],
        exports: [String]
    ) throws -> Globals {
        let globals = Globals(names: prelude.module.globalNames)
        // A name the module has wins over a seed, which wins over a prelude
        // builtin: the three are written in the opposite order. Each is looked
        // up in the prelude's index, rather than each of its globals in them.
        for (name, v) in preludeBuiltins { if let i = prelude.index[name] { globals.values[i] = v } }
        for (name, v) in seeds { if let i = prelude.index[name] { globals.values[i] = v } }
        for (name, v) in m.attributes { if let i = prelude.index[name] { globals.values[i] = v } }
        _ = try vm.runModuleCode(prelude.module.code, globals: globals)
        for name in exports {
            guard let i = prelude.index[name] else { preconditionFailure("prelude lacks \(name)") }
            m.attributes[name] = globals.values[i]
        }
        return globals
    }

    /// What every prelude may use beyond the builtins of a trace.
    package var preludeBuiltins: [String: Value] {
        [
            "_object_repr": .obj(
                PyBuiltin("_object_repr") { args, vm in
                    guard args.count == 1, case .obj(let o) = args[0] else {
                        return .str(try vm.repr(args.count > 0 ? args[0] : .none))
                    }
                    return .str("<\(o.pyType.qualifiedName) object at 0x7f0000000000>")
                }),
            "property": .obj(
                PyBuiltin("property") { args, vm in
                    try vm.checkArity("property", args, 1, 1)
                    return .obj(PyProperty(getter: args[0]))
                }),
        ]
    }

    /// Runs the asyncio prelude into `m`, the native asyncio module.
    package func runAsyncioPrelude(into m: PyModule) throws {
        let futures = try importModule("concurrent.futures")
        let time = try importModule("time").object as! PyModule
        var seeds = networkPrimitives()
        seeds["partial"] = .obj(makePartial())
        seeds["_futures"] = futures
        seeds["_sleep"] = time.attributes["sleep"]!
        try runPrelude(AsyncioPrelude.compiled, into: m, seeds: seeds, exports: AsyncioPrelude.exports)
    }
}
