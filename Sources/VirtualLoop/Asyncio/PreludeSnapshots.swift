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

        /// A prelude of the loop (`compilePrelude`), or a module compiled by `compile`.
        init(
            _ module: String, compile: (@Sendable (String) -> CompiledModule)? = nil,
            source: @escaping @Sendable () -> String
        ) {
            self.module = module
            self.source = source
            self.compile = compile ?? { compilePrelude($0, module: module) }
        }

        /// The file its snapshot is kept in, under `Sources/VirtualLoop/Snapshots/`.
        package var snapshotFile: String { module.replacingOccurrences(of: ".", with: "_") + ".vlc" }

        /// The module read from its snapshot when that was made from this
        /// very source, else compiled from the source.
        package func load() -> CompiledPrelude {
            let text = source()
            if let bytes = embedded[module],
                let snapshot = CompiledModuleCodec.decode(bytes, sourceHash: CompiledModuleCodec.sourceHash(text))
            {
                return CompiledPrelude(snapshot)
            }
            return CompiledPrelude(compile(text))
        }
    }

    static let asyncio = Prelude("asyncio") { asyncioPreludeSource }
    static let futures = Prelude("concurrent.futures") { futuresPreludeSource }
    static let functools = Prelude("functools") { preludeSource(FunctoolsPrelude.files) }

    /// A standard-library module of `PythonModules`.
    static func stdlib(_ name: String) -> Prelude {
        Prelude(name, compile: { PythonModules.compile(name, source: $0) }) { PythonModules.sourceText(name) }
    }

    /// Every module with a snapshot, in a fixed order.
    package static var all: [Prelude] {
        [asyncio, futures, functools] + PythonModules.sources.keys.sorted().map(stdlib)
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
