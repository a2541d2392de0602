import Foundation
import PyRuntime
import RunModel
import Testing
import TraceLanguage
import VLoop
import VirtualLoop

/// Sizes and memory (docs/LIMITS.md): `--max-memory` and `RunLimits.maxMemory`
/// as the command line and the library take them, and the run they stop.
@Suite("Sizes and memory")
struct MemoryLimitTests {
    /// A trace that keeps what it makes, yielding between batches: no step
    /// is long, so only the memory budget can stop it.
    static let growsForever: [String: String] = [
        "lists of lists": """
        import asyncio
        async def main():
            rows = []
            while True:
                for _ in range(1000):
                    rows.append([0] * 100)
                await asyncio.sleep(0)
        asyncio.run(main())
        """,
        "a dict of strings, nothing checked before it is made": """
        import asyncio
        async def main():
            seen = {}
            i = 0
            while True:
                for _ in range(1000):
                    seen[i] = str(i) + '-' + str(i)
                    i += 1
                await asyncio.sleep(0)
        asyncio.run(main())
        """,
        "a list appended to in one step that never yields": """
        import asyncio
        async def main():
            xs = []
            while True:
                xs.append(len(xs))
        asyncio.run(main())
        """,
    ]

    func compile(_ source: String) throws -> CompiledModule {
        guard case .success(let trace) = TraceLoader.load(SourceFile(path: "grow.trace", text: source)) else {
            throw CancellationError()
        }
        return trace.compiled
    }

    static let sizes: [(String, Int)] = [
        ("1073741824", 1_073_741_824), ("512M", 536_870_912), ("2G", 2_147_483_648), ("1.5G", 1_610_612_736),
        ("64MiB", 67_108_864), ("64mb", 67_108_864), ("16384k", 16_777_216), ("1T", 1_099_511_627_776),
        (" 3g ", 3_221_225_472), ("100B", 100),
    ]

    @Test("sizes are bytes or a number with a binary suffix", arguments: sizes)
    func parsesSizes(_ text: String, _ bytes: Int) {
        #expect(RunLimits.parseMemorySize(text) == bytes)
    }

    @Test(
        "anything else is not a size",
        arguments: [
            "", "M", "abc", "-1", "-1G", "2X", "1.5", ".5G", "5.G", "1e9", "1..5G", "iB", "10 000", "9999999999T",
            "0x10M",
        ])
    func rejectsNonsense(_ text: String) {
        #expect(RunLimits.parseMemorySize(text) == nil)
    }

    @Test("the default budget is a quarter of the machine, at most 2 GiB, at least the minimum")
    func defaultBudget() {
        let quarter = Int(clamping: ProcessInfo.processInfo.physicalMemory / 4)
        #expect(RunLimits.defaultMaxMemory == max(RunLimits.minimumMaxMemory, min(quarter, 2 << 30)))
        #expect(RunLimits().maxMemory == RunLimits.defaultMaxMemory)
    }

    @Test("the library refuses a budget below 16 MiB")
    func suiteOptionsValidate() {
        var o = SuiteOptions(paths: ["fixtures/seed"])
        o.limits.maxMemory = 1 << 20
        #expect(throws: SuiteError.self) { try o.validate() }
        o.limits.maxMemory = 16 << 20
        #expect(throws: Never.self) { try o.validate() }
    }

    @Test("vloop run exits 2 with a clear message for a size it cannot read", arguments: ["lots", "12Q", "-5M", "1.5"])
    func commandLineRejects(_ size: String) throws {
        let r = try CommandLineTests().vloop("run", "--no-store", "--max-memory=\(size)", "fixtures/seed")
        #expect(r.status == 2)
        #expect(r.stderr.contains("--max-memory must be a size in bytes, or a number with K, M, G or T"))
        #expect(r.stderr.contains("'\(size)'"))
    }

    @Test("vloop run exits 2 for a budget below 16M")
    func commandLineTooSmall() throws {
        let r = try CommandLineTests().vloop("run", "--no-store", "--max-memory", "1M", "fixtures/seed")
        #expect(r.status == 2)
        #expect(r.stderr.contains("--max-memory must be at least 16M"))
    }

    @Test("a budget that holds changes nothing")
    func budgetThatHolds() throws {
        let r = try CommandLineTests().vloop("run", "--no-store", "--max-memory", "1G", "fixtures/seed")
        #expect(r.status == 0, "\(r.stderr)")
    }

    @Test(
        "a run that grows forever ends with status limit, 'max-memory', naming the line",
        arguments: growsForever.keys.sorted())
    func libraryStopsGrowth(_ name: String) throws {
        let compiled = try compile(Self.growsForever[name]!)
        let report = TraceRunner.run(compiled, limits: RunLimits(maxMemory: 64 << 20))
        #expect(report.status == .limit)
        #expect(report.value == "'max-memory'")
        #expect(report.hang?.reason == "max-memory")
        #expect(report.events.last?.status == "limit")
    }

    @Test("vloop run stops it too, in --json and --events, within the memory ceiling")
    func commandLineStopsGrowth() throws {
        let binary = try #require(CommandLineTests.binary, "build the vloop executable first (swift build)")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vloop-memory-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let trace = dir.appendingPathComponent("grow.trace")
        try Self.growsForever["lists of lists"]!.write(to: trace, atomically: true, encoding: .utf8)
        // 1 GiB of address space: a budget of 64M must end the run long before it.
        let script = "ulimit -v \(1 << 20) && exec timeout -s KILL 60 \"$0\" \"$@\""
        for flag in ["--json", "--events"] {
            let r = try #require(
                runProcess(
                    URL(fileURLWithPath: "/bin/sh"),
                    ["-c", script, binary.path, "run", "--no-store", "--max-memory", "64M", flag, trace.path]))
            #expect(r.status == 1, "\(flag): \(r.stderr)")
            #expect(r.stderr.contains("the run ended with status 'limit' ('max-memory')"), "\(flag): \(r.stderr)")
            if flag == "--json" {
                let json = try #require(
                    try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
                let traces = try #require(json["traces"] as? [[String: Any]])
                #expect(traces.first?["status"] as? String == "limit")
                #expect(traces.first?["value"] as? String == "'max-memory'")
            } else {
                let last = r.stdout.split(separator: "\n").last.map(String.init) ?? ""
                #expect(last == #"{"t":0.0,"kind":"run_end","status":"limit","value":"'max-memory'"}"#)
            }
        }
    }

    @Test("MemoryError is a Python exception the trace can catch, and the run goes on")
    func memoryErrorIsCatchable() throws {
        let compiled = try compile(
            """
            import asyncio
            try:
                buffer = [0] * 10**10
            except MemoryError as e:
                print('too large', repr(e), isinstance(e, Exception))
            """)
        let report = TraceRunner.run(compiled)
        #expect(report.status == .ok)
        #expect(report.events.contains { $0.text == "too large MemoryError() True" })
    }
}
