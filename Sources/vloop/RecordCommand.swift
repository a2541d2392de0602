import ArgumentParser
import Foundation
import VLoop

struct RecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record a real asyncio program under CPython and write a trace that replays it.",
        discussion: """
            Runs the program unchanged with real time, real threads and real sockets, under a \
            recorder (standard-library Python, built into vloop), and writes a trace: the simulated \
            world as observed (sim.peer declarations with the recorded connect, DNS and reply \
            timings and bytes; stand-ins for executor jobs vloop cannot run, taking the recorded \
            time and returning the recorded value), then the program run from its own module, then \
            expect lines that pin the recorded order of prints and task completions. vloop then \
            replays the trace once and says whether the recorded order holds.

            With --model the trace is instead one straight-line coroutine per recorded task (its \
            awaits, sleeps, jobs and I/O in order, with the recorded durations), for programs whose \
            code vloop cannot run.

            Exit status: 0 when the program ran to its end and the replay holds its order; 1 when \
            the replay does not; 2 when the program failed, exited early, ran past --timeout or \
            did something the recorder cannot record (a partial trace, marked PARTIAL, is written \
            when anything was recorded), or when vloop cannot run the program's code.

            Examples:
              vloop record -- python3 app.py
              vloop record --out traces/checkout.trace --resolution 0.005 -- python3 app.py --port 8080
              vloop record --model -- python3 legacy_client.py
            """
    )

    @Option(
        help: ArgumentHelp("Where to write the trace (default: PROGRAM.recorded.trace beside it).", valueName: "file"))
    var out: String?

    @Option(help: "Round recorded durations to this many seconds.")
    var resolution: Double = 0.001

    @Option(help: "Stop the program after this many seconds of real time and write a partial trace.")
    var timeout: Double = 60

    @Flag(help: "Write one straight-line coroutine per task instead of running the program's code.")
    var model = false

    @Option(help: ArgumentHelp("Also write the raw recording (JSON: events with their real times).", valueName: "file"))
    var recording: String?

    @OptionGroup var modulePaths: ModulePathOptions

    @ArgumentParser.Argument(
        parsing: .postTerminator,
        help: ArgumentHelp("After --: the Python interpreter, the program and its arguments.", valueName: "command"))
    var command: [String] = []

    func validate() throws {
        guard resolution > 0, resolution.isFinite else {
            throw ValidationError("--resolution must be a positive number of seconds")
        }
        guard timeout > 0, timeout.isFinite else {
            throw ValidationError("--timeout must be a positive number of seconds")
        }
    }

    func run() throws {
        guard let interpreter = command.first else {
            exitUsage("record needs a program after --: vloop record -- python3 PROGRAM [ARGS...]")
        }
        let name = (interpreter as NSString).lastPathComponent
        guard name.hasPrefix("python") else {
            if interpreter.hasSuffix(".py") {
                exitUsage("give the interpreter first: vloop record -- python3 \(command.joined(separator: " "))")
            }
            exitUsage("\(interpreter) is not Python: vloop record records Python asyncio programs (-- python3 PROGRAM)")
        }
        guard command.count >= 2, !command[1].hasPrefix("-") else {
            exitUsage("after \(interpreter), give the program's file (options such as -m or -c are not supported)")
        }
        let recording = Recording(
            python: interpreter, program: command[1], arguments: Array(command.dropFirst(2)), out: out,
            resolution: resolution, timeout: timeout, model: model, recordingFile: recording,
            replayer: URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path,
            modulePaths: modulePaths.resolved)
        let ending: Recording.Ending
        do { ending = try recording.run() } catch let failure as Recording.Failure { exitUsage(failure.description) }
        switch ending {
        case .nothingWritten:
            throw ExitCode(2)
        case .partial(let trace):
            // A partial trace is not replayed (it may never end), only compiled.
            let errors = recording.errors(trace: trace)
            if !errors.isEmpty { cannotRun(trace, errors) }
            throw ExitCode(2)
        case .complete(let trace):
            switch recording.replay(trace: trace) {
            case .holds(let events):
                printError("vloop record: replayed \(trace): PASS, the recorded order holds (\(events) events)")
            case .cannotRun(let errors):
                cannotRun(trace, errors)
            case .differs(let failures):
                printError("vloop record: replayed \(trace): FAIL, the replay does not reproduce the recording:")
                for failure in failures { printError("  \(failure)") }
                throw ExitCode(1)
            }
        }
    }

    private func cannotRun(_ trace: String, _ errors: [String]) -> Never {
        for error in errors { printError(error) }
        exitUsage(
            "\(trace) was written, but vloop cannot run the program's code (above); "
                + "record again with --model for a model of each task instead")
    }
}
