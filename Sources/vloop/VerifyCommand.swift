import ArgumentParser
import Foundation
import RunModel
import VLoop

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Compare vloop's event log with CPython 3.11.7's for each trace.",
        discussion: """
            Runs each trace under CPython's own asyncio with the reference prelude \
            (reference/vloop_reference.py, built into vloop; or the file named by VLOOP_REFERENCE) \
            and under vloop, and shows the first event where the two logs differ. Needs python3 3.11.7 \
            (or the interpreter named by VLOOP_PYTHON). A trace that imports random is skipped: its \
            draws differ between vloop and CPython.

            Safe on untrusted traces within limits: a trace that vloop check refuses is not run under \
            CPython (REFUSED); CPython runs the others in a child process with resource limits, \
            only vloop's modules and builtins, and an audit hook that stops it at any file, process or \
            network access (BLOCKED), killed after --timeout seconds (STOPPED). Any of these exits 2. \
            The audit hook is not a security boundary against a determined attacker: run CI on \
            untrusted pull requests in a container too (README, "vloop verify").

            Examples:
              vloop verify fixtures/conformance
              VLOOP_PYTHON=/opt/py311/bin/python3 vloop verify my.trace
            """
    )

    @ArgumentParser.Argument(
        help: "Trace files (.trace or .py) or folders (searched for *.trace, test_*.py and *_test.py).")
    var paths: [String]

    @OptionGroup var modulePaths: ModulePathOptions

    @Option(help: "Stop a run after this many loop callbacks (status 'limit').")
    var maxSteps: Int = 10_000_000

    @Option(help: "Stop a run when the virtual clock would pass this many seconds.")
    var maxTime: Double = 86400

    @Option(help: "Kill CPython's run of a trace after this many seconds (also its CPU-seconds limit).")
    var timeout: Double = 120

    @Option(help: "The address space CPython's run of a trace may take, in MiB (RLIMIT_AS).")
    var maxCpythonMemory: Int = 4096

    func run() throws {
        let traces = tracesOrExit(paths)
        let python = ProcessInfo.processInfo.environment["VLOOP_PYTHON"] ?? "python3"
        let verifier = Verifier(
            python: python, reference: Verifier.locateReference(),
            limits: RunLimits(maxSteps: maxSteps, maxTime: maxTime), modulePaths: modulePaths.resolved,
            sandbox: VerifySandbox(timeout: timeout, maxMemory: maxCpythonMemory << 20))
        var same = 0, different = 0, skipped = 0, refused = 0
        for path in traces {
            let outcome: Verifier.Outcome
            do { outcome = try verifier.verify(path: path) } catch let failure as Verifier.Failure {
                exitUsage(failure.description)
            }
            switch outcome {
            case .invalid(let errors):
                for shown in errors.shown { printError(shown.rendered) }
                let count = errors.diagnostics.count
                print("REFUSED  \(path)  vloop does not accept it (\(count) error\(count == 1 ? "" : "s")): not run")
                refused += 1
            case .blocked(let why):
                print("BLOCKED  \(path)  CPython's run was stopped: \(why)")
                refused += 1
            case .stopped(let why):
                print("STOPPED  \(path)  \(why)")
                refused += 1
            case .different(let d):
                different += 1
                print("DIFF  \(path)  first difference at event \(d.index + 1)")
                for line in d.context { print("        \(line)") }
                print("  vloop:   \(d.ours ?? "(no more events)")")
                print("  CPython: \(d.theirs ?? "(no more events)")")
            case .same(let events):
                same += 1
                print("same  \(path)  (\(events) events)")
            case .cpythonFailed(let why):
                different += 1
                print("FAIL  \(path)  CPython could not run the trace: \(why)")
            case .usesRandom:
                skipped += 1
                print(
                    "SKIP  \(path)  the trace uses random, whose draws differ between vloop and CPython: "
                        + "verify cannot compare them")
            }
        }
        print("\(same) passed, \(different + refused) failed" + (skipped > 0 ? ", \(skipped) skipped" : ""))
        if refused > 0 { throw ExitCode(2) }
        if different > 0 { throw ExitCode(1) }
    }
}
