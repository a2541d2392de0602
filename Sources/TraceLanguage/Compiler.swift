/// Compiles a parsed trace to `CodeObject`s, and reports what the subset
/// allows syntactically but a trace cannot do (unknown modules, names that a
/// later version of vloop provides, `await` outside `async def`...).
public enum Compiler {
    /// `internalModule` names the module of the harness's own prelude: its code
    /// is marked internal (left out of tracebacks) and its classes belong to it.
    /// `target` says whether the file is the trace or a module it imports
    /// (whose relative imports resolve against its package).
    public static func compile(
        _ module: Module, file: SourceFile,
        internalModule: String? = nil, target: CompilationTarget = .trace
    ) throws -> CompiledModule {
        let result = compileCollecting(module, file: file, internalModule: internalModule, target: target)
        guard let compiled = result.compiled else { throw DiagnosticList(diagnostics: result.diagnostics) }
        return compiled
    }

    /// Compiles `module`, or lists every error it has (sorted by place) with
    /// the modules it imports all the same, so that those can be checked too.
    static func compileCollecting(
        _ module: Module, file: SourceFile,
        internalModule: String? = nil, target: CompilationTarget = .trace
    ) -> (compiled: CompiledModule?, diagnostics: [Diagnostic], imports: [String]) {
        var builder = ScopeBuilder()
        let root = builder.build(module)
        var diagnostics = builder.diagnostics.map { Diagnostic(path: file.path, loc: $0.0, message: $0.1) }
        let unit = CompilationUnit(file: file, scopes: builder.scopes, target: target)
        let code = CodeObject(name: "<module>", qualifiedName: "<module>", firstLine: 1)
        let c = FunctionCompiler(unit: unit, scope: root, code: code)
        c.compileModule(module.body)
        diagnostics += unit.diagnostics
        if !diagnostics.isEmpty {
            diagnostics.sort { $0.loc < $1.loc }
            return (nil, diagnostics, unit.imports)
        }
        code.finish()
        code.markSource(path: file.path, module: target.moduleName)
        if let internalModule { code.markInternal(module: internalModule) }
        for e in unit.expectStatements {
            e.code.finish()
            e.code.markSource(path: file.path, module: nil)
        }
        let compiled = CompiledModule(
            code: code, globalNames: unit.globalNames,
            expectStatements: unit.expectStatements, imports: unit.imports, importSites: unit.importSites)
        return (compiled, [], unit.imports)
    }
}

/// State shared by every function of one trace.
final class CompilationUnit {
    let file: SourceFile
    let scopes: [ScopeKey: Scope]
    let target: CompilationTarget
    @exclusivity(unchecked) var diagnostics: [Diagnostic] = []
    @exclusivity(unchecked) var globalNames: [String] = []
    @exclusivity(unchecked) var globalIndex: [String: Int32] = [:]
    @exclusivity(unchecked) var expectStatements: [(code: CodeObject, loc: SourceLocation)] = []
    @exclusivity(unchecked) var imports: [String] = []
    @exclusivity(unchecked) var importSites: [ImportSite] = []
    /// `from __future__ import annotations` was compiled: annotations are strings, not evaluated.
    @exclusivity(unchecked) var futureAnnotations = false
    /// Where a `from __future__ import` may be (`FunctionCompiler.futureImportPrefix`).
    @exclusivity(unchecked) var futureImportsAllowed: Set<SourceLocation> = []

    init(file: SourceFile, scopes: [ScopeKey: Scope], target: CompilationTarget) {
        self.file = file
        self.scopes = scopes
        self.target = target
    }

    func global(_ name: String) -> Int32 {
        if let i = globalIndex[name] { return i }
        let i = Int32(globalNames.count)
        globalNames.append(name)
        globalIndex[name] = i
        return i
    }

    func error(_ loc: SourceLocation, _ message: String) {
        diagnostics.append(Diagnostic(path: file.path, loc: loc, message: message))
    }
}

/// Compiles the body of one scope (module, function, lambda or comprehension).
final class FunctionCompiler {
    /// What a `return`, `break` or `continue` must undo on its way out.
    enum Block {
        case loop(start: Int, breaks: Box, isFor: Bool)
        case tryExcept
        case tryFinally([Stmt])
        /// Inside an `except` clause; the name bound by `as`, if any.
        case handler(String?)
        /// Inside the exceptional copy of a `finally` body: the exception is on the stack.
        case finallyHandler
        case with(isAsync: Bool)
        /// Inside an `except*` clause, which `break`, `continue` and `return` may not leave.
        case exceptStarClause
    }

