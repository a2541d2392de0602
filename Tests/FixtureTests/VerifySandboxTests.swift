import Foundation
import Testing
import VLoop

#if canImport(Glibc)
import Glibc
#endif

/// `vloop verify` on hostile traces (fixtures/verify-attacks): each tries to
/// write or remove a file, run a command, open a connection, read the
/// terminal, a file or the environment, or exhaust the machine under CPython.
/// Each runs in a scratch copy of the folder, beside a file `victim`, a Unix
/// socket `sock` that listens, and with a secret in verify's environment; the
/// test proves that nothing was written (no `pwned*`), nothing removed, no
/// connection made and no secret shown, and that verify ended as expected.
@Suite("vloop verify on untrusted traces")
struct VerifySandboxTests {
    /// How verify must end on an attack.
    enum Ending: Sendable, CustomStringConvertible {
        /// Exit 2: vloop check refuses the trace, and CPython never ran it.
        case refused
        /// Exit 2: the sandbox stopped CPython's run at this action, naming it and the line.
        case blocked(String)
        /// Exit 2: a limit stopped CPython's run.
        case stopped(String)
        /// Exit 0: the attack failed under CPython with the same Python error as
        /// under vloop (the module or builtin is not there); the error, for the reader.
        case same(String)
        /// Exit 1: the attack failed under CPython with a Python error vloop
        /// does not raise the same way; the text is in the output.
        case differs(String)

        var description: String {
            switch self {
            case .refused: "refused"
            case .blocked(let s): "blocked at \(s)"
            case .stopped(let s): "stopped: \(s)"
            case .same(let s): "failed on both sides with \(s)"
            case .differs(let s): "failed under CPython with \(s)"
            }
        }
    }

    struct Attack: Sendable, CustomTestStringConvertible {
        var trace: String
        var ending: Ending
        var options: [String] = []
        var testDescription: String { "\(trace): \(ending)" }
    }

    static let folder = repositoryRoot.appendingPathComponent("fixtures/verify-attacks")

    /// Every trace of fixtures/verify-attacks, relative to the folder.
    static let traces: [String] = {
        let found = FileManager.default.enumerator(atPath: folder.path)?.compactMap { $0 as? String } ?? []
        return found.filter { $0.hasSuffix(".trace") }.sorted()
    }()

    /// Each attack as its `NAME.verify-expected` file beside `NAME.trace` says
    /// (a new attack is two new files): `ending:` one of refused, blocked,
    /// stopped, same or differs; `text:` the action, limit or error the output
    /// must show; `options:` verify's options, space-separated. An attack
    /// whose file is missing or malformed is left out here and reported by
    /// `everyAttackHasItsExpectation`.
    static let attacks: [Attack] = traces.compactMap { try? expectation(of: $0) }

