import Foundation

/// What a program printed and how it exited.
struct ProcessOutput {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// The run database of this test process's `vloop` commands (unless a test
/// names its own), so that the tests never write the repository's `.vloop/`.
let testDatabase: String = FileManager.default.temporaryDirectory
    .appendingPathComponent("vloop-tests-\(ProcessInfo.processInfo.processIdentifier)/runs.sqlite").path

/// Runs `executable` with `arguments` in the repository's root and collects
/// both streams (standard error on another thread, so that neither pipe
/// fills up and blocks the child). Nil when the program cannot start.
/// `environment` is added to this process's, with VLOOP_DB set to `testDatabase` by default.
func runProcess(_ executable: URL, _ arguments: [String], environment: [String: String] = [:]) -> ProcessOutput? {
    let p = Process()
    p.executableURL = executable
    p.arguments = arguments
    p.currentDirectoryURL = repositoryRoot
    var env = ProcessInfo.processInfo.environment
    env["VLOOP_DB"] = testDatabase
    env.removeValue(forKey: "NO_COLOR")
    for (k, v) in environment { env[k] = v }
    p.environment = env
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    do { try p.run() } catch { return nil }
    final class Collected: @unchecked Sendable { var data = Data() }
    let collected = Collected()
    let done = DispatchSemaphore(value: 0)
    Thread {
        collected.data = err.fileHandleForReading.readDataToEndOfFile()
        done.signal()
    }.start()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    done.wait()
    return ProcessOutput(
        status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
        stderr: String(decoding: collected.data, as: UTF8.self))
}
