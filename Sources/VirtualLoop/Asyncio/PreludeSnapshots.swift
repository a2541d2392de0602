import TraceLanguage

/// vloop's own Python (the asyncio, `concurrent.futures` and `functools`
/// preludes and the standard-library modules of `PythonModules`) compiled
/// ahead of time: parsing and compiling them took about 60 million
/// instructions, half of a small trace's start-up. `scripts/regen-preludes`
/// writes one snapshot per module into `Snapshots/` (CompiledModuleCodec's
/// format), Package.swift embeds them, and a run reads a module's snapshot
/// when it was made from the very source the binary holds; a snapshot made
/// from another source (a prelude edited since, or a debug build's
/// `VLOOP_STDLIB_DIR`) is ignored and the source compiled as before, so a
/// stale snapshot costs time, never correctness. `PreludeSnapshotTests`
/// fails when a committed snapshot is missing or differs from what the
/// compiler now makes of its source.
package enum PreludeSnapshots {
    /// One module vloop provides as Python: its source and how it compiles.
    package struct Prelude: Sendable {
        /// The absolute dotted name.
        package let module: String
        package let source: @Sendable () -> String
        package let compile: @Sendable (String) -> CompiledModule

        /// The file its snapshot is kept in, under `Sources/VirtualLoop/Snapshots/`.
        package var snapshotFile: String { module.replacingOccurrences(of: ".", with: "_") + ".vlc" }
    }

    /// Every module with a snapshot, in a fixed order.
    package static var all: [Prelude] {
        var list = [
            Prelude(module: "asyncio", source: { asyncioPreludeSource }) { compilePrelude($0, module: "asyncio") },
            Prelude(module: "concurrent.futures", source: { futuresPreludeSource }) {
                compilePrelude($0, module: "concurrent.futures")
            },
            Prelude(module: "functools", source: { preludeSource(FunctoolsPrelude.files) }) {
                compilePrelude($0, module: "functools")
            },
        ]
        for name in PythonModules.sources.keys.sorted() {
            list.append(
                Prelude(module: name, source: { PythonModules.sourceText(name) }) {
                    PythonModules.compile(name, source: $0)
                })
        }
        return list
    }

    /// The module compiled from `source`, read from its snapshot when that
    /// was made from this very source.
    package static func compiled(
        _ module: String, source: String, compile: (String) -> CompiledModule
    ) -> CompiledPrelude {
        if let bytes = embedded[module],
            let snapshot = CompiledModuleCodec.decode(bytes, sourceHash: CompiledModuleCodec.sourceHash(source))
        {
            return CompiledPrelude(snapshot)
        }
        return CompiledPrelude(compile(source))
    }

    /// Whether the binary holds a snapshot of `module` that is current for its source.
    package static func isCurrent(_ prelude: Prelude) -> Bool {
        guard let bytes = embedded[prelude.module] else { return false }
        return bytes
            == CompiledModuleCodec.encode(
                prelude.compile(prelude.source()), sourceHash: CompiledModuleCodec.sourceHash(prelude.source()))
    }
}

/// A prelude compiled once per process, and the slot of each of its global
/// names: every run seeds and reads its globals by name, through this index.
package struct CompiledPrelude: @unchecked Sendable {
    package let module: CompiledModule
    package let index: [String: Int]

    package init(_ module: CompiledModule) {
        self.module = module
        self.index = Dictionary(module.globalNames.enumerated().map { ($1, $0) }) { a, _ in a }
    }
}
