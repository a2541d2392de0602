// Usage: LibraryReplay TRACE VLOOP [ROUNDS]
//        LibraryReplay --once TRACE     (one library replay; prints its wall and CPU seconds)
//
// Replays TRACE with `Trace(contentsOf:)` and `replay()` in a fresh process
// of its own (`--once`, which times the load and replay inside that process,
// so its start-up is not counted), and as a whole process with
// `VLOOP run --no-store --output TRACE`; measures `VLOOP --version` as the
// cost of starting the process. Each sample is a fresh process, so no
// sample inherits another's heap; the three are interleaved, round after
// round, so a noisy machine slows all of them alike; it prints the medians
// and the ratio
//     library / (vloop run --no-store - start-up)
// which is at most 1 when a replay through the library costs no more than
// the same replay through the command line without its process start-up.
// Beside wall time it measures CPU time (user + system), which a machine busy
// with other work disturbs less. The library's replay frees its world on
// another thread after handing back the run: its CPU time counts that
// thread's work until the replay returns, not the teardown after.
import Foundation
import VLoop

let arguments = CommandLine.arguments
if arguments.count == 3, arguments[1] == "--once" {
    let (cost, run) = try timeLibrary(URL(fileURLWithPath: arguments[2]))
    guard run.status == .ok else {
        FileHandle.standardError.write(Data("LibraryReplay: the replay ended \(run.status): \(run.value)\n".utf8))
        exit(1)
    }
    print(cost.wall, cost.cpu, run.output.last ?? "")
    exit(0)
}
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: LibraryReplay TRACE VLOOP [ROUNDS]\n".utf8))
    exit(2)
}
let traceURL = URL(fileURLWithPath: arguments[1])
let vloop = arguments[2]
let rounds = arguments.count > 3 ? Int(arguments[3]) ?? 5 : 5

func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }

/// A wall time and a CPU time (user + system), in seconds.
struct Cost {
    var wall: Double
    var cpu: Double
}

/// CPU time (user + system) of this process (`RUSAGE_SELF`) or of its waited-for children.
func cpuSeconds(_ who: __rusage_who.RawValue) -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(who), &usage)
    func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

func wallSeconds(since start: DispatchTime) -> Double {
    Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
}

/// Runs `arguments` as a process, its output discarded; its wall and CPU time.
func timeProcess(_ arguments: [String]) -> Cost {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: arguments[0])
    process.arguments = Array(arguments.dropFirst())
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    let cpu = cpuSeconds(RUSAGE_CHILDREN.rawValue)
    let start = DispatchTime.now()
    do { try process.run() } catch {
        FileHandle.standardError.write(Data("LibraryReplay: cannot run \(arguments[0]): \(error)\n".utf8))
        exit(2)
    }
    process.waitUntilExit()
    let wall = wallSeconds(since: start)
    guard process.terminationStatus == 0 else {
        FileHandle.standardError.write(Data("LibraryReplay: \(arguments.joined(separator: " ")) failed\n".utf8))
        exit(1)
    }
    return Cost(wall: wall, cpu: cpuSeconds(RUSAGE_CHILDREN.rawValue) - cpu)
}

/// Loads and replays the trace in this process; its wall and CPU time, and the run.
func timeLibrary(_ traceURL: URL) throws -> (Cost, Run) {
    let cpu = cpuSeconds(RUSAGE_SELF.rawValue)
    let start = DispatchTime.now()
    let run = try Trace(contentsOf: traceURL).replay()
    return (Cost(wall: wallSeconds(since: start), cpu: cpuSeconds(RUSAGE_SELF.rawValue) - cpu), run)
}

/// One library replay in a fresh process (`--once`): the cost it measured
/// inside, and the trace's last printed line.
func timeLibraryProcess() -> (Cost, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
    process.arguments = ["--once", traceURL.path]
    let pipe = Pipe()
    process.standardOutput = pipe
    do { try process.run() } catch {
        FileHandle.standardError.write(Data("LibraryReplay: cannot run itself: \(error)\n".utf8))
        exit(2)
    }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let fields = String(decoding: data, as: UTF8.self).split(separator: " ", maxSplits: 2)
    guard process.terminationStatus == 0, fields.count >= 2, let wall = Double(fields[0]), let cpu = Double(fields[1])
    else { exit(1) }
    let last = fields.count > 2 ? fields[2].trimmingCharacters(in: .newlines) : ""
    return (Cost(wall: wall, cpu: cpu), last)
}

var library: [Cost] = []
var command: [Cost] = []
var startup: [Cost] = []
var lastLine = ""
for round in 1...rounds {
    let (cost, last) = timeLibraryProcess()
    library.append(cost)
    lastLine = last
    command.append(timeProcess([vloop, "run", "--no-store", "--output", traceURL.path]))
    startup.append(timeProcess([vloop, "--version"]))
    print(
        String(
            format: "round %d: library %.3f s (cpu %.3f), vloop run --no-store %.3f s (cpu %.3f), start-up %.4f s (cpu %.4f)",
            round, library.last!.wall, library.last!.cpu, command.last!.wall, command.last!.cpu,
            startup.last!.wall, startup.last!.cpu))
}
for (what, key) in [("wall", \Cost.wall), ("cpu", \Cost.cpu)] {
    let (l, c, s) = (median(library.map { $0[keyPath: key] }), median(command.map { $0[keyPath: key] }), median(startup.map { $0[keyPath: key] }))
    print(String(format: "%@ median: library %.3f s; vloop run --no-store %.3f s, of which start-up %.4f s", what, l, c, s))
    print(String(format: "%@: library / (vloop run --no-store - start-up) = %.3f", what, l / (c - s)))
}
print("the trace's last line: \(lastLine)")
