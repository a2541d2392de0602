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
///     }
public struct Verifier: Sendable {
    /// The CPython to run the reference with (3.11.7; the reference refuses others).
    public var python: String
    /// The path of a `vloop_reference.py` to run; nil for the copy built into vloop.
    public var reference: String?
    public var limits: RunLimits
    /// The folders, after each trace's own, that its modules are imported from
    /// (on both sides: the reference gets them as `--path`).
    public var modulePaths: [String]

    public init(python: String, reference: String? = nil, limits: RunLimits = RunLimits(), modulePaths: [String] = []) {
        self.python = python
        self.reference = reference
        self.limits = limits
        self.modulePaths = modulePaths
    }

    /// The outcome for one trace.
    public enum Outcome: Sendable {
        /// Both logs have these many events, all equal.
        case same(events: Int)
        /// The logs differ first at `index` (0-based).
        case different(Difference)
        /// vloop cannot run the trace: it (or a module it imports) has errors.
        case invalid(InvalidSource)
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
            if trace.allImports.contains("random") { return .usesRandom }
            ours = TraceRunner.run(trace.compiled, modules: trace.modules, limits: limits).events.map(\.jsonLine)
        }
        let script: String
        var temporary: String?
        if let reference {
            script = reference
        } else {
            // The built-in copy, written where CPython can run it, and removed after.
            let file = (NSTemporaryDirectory() as NSString).appendingPathComponent(
                "vloop_reference-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString).py")
            do {
                try Data(PackageResources.vloop_reference_py).write(to: URL(fileURLWithPath: file))
            } catch {
                throw Failure(description: "cannot write the reference to \(file): \(error.localizedDescription)")
            }
            script = file
            temporary = file
        }
        defer { if let temporary { try? FileManager.default.removeItem(atPath: temporary) } }
        var arguments = [script, "--max-steps", String(limits.maxSteps), "--max-time", floatRepr(limits.maxTime)]
        for folder in modulePaths { arguments += ["--path", folder] }
        arguments.append(path)
        guard let result = runProcess(URL(fileURLWithPath: "/usr/bin/env"), [python] + arguments), result.status != 127
        else {
            throw Failure(
                description: "cannot run \(python): verify needs CPython 3.11.7 (set VLOOP_PYTHON to its path)")
        }
        let stderr = result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        if result.status == 2 && stderr.hasPrefix("vloop_reference: CPython") {
            throw Failure(description: stderr)
        }
        if result.status != 0 {
            let last = stderr.split(separator: "\n").last.map(String.init) ?? "exit status \(result.status)"
            return .cpythonFailed(last)
        }
        let theirs = result.stdout.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        return Self.compare(ours, theirs)
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
