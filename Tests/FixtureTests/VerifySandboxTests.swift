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

    static let attacks: [Attack] = [
        Attack(trace: "verify_open_write.trace", ending: .same("NameError: name 'open' is not defined")),
        Attack(trace: "verify_open_read.trace", ending: .same("NameError: name 'open' is not defined")),
        Attack(trace: "verify_read_reached.trace", ending: .blocked("open('/etc/passwd'")),
        Attack(trace: "verify_os_system.trace", ending: .refused),
        Attack(trace: "verify_os_system_guarded.trace", ending: .same("'NoneType' object has no attribute 'system'")),
        Attack(trace: "verify_subprocess.trace", ending: .same("'NoneType' object has no attribute 'run'")),
        Attack(trace: "verify_socket.trace", ending: .differs("'NoneType' object has no attribute")),
        Attack(trace: "verify_socket_reached.trace", ending: .blocked("socket.__new__")),
        Attack(trace: "verify_dunder_import.trace", ending: .differs("name '__import__' is not defined")),
        Attack(trace: "verify_importlib.trace", ending: .same("'NoneType' object has no attribute 'import_module'")),
        Attack(trace: "verify_getattr_builtins.trace", ending: .differs("has no attribute 'open'")),
        Attack(trace: "verify_subclasses.trace", ending: .blocked("os.system(b'touch pwned')")),
        Attack(trace: "verify_sys_modules.trace", ending: .blocked("os.system(b'touch pwned')")),
        Attack(trace: "verify_print_globals.trace", ending: .blocked("os.system(b'touch pwned')")),
        Attack(trace: "verify_sim_globals.trace", ending: .blocked("os.system(b'touch pwned')")),
        Attack(trace: "verify_ctypes.trace", ending: .same("'NoneType' object has no attribute 'CDLL'")),
        Attack(trace: "verify_ctypes_reached.trace", ending: .differs("No module named 'ctypes'")),
        Attack(trace: "verify_exec_string.trace", ending: .same("name 'exec' is not defined")),
        Attack(trace: "verify_eval_string.trace", ending: .same("name 'eval' is not defined")),
        Attack(trace: "verify_compile_string.trace", ending: .same("name 'compile' is not defined")),
        Attack(trace: "verify_class_base.trace", ending: .differs("KeyError: 'open'")),
        Attack(trace: "verify_breakpoint.trace", ending: .same("name 'breakpoint' is not defined")),
        Attack(trace: "verify_input.trace", ending: .same("name 'input' is not defined")),
        Attack(trace: "verify_input_reached.trace", ending: .blocked("builtins.input")),
        Attack(trace: "verify_help.trace", ending: .same("name 'help' is not defined")),
        Attack(trace: "verify_environ.trace", ending: .differs("PATH")),
        Attack(trace: "verify_fork.trace", ending: .blocked("os.fork()")),
        Attack(trace: "verify_exec.trace", ending: .blocked("os.exec('/bin/sh'")),
        Attack(trace: "verify_posixsubprocess.trace", ending: .differs("KeyError: '_posixsubprocess'")),
        Attack(trace: "verify_fork_exec.trace", ending: .differs("has no attribute '_posixsubprocess'")),
        Attack(trace: "verify_reimport.trace", ending: .differs("No module named '_posixsubprocess'")),
        Attack(trace: "verify_asyncio_subprocess.trace", ending: .differs("NotImplementedError")),
        Attack(trace: "verify_os_remove.trace", ending: .blocked("os.remove('victim'")),
        Attack(trace: "verify_gc_walk.trace", ending: .blocked("gc.get_objects")),
        Attack(trace: "verify_code_replace.trace", ending: .blocked("code.__new__")),
        Attack(trace: "verify_own_module.trace", ending: .same("'NoneType' object has no attribute 'open'")),
        Attack(trace: "shadow_os/verify_shadow_os.trace", ending: .differs("No module named 'os'")),
        Attack(trace: "verify_disable_hook.trace", ending: .blocked("open('pwned', 'w'")),
        Attack(trace: "verify_mknod.trace", ending: .differs("module 'os' has no attribute 'mkfifo'")),
        Attack(
            trace: "verify_memory_bomb.trace",
            ending: .differs(
                "CPython: {\"t\":0.0,\"kind\":\"run_end\",\"status\":\"exception\",\"value\":\"MemoryError\"}"),
            options: ["--max-cpython-memory", "512"]),
        Attack(
            trace: "verify_cpu_forever.trace", ending: .stopped("CPython did not finish within 3.0 s (killed)"),
            options: ["--timeout", "3"]),
    ]

    static let secret = "vloop-test-secret-\(UUID().uuidString)"

    @Test("every trace of fixtures/verify-attacks is in the table")
    func everyAttackIsTested() throws {
        let folder = repositoryRoot.appendingPathComponent("fixtures/verify-attacks")
        let found = try #require(FileManager.default.enumerator(atPath: folder.path))
            .compactMap { $0 as? String }.filter { $0.hasSuffix(".trace") }
        #expect(Set(found) == Set(Self.attacks.map(\.trace)))
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
