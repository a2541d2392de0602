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
        /// The trace, or modules it imports, have errors: every one found,
        /// each with file:line:column and the file it is in.
        case invalid(InvalidSource)
    }

    /// Reads, parses and compiles a trace, and the modules it imports from
    /// its own folder, then from `modulePaths` (TRACE_LANGUAGE.md, version 2:
    /// "Modules and packages"). Bytes that are not UTF-8, and NUL bytes, are
    /// an error at the first of them, as in CPython (`SourceEncoding`). Module names whose
    /// top-level part is in `builtinModules` are never looked up on disk.
    public static func load(
        path: String, modulePaths: [String] = [], builtinModules: Set<String> = []
    ) -> Result<LoadedTrace, Failure> {
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(.unreadable("cannot read \(path)"))
        }
        let folder = (path as NSString).deletingLastPathComponent
        return load(
            SourceFile(path: path, data: data),
            modulePaths: [folder.isEmpty ? "." : folder] + modulePaths, builtinModules: builtinModules)
    }

    /// Compiles a trace given as text, and the modules it imports from
    /// `modulePaths`. Errors do not stop the loading: the modules a trace
    /// with errors imports are read and checked too, so that one load reports
    /// the errors of every file.
    public static func load(
        _ file: SourceFile, modulePaths: [String] = [], builtinModules: Set<String> = []
    ) -> Result<LoadedTrace, Failure> {
        let trace = compile(file, target: .trace)
        var loader = ModuleLoader(searchPaths: modulePaths, builtinModules: builtinModules)
        do {
            try loader.load(trace.imports)
        } catch {
            return .failure(error)
        }
        var invalid = loader.invalid
        if !trace.diagnostics.isEmpty {
            invalid.files.insert(file, at: 0)
            invalid.diagnostics.insert(contentsOf: trace.diagnostics, at: 0)
        }
        guard let compiled = trace.compiled, invalid.diagnostics.isEmpty else { return .failure(.invalid(invalid)) }
        return .success(LoadedTrace(file: file, compiled: compiled, modules: loader.table))
    }

    /// Parses and compiles one file as the trace or as a module: its code, or
    /// every error it has; and the modules it imports (those of the
    /// statements without errors, when it has some).
    /// Runs on a large stack (LargeStack.swift): the tree may be
    /// `Parser.maxDepth` levels tall, and is freed there too.
    static func compile(
        _ file: SourceFile, target: CompilationTarget
    ) -> (compiled: CompiledModule?, diagnostics: [Diagnostic], imports: [String]) {
        LargeStack.run { compileHere(file, target: target) }
    }

    private static func compileHere(
        _ file: SourceFile, target: CompilationTarget
    ) -> (compiled: CompiledModule?, diagnostics: [Diagnostic], imports: [String]) {
        // CPython's tokenizer stops at such a byte before it reads a token.
        if let error = file.encodingError { return (nil, [error], []) }
        let (module, syntaxErrors) = Parser.parseRecovering(file)
        let result = Compiler.compileCollecting(module, file: file, target: target)
        if syntaxErrors.isEmpty { return result }
        // The compiler's errors about what the parser kept, in the order of the file.
        var all = syntaxErrors + result.diagnostics
        all.sort { $0.loc < $1.loc }
        return (nil, all, result.imports)
    }
}
