import PyRuntime
import RunModel
import Testing
import TraceLanguage
import VirtualLoop

/// The asyncio names with no meaning in the simulated world: each exists and
/// raises NotImplementedError naming it when called. (No conformance fixture
/// can show this: CPython runs them for real.)
@Suite("asyncio names")
struct AsyncioNamesTests {
    func printed(_ text: String) throws -> [String] {
        let file = SourceFile(path: "t.trace", text: text)
        let compiled = try #require(try? TraceLoader.load(file).get()).compiled
        return TraceRunner.run(compiled).events.filter { $0.kind == .print }.compactMap(\.text)
    }

    @Test("every name not simulated is importable and says so when called")
    func notSimulated() throws {
        let names = AsyncioNotSimulated.names.map(\.name)
        let lines = try printed(
            """
            import asyncio
            from asyncio import create_subprocess_exec, start_server

            for name in \(names):
                try:
                    getattr(asyncio, name)('x')
                except NotImplementedError as e:
                    print(name, '|', e)
            """)
        #expect(lines.count == names.count)
        for (line, name) in zip(lines, names) {
            #expect(line.hasPrefix("\(name) | asyncio.\(name) is not simulated by vloop ("))
        }
    }

    @Test("every public name of CPython 3.11.7's asyncio is an attribute")
    func everyName() throws {
        // dir(asyncio) under CPython 3.11.7, without the submodules and `sys`.
        let names = [
            "ALL_COMPLETED", "AbstractChildWatcher", "AbstractEventLoop", "AbstractEventLoopPolicy",
            "AbstractServer", "Barrier", "BaseEventLoop", "BaseProtocol", "BaseTransport", "BoundedSemaphore",
            "BrokenBarrierError", "BufferedProtocol", "CancelledError", "Condition", "DatagramProtocol",
            "DatagramTransport", "DefaultEventLoopPolicy", "Event", "FIRST_COMPLETED", "FIRST_EXCEPTION",
            "FastChildWatcher", "Future", "Handle", "IncompleteReadError", "InvalidStateError", "LifoQueue",
            "LimitOverrunError", "Lock", "MultiLoopChildWatcher", "PidfdChildWatcher", "PriorityQueue", "Protocol",
            "Queue", "QueueEmpty", "QueueFull", "ReadTransport", "Runner", "SafeChildWatcher", "SelectorEventLoop",
            "Semaphore", "SendfileNotAvailableError", "Server", "StreamReader", "StreamReaderProtocol",
            "StreamWriter", "SubprocessProtocol", "SubprocessTransport", "Task", "TaskGroup", "ThreadedChildWatcher",
            "Timeout", "TimeoutError", "TimerHandle", "Transport", "WriteTransport", "all_tasks", "as_completed",
            "create_subprocess_exec", "create_subprocess_shell", "create_task", "current_task", "ensure_future",
            "gather", "get_child_watcher", "get_event_loop", "get_event_loop_policy", "get_running_loop",
            "iscoroutine", "iscoroutinefunction", "isfuture", "new_event_loop", "open_connection",
            "open_unix_connection", "run", "run_coroutine_threadsafe", "set_child_watcher", "set_event_loop",
            "set_event_loop_policy", "shield", "sleep", "start_server", "start_unix_server", "timeout",
            "timeout_at", "to_thread", "wait", "wait_for", "wrap_future",
        ]
        let lines = try printed(
            """
            import asyncio
            print([n for n in \(names) if not hasattr(asyncio, n)])
            """)
        #expect(lines == ["[]"])
    }
}
