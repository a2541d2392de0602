import ArgumentParser
import Foundation
import VLoop

@main
struct Vloop: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vloop",
        abstract: "Replay asyncio traces deterministically on a virtual clock and check their properties.",
        discussion: """
            A trace is a small asyncio program (a subset of Python 3.11) that says what each task does \
            and what must hold about the order of events. vloop replays it on an event loop whose clock \
            is virtual: an hour of sleeps replays in microseconds, identically every time.

            Examples:
              vloop run fixtures/seed                 replay every trace in a folder
              vloop run --events my.trace             print the event log as JSON Lines
              vloop check fixtures/                   only parse and validate
              vloop verify my.trace                   compare with CPython 3.11.7's asyncio
              vloop runs                              the recorded runs, newest first
              vloop show 12 --format html             one run's timeline (reports/)
              vloop report                            the two latest labels compared
              vloop report --format html              ... as a page with timelines
              vloop migrate                           bring the run database to this vloop's schema
              vloop run --runs 500 t.trace            explore perturbed timings

            Exit status: 0 when every trace passed, 1 when one failed or has errors, \
            2 when the command itself could not run.
            """,
        version: vloopVersion,
        subcommands: [
            RunCommand.self, CheckCommand.self, VerifyCommand.self, RecordCommand.self, RunsCommand.self,
            ShowCommand.self,
            ReportCommand.self, MergeCommand.self, MigrateCommand.self,
        ]
    )

    /// Parses and runs the command; bad flags exit with status 2, as DESIGN.md's
    /// conventions say (swift-argument-parser's own default is 64).
    static func main() {
        Allocator.tune()
        // A file size limit (ulimit -f) reached makes a write fail with EFBIG, which the
        // run database reports as an error (exit 2), instead of killing the process.
        signal(SIGXFSZ, SIG_IGN)
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                printError(fullMessage(for: error))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

/// Writes to standard error.
func printError(_ s: String) {
    fflush(stdout)  // keep the two streams in order on a terminal
    FileHandle.standardError.write((s + "\n").data(using: .utf8)!)
}

/// The traces named on the command line (`SuiteRunner.findTraces`); exits with
/// status 2 when a path does not exist or cannot be read, or when no trace is found.
func tracesOrExit(_ paths: [String]) -> [String] {
    do {
        return try SuiteRunner.findTraces(paths)
    } catch {
        exitUsage(error.description)
    }
}

/// Exits with status 2 and the message, the way swift-argument-parser reports usage errors.
func exitUsage(_ message: String) -> Never {
    printError("vloop: \(message)")
    Foundation.exit(2)
}