    /// The attack of `trace`, from its `.verify-expected` file.
    static func expectation(of trace: String) throws -> Attack {
        let file = folder.appendingPathComponent(String(trace.dropLast(".trace".count)) + ".verify-expected")
        var fields: [String: String] = [:]
        for line in try String(contentsOf: file, encoding: .utf8).split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else {
                throw ExpectationError(file: file.path, line: String(line))
            }
            let value = line[line.index(after: colon)...].drop { $0 == " " }
            fields[String(line[..<colon])] = String(value)
        }
        let text = fields["text"] ?? ""
        let ending: Ending
        switch fields["ending"] {
        case "refused": ending = .refused
        case "blocked": ending = .blocked(text)
        case "stopped": ending = .stopped(text)
        case "same": ending = .same(text)
        case "differs": ending = .differs(text)
        default: throw ExpectationError(file: file.path, line: "ending: \(fields["ending"] ?? "(none)")")
        }
        let options = (fields["options"] ?? "").split(separator: " ").map(String.init)
        return Attack(trace: trace, ending: ending, options: options)
    }

    struct ExpectationError: Error, CustomStringConvertible {
        var file: String
        var line: String
        var description: String { "\(file): cannot read '\(line)'" }
    }

    static let secret = "vloop-test-secret-\(UUID().uuidString)"

    @Test("every trace of fixtures/verify-attacks has a readable .verify-expected file, and every such file its trace")
    func everyAttackHasItsExpectation() throws {
        #expect(Self.traces.count >= 41)
        for trace in Self.traces { _ = try Self.expectation(of: trace) }
        let expected = (FileManager.default.enumerator(atPath: Self.folder.path)?.compactMap { $0 as? String } ?? [])
            .filter { $0.hasSuffix(".verify-expected") }
        #expect(Set(expected.map { String($0.dropLast(".verify-expected".count)) + ".trace" }) == Set(Self.traces))
    }

    @Test(
        "the attack writes, removes, runs, connects, reads and shows nothing",
        .enabled(if: ReferenceTests.referenceAvailable),
        arguments: attacks)
    func attack(_ attack: Attack) throws {
        let bin = try #require(CommandLineTests.binary, "build the vloop executable first (swift build)")
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("vloop-attack-\(UUID().uuidString)")
        try FileManager.default.copyItem(
            at: repositoryRoot.appendingPathComponent("fixtures/verify-attacks"), to: scratch)
        defer { try? FileManager.default.removeItem(at: scratch) }
        try Data("keep me\n".utf8).write(to: scratch.appendingPathComponent("victim"))
        let listener = try #require(UnixListener(path: scratch.appendingPathComponent("sock").path))
        defer { listener.close() }

        var env = ProcessInfo.processInfo.environment
        env["VLOOP_DB"] = testDatabase
        env.removeValue(forKey: "VLOOP_PATH")
        env.removeValue(forKey: "VLOOP_REFERENCE")
        env["VLOOP_TEST_SECRET"] = Self.secret
        let result = VLoop.runProcess(
            bin, ["verify"] + attack.options + [attack.trace], environment: env, currentDirectory: scratch)
        let r = try #require(result)
        let output = r.stdout + r.stderr

        let left = try FileManager.default.subpathsOfDirectory(atPath: scratch.path)
        #expect(left.filter { ($0 as NSString).lastPathComponent.hasPrefix("pwned") } == [], "\(output)")
        #expect(FileManager.default.fileExists(atPath: scratch.appendingPathComponent("victim").path))
        #expect(!listener.wasConnected, "a connection was made to the listening socket")
        #expect(!output.contains(Self.secret), "verify showed a variable of its environment")
        #expect(!output.contains("root:x:0:0"), "verify showed /etc/passwd")

        let name = (attack.trace as NSString).lastPathComponent
        switch attack.ending {
        case .refused:
            #expect(r.status == 2, "\(output)")
            #expect(r.stdout.contains("REFUSED  \(attack.trace)  vloop does not accept it"), "\(output)")
        case .blocked(let action):
            #expect(r.status == 2, "\(output)")
            #expect(r.stdout.contains("BLOCKED  \(attack.trace)  CPython's run was stopped: "), "\(output)")
            #expect(r.stdout.contains(action), "\(output)")
            #expect(r.stdout.contains("at \(name):"), "the message names the trace line: \(output)")
        case .stopped(let why):
            #expect(r.status == 2, "\(output)")
            #expect(r.stdout.contains("STOPPED  \(attack.trace)  \(why)"), "\(output)")
        case .same:
            #expect(r.status == 0, "\(output)")
            #expect(r.stdout.contains("same  \(attack.trace)"), "\(output)")
        case .differs(let text):
            #expect(r.status == 1, "\(output)")
            #expect(r.stdout.contains("DIFF  \(attack.trace)"), "\(output)")
            #expect(output.contains(text), "\(output)")
        }
    }

    /// (ReferenceTests runs the sandboxed reference on every passing fixture;
    /// this runs the whole `vloop verify` on the programs written as services are.)
    @Test(
        "verify of the seed and program fixtures still passes under the sandbox",
        .enabled(if: ReferenceTests.referenceAvailable))
    func fixturesStillPass() throws {
        let bin = try #require(CommandLineTests.binary, "build the vloop executable first (swift build)")
        let r = try #require(runProcess(bin, ["verify", "fixtures/seed", "fixtures/programs"]))
        #expect(
            r.status == 0, "\(r.stdout.split(separator: "\n").filter { !$0.hasPrefix("same") }.joined(separator: "\n"))"
        )
        #expect(r.stdout.contains(" passed, 0 failed"))
    }
}

/// A listening Unix socket that accepts nothing: `wasConnected` tells whether
/// a client connected to it.
final class UnixListener {
    private let fd: Int32

    init?(path: String) {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        if fd < 0 { return nil }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return nil }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (i, b) in bytes.enumerated() { buffer[i] = b }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0, listen(fd, 4) == 0, fcntl(fd, F_SETFL, O_NONBLOCK) == 0 else {
            Glibc.close(fd)
            return nil
        }
    }

    /// Whether a connection is waiting (a client connected).
    var wasConnected: Bool {
        let client = accept(fd, nil, nil)
        if client >= 0 {
            Glibc.close(client)
            return true
        }
        return false
    }

    func close() { Glibc.close(fd) }
}