    final class Box { var jumps: [Int] = [] }

    let unit: CompilationUnit
    let scope: Scope
    let code: CodeObject
    @exclusivity(unchecked) var blocks: [Block] = []
    @exclusivity(unchecked) var constIndex: [String: Int32] = [:]
    @exclusivity(unchecked) var nameIndex: [String: Int32] = [:]
    @exclusivity(unchecked) var loc = SourceLocation.unknown
    /// True inside the code object of a top-level `expect.*` statement.
    @exclusivity(unchecked) var isExpect = false

    init(unit: CompilationUnit, scope: Scope, code: CodeObject) {
        self.unit = unit
        self.scope = scope
        self.code = code
        code.localNames = scope.locals
        code.cellNames = scope.cells
        code.freeNames = scope.frees
        code.parameters = scope.parameters
        code.isGenerator = scope.isGenerator
        code.isCoroutine = scope.isAsync
        for (ci, name) in scope.cells.enumerated() {
            if let li = scope.parameters.firstIndex(of: name) {
                code.cellParameters.append((Int32(ci), Int32(li)))
            }
        }
    }

    // MARK: Emitting

    @discardableResult
    func emit(_ op: Op) -> Int {
        code.ops.append(op)
        code.locations.append(loc)
        return code.ops.count - 1
    }

    var here: Int { code.ops.count }

    func patch(_ at: Int, to target: Int) {
        let t = Int32(target)
        switch code.ops[at] {
        case .jump: code.ops[at] = .jump(t)
        case .popJumpIfFalse: code.ops[at] = .popJumpIfFalse(t)
        case .popJumpIfTrue: code.ops[at] = .popJumpIfTrue(t)
        case .jumpIfFalseOrPop: code.ops[at] = .jumpIfFalseOrPop(t)
        case .jumpIfTrueOrPop: code.ops[at] = .jumpIfTrueOrPop(t)
        case .forIter: code.ops[at] = .forIter(t)
        case .exceptStarMatch: code.ops[at] = .exceptStarMatch(t)
        case .setupTry: code.ops[at] = .setupTry(t)
        case .awaitSleep(let n, _): code.ops[at] = .awaitSleep(name: n, target: t)
        default: preconditionFailure("patching a non-jump")
        }
    }

    func constant(_ c: Constant) -> Int32 {
        let key: String?
        switch c {
        case .none: key = "n"
        case .bool(let b): key = "b\(b)"
        case .int(let i): key = "i\(i)"
        case .float(let d): key = "f\(d.bitPattern)"
        case .string(let s): key = "s" + s
        case .names(let n): key = "k" + n.joined(separator: "\u{0}")
        case .ellipsis: key = "e"
        case .bytes, .code, .pattern: key = nil
        }
        if let key, let i = constIndex[key] { return i }
        code.constants.append(c)
        let i = Int32(code.constants.count - 1)
        if let key { constIndex[key] = i }
        return i
    }

    func name(_ s: String) -> Int32 {
        if let i = nameIndex[s] { return i }
        code.names.append(s)
        let i = Int32(code.names.count - 1)
        nameIndex[s] = i
        return i
    }

    func resolve(_ n: String) -> NameScope {
        if scope.kind == .module || isExpect { return .global(unit.global(n)) }
        if scope.globals.contains(n) { return .global(unit.global(n)) }
        if let i = scope.cells.firstIndex(of: n) { return .cell(Int32(i)) }
        if let i = scope.frees.firstIndex(of: n) { return .cell(Int32(scope.cells.count + i)) }
        if let i = scope.locals.firstIndex(of: n) { return .local(Int32(i)) }
        return .global(unit.global(n))
    }

    func load(_ n: String) {
        switch resolve(n) {
        case .local(let i): emit(.loadFast(i))
        case .cell(let i): emit(.loadDeref(i))
        case .global(let i): emit(.loadGlobal(i))
        }
    }

    func store(_ n: String) {
        switch resolve(n) {
        case .local(let i): emit(.storeFast(i))
        case .cell(let i): emit(.storeDeref(i))
        case .global(let i): emit(.storeGlobal(i))
        }
    }

