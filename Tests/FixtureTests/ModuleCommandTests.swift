import Foundation
import Testing
import VLoop

/// A service's code in one folder and its tests in another, as a user's
/// repository lays them out, run by the `vloop` executable: `--path`,
/// `VLOOP_PATH`, `.py` traces, folder walks, and `verify` from a copy of the
/// binary outside this repository.
@Suite("Command line: modules")
struct ModuleCommandTests {
    /// A scratch project: `lib/inventory/` (a package with a relative import),
    /// `tests/test_inventory.py` (a trace importing it), and `tests/helpers.py`
    /// (a module the tests import, not a trace).
    final class Project {
        let root: URL

        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("vloop-modules-\(UUID().uuidString)")
            try write(
                "lib/inventory/__init__.py",
                """
                from .store import take, stock
                """)
            try write(
                "lib/inventory/store.py",
                """
                import asyncio

                stock = {'pen': 1}


                async def take(item):
                    await asyncio.sleep(0.5)
                    if stock.get(item, 0) == 0:
                        raise KeyError(item)
                    stock[item] -= 1
                    return item
                """)
            try write(
                "tests/helpers.py",
                """
                print('helpers imported')


                def describe(result):
                    return 'took ' + result
                """)
            try write(
                "tests/test_inventory.py",
                """
                import asyncio
                from vloop import expect

                import inventory
                from helpers import describe


                async def main():
                    print(describe(await inventory.take('pen')))
                    try:
                        await inventory.take('pen')
                    except KeyError as e:
                        print('out of', e.args[0])


                asyncio.run(main())
                expect.output(['helpers imported', 'took pen', 'out of pen'])
                expect.elapsed(1.0)
                """)
        }

        func write(_ relative: String, _ text: String) throws {
            let url = root.appendingPathComponent(relative)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try (text + "\n").write(to: url, atomically: true, encoding: .utf8)
        }

        deinit { try? FileManager.default.removeItem(at: root) }
    }

    /// Runs `binary` in `directory`, with `environment` added (VLOOP_PATH and VLOOP_REFERENCE removed first).
    func run(
        _ binary: URL, _ args: [String], in directory: URL, environment: [String: String] = [:]
    ) throws -> ProcessOutput {
        var env = ProcessInfo.processInfo.environment
        env["VLOOP_DB"] = testDatabase
        env.removeValue(forKey: "VLOOP_PATH")
        env.removeValue(forKey: "VLOOP_REFERENCE")
        for (k, v) in environment { env[k] = v }
        let result = VLoop.runProcess(binary, args, environment: env, currentDirectory: directory)
        return try #require(result, "could not start \(binary.path)")
    }

    func binary() throws -> URL {
        try #require(CommandLineTests.binary, "build the vloop executable first (swift build)")
    }

    @Test("a .py trace imports a package from a --path folder and a module from its own folder")
    func pathOption() throws {
        let p = try Project()
        let without = try run(try binary(), ["run", "--no-store", "tests/test_inventory.py"], in: p.root)
        #expect(without.status == 1)
        #expect(without.stdout.contains("ModuleNotFoundError: No module named 'inventory'"))
        #expect(without.stdout.contains("File \"tests/test_inventory.py\", line 4, in <module>"))

        let with = try run(try binary(), ["run", "--no-store", "--path", "lib", "tests/test_inventory.py"], in: p.root)
        #expect(with.status == 0, "\(with.stdout)\(with.stderr)")
        #expect(with.stdout.contains("PASS  tests/test_inventory.py  ok, 1.0 s virtual"))
    }

    @Test("VLOOP_PATH lists module folders, colon-separated, after --path")
    func environmentVariable() throws {
        let p = try Project()
        let r = try run(
            try binary(), ["run", "--no-store", "tests/test_inventory.py"], in: p.root,
            environment: ["VLOOP_PATH": "nowhere:lib"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
    }

    @Test("a folder's traces are its test files and .trace files, not the modules beside them or in packages")
    func folderWalk() throws {
        let p = try Project()
        try p.write("tests/test_pkg/__init__.py", "")
        try p.write("tests/test_pkg/test_inside_package.py", "print('never run as a trace')")
        try p.write("tests/smoke.trace", "print('smoke')")
        let r = try run(try binary(), ["run", "--no-store", "--path", "lib", "tests"], in: p.root)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("PASS  tests/smoke.trace"))
        #expect(r.stdout.contains("PASS  tests/test_inventory.py"))
        #expect(!r.stdout.contains("helpers.py"))
        #expect(!r.stdout.contains("test_inside_package"))
        #expect(r.stdout.hasSuffix("2 passed, 0 failed\n"))

        let library = try run(try binary(), ["run", "--no-store", "lib"], in: p.root)
        #expect(library.status == 2)
        #expect(library.stderr.contains("no traces"))
    }

    @Test("a syntax error in an imported module is shown at the module's file, line and column")
    func syntaxErrorInModule() throws {
        let p = try Project()
        try p.write("lib/inventory/store.py", "def take(item):\n    return (item\n")
        let r = try run(try binary(), ["check", "--path", "lib", "tests/test_inventory.py"], in: p.root)
        #expect(r.status == 1)
        #expect(r.stderr.contains("lib/inventory/store.py:2:12: error: '(' was never closed"))
        #expect(r.stdout.contains("FAIL  tests/test_inventory.py  (1 error)"))
    }

    @Test(
        "verify runs from a copy of the binary outside the repository, with the reference built in",
        .enabled(if: ReferenceTests.referenceAvailable))
    func verifyFromInstalledBinary() throws {
        let p = try Project()
        let bin = p.root.appendingPathComponent("bin/vloop")
        try FileManager.default.createDirectory(
            at: bin.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: try binary(), to: bin)
        let r = try run(bin, ["verify", "--path", "lib", "tests/test_inventory.py"], in: p.root)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("same  tests/test_inventory.py"))
        #expect(!FileManager.default.fileExists(atPath: p.root.appendingPathComponent("reference").path))

        try p.write("tests/test_dice.py", "import random\nprint(random.randint(1, 6))")
        let dice = try run(bin, ["verify", "tests/test_dice.py"], in: p.root)
        #expect(dice.status == 0)
        #expect(dice.stdout.contains("SKIP  tests/test_dice.py  the trace uses random"))
        #expect(dice.stdout.contains("0 passed, 0 failed, 1 skipped"))
    }

    @Test("verify says plainly when CPython itself could not run the trace")
    func verifyWhenCPythonFails() throws {
        let p = try Project()
        try p.write("broken_reference.py", "raise RuntimeError('the reference broke')")
        let r = try run(
            try binary(), ["verify", "--path", "lib", "tests/test_inventory.py"], in: p.root,
            environment: ["VLOOP_REFERENCE": p.root.appendingPathComponent("broken_reference.py").path])
        #expect(r.status == 1)
        #expect(
            r.stdout.contains(
                "FAIL  tests/test_inventory.py  CPython could not run the trace: RuntimeError: the reference broke"))
    }
}
