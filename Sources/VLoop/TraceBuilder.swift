import RunModel

/// Builds a trace from Swift, for the common shapes: tasks that print, sleep,
/// await each other, run blocking jobs on an executor and talk to peers on
/// the simulated network, with `expect.*` properties at the end.
///
/// The builder writes trace **source text** (``source``), which stays the one
/// format that is stored and replayed: ``build(name:)`` compiles that text
/// with ``Trace/init(source:name:searchPaths:)``, and the same text runs under CPython
/// 3.11 with the reference prelude. Texts become Python string literals
/// (quotes, backslashes and newlines escaped) and durations Python floats.
///
/// Each task is an `async def` started by `main` with
/// `asyncio.create_task(..., name=NAME)`, in the order declared, so its
/// events carry its name as their context; `main` then gathers them all.
///
///     import VLoop
///
///     var b = TraceBuilder()
///     b.peer("api.test", 80, connect: 0.05, replies: [.after(0.1, bytes: 16)])
///     let pool = b.threadPool(workers: 3)
///     let fetch = b.task("fetch") { t in
///         t.print("fetch start")
///         t.connect("api.test", 80)
///         t.write(8)
///         t.read(16)
///         t.sleep(0.2)
///         t.print("fetch end")
///     }
///     b.task("work") { t in
///         t.runInExecutor(pool, seconds: 0.3, label: "job")
///         t.awaitTask(fetch)
///         t.print("work done")
///     }
///     b.expectOrder("fetch start", "fetch end", "work done")
///     b.expectAt("work done", 0.35, tolerance: 1e-9)   // 0.05 + 0.1 + 0.2 is 0.35000000000000003
///     let trace = try b.build(name: "built")           // b.source is its text
///     let run = trace.replay()
///     print(run.output, run.elapsed, run.passed)
///     // ["fetch start", "fetch end", "work done"] 0.35000000000000003 true
public struct TraceBuilder: Sendable {
    /// One reply of a peer: the chunks it sends after a write, each `delay`
    /// seconds after that write (`sim.peer(..., replies=[...])`).
    public struct Reply: Sendable, Equatable {
        /// One chunk of a reply: its delay after the write and its bytes.
        public struct Chunk: Sendable, Equatable {
            /// Seconds after the write that triggered the reply.
            public var delay: Double
            /// The chunk's content: a count of zero bytes, or these bytes.
            public var content: Content

            /// A chunk's bytes: `count` zero bytes, or given bytes.
            public enum Content: Sendable, Equatable {
                case zeros(Int)
                case bytes([UInt8])
            }

            /// `nbytes` zero bytes arriving `delay` seconds after the write.
            public static func after(_ delay: Double, bytes nbytes: Int) -> Chunk {
                Chunk(delay: delay, content: .zeros(nbytes))
            }

            /// The UTF-8 bytes of `text` arriving `delay` seconds after the write.
            public static func after(_ delay: Double, text: String) -> Chunk {
                Chunk(delay: delay, content: .bytes(Array(text.utf8)))
            }
        }

        /// The reply's chunks, in order.
        public var chunks: [Chunk]

        /// A reply of `nbytes` zero bytes, `delay` seconds after the write: `(delay, nbytes)`.
        public static func after(_ delay: Double, bytes nbytes: Int) -> Reply {
            Reply(chunks: [.after(delay, bytes: nbytes)])
        }

        /// A reply of the UTF-8 bytes of `text`, `delay` seconds after the write: `(delay, b'...')`.
        public static func after(_ delay: Double, text: String) -> Reply {
            Reply(chunks: [.after(delay, text: text)])
        }

        /// A reply in several chunks: `[(d1, n1), (d2, n2), ...]`.
        public static func chunks(_ chunks: Chunk...) -> Reply {
            Reply(chunks: chunks)
        }

        var python: String {
            let parts = chunks.map(\.python)
            return chunks.count == 1 ? parts[0] : "[" + parts.joined(separator: ", ") + "]"
        }
    }

    /// An executor that tasks can run blocking jobs on (``TaskBody/runInExecutor(_:seconds:label:)``).
    public struct Executor: Sendable, Equatable {
        /// The Python expression naming it: `pool_0`, or `None` for the loop's default executor.
        public let expression: String

        /// The loop's default executor (a thread pool with prefix `asyncio`,
        /// created on its first use): `run_in_executor(None, ...)`.
        public static let `default` = Executor(expression: "None")
    }

    /// A task declared with ``TraceBuilder/task(_:_:)``, for other tasks to await.
    public struct TaskRef: Sendable, Hashable {
        /// The task's name, as given to `asyncio.create_task(name=)`.
        public let name: String

