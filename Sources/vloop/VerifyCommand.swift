import ArgumentParser
import Foundation
import RunModel
import TraceLanguage
import VirtualLoop

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Compare vloop's event log with CPython 3.11.7's for each trace.",
        discussion: """
        Runs each trace under CPython's own asyncio with the reference prelude \
        (reference/vloop_reference.py, or the file named by VLOOP_REFERENCE) and under vloop, \
        and shows the first event where the two logs differ. Needs python3 3.11.7 \
        (or the interpreter named by VLOOP_PYTHON).

        Examples:
          vloop verify fixtures/conformance
          VLOOP_PYTHON=/opt/py311/bin/python3 vloop verify my.trace
        """
    )

    @ArgumentParser.Argument(help: "Trace files or folders (searched recursively for *.trace).")
    var paths: [String]

    @Option(help: "Stop a run after this many loop callbacks (status 'limit').")
    var maxSteps: Int = 10_000_000

    @Option(help: "Stop a run when the virtual clock would pass this many seconds.")
    var maxTime: Double = 86400

    func run() throws {
        let traces = tracesOrExit(paths)
        guard let reference = locateReference() else {
            exitUsage("cannot find reference/vloop_reference.py; run from the repository or set VLOOP_REFERENCE")
        }
        let python = ProcessInfo.processInfo.environment["VLOOP_PYTHON"] ?? "python3"
        var same = 0, different = 0
        for path in traces {
            let ours: [String]
            switch TraceLoader.load(path: path) {
            case .failure(.unreadable(let why)):
                exitUsage(why)
            case .failure(.invalid(let file, let diagnostics)):
                for d in diagnostics { printError(d.rendered(in: file)) }
                print("FAIL  \(path)  (vloop cannot run it)")
                different += 1
                continue
            case .success(let trace):
                let report = TraceRunner.run(trace.compiled, limits: RunLimits(maxSteps: maxSteps, maxTime: maxTime))
                ours = report.events.map(\.jsonLine)
            }
            let result = runProcess(python, [reference, "--max-steps", String(maxSteps), "--max-time", floatRepr(maxTime), path])
            guard let result, result.status != 127 else {
                exitUsage("cannot run \(python): verify needs CPython 3.11.7 (set VLOOP_PYTHON to its path)")
            }
            if result.status == 2 {
                exitUsage("the reference could not run \(path): \(result.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
            }
            let theirs = result.stdout.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
            let firstDifference = zip(ours, theirs).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset
                ?? (ours.count == theirs.count ? nil : min(ours.count, theirs.count))
            if let i = firstDifference {
                different += 1
                print("DIFF  \(path)  first difference at event \(i + 1)")
                for j in max(0, i - 2)..<i { print("        \(ours[j])") }
                print("  vloop:   \(i < ours.count ? ours[i] : "(no more events)")")
                print("  CPython: \(i < theirs.count ? theirs[i] : "(no more events)")")
            } else {
                same += 1
                print("same  \(path)  (\(ours.count) events)")
            }
        }
        print("\(same) passed, \(different) failed")
        if different > 0 { throw ExitCode(1) }
    }

    private func locateReference() -> String? {
        if let env = ProcessInfo.processInfo.environment["VLOOP_REFERENCE"] { return env }
        var candidates: [URL] = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath)]
        candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent())
        for start in candidates {
            var dir = start
            for _ in 0..<6 {
                let f = dir.appendingPathComponent("reference/vloop_reference.py").path
                if FileManager.default.fileExists(atPath: f) { return f }
                dir = dir.deletingLastPathComponent()
            }
        }
        return nil
    }
}

struct ProcessResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs a program found on PATH and collects its output.
func runProcess(_ program: String, _ arguments: [String]) -> ProcessResult? {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = [program] + arguments
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
    let e = collected.data
    return ProcessResult(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                         stderr: String(decoding: e, as: UTF8.self))
}
