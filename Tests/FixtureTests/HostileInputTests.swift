import Foundation
import Testing

/// Every input in `fixtures/invalid` as a hostile user gives it to the
/// `vloop` executable: under an address-space ceiling and a time bound, with
/// the default limits, the command must end by itself with exit status 1 or
/// 2 and a message, never a signal (a crash), a hang or a memory blow-up.
/// What each one says is checked by the golden files of `InvalidFixtureTests`
/// and `RuntimeErrorFixtureTests`; this checks how the process ends.
@Suite("Hostile input, as a process")
struct HostileInputTests {
    /// The address space one `vloop run` may take (`ulimit -v`), in KiB: the
    /// default `--max-memory` must end a run well before it.
    static let addressSpaceKiB = 4 * 1024 * 1024
    /// Seconds one input may take before it counts as a hang.
    static let seconds = 60

    static let inputs: [String] = {
        let dir = repositoryRoot.appendingPathComponent("fixtures/invalid")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { $0.hasSuffix(".trace") }.sorted().map { "fixtures/invalid/" + $0 }
    }()

    @Test func thereAreManyHostileInputs() { #expect(Self.inputs.count >= 40) }

    @Test("each input ends with exit 1 or 2 and a message, within the memory ceiling and time bound", arguments: inputs)
    func endsCleanly(_ path: String) throws {
        let binary = try #require(CommandLineTests.binary, "build the vloop executable first (swift build)")
        // `timeout` sends SIGKILL past the bound, so a hang shows as status 137;
        // the shell's `ulimit -v` is the ceiling, which a blow-up hits as an abort.
        let script = "ulimit -v \(Self.addressSpaceKiB) && exec timeout -s KILL \(Self.seconds) \"$0\" \"$@\""
        let r = try #require(
            runProcess(
                URL(fileURLWithPath: "/bin/sh"), ["-c", script, binary.path, "run", "--no-store", path]))
        #expect([1, 2].contains(r.status), "\(path): exit status \(r.status)\n\(r.stderr.suffix(2000))")
        let said = r.stdout + r.stderr
        #expect(said.contains(path), "\(path): the output does not name the input")
        #expect(
            said.contains("error") || said.contains("Error") || said.contains("FAIL"),
            "\(path): no message\n\(said.suffix(2000))")
    }
}
