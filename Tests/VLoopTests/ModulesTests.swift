import Foundation
import RunStore
import Testing
import VLoop

/// The library's search paths: a `Trace` finds the user's modules in its
/// folder and its search paths, carries their sources, and replays without
/// reading a file again; the suite runner records their hashes.
@Suite struct ModulesTests {
    /// A folder with `svc/` (a package) and `checks.trace` importing it.
    func project() throws -> TemporaryFolder {
        let folder = try TemporaryFolder()
        let files = [
            "lib/svc/__init__.py": "from .worker import work\n",
            "lib/svc/worker.py": """
            import asyncio

            calls = []


            async def work(n):
                await asyncio.sleep(n)
                calls.append(n)
                return n * 10
            """,
        ]
        for (name, text) in files {
            let url = folder.url.appendingPathComponent(name)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return folder
    }

    let source = """
        import asyncio
        import svc
        from svc import worker


        async def main():
            return await asyncio.gather(svc.work(2), svc.work(1))


        asyncio.run(main())
        print(worker.calls)
        expect.result([20, 10])
        expect.output(['[1, 2]'])
        """

    @Test("a trace given as text imports a package from its search paths and carries its sources")
    func sourceWithSearchPaths() throws {
        let folder = try project()
        let lib = folder.path("lib")
        let trace = try Trace(source: source, name: "inline.trace", searchPaths: [lib])
        #expect(trace.modules.map(\.name) == ["svc", "svc.worker"])
        #expect(trace.modules.map(\.path) == [lib + "/svc/__init__.py", lib + "/svc/worker.py"])
        let run = trace.replay()
        #expect(run.passed, "\(run.properties.map(\.message)) \(run.traceback ?? "")")
        #expect(run.elapsed == 2.0)

        // Replays are self-contained: the files may go.
        try FileManager.default.removeItem(atPath: lib)
        #expect(trace.replay().passed)
    }

    @Test("without a search path holding it, the import is a ModuleNotFoundError at the trace's line")
    func missingModule() throws {
        let trace = try Trace(source: source, name: "inline.trace")
        let run = trace.replay()
        #expect(run.status == .exception)
        #expect(run.value == "ModuleNotFoundError: No module named 'svc'")
        #expect(run.traceback?.contains("File \"inline.trace\", line 2, in <module>") == true)
    }

    @Test("a trace file finds modules in its own folder first, then in its search paths")
    func fileWithSearchPaths() throws {
        let folder = try project()
        try source.write(toFile: folder.path("checks.trace"), atomically: true, encoding: .utf8)
        let trace = try Trace(file: "checks.trace", searchPaths: [folder.path(""), folder.path("lib")])
        #expect(trace.replay().passed)
        // The folder of the trace alone does not hold `svc`.
        #expect(try Trace(file: folder.path("checks.trace"), searchPaths: []).replay().status == .exception)
    }

    @Test("an error in an imported module is reported at the module's file, line and column")
    func errorInModule() throws {
        let folder = try project()
        try "async def work(n):\n    return n +\n".write(
            toFile: folder.path("lib/svc/worker.py"), atomically: true, encoding: .utf8)
        #expect {
            try Trace(source: source, name: "inline.trace", searchPaths: [folder.path("lib")])
        } throws: { error in
            "\(error)".contains(folder.path("lib/svc/worker.py") + ":2:")
        }
    }

    @Test("an explored trace runs its modules in every run, from the sources compiled once")
    func exploration() async throws {
        let folder = try project()
        let trace = try Trace(source: source, name: "inline.trace", searchPaths: [folder.path("lib")])
        let found = try await trace.explore(runs: 20, seed: 1)
        #expect(found.failures.isEmpty)
        #expect(found.runs == 20)
    }

    @Test("the suite runner records the path and hash of each module a run imported")
    func storedModules() throws {
        let folder = try project()
        try source.write(toFile: folder.path("test_svc.py"), atomically: true, encoding: .utf8)
        var options = SuiteOptions(paths: [folder.path("test_svc.py")], modulePaths: [folder.path("lib")])
        options.storage = SuiteOptions.Storage(databasePath: folder.path("runs.sqlite"), label: "modules")
        let result = try SuiteRunner(options).run()
        #expect(result.allPassed)
        let store = try RunStore.open(path: folder.path("runs.sqlite"), mode: .existing)
        defer { try? store.close() }
        let run = try #require(try store.runSet("modules").runs.first)
        #expect(run.modules.map(\.path) == [folder.path("lib/svc/__init__.py"), folder.path("lib/svc/worker.py")])
        #expect(run.modules.allSatisfy { $0.hash.hasPrefix("sha256:") && $0.hash.count == 71 })
    }
}