    // MARK: Module

    func compileModule(_ body: [Stmt]) {
        unit.futureImportsAllowed = Self.futureImportPrefix(body)
        if Self.hasSimpleAnnotations(body) { emitSetupAnnotations() }
        if unit.target == .trace {
            compileTopLevel(body)
        } else {
            compileStatements(body)
        }
        emit(.loadNone)
        emit(.returnValue)
    }

    /// The module's statements, where `expect.*` calls become statements of their own.
    private func compileTopLevel(_ body: [Stmt]) {
        for s in body {
            if case .expr(let e) = s.kind, isExpectCall(e) {
                loc = s.loc
                let index = Int32(unit.expectStatements.count)
                let ec = CodeObject(name: "<expect>", qualifiedName: "<expect>", firstLine: s.loc.line)
                let fc = FunctionCompiler(unit: unit, scope: scope, code: ec)
                fc.isExpect = true
                fc.loc = s.loc
                fc.compile(e)
                fc.emit(.pop)
                fc.emit(.loadNone)
                fc.emit(.returnValue)
                unit.expectStatements.append((ec, s.loc))
                emit(.expectStatement(index))
            } else if case .if(let test, let ifBody, let orElse) = s.kind, isMainGuard(test) {
                loc = s.loc
                compile(test)
                let j = emit(.popJumpIfFalse(0))
                compileTopLevel(ifBody)
                let end = emit(.jump(0))
                patch(j, to: here)
                compileStatements(orElse)
                patch(end, to: here)
            } else {
                compile(s)
            }
        }
    }

    private func isExpectCall(_ e: Expr) -> Bool {
        if case .call(let f, _) = e.kind, case .attribute(let o, _) = f.kind, case .name("expect") = o.kind {
            return true
        }
        return false
    }

    private func isMainGuard(_ e: Expr) -> Bool {
        guard case .compare(let a, let rest) = e.kind, rest.count == 1, rest[0].0 == .eq else { return false }
        if case .name("__name__") = a.kind, case .string("__main__") = rest[0].1.kind { return true }
        if case .string("__main__") = a.kind, case .name("__name__") = rest[0].1.kind { return true }
        return false
    }

    // MARK: Statements

    func compileStatements(_ body: [Stmt]) {
        for s in body { compile(s) }
    }

