import Foundation
import Testing
import TraceLanguage

@testable import VirtualLoop

/// The compiled snapshots of vloop's own Python (PreludeSnapshots.swift):
/// each committed snapshot is what the compiler makes of the source the
/// binary holds, reading one gives back exactly the module compiled from
/// source, and a snapshot of another source, format or damaged is not read.
/// With `VLOOP_REGEN_PRELUDES=1` (`scripts/regen-preludes`) the first test
/// writes the snapshots and their table instead of failing.
@Suite("Prelude snapshots")
struct PreludeSnapshotTests {
    static let sources = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/VirtualLoop")

    @Test("every prelude's committed snapshot is current")
    func snapshotsAreCurrent() throws {
        let regenerate = ProcessInfo.processInfo.environment["VLOOP_REGEN_PRELUDES"] == "1"
        var stale: [String] = []
        var table = PreludeSnapshotTable()
        for prelude in PreludeSnapshots.all {
            let source = prelude.source()
            let fresh = CompiledModuleCodec.encode(
                prelude.compile(source), sourceHash: CompiledModuleCodec.sourceHash(source))
            if PreludeSnapshots.embedded[prelude.module] != fresh { stale.append(prelude.module) }
            table.add(prelude)
            if regenerate {
                try Data(fresh).write(
                    to: Self.sources.appendingPathComponent("Snapshots").appendingPathComponent(prelude.snapshotFile))
            }
        }
        let tablePath = Self.sources.appendingPathComponent("Asyncio/PreludeSnapshotTable.swift")
        let committedTable = try? String(contentsOf: tablePath, encoding: .utf8)
        if committedTable != table.text { stale.append("(the table, Asyncio/PreludeSnapshotTable.swift)") }
        if regenerate {
            try table.text.write(to: tablePath, atomically: true, encoding: .utf8)
            return
        }
        #expect(
            stale.isEmpty,
            "stale prelude snapshots: \(stale.joined(separator: ", ")); run scripts/regen-preludes and rebuild")
    }

    @Test("a snapshot reads back as the module compiled from source", arguments: PreludeSnapshots.all.map(\.module))
    func snapshotReadsBack(module: String) throws {
        let prelude = try #require(PreludeSnapshots.all.first { $0.module == module })
        let source = prelude.source()
        let compiled = prelude.compile(source)
        let hash = CompiledModuleCodec.sourceHash(source)
        let decoded = try #require(
            CompiledModuleCodec.decode(CompiledModuleCodec.encode(compiled, sourceHash: hash), sourceHash: hash))
        // Every stored property, found by reflection: a field added to CodeObject that
        // the codec does not carry fails here.
        #expect(deepDescription(decoded) == deepDescription(compiled))
    }

    @Test("a snapshot of another source, another format version, or damaged is not read")
    func snapshotRejected() throws {
        let source =
            "import asyncio\nasync def f(x, *a, k=1, **kw):\n    match x:\n        case [1, *r] | {'a': _, **r}: return f'{x!r:>3}'\n    return b'\\x00' + ...\n"
        let file = SourceFile(path: "t.trace", text: source)
        let module = try Compiler.compile(try Parser.parse(file), file: file)
        let hash = CompiledModuleCodec.sourceHash(source)
        let bytes = CompiledModuleCodec.encode(module, sourceHash: hash)
        #expect(CompiledModuleCodec.decode(bytes, sourceHash: hash) != nil)
        #expect(CompiledModuleCodec.decode(bytes, sourceHash: hash &+ 1) == nil)
        var otherVersion = bytes
        otherVersion[4] &+= 1
        #expect(CompiledModuleCodec.decode(otherVersion, sourceHash: hash) == nil)
        for cut in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 50)) {
            #expect(CompiledModuleCodec.decode(Array(bytes[..<cut]), sourceHash: hash) == nil)
        }
        #expect(CompiledModuleCodec.decode(bytes + [0], sourceHash: hash) == nil)
    }
}

/// The text of `PreludeSnapshotTable.swift`, which names each embedded snapshot.
struct PreludeSnapshotTable {
    private var lines: [String] = []

    mutating func add(_ prelude: PreludeSnapshots.Prelude) {
        let resource = prelude.snapshotFile.replacingOccurrences(of: ".", with: "_")
        lines.append("        \"\(prelude.module)\": PackageResources.\(resource),")
    }

    var text: String {
        """
        // Written by scripts/regen-preludes (PreludeSnapshotTests); do not edit.

        extension PreludeSnapshots {
            /// The embedded snapshots, by module (`PackageResources` names each file of `Snapshots/`).
            static let embedded: [String: [UInt8]] = [
        \(lines.joined(separator: "\n"))
            ]
        }

        """
    }
}

/// Every stored value reachable from `value`, written out: classes, enums,
/// arrays and tuples through reflection, leaves as themselves.
func deepDescription(_ value: Any) -> String {
    var seen = Set<ObjectIdentifier>()
    var out = ""
    func walk(_ v: Any) {
        let mirror = Mirror(reflecting: v)
        if type(of: v) is AnyClass {
            let id = ObjectIdentifier(v as AnyObject)
            if !seen.insert(id).inserted {
                out += "<seen>"
                return
            }
        }
        if mirror.children.isEmpty {
            out += String(describing: v)
            return
        }
        out += "\(mirror.subjectType)("
        for child in mirror.children {
            out += "\(child.label ?? "_"): "
            walk(child.value)
            out += ", "
        }
        out += ")"
    }
    walk(value)
    return out
}
