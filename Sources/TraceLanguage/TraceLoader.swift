import Foundation

/// A trace read from disk: its source and, when it is valid, its compiled
/// form, with the user's modules it may import (read and compiled with it).
public struct LoadedTrace: Sendable {
    public var file: SourceFile
    public var compiled: CompiledModule
    /// The user's modules the trace may import; empty when it imports none.
    public var modules: ModuleTable

    public init(file: SourceFile, compiled: CompiledModule, modules: ModuleTable = ModuleTable()) {
        self.file = file
        self.compiled = compiled
        self.modules = modules
    }

    /// Every module the trace and its modules may import, as absolute names.
    public var allImports: [String] {
        compiled.imports + modules.order.flatMap { modules[$0]?.compiled?.imports ?? [] }
    }

    /// The trace's file and its modules' files, to show the lines a traceback passes through.
    public var sourceFiles: [SourceFile] { [file] + modules.files }
}

public enum TraceLoader {
    public enum Failure: Error {
        /// The file could not be read (a problem of the command, not of the trace).
        case unreadable(String)
        /// The trace, or a module it imports, has errors, each with
        /// file:line:column; the file is the one that has them.
        case invalid(SourceFile, [Diagnostic])
    }

    /// Reads, parses and compiles a trace, and the modules it imports from
    /// its own folder, then from `modulePaths` (TRACE_LANGUAGE.md, version 2:
    /// "Modules and packages"). Bytes that are not UTF-8 are decoded
    /// leniently, so that the parser can point at them. Module names whose
    /// top-level part is in `builtinModules` are never looked up on disk.
    public static func load(
        path: String, modulePaths: [String] = [], builtinModules: Set<String> = []
    ) -> Result<LoadedTrace, Failure> {
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(.unreadable("cannot read \(path)"))
        }
        let folder = (path as NSString).deletingLastPathComponent
        return load(
            SourceFile(path: path, text: String(decoding: data, as: UTF8.self)),
            modulePaths: [folder.isEmpty ? "." : folder] + modulePaths, builtinModules: builtinModules)
    }

    /// Compiles a trace given as text, and the modules it imports from `modulePaths`.
    public static func load(
        _ file: SourceFile, modulePaths: [String] = [], builtinModules: Set<String> = []
    ) -> Result<LoadedTrace, Failure> {
        switch compile(file, target: .trace) {
        case .failure(let failure):
            return .failure(failure)
        case .success(let compiled):
            var loader = ModuleLoader(searchPaths: modulePaths, builtinModules: builtinModules)
            do {
                try loader.load(compiled.imports)
            } catch {
                return .failure(error)
            }
            return .success(LoadedTrace(file: file, compiled: compiled, modules: loader.table))
        }
    }

    /// Parses and compiles one file as the trace or as a module.
    static func compile(_ file: SourceFile, target: CompilationTarget) -> Result<CompiledModule, Failure> {
        do {
            let module = try Parser.parse(file)
            return .success(try Compiler.compile(module, file: file, target: target))
        } catch let d as Diagnostic {
            return .failure(.invalid(file, [d]))
        } catch let list as DiagnosticList {
            return .failure(.invalid(file, list.diagnostics))
        } catch {
            return .failure(
                .invalid(
                    file,
                    [
                        Diagnostic(
                            path: file.path, loc: SourceLocation(line: 1, column: 1),
                            message: "\(error)")
                    ]))
        }
    }
}