    func compile(_ s: Stmt) {
        loc = s.loc
        switch s.kind {
        case .expr(let e):
            if isExpectCall(e) && !isExpect, let module = unit.target.moduleName {
                unit.error(
                    e.loc, "expect.* belongs in the trace, not in a module it imports (module '\(module)')")
            } else if isExpectCall(e) && !isExpect {
                unit.error(
                    e.loc,
                    "expect.* must be a statement at the top level of the trace (or of its "
                        + "`if __name__ == '__main__':` block)")
            }
            compile(e)
            emit(.pop)
        case .assign(let targets, let value):
            compile(value)
            for (i, t) in targets.enumerated() {
                if i < targets.count - 1 { emit(.dup) }
                compileStore(t)
            }
        case .augAssign(let target, let op, let value):
            compileAugAssign(target, op, value)
        case .if(let test, let body, let orElse):
            compile(test)
            let j = emit(.popJumpIfFalse(0))
            compileStatements(body)
            if orElse.isEmpty {
                patch(j, to: here)
            } else {
                let end = emit(.jump(0))
                patch(j, to: here)
                compileStatements(orElse)
                patch(end, to: here)
            }
        case .while(let test, let body, let orElse):
            let start = here
            compile(test)
            let exit = emit(.popJumpIfFalse(0))
            let breaks = Box()
            blocks.append(.loop(start: start, breaks: breaks, isFor: false))
            compileStatements(body)
            blocks.removeLast()
            emit(.jump(Int32(start)))
            patch(exit, to: here)
            compileStatements(orElse)
            for b in breaks.jumps { patch(b, to: here) }
        case .for(let target, let iter, let body, let orElse):
            compile(iter)
            emit(.getIter)
            let start = here
            let exit = emit(.forIter(0))
            compileStore(target)
            let breaks = Box()
            blocks.append(.loop(start: start, breaks: breaks, isFor: true))
            compileStatements(body)
            blocks.removeLast()
            loc = s.loc
            emit(.jump(Int32(start)))
            patch(exit, to: here)
            compileStatements(orElse)
            for b in breaks.jumps { patch(b, to: here) }
        case .break:
            guard let i = blocks.lastIndex(where: { if case .loop = $0 { return true } else { return false } }),
                case .loop(_, let breaks, let isFor) = blocks[i]
            else {
                unit.error(s.loc, "'break' outside loop")
                return
            }
            if leavesExceptStar(to: i + 1, s.loc) { return }
            unwind(to: i + 1, preservingTop: false)
            if isFor { emit(.pop) }
            breaks.jumps.append(emit(.jump(0)))
        case .continue:
            guard let i = blocks.lastIndex(where: { if case .loop = $0 { return true } else { return false } }),
                case .loop(let start, _, _) = blocks[i]
            else {
                unit.error(s.loc, "'continue' not properly in loop")
                return
            }
            if leavesExceptStar(to: i + 1, s.loc) { return }
            unwind(to: i + 1, preservingTop: false)
            emit(.jump(Int32(start)))
        case .pass:
            break
        case .return(let e):
            if scope.kind == .module || scope.kind == .classBody || isExpect {
                unit.error(s.loc, "'return' outside function")
                return
            }
            if leavesExceptStar(to: 0, s.loc) { return }
            if e != nil && scope.isAsync && scope.isGenerator {
                unit.error(s.loc, "'return' with value in async generator")
                return
            }
            if let e { compile(e) } else { emit(.loadNone) }
            unwind(to: 0, preservingTop: true)
            emit(.returnValue)
        case .raise(let e, let cause):
            if let e {
                compile(e)
                if let cause {
                    compile(cause)
                    emit(.raise(2))
                } else {
                    emit(.raise(1))
                }
            } else {
                emit(.raise(0))
            }
        case .try(let body, let handlers, let orElse, let fin):
            if fin.isEmpty {
                compileTryExcept(body, handlers, orElse)
            } else {
                compileTryFinally(fin) {
                    if handlers.isEmpty {
                        compileStatements(body)
                    } else {
                        compileTryExcept(body, handlers, orElse)
                    }
                }
            }
        case .assert(let test, let message):
            compile(test)
            let ok = emit(.popJumpIfTrue(0))
            if let message { compile(message) }
            emit(.assertFail(hasMessage: message != nil))
            patch(ok, to: here)
        case .with(let items, let body, let isAsync):
            if isAsync && !scope.isAsync {
                unit.error(s.loc, "'async with' outside async function")
                return
            }
            compileWith(items[...], body, isAsync: isAsync)
        case .functionDef(let f):
            compileFunction(f, s.loc)
            store(f.name)
        case .classDef(let c):
            compileClass(c, s.loc)
            store(c.name)
        case .global, .nonlocal:
            break
        case .import(let names):
            // `import a.b` imports a, then a.b, and binds `a`; `import a.b as c` binds a.b.
            for n in names {
                loc = n.loc
                noteImport(n.name)
                noteImportSite(n.name, n.loc)
                emit(.importName(constant(.string(n.name))))
                if let alias = n.asName {
                    store(alias)
                } else {
                    let top = String(n.name.split(separator: ".")[0])
                    if top != n.name {
                        emit(.pop)
                        emit(.importName(constant(.string(top))))
                    }
                    store(top)
                }
            }
        case .delete(let targets):
            for t in targets { compileDelete(t) }
        case .annAssign(let target, let annotation, let value, let simple):
            compileAnnAssign(target, annotation, value, simple: simple)
        case .asyncFor(let target, let iter, let body, let orElse):
            compileAsyncFor(target, iter, body, orElse, s.loc)
        case .match(let subject, let cases):
            compileMatch(subject, cases)
        case .importFrom("__future__", let names):
            compileFutureImport(names, s.loc)
            // Then an ordinary import of the `__future__` module, as CPython's.
            compileImportFrom("__future__", names, s.loc)
        case .importFrom(let module, let names):
            compileImportFrom(module, names, s.loc)
        }
    }

    /// `from module import names`.
    private func compileImportFrom(_ module: String, _ names: [ImportName], _ at: SourceLocation) {
        switch unit.target.resolve(module) {
        case .success(let absolute):
            noteImport(absolute)
            noteImportSite(absolute, at)
            for n in names { noteImport(absolute + "." + n.name) }
            emit(.importName(constant(.string(absolute))))
        case .failure(let failure):
            emit(.importName(constant(.names([failure.message]))))
        }
        for n in names {
            loc = n.loc
            emit(.importFrom(constant(.string(n.name))))
            store(n.asName ?? n.name)
        }
        emit(.pop)
    }