        /// A reference to the task named `name`, declared before or after the
        /// task that awaits it (``TraceBuilder/build(name:)`` checks that it exists).
        public init(_ name: String) { self.name = name }
    }

    /// What a task does, step by step: each method appends one or two lines to its `async def`.
    public struct TaskBody: Sendable {
        var lines: [String] = []
        var awaited: [String] = []
        var usesTime = false
        var usesJob = false

        /// `print(text)`: one `print` event whose text is exactly `text`.
        public mutating func print(_ text: String) {
            lines.append("print(\(stringRepr(text)))")
        }

        /// `await asyncio.sleep(seconds)`.
        public mutating func sleep(_ seconds: Double) {
            lines.append("await asyncio.sleep(\(floatRepr(seconds)))")
        }

        /// `time.sleep(seconds)` in the loop's thread: blocks the whole loop
        /// for that long (what `expect.max_blocking` catches).
        public mutating func blockLoop(_ seconds: Double) {
            usesTime = true
            lines.append("time.sleep(\(floatRepr(seconds)))")
        }

        /// Awaits another task until it finishes: `await tasks[NAME]`.
        public mutating func awaitTask(_ task: TaskRef) {
            awaited.append(task.name)
            lines.append("await tasks[\(stringRepr(task.name))]")
        }

        /// Awaits several tasks at once: `await asyncio.gather(tasks[A], tasks[B], ...)`.
        public mutating func gather(_ tasks: TaskRef...) {
            awaited += tasks.map(\.name)
            let args = tasks.map { "tasks[\(stringRepr($0.name))]" }.joined(separator: ", ")
            lines.append("await asyncio.gather(\(args))")
        }

        /// Runs a blocking job on `executor` and awaits it: the job
        /// `time.sleep`s `seconds` on its worker and returns `label`
        /// (`await asyncio.get_running_loop().run_in_executor(pool, job, label, seconds)`).
        public mutating func runInExecutor(_ executor: Executor, seconds: Double, label: String = "job") {
            usesJob = true
            lines.append(
                "await asyncio.get_running_loop().run_in_executor(\(executor.expression), job, "
                    + "\(stringRepr(label)), \(floatRepr(seconds)))")
        }

        /// Opens a connection to a peer: `reader, writer = await asyncio.open_connection(host, port)`.
        /// Later ``write(_:)``, ``read(_:)`` and ``close()`` use the last connection opened.
        public mutating func connect(_ host: String, _ port: Int) {
            lines.append("reader, writer = await asyncio.open_connection(\(stringRepr(host)), \(port))")
        }

        /// Writes `count` zero bytes on the connection (each non-empty write
        /// triggers the peer's next reply): `writer.write(b'\x00' * count)`.
        public mutating func write(_ count: Int) {
            lines.append("writer.write(b'\\x00' * \(count))")
        }

        /// Writes the UTF-8 bytes of `text` on the connection.
        public mutating func write(text: String) {
            lines.append("writer.write(\(bytesRepr(Array(text.utf8))))")
        }

        /// Reads exactly `count` bytes from the connection: `await reader.readexactly(count)`.
        public mutating func read(_ count: Int) {
            lines.append("await reader.readexactly(\(count))")
        }

        /// Reads until the peer closes its side: `await reader.read()`.
        public mutating func readToEnd() {
            lines.append("await reader.read()")
        }

        /// Closes the connection: `writer.close()` and `await writer.wait_closed()`.
        public mutating func close() {
            lines.append("writer.close()")
            lines.append("await writer.wait_closed()")
        }
    }

    /// What ``TraceBuilder/build(name:)`` reports when the tasks do not fit together.
    public enum BuildError: Error, Equatable, CustomStringConvertible {
        /// Two tasks were declared with the same name.
        case duplicateTask(String)
        /// A task awaits a task that was never declared.
        case unknownTask(String, awaitedBy: String)

        public var description: String {
            switch self {
            case .duplicateTask(let name): "two tasks are named \(stringRepr(name))"
            case .unknownTask(let name, let by):
                "task \(stringRepr(by)) awaits \(stringRepr(name)), which is not declared"
            }
        }
    }

    private struct DeclaredTask: Sendable {
        var name: String
        var function: String
        var body: TaskBody
    }

    private var peers: [String] = []
    private var pools: [String] = []
    private var declared: [DeclaredTask] = []
    private var expectations: [String] = []

    /// An empty trace: no peers, no pools, no tasks, no properties.
    public init() {}

