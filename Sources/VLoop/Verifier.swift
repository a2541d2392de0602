import Foundation
import RunModel
import TraceLanguage
import VirtualLoop

/// Compares vloop's event log of a trace with CPython 3.11.7's, the
/// conformance rule of TRACE_LANGUAGE.md made a check: the trace runs under
/// CPython's own asyncio with the reference prelude
/// (`reference/vloop_reference.py`, built into vloop) and under vloop, and
/// the two logs must be the same line for line.
///
///     let verifier = Verifier(python: "python3")
///     switch try verifier.verify(path: "fixtures/seed/gather-two-coroutines.trace") {
///     case .same(let events): print("same (\(events) events)")
///     case .different(let d): print("first difference at event \(d.index + 1)")
///     case .cpythonFailed(let why): print("CPython could not run the trace: \(why)")
///     case .usesRandom: print("not comparable: the trace uses random")
///     case .invalid(let errors): print(errors.rendered)
///     case .blocked(let why): print("stopped by the sandbox: \(why)")
///     case .stopped(let why): print("stopped: \(why)")
///     }
///
/// A trace may come from anyone (an untrusted pull request): the CPython side
/// runs only a trace that vloop itself accepts (`vloop check`: it compiles,
/// and imports only vloop's modules and the user's own), and runs it in
/// `sandbox` (`VerifySandbox`: a child process with resource limits, only
/// vloop's modules and builtins, no file, process or network access).
public struct Verifier: Sendable {
    /// The CPython to run the reference with (3.11.7; the reference refuses others).
    public var python: String
    /// The path of a `vloop_reference.py` to run; nil for the copy built into vloop.
    public var reference: String?
    public var limits: RunLimits
    /// The folders, after each trace's own, that its modules are imported from
    /// (on both sides: the reference gets them as `--path`).
    public var modulePaths: [String]
    /// How the CPython side is confined.
    public var sandbox: VerifySandbox

    public init(
        python: String, reference: String? = nil, limits: RunLimits = RunLimits(), modulePaths: [String] = [],
        sandbox: VerifySandbox = VerifySandbox()
    ) {
        self.python = python
        self.reference = reference
        self.limits = limits
        self.modulePaths = modulePaths
        self.sandbox = sandbox
    }

    /// The outcome for one trace.
    public enum Outcome: Sendable {
        /// Both logs have these many events, all equal.
        case same(events: Int)
        /// The logs differ first at `index` (0-based).
        case different(Difference)
        /// vloop does not accept the trace (`vloop check`): it, or a module it
        /// imports, has errors or imports a module that is neither vloop's nor
        /// the user's. CPython did not run it.
        case invalid(InvalidSource)
        /// The sandbox stopped CPython's run: what the trace tried, and at
        /// which of its lines (the reference's message).
        case blocked(String)
        /// CPython's run was stopped by a limit: the wall-clock timeout, the
        /// output bound, or a signal (SIGXCPU at the CPU limit).
        case stopped(String)
        /// The reference itself failed under CPython: the last line of what it
        /// wrote (its traceback's last line), so nothing can be compared.
        case cpythonFailed(String)
        /// The trace (or a module it imports) imports `random`, whose draws
        /// differ between vloop and CPython: the logs cannot be compared.
        case usesRandom
    }

    /// Where two event logs first differ, with what came before.
    public struct Difference: Sendable {
        public var index: Int
        /// Up to two of vloop's events before the difference.
        public var context: [String]
        /// vloop's and CPython's event at `index`, nil past the end of a log.
        public var ours: String?
        public var theirs: String?
    }

    /// Why a trace could not be compared at all (exit status 2 of `vloop verify`).
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The reference built into vloop (`reference/vloop_reference.py` when it was built).
    public static var builtInReference: String {
        String(decoding: PackageResources.vloop_reference_py, as: UTF8.self)
    }