    /// Records a module the code may import, for the loader of the trace's modules.
    private func noteImport(_ module: String) {
        if !unit.imports.contains(module) { unit.imports.append(module) }
    }

    private func noteImportSite(_ module: String, _ at: SourceLocation) {
        let guarded = blocks.contains { if case .tryExcept = $0 { return true } else { return false } }
        unit.importSites.append(ImportSite(module: module, loc: at, guarded: guarded))
    }

    /// Emits what leaving blocks[depth...] requires, innermost first, for a
    /// `return` (value on top of the stack), `break` or `continue`.
    private func unwind(to depth: Int, preservingTop: Bool) {
        var i = blocks.count - 1
        while i >= depth {
            switch blocks[i] {
            case .loop(_, _, let isFor):
                if isFor && preservingTop {
                    emit(.rot2)
                    emit(.pop)
                }
            case .tryExcept:
                emit(.popBlock)
            case .tryFinally(let fin):
                emit(.popBlock)
                // The finally body runs outside its own block.
                let saved = blocks
                blocks = Array(blocks[..<i])
                compileStatements(fin)
                blocks = saved
            case .handler(let name):
                emit(.popExcept)
                if let name { clearName(name) }
            case .finallyHandler:
                if preservingTop { emit(.rot2) }
                emit(.pop)
                emit(.popExcept)
            case .with(let isAsync):
                emit(.popBlock)
                if preservingTop { emit(.rot2) }
                emit(.callExitNormally)
                if isAsync { emitAwait() }
                emit(.pop)
            case .exceptStarClause:
                preconditionFailure("a jump out of an except* clause is a compile error")
            }
            i -= 1
        }
    }

    /// CPython's rule: a jump out of the blocks from `depth` up may not leave an `except*` clause.
    private func leavesExceptStar(to depth: Int, _ loc: SourceLocation) -> Bool {
        let crosses = blocks[depth...].contains { if case .exceptStarClause = $0 { return true } else { return false } }
        if crosses { unit.error(loc, "'break', 'continue' and 'return' cannot appear in an except* block") }
        return crosses
    }

    private func clearName(_ name: String) {
        if case .local(let i) = resolve(name) { emit(.deleteFast(i)) }
    }

    private func compileTryExcept(_ body: [Stmt], _ handlers: [ExceptHandler], _ orElse: [Stmt]) {
        if handlers.first?.isStar == true {
            compileTryExceptStar(body, handlers, orElse)
            return
        }
        var ends = [compileTryBody(body, orElse)]
        for h in handlers {
            loc = h.loc
            var next: Int?
            if let t = h.type {
                compile(t)
                emit(.checkExcMatch)
                next = emit(.popJumpIfFalse(0))
            }
            if let n = h.name { store(n) } else { emit(.pop) }
            blocks.append(.handler(h.name))
            compileStatements(h.body)
            blocks.removeLast()
            emit(.popExcept)
            if let n = h.name { clearName(n) }
            ends.append(emit(.jump(0)))
            if let next { patch(next, to: here) }
        }
        emit(.reraise)
        for e in ends { patch(e, to: here) }
    }

    /// The protected body of a `try` with handlers, then its `else`: returns
    /// the jump past the handlers, which start right after it.
    private func compileTryBody(_ body: [Stmt], _ orElse: [Stmt]) -> Int {
        let setup = emit(.setupTry(0))
        blocks.append(.tryExcept)
        compileStatements(body)
        blocks.removeLast()
        emit(.popBlock)
        compileStatements(orElse)
        let end = emit(.jump(0))
        patch(setup, to: here)
        return end
    }

