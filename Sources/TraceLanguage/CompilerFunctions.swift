/// Functions and classes: a child scope's code, the instructions that make
/// the function (defaults, annotations, closure), decorators, and a class
/// body run as a function whose namespace `buildClass` turns into the class.
extension FunctionCompiler {
    func childScope(_ loc: SourceLocation, _ tag: Int) -> Scope {
        unit.scopes[ScopeBuilder.key(loc, tag)]!
    }

    func qualified(_ name: String) -> String {
        if scope.kind == .module || isExpect { return name }
        if scope.kind == .classBody { return "\(code.qualifiedName).\(name)" }
        return "\(code.qualifiedName).<locals>.\(name)"
    }

    /// Compiles a child scope's code and emits the instructions that make the function.
    func makeFunction(
        _ child: Scope, name: String, loc fnLoc: SourceLocation,
        parameters: Parameters, returns: Expr? = nil, docstring: String? = nil, body: (FunctionCompiler) -> Void
    ) {
        for p in parameters.positional {
            if let d = p.defaultValue { compile(d) }
        }
        let defaults = parameters.positional.filter { $0.defaultValue != nil }.count
        let kwDefaults = parameters.keywordOnly.filter { $0.defaultValue != nil }
        for p in kwDefaults {
            emit(.loadConst(constant(.string(p.name))))
            compile(p.defaultValue!)
        }
        if !kwDefaults.isEmpty { emit(.buildDict(Int32(kwDefaults.count))) }
        compileParameterAnnotations(parameters, returns: returns)
        let fcode = CodeObject(name: name, qualifiedName: qualified(name), firstLine: fnLoc.line)
        fcode.docstring = docstring
        fcode.positionalCount = parameters.positional.count
        fcode.hasVarargs = parameters.varargs != nil
        fcode.keywordOnly = parameters.keywordOnly.map(\.name)
        fcode.hasKwargs = parameters.kwargs != nil
        let fc = FunctionCompiler(unit: unit, scope: child, code: fcode)
        fc.loc = fnLoc
        body(fc)
        loc = fnLoc
        for n in child.frees {
            switch resolve(n) {
            case .cell(let i): emit(.loadClosure(i))
            default: preconditionFailure("free variable \(n) not found in the enclosing scope")
            }
        }
        if !child.frees.isEmpty { emit(.buildTuple(Int32(child.frees.count))) }
        emit(
            .makeFunction(
                code: constant(.code(fcode)), defaults: Int32(defaults),
                kwDefaults: !kwDefaults.isEmpty, closure: !child.frees.isEmpty))
    }

    func compileFunction(_ f: FunctionDef, _ fnLoc: SourceLocation) {
        for d in f.decorators { compile(d) }
        loc = fnLoc
        let child = childScope(fnLoc, 1)
        var docstring: String?
        if case .expr(let e) = f.body.first?.kind, case .string(let text) = e.kind { docstring = text }
        makeFunction(
            child, name: f.name, loc: fnLoc, parameters: f.parameters, returns: f.returns, docstring: docstring
        ) { fc in
            fc.compileStatements(f.body)
            fc.emit(.loadNone)
            fc.emit(.returnValue)
        }
        applyDecorators(f.decorators.count, fnLoc)
    }

    /// Calls the decorators evaluated before the function or class (on the
    /// stack under it), the nearest first, as CPython does.
    func applyDecorators(_ n: Int, _ at: SourceLocation) {
        loc = at
        for _ in 0..<n { emit(.call(1)) }
    }

    /// A class: its body runs as a function that returns its namespace,
    /// then `buildClass` makes the class from the bases and that namespace.
    func compileClass(_ c: ClassDef, _ loc: SourceLocation) {
        for d in c.decorators { compile(d) }
        for b in c.bases { compile(b) }
        for (_, k) in c.keywords { compile(k) }
        let child = childScope(loc, 7)
        makeFunction(child, name: c.name, loc: loc, parameters: Parameters()) { fc in
            if Self.hasSimpleAnnotations(c.body) { fc.emitSetupAnnotations() }
            fc.compileStatements(c.body)
            fc.emit(.buildClassNamespace)
            fc.emit(.returnValue)
        }
        emit(.call(0))
        if c.keywords.isEmpty {
            emit(.buildClass(name: constant(.string(c.name)), bases: Int32(c.bases.count)))
        } else {
            emit(
                .buildClassKw(
                    name: constant(.string(c.name)), bases: Int32(c.bases.count), keywords: Int32(c.keywords.count),
                    names: constant(.names(c.keywords.map { $0.0 }))))
        }
        applyDecorators(c.decorators.count, loc)
    }
}