    /// Runs `path` under vloop and under the reference and compares the logs.
    public func verify(path: String) throws -> Outcome {
        let ours: [String]
        switch SuiteRunner.load(path: path, modulePaths: modulePaths) {
        case .failure(.unreadable(let why)):
            throw Failure(description: why)
        case .failure(.invalid(let errors)):
            return .invalid(errors)
        case .success(let trace):
            if let errors = ImportCheck.unavailableImports(of: trace) { return .invalid(errors) }
            if trace.allImports.contains("random") { return .usesRandom }
            ours = TraceRunner.run(trace.compiled, modules: trace.modules, limits: limits).events.map(\.jsonLine)
        }
        let script: String
        var temporary: String?
        if let reference {
            script = reference
        } else {
            // The built-in copies, written where CPython can run them, and removed after.
            let folder = (NSTemporaryDirectory() as NSString).appendingPathComponent(
                "vloop_reference-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                try Data(PackageResources.vloop_reference_py).write(
                    to: URL(fileURLWithPath: folder).appendingPathComponent("vloop_reference.py"))
                try Data(PackageResources.vloop_sandbox_py).write(
                    to: URL(fileURLWithPath: folder).appendingPathComponent("vloop_sandbox.py"))
            } catch {
                try? FileManager.default.removeItem(atPath: folder)
                throw Failure(description: "cannot write the reference to \(folder): \(error.localizedDescription)")
            }
            script = (folder as NSString).appendingPathComponent("vloop_reference.py")
            temporary = folder
        }
        defer { if let temporary { try? FileManager.default.removeItem(atPath: temporary) } }
        // -I: no PYTHON* variables, no user site-packages, not the script's folder on sys.path.
        var arguments = ["-I", script, "--max-steps", String(limits.maxSteps), "--max-time", floatRepr(limits.maxTime)]
        arguments += sandbox.referenceArguments
        for folder in modulePaths { arguments += ["--path", folder] }
        arguments.append(path)
        guard let result = sandbox.run(URL(fileURLWithPath: "/usr/bin/env"), [python] + arguments),
            result.ending != .exited(127)
        else {
            throw Failure(
                description: "cannot run \(python): verify needs CPython 3.11.7 (set VLOOP_PYTHON to its path)")
        }
        let stderr = result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        switch result.ending {
        case .timedOut:
            return .stopped("CPython did not finish within \(floatRepr(sandbox.timeout)) s (killed)")
        case .tooMuchOutput:
            return .stopped("CPython wrote more than \(sandbox.maxOutput) bytes (killed)")
        case .signaled(let signal):
            let name = signal == SIGXCPU ? "SIGXCPU: the CPU-time limit" : "signal \(signal)"
            return .stopped("CPython was ended by \(name)")
        case .exited(0):
            let theirs = result.stdout.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
            return Self.compare(ours, theirs)
        case .exited(let status):
            let blocked = "vloop_reference: blocked "
            if status == VerifySandbox.blockedStatus,
                let line = stderr.split(separator: "\n").last(where: { $0.hasPrefix(blocked) })
            {
                return .blocked(String(line.dropFirst(blocked.count)))
            }
            if status == 2 && stderr.hasPrefix("vloop_reference: CPython") {
                throw Failure(description: stderr)
            }
            let last = stderr.split(separator: "\n").last.map(String.init) ?? "exit status \(status)"
            return .cpythonFailed(last)
        }
    }

    /// The first difference of two event logs, if any.
    public static func compare(_ ours: [String], _ theirs: [String]) -> Outcome {
        let first =
            zip(ours, theirs).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset
            ?? (ours.count == theirs.count ? nil : min(ours.count, theirs.count))
        guard let i = first else { return .same(events: ours.count) }
        return .different(
            Difference(
                index: i, context: Array(ours[max(0, i - 2)..<i]),
                ours: i < ours.count ? ours[i] : nil,
                theirs: i < theirs.count ? theirs[i] : nil))
    }

    /// The reference named by `VLOOP_REFERENCE`, if set; nil means the copy built into vloop.
    public static func locateReference() -> String? {
        ProcessInfo.processInfo.environment["VLOOP_REFERENCE"]
    }
}

/// What a child process printed, and how it ended.
public struct ProcessResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// Runs `executable` with `arguments` and collects both streams (standard
/// error on another thread, so that neither pipe fills up and blocks the
/// child); nil when it cannot start. `environment`, when given, is the
/// child's whole environment; `currentDirectory` its working directory.
public func runProcess(
    _ executable: URL, _ arguments: [String], environment: [String: String]? = nil, currentDirectory: URL? = nil
) -> ProcessResult? {
    let p = Process()
    p.executableURL = executable
    p.arguments = arguments
    if let environment { p.environment = environment }
    if let currentDirectory { p.currentDirectoryURL = currentDirectory }
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    do { try p.run() } catch { return nil }
    // Standard error is read on another thread so that neither pipe fills up and blocks the child.
    final class Collected: @unchecked Sendable { var data = Data() }
    let collected = Collected()
    let done = DispatchSemaphore(value: 0)
    Thread {
        collected.data = err.fileHandleForReading.readDataToEndOfFile()
        done.signal()
    }.start()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    done.wait()
    return ProcessResult(
        status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
        stderr: String(decoding: collected.data, as: UTF8.self))
}
