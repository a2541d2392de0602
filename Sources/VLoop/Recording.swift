import Foundation

/// `vloop record`: runs a real asyncio program under CPython with the
/// recorder (`reference/vloop_record.py`, built into vloop) and writes a
/// trace that vloop replays (README, "Recording a real program").
///
///     let recording = Recording(python: "python3", program: "app.py", arguments: ["8080"])
///     let ending = try recording.run()   // .complete, .partial or .nothingWritten
///
/// The recorder itself stops the program at `timeout` and writes what it
/// saw as a partial trace; a program stuck where Python cannot interrupt it
/// (a blocking call in C) is killed 10 seconds later, and then no trace is written.
public struct Recording: Sendable {
    /// The Python interpreter that runs the program, as the command line named it.
    public var python: String
    /// The program's file.
    public var program: String
    /// The program's own arguments (its `sys.argv[1:]`).
    public var arguments: [String]
    /// Where the trace goes; nil for `PROGRAM_STEM.recorded.trace` beside the program.
    public var out: String?
    /// Durations are rounded to this many seconds.
    public var resolution: Double
    /// The program is stopped after this many seconds of real time.
    public var timeout: Double
    /// One straight-line coroutine per task instead of the program's own code.
    public var model: Bool
    /// Where to write the raw recording (JSON: the events with their real times); nil for nowhere.
    public var recordingFile: String?
    /// The `vloop` executable the recorder replays the trace with, to tell which
    /// events only a race ordered (those the replay puts at one instant); nil to
    /// judge by the real times alone.
    public var replayer: String?
    /// Folders, besides the program's, that the replay imports modules from (`--path`).
    public var modulePaths: [String]

    public init(
        python: String, program: String, arguments: [String] = [], out: String? = nil, resolution: Double = 0.001,
        timeout: Double = 60, model: Bool = false, recordingFile: String? = nil, replayer: String? = nil,
        modulePaths: [String] = []
    ) {
        self.python = python
        self.program = program
        self.arguments = arguments
        self.out = out
        self.resolution = resolution
        self.timeout = timeout
        self.model = model
        self.recordingFile = recordingFile
        self.replayer = replayer
        self.modulePaths = modulePaths
    }

    /// How a recording ended.
    public enum Ending: Sendable, Equatable {
        /// The program ran to its end; the trace is complete.
        case complete(trace: String)
        /// The program failed, exited early, ran out of time or did something the
        /// recorder cannot record; the trace (marked PARTIAL) holds what was seen.
        case partial(trace: String)
        /// Nothing was written (the recorder said why on stderr).
        case nothingWritten
    }

    /// Why the recorder could not be run at all.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The trace's path: `out`, or the default beside the program.
    public var tracePath: String {
        if let out { return out }
        let folder = (program as NSString).deletingLastPathComponent
        let stem = ((program as NSString).lastPathComponent as NSString).deletingPathExtension
        return ((folder.isEmpty ? "." : folder) as NSString).appendingPathComponent("\(stem).recorded.trace")
    }

    /// What replaying a written trace says of it.
    public enum Replay: Sendable, Equatable {
        /// The replay holds every recorded property: the recorded order holds. `events` counts its events.
        case holds(events: Int)
        /// The replay's properties broke: each failure, then each problem of the run.
        case differs([String])
        /// vloop cannot run the program's code (the trace's errors, or an import it does not
        /// provide, each as `file:line:column` where known): record with `model` instead.
        case cannotRun([String])
    }

    /// The folders a replay imports the program's modules from: the program's own, then `modulePaths`.
    public var searchPaths: [String] {
        let folder = (program as NSString).deletingLastPathComponent
        return [folder.isEmpty ? "." : folder] + modulePaths
    }

    /// Loads the trace as `vloop run` would, with ``searchPaths``, and replays it once.
    public func replay(trace: String) -> Replay {
        let absolute = Self.absolute(trace)
        let loaded: Trace
        do { loaded = try Trace(file: absolute, searchPaths: searchPaths) } catch {
            return .cannotRun([error.description])
        }
        let run = loaded.replay()
        if run.passed { return .holds(events: run.events.filter { $0.kind != .runEnd }.count) }
        if run.status == .exception, run.value.hasPrefix("ModuleNotFoundError") || run.value.hasPrefix("ImportError") {
            if case .success(let checked) = SuiteRunner.load(path: absolute, modulePaths: searchPaths),
                let errors = ImportCheck.unavailableImports(of: checked)
            {
                return .cannotRun(errors.shown.map(\.rendered))
            }
            return .cannotRun([run.value])
        }
        return .differs(run.failedProperties.map(\.message) + run.problems)
    }

    /// The trace's errors when vloop cannot compile it (or a module it imports), each
    /// with its file:line:column; empty when it compiles. Nothing runs.
    public func errors(trace: String) -> [String] {
        do { _ = try Trace(file: Self.absolute(trace), searchPaths: searchPaths) } catch {
            return [error.description]
        }
        return []
    }

    private static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
    }

    /// The recorder built into vloop.
    public static var builtInRecorder: String {
        String(decoding: PackageResources.vloop_record_py, as: UTF8.self)
    }

    /// Runs the program under the recorder, its output and the recorder's
    /// messages going to this process's stdout and stderr.
    public func run() throws -> Ending {
        let folder = (NSTemporaryDirectory() as NSString).appendingPathComponent(
            "vloop_record-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
        let script = (folder as NSString).appendingPathComponent("vloop_record.py")
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try Data(PackageResources.vloop_record_py).write(to: URL(fileURLWithPath: script))
        } catch {
            throw Failure(description: "cannot write the recorder to \(folder): \(error.localizedDescription)")
        }
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let trace = tracePath
        try? FileManager.default.removeItem(atPath: trace)

        var command = [python, script, "--out", trace, "--resolution", "\(resolution)", "--timeout", "\(timeout)"]
        if model { command.append("--model") }
        if let recordingFile { command += ["--recording", recordingFile] }
        if let replayer { command += ["--vloop", replayer] }
        for folder in modulePaths { command += ["--path", folder] }
        command += ["--", program] + arguments

        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = command
        do { try p.run() } catch {
            throw Failure(description: "cannot run \(python): \(error.localizedDescription)")
        }
        // The backstop: the recorder stops the program itself at `timeout`.
        let pid = p.processIdentifier
        let backstop = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout + 10, execute: backstop)
        p.waitUntilExit()
        backstop.cancel()
        if p.terminationReason == .uncaughtSignal {
            throw Failure(
                description:
                    "the program did not stop \(Int(timeout + 10)) s after it started (--timeout \(timeout)): "
                    + "it was killed, and nothing was written")
        }
        if p.terminationStatus == 127 {
            throw Failure(description: "cannot run \(python): record needs CPython (3.11.7 records what vloop replays)")
        }
        let written = FileManager.default.fileExists(atPath: trace)
        switch (p.terminationStatus, written) {
        case (0, true): return .complete(trace: trace)
        case (_, true): return .partial(trace: trace)
        default: return .nothingWritten
        }
    }
}