    /// Declares a peer on the simulated network:
    /// `sim.peer(host, port, connect=, dns=, replies=[...], close=)`.
    /// Declaring the same host and port again answers the next connection:
    /// the n-th connection is answered by the n-th declaration, and the last
    /// one answers every later connection.
    ///
    /// - Parameters:
    ///   - host: the name or address connections open.
    ///   - port: the port they open it on.
    ///   - connect: seconds until a connection to it is established.
    ///   - dns: seconds that resolving `host` blocks a worker of the default executor.
    ///   - replies: the k-th reply answers the k-th non-empty write of a connection.
    ///   - close: seconds after its last reply (or the connect, without replies) that the peer closes its side; nil never.
    public mutating func peer(
        _ host: String, _ port: Int, connect: Double = 0.0, dns: Double = 0.0, replies: [Reply] = [],
        close: Double? = nil
    ) {
        var args = ["\(stringRepr(host))", "\(port)", "connect=\(floatRepr(connect))"]
        if dns != 0 { args.append("dns=\(floatRepr(dns))") }
        args.append("replies=[" + replies.map(\.python).joined(separator: ", ") + "]")
        if let close { args.append("close=\(floatRepr(close))") }
        peers.append("sim.peer(\(args.joined(separator: ", ")))")
    }

    /// Declares a `concurrent.futures.ThreadPoolExecutor(max_workers=workers)`,
    /// with `thread_name_prefix` when `prefix` is given (its threads are then
    /// `PREFIX_0`, `PREFIX_1`, ...).
    public mutating func threadPool(workers: Int, prefix: String? = nil) -> Executor {
        let name = "pool_\(pools.count)"
        let prefixArg = prefix.map { ", thread_name_prefix=\(stringRepr($0))" } ?? ""
        pools.append("\(name) = concurrent.futures.ThreadPoolExecutor(max_workers=\(workers)\(prefixArg))")
        return Executor(expression: name)
    }

    /// Declares a `concurrent.futures.ProcessPoolExecutor(max_workers=workers)`.
    public mutating func processPool(workers: Int) -> Executor {
        let name = "pool_\(pools.count)"
        pools.append("\(name) = concurrent.futures.ProcessPoolExecutor(max_workers=\(workers))")
        return Executor(expression: name)
    }

    /// Declares a task named `name`: `body` says what it does. Tasks start in
    /// the order declared, all at time 0, and the run ends when all are done.
    @discardableResult
    public mutating func task(_ name: String, _ body: (inout TaskBody) -> Void) -> TaskRef {
        var t = TaskBody()
        body(&t)
        declared.append(DeclaredTask(name: name, function: functionName(for: name), body: t))
        return TaskRef(name)
    }

    // MARK: Properties

    /// `expect.order(a, b, ...)`: the first event matching each pattern comes before the first matching the next.
    public mutating func expectOrder(_ patterns: String...) {
        expectations.append("expect.order(\(patterns.map(stringRepr).joined(separator: ", ")))")
    }

    /// `expect.before(a, b)`: every event matching `a` comes before every event matching `b`.
    public mutating func expectBefore(_ a: String, _ b: String) {
        expectations.append("expect.before(\(stringRepr(a)), \(stringRepr(b)))")
    }

    /// `expect.never(a)`: no event matches `a`.
    public mutating func expectNever(_ pattern: String) {
        expectations.append("expect.never(\(stringRepr(pattern)))")
    }

    /// `expect.at(a, t)`: the first event matching `a` happens at virtual time `t` (within `tolerance`, when given).
    public mutating func expectAt(_ pattern: String, _ time: Double, tolerance: Double? = nil) {
        let tol = tolerance.map { ", tolerance=\(floatRepr($0))" } ?? ""
        expectations.append("expect.at(\(stringRepr(pattern)), \(floatRepr(time))\(tol))")
    }

    /// `expect.elapsed(t)`: the run lasts `t` virtual seconds (within `tolerance`, when given).
    public mutating func expectElapsed(_ seconds: Double, tolerance: Double? = nil) {
        let tol = tolerance.map { ", tolerance=\(floatRepr($0))" } ?? ""
        expectations.append("expect.elapsed(\(floatRepr(seconds))\(tol))")
    }

    /// `expect.elapsed(min=, max=)`: the run's virtual duration is within the bounds, inclusive.
    public mutating func expectElapsed(min: Double? = nil, max: Double? = nil) {
        var args: [String] = []
        if let max { args.append("max=\(floatRepr(max))") }
        if let min { args.append("min=\(floatRepr(min))") }
        expectations.append("expect.elapsed(\(args.joined(separator: ", ")))")
    }

