import ArgumentParser
import Foundation
import VLoop

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Replay traces, check their properties, and record the runs.",
        discussion: """
            Prints one line per trace with its status and virtual duration, then `N passed, N failed`. \
            A trace fails when a property breaks, when the run ends with a status no property expected \
            (an exception, a deadlock, a limit), or when it has errors (shown as file:line:column).

            Every run is recorded in the run database (--db; default $VLOOP_DB, else .vloop/runs.sqlite) \
            under a label (default: the git commit, with -dirty when tracked files have changes), \
            for `vloop runs`, `vloop show` and `vloop report`. --no-store records nothing.

            Examples:
              vloop run fixtures/seed fixtures/conformance
              vloop run --events fixtures/seed/run-create-task-results.trace
              vloop run --output --max-time 3600 my.trace
              vloop run --json fixtures/ > summary.json
              vloop run --label main --repeat 5 fixtures/    (5 wall-time samples each)
              vloop run --junit results.xml fixtures/        (JUnit XML for CI)
              vloop run --shard 2/4 --db shard2.sqlite fixtures/  (a quarter of them)
              vloop run --runs 1000 fixtures/explore/response-races-timer.trace
              vloop run --runs 1000 --strategy pct --depth 2 my.trace
              vloop run --seed 0 --strategy pct --run 17 --events my.trace   (replays run 17)
              vloop run --perturbations .vloop/shrunk/my-seed0-run17.json my.trace   (its shrunk run)
              vloop run --shard 2/4 --runs 100000 my.trace  (a quarter of the runs)
              vloop run --check-determinism fixtures/   (every run twice, compared)
              vloop run --path src tests/test_orders.py   (imports the service's modules from src/)

            A trace may import the user's own modules and packages from its folder, then from each \
            --path folder, then from those of $VLOOP_PATH. In a folder, *.trace files and Python test \
            files (test_*.py, *_test.py) outside packages are traces; a file named on the command line \
            always is.

            Exploring: a trace that calls sim.explore(...), or any of --runs, --jitter, --timer-jitter, \
            --shuffle-ready, is replayed under many perturbed worlds (run 0 is the nominal replay; every \
            run is recorded with its index); the first failing run is shrunk to a fixed point (every \
            perturbation kept is needed) and each kept perturbation to the smallest size that still breaks \
            it, and shown with the command that replays it and a perturbation file (beside the run \
            database, in shrunk/) that --perturbations replays exactly.
            """
    )

    @ArgumentParser.Argument(
        help: "Trace files (.trace or .py) or folders (searched for *.trace, test_*.py and *_test.py).")
    var paths: [String] = ["."]

    @Flag(help: "Print each run's event log as JSON Lines on stdout (status lines go to stderr).")
    var events = false

    @Flag(help: "Echo what the traces print and log on stdout, as running them would.")
    var output = false

    @Flag(help: "Print the summary as JSON on stdout (status lines go to stderr).")
    var json = false

    @Option(help: "Stop a run after this many loop callbacks (status 'limit').")
    var maxSteps: Int = 10_000_000

    @Option(help: "Stop a run when the virtual clock would pass this many seconds.")
    var maxTime: Double = 86400

    @Option(help: "Bound the interpreted instructions of any single step.")
    var maxInstructions: Int = 100_000_000

    @Option(
        help: ArgumentHelp(
            "Stop a run when the memory it adds passes this size (status 'limit', value 'max-memory'): bytes, or a number with K, M, G or T (binary: 512M, 2G). Default: a quarter of the machine's memory, at most 2G.",
            valueName: "size"))
    var maxMemory: String?

    @Flag(help: "Do not stop a run early when it cycles without progress (status 'limit', value 'livelock').")
    var noLivelockDetection = false

    @Option(
        help: "Loop steps without a print, log, task, job or I/O after which a run's state is compared for a livelock.")
    var livelockSteps: Int = 10_000

    @Option(help: "The seed of the `random` module in traces.")
    var seed: Int = 0

    @Option(help: "Replay each trace this many times (wall-time samples for `vloop report`).")
    var `repeat`: Int = 1

    @OptionGroup var store: StoreOptions

    @OptionGroup var modulePaths: ModulePathOptions

    @Flag(help: "Do not record the runs.")
    var noStore = false

    @OptionGroup(title: "Exploring")
    var explore: ExploreOptions

    @Option(help: "The label the runs are recorded under (default: the git commit, with -dirty for changes).")
    var label: String?

    @Option(help: ArgumentHelp("Write the results as JUnit XML to this file.", valueName: "file"))
    var junit: String?

    @Option(
        help: ArgumentHelp(
            "Replay only shard i of n: of each exploration's runs when the command line explores (run r is shard ((r-1) mod n)+1's; every shard replays run 0), else of the sorted traces.",
            valueName: "i/n"))
    var shard: String?

    @Flag(
        help:
            "Replay every run (nominal, repetitions, explored) twice in fresh loops; fail a trace whose two event logs differ."
    )
    var checkDeterminism = false

    func validate() throws {
        if maxSteps < 1 { throw ValidationError("--max-steps must be at least 1") }
        if !(maxTime > 0) || !maxTime.isFinite {
            throw ValidationError("--max-time must be a positive number of seconds")
        }
        if maxInstructions < 1 { throw ValidationError("--max-instructions must be at least 1") }
        if let maxMemory { _ = try Self.memorySize(maxMemory) }
        if livelockSteps < 1 { throw ValidationError("--livelock-steps must be at least 1") }
        if seed < 0 { throw ValidationError("--seed must not be negative") }
        if `repeat` < 1 { throw ValidationError("--repeat must be at least 1") }
        if let label, label.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--label must not be empty")
        }
        if let shard, let problem = SuiteOptions.Shard.problem(shard) { throw ValidationError(problem) }
        if let shard, let run = explore.run {
            throw ValidationError(
                "--shard \(shard) and --run \(run) cannot be combined: --run replays one run, which is one shard's; drop --shard"
            )
        }
        if let shard, explore.perturbations != nil {
            throw ValidationError(
                "--shard \(shard) and --perturbations cannot be combined: a perturbation file replays one run; drop --shard"
            )
        }
    }

    /// The bytes `--max-memory` gives, or why it is not a size vloop accepts.
    static func memorySize(_ text: String) throws -> Int {
        guard let bytes = RunLimits.parseMemorySize(text) else {
            throw ValidationError(
                "--max-memory must be a size in bytes, or a number with K, M, G or T (such as 512M or 2G), not '\(text)'"
            )
        }
        if bytes < RunLimits.minimumMaxMemory {
            throw ValidationError(
                "--max-memory must be at least 16M (\(RunLimits.minimumMaxMemory) bytes), not '\(text)'")
        }
        return bytes
    }

    /// The suite these flags describe.
    var suiteOptions: SuiteOptions {
        var o = SuiteOptions(
            paths: paths, seed: seed, repetitions: `repeat`, exploration: explore.suiteOptions,
            storage: SuiteOptions.Storage(
                databasePath: store.resolvedPath, label: label,
                noStore: noStore,
                arguments: Array(CommandLine.arguments.dropFirst())),
            junitPath: junit, shard: shard.flatMap(SuiteOptions.Shard.init),
            keepsEvents: events || output,
            // The process exits right after the suite: its runs' objects are freed then, not one by one.
            keepsRunsAlive: true, modulePaths: modulePaths.resolved)
        o.checksDeterminism = checkDeterminism
        o.limits.maxSteps = maxSteps
        o.limits.maxTime = maxTime
        o.limits.maxInstructions = maxInstructions
        if let maxMemory, let bytes = try? Self.memorySize(maxMemory) { o.limits.maxMemory = bytes }
        o.limits.detectsLivelock = !noLivelockDetection
        o.limits.livelockSteps = livelockSteps
        return o
    }

    func run() throws {
        let printer = RunPrinter(statusToStderr: events || json || output, events: events, output: output)
        let result: SuiteResult
        do {
            result = try SuiteRunner(suiteOptions).run { printer.show($0) }
        } catch {
            exitUsage(error.description)
        }
        if json {
            FileHandle.standardOutput.write(try result.jsonSummary() + "\n".data(using: .utf8)!)
            printError(result.closingLine)
        } else {
            printer.status(result.closingLine)
        }
        fflush(stdout)
        withExtendedLifetime(result) { Foundation.exit(result.allPassed ? 0 : 1) }
    }
}

