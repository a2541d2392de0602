import Foundation
import Testing

/// The `vloop` executable as a user runs it: exit statuses, output streams,
/// and what it prints. The binary is the one `swift build` put beside the tests.
@Suite("Command line")
struct CommandLineTests {
    static let binary: URL? = {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("vloop"),
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("vloop"),
            repositoryRoot.appendingPathComponent(".build/debug/vloop"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    func vloop(_ args: String...) throws -> ProcessOutput {
        let binary = try #require(Self.binary, "build the vloop executable first (swift build)")
        return try #require(runProcess(binary, args), "could not start \(binary.path)")
    }

    @Test("run exits 0 and closes with the counts when every trace passes")
    func runPassing() throws {
        let r = try vloop("run", "fixtures/seed")
        #expect(r.status == 0)
        #expect(r.stdout.hasSuffix("4 passed, 0 failed\n"))
        #expect(r.stdout.contains("PASS  fixtures/seed/run-create-task-results.trace  ok, 2.0 s virtual"))
    }

    @Test("run exits 1 and shows the error with file:line:column when a trace is invalid")
    func runInvalid() throws {
        let r = try vloop("run", "fixtures/invalid/class-star-bases.trace")
        #expect(r.status == 1)
        #expect(r.stdout.contains("0 passed, 1 failed"))
        #expect(r.stderr.contains("fixtures/invalid/class-star-bases.trace:"))
        #expect(r.stderr.contains("'*' in class bases is not supported in a trace; list the base classes one by one"))
    }

    @Test("run exits 1 when a property breaks, naming the property and its line")
    func runFailingProperty() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vloop-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let trace = dir.appendingPathComponent("late.trace")
        try """
        import asyncio

        async def main():
            await asyncio.sleep(2)
            print('done')

        asyncio.run(main())

        expect.at('done', 1.0)
        """.write(to: trace, atomically: true, encoding: .utf8)
        let r = try vloop("run", trace.path)
        #expect(r.status == 1)
        #expect(r.stdout.contains("expect.at (line 9)"))
        #expect(r.stdout.contains("0 passed, 1 failed"))
    }

    @Test("run exits 2 for a path that does not exist")
    func runMissingPath() throws {
        let r = try vloop("run", "no/such/trace.trace")
        #expect(r.status == 2)
        #expect(r.stderr.contains("no such file or directory: no/such/trace.trace"))
    }

    @Test("run exits 2 for a bad flag value")
    func runBadFlag() throws {
        let r = try vloop("run", "--max-time", "-1", "fixtures/seed")
        #expect(r.status == 2)
    }

    @Test("--events prints exactly the golden log on stdout")
    func runEvents() throws {
        let r = try vloop("run", "--events", "fixtures/seed/gather-two-coroutines.trace")
        #expect(r.status == 0)
        #expect(r.stdout == (try golden("fixtures/seed/gather-two-coroutines.trace")))
        #expect(r.stderr.contains("1 passed, 0 failed"))
    }

    @Test("--json prints a summary that parses")
    func runJSON() throws {
        let r = try vloop("run", "--json", "fixtures/seed")
        #expect(r.status == 0)
        let doc = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        #expect(doc?["passed"] as? Int == 4)
        #expect((doc?["traces"] as? [Any])?.count == 4)
    }

    @Test("a limit stops an endless trace with status limit")
    func runLimit() throws {
        let r = try vloop("run", "--max-steps", "50", "fixtures/conformance/run-forever-stop-from-callback.trace")
        #expect(r.stdout.contains("limit") || r.status == 0)
    }

    @Test("check exits 1 for invalid traces and 0 for valid ones")
    func check() throws {
        #expect(try vloop("check", "fixtures/seed", "fixtures/conformance").status == 0)
        let r = try vloop("check", "fixtures/invalid")
        #expect(r.status == 1)
        // Only the fixtures that fail at run time load; of those, check reports
        // the import of a module nobody provides (ImportCheck), not the import cycle.
        #expect(r.stdout.contains("\(RuntimeErrorFixtureTests.names.count - 1) passed,"))
        #expect(r.stdout.contains("ok    fixtures/invalid/import_cycle.trace"))
        #expect(r.stdout.contains("FAIL  fixtures/invalid/import_missing_module.trace  (1 error)"))
        #expect(r.stderr.contains("service_module.py:7:12: error: no module named 'payments_sdk'"))
    }

    @Test("--help shows examples for every command")
    func help() throws {
        for command in ["run", "check", "verify", "runs", "show", "report", "merge"] {
            let r = try vloop(command, "--help")
            #expect(r.status == 0)
            #expect(r.stdout.contains("Examples:"))
        }
    }
}
