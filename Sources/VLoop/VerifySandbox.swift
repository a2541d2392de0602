import Foundation
import PyRuntime
import VirtualLoop

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How `vloop verify` runs a trace under CPython, which executes whatever the
/// trace says: in a child process (`python3 -I`, standard input closed, an
/// environment of a few harmless variables, so that no CI secret is there to
/// read) that the reference confines before the trace's first statement
/// (`reference/vloop_sandbox.py`: resource limits, only the modules and
/// builtins vloop provides, an audit hook that ends the process on any file,
/// process or network access), and that vloop kills when it runs past
/// `timeout` or prints more than `maxOutput` bytes.
///
/// The audit hook is not a boundary against a determined attacker with
/// interpreter-level tricks; the limits here and the vloop-accepted subset
/// are what bound one (README, "vloop verify").
public struct VerifySandbox: Sendable {
    /// Wall-clock seconds before vloop kills the child; also its CPU-seconds limit (RLIMIT_CPU).
    public var timeout: Double
    /// The child's address-space limit (RLIMIT_AS), in bytes.
    public var maxMemory: Int
    /// The most the child may write to standard output and error, in bytes, before vloop kills it.
    public var maxOutput: Int

    public init(timeout: Double = 120, maxMemory: Int = 4 << 30, maxOutput: Int = 256 << 20) {
        self.timeout = timeout
        self.maxMemory = maxMemory
        self.maxOutput = maxOutput
    }

    /// The exit status of a reference whose sandbox stopped the trace (vloop_sandbox.BLOCKED_EXIT).
    public static let blockedStatus: Int32 = 3

    /// The dotted names of the modules vloop provides (what the trace may import under CPython).
    public static var moduleNames: [String] { World.builtinModules.keys.sorted() }

    /// The builtin names vloop provides (what the trace sees under CPython; `print`, `sim` and `expect` are the harness's).
    public static let builtinNames: [String] = makeBuiltins().keys.sorted()

    /// The reference's arguments that turn the sandbox on.
    public var referenceArguments: [String] {
        [
            "--sandbox",
            "--allow-modules", Self.moduleNames.joined(separator: ","),
            "--allow-builtins", Self.builtinNames.joined(separator: ","),
            "--cpu-seconds", String(max(1, Int(timeout.rounded(.up)))),
            "--max-memory", String(maxMemory),
        ]
    }

    /// The variables of this process's environment the child keeps: what
    /// finds and starts the interpreter (a pyenv shim needs HOME), and the
    /// locale. Everything else (tokens, keys, CI variables) is left out.
    public static let keptEnvironment = [
        "PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "PYENV_ROOT", "PYENV_VERSION",
    ]

    /// The child's whole environment.
    public static func environment(
        from parent: [String: String] = ProcessInfo.processInfo.environment
    ) -> [String:
        String]
    {
        parent.filter { keptEnvironment.contains($0.key) }
    }

    /// How a bounded child ended.
    public enum Ending: Sendable, Equatable {
        /// It exited with this status.
        case exited(Int32)
        /// A signal ended it (SIGXCPU at the CPU limit, for one).
        case signaled(Int32)
        /// vloop killed it: it ran past `timeout` seconds.
        case timedOut
        /// vloop killed it: it wrote more than `maxOutput` bytes.
        case tooMuchOutput
    }

    /// What a bounded child printed, and how it ended.
    public struct Result: Sendable {
        public var ending: Ending
        public var stdout: String
        public var stderr: String
    }

    /// Runs `executable` with `arguments` with standard input closed, the
    /// environment of `environment(from:)`, and this sandbox's wall-clock and
    /// output bounds; nil when it cannot start.
    public func run(_ executable: URL, _ arguments: [String]) -> Result? {
        let p = Process()
        p.executableURL = executable
        p.arguments = arguments
        p.environment = Self.environment()
        p.standardInput = FileHandle.nullDevice
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        do { try p.run() } catch { return nil }
        let pid = p.processIdentifier
        let state = KillState()
        let budget = Budget(maxOutput)
        let killer = DispatchWorkItem {
            if state.mark(.timedOut) { kill(pid, SIGKILL) }
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: killer)
        let overflow = {
            if state.mark(.tooMuchOutput) { kill(pid, SIGKILL) }
        }
        final class Collected: @unchecked Sendable { var data = Data() }
        let collected = Collected()
        let done = DispatchSemaphore(value: 0)
        Thread {
            collected.data = Self.read(err.fileHandleForReading, budget, overflow)
            done.signal()
        }.start()
        let o = Self.read(out.fileHandleForReading, budget, overflow)
        p.waitUntilExit()
        killer.cancel()
        _ = state.mark(nil)
        done.wait()
        let ending: Ending
        if let killed = state.reason {
            ending = killed
        } else if p.terminationReason == .uncaughtSignal {
            ending = .signaled(p.terminationStatus)
        } else {
            ending = .exited(p.terminationStatus)
        }
        return Result(
            ending: ending, stdout: String(decoding: o, as: UTF8.self),
            stderr: String(decoding: collected.data, as: UTF8.self))
    }

    /// Reads `handle` to its end, keeping what fits in `budget` (shared by
    /// both streams) and calling `overflow` once it is spent.
    private static func read(_ handle: FileHandle, _ budget: Budget, _ overflow: () -> Void) -> Data {
        var data = Data()
        while true {
            let chunk = handle.availableData
            if chunk.isEmpty { return data }
            if budget.take(chunk.count) {
                data.append(chunk)
            } else {
                overflow()
            }
        }
    }

    /// Why vloop killed the child, decided once: a reason, or nil once the
    /// child has exited by itself (a late timer must not kill a reused pid).
    private final class KillState: @unchecked Sendable {
        private let lock = NSLock()
        private var decided = false
        private(set) var reason: Ending?

        /// Records `why`; false when it was decided already.
        func mark(_ why: Ending?) -> Bool {
            lock.lock()
            defer { lock.unlock() }
            if decided { return false }
            decided = true
            reason = why
            return true
        }
    }

    /// The bytes both streams may still write.
    private final class Budget: @unchecked Sendable {
        private let lock = NSLock()
        private var left: Int

        init(_ bytes: Int) { left = bytes }

        /// Takes `n` bytes; false when they do not fit.
        func take(_ n: Int) -> Bool {
            lock.lock()
            defer { lock.unlock() }
            if n > left { return false }
            left -= n
            return true
        }
    }
}