    /// `expect.output([...])`: the printed texts, in order, are exactly `lines`.
    public mutating func expectOutput(_ lines: [String]) {
        expectations.append("expect.output([\(lines.map(stringRepr).joined(separator: ", "))])")
    }

    /// `expect.concurrency(start, end, max=n)`: at no instant are more than `max` intervals open.
    public mutating func expectConcurrency(_ start: String, _ end: String, max: Int) {
        expectations.append("expect.concurrency(\(stringRepr(start)), \(stringRepr(end)), max=\(max))")
    }

    /// `expect.max_blocking(d)`: no callback or task step kept the loop busy longer than `d`.
    public mutating func expectMaxBlocking(_ seconds: Double) {
        expectations.append("expect.max_blocking(\(floatRepr(seconds)))")
    }

    /// `expect.all_done()`: no task is left pending at the end.
    public mutating func expectAllDone() {
        expectations.append("expect.all_done()")
    }

    // MARK: Output

    /// The trace's source text, as ``build(name:)`` compiles it.
    public var source: String {
        let usesJob = declared.contains { $0.body.usesJob }
        let usesTime = usesJob || declared.contains { $0.body.usesTime }
        var imports = ["import asyncio"]
        if !pools.isEmpty { imports.append("import concurrent.futures") }
        if usesTime { imports.append("import time") }
        var sections = [imports.joined(separator: "\n")]
        if !peers.isEmpty { sections.append(peers.joined(separator: "\n")) }
        sections.append((pools + ["tasks = {}"]).joined(separator: "\n"))
        var functions: [String] = []
        if usesJob {
            functions.append("def job(label, seconds):\n    time.sleep(seconds)\n    return label")
        }
        for task in declared {
            let body = task.body.lines.isEmpty ? ["pass"] : task.body.lines
            functions.append("async def \(task.function)():\n" + body.map { "    " + $0 }.joined(separator: "\n"))
        }
        var main = declared.map {
            "tasks[\(stringRepr($0.name))] = asyncio.create_task(\($0.function)(), name=\(stringRepr($0.name)))"
        }
        if !declared.isEmpty {
            let all = declared.map { "tasks[\(stringRepr($0.name))]" }.joined(separator: ", ")
            main.append("await asyncio.gather(\(all))")
        } else {
            main.append("pass")
        }
        functions.append("async def main():\n" + main.map { "    " + $0 }.joined(separator: "\n"))
        var text = sections.joined(separator: "\n\n") + "\n\n\n" + functions.joined(separator: "\n\n\n")
        text += "\n\n\nasyncio.run(main())\n"
        if !expectations.isEmpty { text += "\n" + expectations.joined(separator: "\n") + "\n" }
        return text
    }

    /// Checks that the tasks fit together and compiles ``source`` into a ``Trace``.
    ///
    /// - Throws: ``BuildError`` when two tasks share a name or a task awaits
    ///   an undeclared one; ``TraceError`` if the source does not compile.
    public func build(name: String = "built.trace") throws -> Trace {
        var names = Set<String>()
        for task in declared where !names.insert(task.name).inserted {
            throw BuildError.duplicateTask(task.name)
        }
        for task in declared {
            if let missing = task.body.awaited.first(where: { !names.contains($0) }) {
                throw BuildError.unknownTask(missing, awaitedBy: task.name)
            }
        }
        return try Trace(source: source, name: name)
    }

    /// A Python identifier for a task's `async def`: its name when that is
    /// one and is free, else `task_N`.
    private func functionName(for name: String) -> String {
        let taken: Set<String> = [
            "asyncio", "concurrent", "time", "sim", "expect", "main", "job", "tasks", "print", "reader", "writer",
        ]
        let isIdentifier =
            name.first.map { $0 == "_" || ($0.isASCII && $0.isLetter) } == true
            && name.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
        let used = Set(declared.map(\.function))
        if isIdentifier && !pythonKeywords.contains(name) && !taken.contains(name) && !name.hasPrefix("pool_")
            && !used.contains(name)
        {
            return name
        }
        var n = declared.count
        while used.contains("task_\(n)") { n += 1 }
        return "task_\(n)"
    }
}

private let pythonKeywords: Set<String> = [
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
    "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda",
    "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
]

extension TraceBuilder.Reply.Chunk {
    var python: String {
        switch content {
        case .zeros(let n): "(\(floatRepr(delay)), \(n))"
        case .bytes(let bytes): "(\(floatRepr(delay)), \(bytesRepr(bytes)))"
        }
    }
}