    /// `try ... except* T as e: ...` (PEP 654): each clause runs on the part of
    /// the exception (group) its types match; what the clauses raise and what
    /// none matched are raised together at the end.
    private func compileTryExceptStar(_ body: [Stmt], _ handlers: [ExceptHandler], _ orElse: [Stmt]) {
        let end = compileTryBody(body, orElse)
        blocks.append(.handler(nil))
        emit(.exceptStarBegin)
        for h in handlers {
            loc = h.loc
            compile(h.type!)
            let next = emit(.exceptStarMatch(0))
            if let n = h.name { store(n) } else { emit(.pop) }
            let inner = emit(.setupTry(0))
            blocks.append(.exceptStarClause)
            compileStatements(h.body)
            blocks.removeLast()
            emit(.popBlock)
            if let n = h.name { clearName(n) }
            let clauseEnd = emit(.jump(0))
            patch(inner, to: here)
            emit(.exceptStarRecord)
            emit(.popExcept)
            if let n = h.name { clearName(n) }
            patch(clauseEnd, to: here)
            patch(next, to: here)
        }
        emit(.exceptStarEnd)
        blocks.removeLast()
        emit(.popExcept)
        patch(end, to: here)
    }

    private func compileTryFinally(_ fin: [Stmt], body: () -> Void) {
        let setup = emit(.setupTry(0))
        blocks.append(.tryFinally(fin))
        body()
        blocks.removeLast()
        emit(.popBlock)
        compileStatements(fin)
        let end = emit(.jump(0))
        patch(setup, to: here)
        blocks.append(.finallyHandler)
        compileStatements(fin)
        blocks.removeLast()
        emit(.reraise)
        patch(end, to: here)
    }

    private func compileWith(_ items: ArraySlice<WithItem>, _ body: [Stmt], isAsync: Bool) {
        guard let item = items.first else {
            compileStatements(body)
            return
        }
        // The exits, normal and exceptional, are the `with` statement's line
        // (where CPython's tracebacks show an error of `__exit__`), not the body's last.
        let statement = loc
        compile(item.context)
        emit(.beforeWith(isAsync: isAsync))
        if isAsync { emitAwait() }
        if let t = item.target { compileStore(t) } else { emit(.pop) }
        let setup = emit(.setupTry(0))
        blocks.append(.with(isAsync: isAsync))
        compileWith(items.dropFirst(), body, isAsync: isAsync)
        blocks.removeLast()
        loc = statement
        emit(.popBlock)
        emit(.callExitNormally)
        if isAsync { emitAwait() }
        emit(.pop)
        let end = emit(.jump(0))
        // Exceptional exit: [exit, exc] -> [exit, exc, suppress?]
        patch(setup, to: here)
        emit(.withExceptStart)
        if isAsync { emitAwait() }
        let suppress = emit(.popJumpIfTrue(0))
        emit(.reraise)
        patch(suppress, to: here)
        emit(.pop)
        emit(.popExcept)
        emit(.pop)
        patch(end, to: here)
    }

    func emitAwait() {
        emit(.getAwaitable)
        emit(.loadNone)
        emit(.yieldFrom)
    }

    private func compileAugAssign(_ target: Expr, _ op: BinaryOp, _ value: Expr) {
        switch target.kind {
        case .name(let n):
            load(n)
            compile(value)
            loc = target.loc
            emit(.inplace(op))
            store(n)
        case .attribute(let o, let attr):
            compile(o)
            emit(.dup)
            emit(.loadAttr(name(attr)))
            compile(value)
            loc = target.loc
            emit(.inplace(op))
            emit(.rot2)
            emit(.storeAttr(name(attr)))
        case .subscript(let o, let i):
            compile(o)
            compileIndex(i)
            emit(.dup2)
            emit(.loadSubscript)
            compile(value)
            loc = target.loc
            emit(.inplace(op))
            emit(.rot3)
            emit(.storeSubscript)
        default:
            unit.error(target.loc, "illegal expression for augmented assignment")
        }
    }

    func compileStore(_ t: Expr) {
        loc = t.loc
        switch t.kind {
        case .name(let n):
            store(n)
        case .attribute(let o, let attr):
            compile(o)
            emit(.storeAttr(name(attr)))
        case .subscript(let o, let i):
            compile(o)
            compileIndex(i)
            emit(.storeSubscript)
        case .tuple(let items), .list(let items):
            if let star = items.firstIndex(where: { if case .starred = $0.kind { return true } else { return false } })
            {
                compileStarredStore(items, star, t.loc)
                return
            }
            emit(.unpackSequence(Int32(items.count)))
            for i in items { compileStore(i) }
        case .starred:
            unit.error(t.loc, "starred assignment target must be in a list or tuple")
        default:
            unit.error(t.loc, "cannot assign to expression")
        }
    }
}
