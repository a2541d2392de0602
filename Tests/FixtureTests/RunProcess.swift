import Foundation
import VLoop

/// What a program printed and how it exited.
typealias ProcessOutput = ProcessResult

/// The run database of this test process's `vloop` commands (unless a test
/// names its own), so that the tests never write the repository's `.vloop/`.
let testDatabase: String = FileManager.default.temporaryDirectory
    .appendingPathComponent("vloop-tests-\(ProcessInfo.processInfo.processIdentifier)/runs.sqlite").path

/// Runs `executable` with `arguments` in the repository's root (VLoop's
/// `runProcess`). Nil when the program cannot start. `environment` is added
/// to this process's, with VLOOP_DB set to `testDatabase` by default.
func runProcess(_ executable: URL, _ arguments: [String], environment: [String: String] = [:]) -> ProcessOutput? {
    var env = ProcessInfo.processInfo.environment
    env["VLOOP_DB"] = testDatabase
    env.removeValue(forKey: "NO_COLOR")
    for (k, v) in environment { env[k] = v }
    return VLoop.runProcess(executable, arguments, environment: env, currentDirectory: repositoryRoot)
}
