import PyRuntime
import RunModel

/// The names of CPython 3.11.7's `asyncio` that have no meaning in vloop's
/// simulated world (processes, signals, unix sockets, servers, custom
/// loops and policies): each is there, so that `from asyncio import X`
/// works, but calling it raises `NotImplementedError` naming it and saying
/// it is not simulated (docs/LANGUAGE.md, "asyncio names").
package enum AsyncioNotSimulated {
    /// Each name, with what it would need.
    package static let names: [(name: String, what: String)] = [
        ("create_subprocess_exec", "subprocesses"),
        ("create_subprocess_shell", "subprocesses"),
        ("SubprocessTransport", "subprocesses"),
        ("get_child_watcher", "subprocesses"),
        ("set_child_watcher", "subprocesses"),
        ("AbstractChildWatcher", "subprocesses"),
        ("SafeChildWatcher", "subprocesses"),
        ("FastChildWatcher", "subprocesses"),
        ("MultiLoopChildWatcher", "subprocesses"),
        ("ThreadedChildWatcher", "subprocesses"),
        ("PidfdChildWatcher", "subprocesses"),
        ("open_unix_connection", "unix sockets"),
        ("start_unix_server", "unix sockets"),
        ("start_server", "listening sockets (a trace's peers are declared with sim.peer)"),
        ("Server", "listening sockets (a trace's peers are declared with sim.peer)"),
        ("AbstractServer", "listening sockets (a trace's peers are declared with sim.peer)"),
        ("run_coroutine_threadsafe", "coroutines submitted from other threads"),
        ("get_event_loop_policy", "event loop policies (vloop's loop is the policy's)"),
        ("set_event_loop_policy", "event loop policies (vloop's loop is the policy's)"),
        ("AbstractEventLoopPolicy", "event loop policies (vloop's loop is the policy's)"),
        ("DefaultEventLoopPolicy", "event loop policies (vloop's loop is the policy's)"),
        ("BaseEventLoop", "other event loop classes (use asyncio.new_event_loop())"),
        ("SelectorEventLoop", "other event loop classes (use asyncio.new_event_loop())"),
        ("BaseTransport", "transports written by a trace"),
        ("ReadTransport", "transports written by a trace"),
        ("WriteTransport", "transports written by a trace"),
        ("Transport", "transports written by a trace"),
        ("DatagramTransport", "datagram sockets"),
        ("Handle", "handles made by a trace (loop.call_soon returns one)"),
        ("TimerHandle", "handles made by a trace (loop.call_later returns one)"),
    ]
}

extension World {
    func defineNotSimulated(in m: PyModule) {
        for (name, what) in AsyncioNotSimulated.names {
            m.define(name) { _, vm in
                throw vm.error(
                    .notImplementedError,
                    "asyncio.\(name) is not simulated by vloop (\(what)); docs/LANGUAGE.md lists the asyncio names it has"
                )
            }
        }
    }
}