/// Prints what the suite runner reports, as `vloop run` always has: status lines on
/// stdout (on stderr when stdout carries events or JSON), diagnostics on stderr,
/// and a progress bar while a trace is explored.
final class RunPrinter: @unchecked Sendable {
    let statusToStderr: Bool
    let events: Bool
    let output: Bool
    private let lock = NSLock()
    private var bar: ProgressBar?

    init(statusToStderr: Bool, events: Bool, output: Bool) {
        self.statusToStderr = statusToStderr
        self.events = events
        self.output = output
    }

    func status(_ s: String) {
        if statusToStderr { printError(s) } else { print(s) }
    }

    func show(_ progress: SuiteProgress) {
        switch progress {
        case .started:
            break
        case .traceErrors(_, let errors):
            for e in errors { printError(e.rendered) }
        case .explorationStarted(let trace, let runs):
            lock.lock()
            bar = ProgressBar(total: runs, label: trace)
            lock.unlock()
        case .explorationProgress(_, let done, _):
            lock.lock()
            let current = bar
            lock.unlock()
            current?.update(done)
        case .shrinking(_, let replays):
            lock.lock()
            let current = bar
            lock.unlock()
            current?.shrinking(replays)
        case .explorationFinished:
            lock.lock()
            bar?.clear()
            bar = nil
            lock.unlock()
        case .traceFinished(let trace):
            if events {
                var out = ""
                for e in trace.events { out += e.jsonLine + "\n" }
                FileHandle.standardOutput.write(out.data(using: .utf8)!)
            }
            if output {
                var out = ""
                for e in trace.events where e.kind == .print || e.kind == .log { out += (e.text ?? "") + "\n" }
                FileHandle.standardOutput.write(out.data(using: .utf8)!)
            }
            for line in trace.lines {
                switch line.stream {
                case .status: status(line.text)
                case .diagnostic: printError(line.text)
                }
            }
            // A pipe's stdout is block-buffered: a trace's line goes out as it finishes
            // (its runs are recorded by then), so that a killed suite's log shows what finished.
            fflush(stdout)
        case .recorded(let r):
            if let lo = r.runIDs.min(), let hi = r.runIDs.max() {
                let n = r.runIDs.count
                printError(
                    "recorded \(n) run\(n == 1 ? "" : "s") (\(lo == hi ? "\(lo)" : "\(lo)–\(hi)")) in \(r.databasePath) as \(r.label); `vloop runs` lists them"
                )
            }
        }
    }
}
