/// The abstract syntax tree of a trace: the Python 3.11 subset of
/// TRACE_LANGUAGE.md's "Syntax" section, and nothing else.
///
/// Every node carries the 1-based line and column where it starts, so that
/// the compiler, the interpreter and the properties can name a trace line.
/// Constructs outside the subset never reach the tree: the parser reports them
/// as diagnostics.

/// A position in a trace: 1-based line and column (columns count Unicode
/// scalars; a tab counts as one column).
public struct SourceLocation: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static let unknown = SourceLocation(line: 0, column: 0)

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }

    public var description: String { "\(line):\(column)" }
}

public struct Expr: Sendable {
    public var kind: ExprKind
    public var loc: SourceLocation
    /// The height of the tree this node roots (1 for a leaf), computed when
    /// the node is made (ExprHeight.swift); the parser keeps it at most
    /// `Parser.maxHeight`.
    public let height: Int32

    public init(_ kind: ExprKind, _ loc: SourceLocation) {
        self.kind = kind
        self.loc = loc
        self.height = Int32(clamping: kind.height)
    }
}

public enum BinaryOp: String, Sendable {
    case add = "+", sub = "-", mul = "*", div = "/", floorDiv = "//", mod = "%", pow = "**"
    /// On sets (union, intersection, symmetric difference) and ints.
    case bitOr = "|", bitAnd = "&", bitXor = "^"
    /// On ints; `@` only through `__matmul__`.
    case leftShift = "<<", rightShift = ">>", matMul = "@"
}

public enum UnaryOp: String, Sendable {
    case neg = "-", pos = "+", not = "not", invert = "~"
}

public enum CompareOp: String, Sendable {
    case eq = "==", ne = "!=", lt = "<", le = "<=", gt = ">", ge = ">="
    case `in` = "in", notIn = "not in", `is` = "is", isNot = "is not"
}

/// One argument of a call, in source order.
public enum Argument: Sendable {
    case positional(Expr)
    case keyword(String, Expr)
    case star(Expr)  // *args
    case doubleStar(Expr)  // **kwargs
}

/// A piece of an f-string: literal text, or a replacement field
/// `{expr!conversion:spec}`. The spec may itself hold replacement fields.
public enum FStringPart: Sendable {
    case literal(String)
    case field(Expr, conversion: Character?, spec: [FStringPart]?)
}

/// `for TARGET in ITER if COND ...` inside a comprehension or generator
/// expression. `target` is a name or a tuple of names.
public struct Comprehension: Sendable {
    public var target: Expr
    public var iter: Expr
    public var ifs: [Expr]
    /// `async for TARGET in ITER`.
    public var isAsync: Bool

    public init(target: Expr, iter: Expr, ifs: [Expr], isAsync: Bool = false) {
        self.target = target
        self.iter = iter
        self.ifs = ifs
        self.isAsync = isAsync
    }
}

public struct Parameter: Sendable {
    public var name: String
    public var defaultValue: Expr?
    public var loc: SourceLocation
    /// `name: annotation`, evaluated when the `def` runs.
    public var annotation: Expr?

    public init(name: String, defaultValue: Expr?, loc: SourceLocation, annotation: Expr? = nil) {
        self.name = name
        self.defaultValue = defaultValue
        self.loc = loc
        self.annotation = annotation
    }
}

/// `def f(a, b=1, *args, c, d=2, **kwargs)`.
public struct Parameters: Sendable {
    public var positional: [Parameter]
    public var varargs: String?
    public var keywordOnly: [Parameter]
    public var kwargs: String?
    /// The annotations of `*args` and `**kwargs`, when they have one.
    public var varargsAnnotation: Expr?
    public var kwargsAnnotation: Expr?

    public init(
        positional: [Parameter] = [], varargs: String? = nil, keywordOnly: [Parameter] = [], kwargs: String? = nil
    ) {
        self.positional = positional
        self.varargs = varargs
        self.keywordOnly = keywordOnly
        self.kwargs = kwargs
    }
}

public indirect enum ExprKind: Sendable {
    case none
    case bool(Bool)
    case int(Int64)
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case fstring([FStringPart])
    case name(String)
    case attribute(Expr, String)
    case call(Expr, [Argument])
    case `subscript`(Expr, Expr)
    /// Only as the index of a subscript: `a[lower:upper:step]`.
    case slice(Expr?, Expr?, Expr?)
    case list([Expr])
    case tuple([Expr])
    case set([Expr])
    case dict([(key: Expr, value: Expr)])
    case listComp(Expr, [Comprehension])
    case setComp(Expr, [Comprehension])
    case dictComp(key: Expr, value: Expr, [Comprehension])
    case generatorExp(Expr, [Comprehension])
    case binary(BinaryOp, Expr, Expr)
    case unary(UnaryOp, Expr)
    case and(Expr, Expr)
    case or(Expr, Expr)
    /// `a < b <= c`: the first operand, then each operator with its right operand.
    case compare(Expr, [(CompareOp, Expr)])
    case conditional(test: Expr, body: Expr, orElse: Expr)
    case lambda(Parameters, Expr)
    case await(Expr)
    case yield(Expr?)
    case yieldFrom(Expr)
    /// `*x` in a display (`[*a, b]`), or in an assignment target (`a, *rest = xs`).
    case starred(Expr)
    /// `name := value`.
    case namedExpr(String, Expr)
    /// A dict display with `**m` items: a nil key marks `**value`.
    case dictUnpacking([(key: Expr?, value: Expr)])
    /// `...`
    case ellipsis
}

public struct ExceptHandler: Sendable {
    /// The type (or tuple of types) matched; nil for a bare `except:`.
    public var type: Expr?
    public var name: String?
    public var body: [Stmt]
    /// `except*` (the parser accepts it; the interpreter decides support).
    public var isStar: Bool
    public var loc: SourceLocation

    public init(type: Expr?, name: String?, body: [Stmt], isStar: Bool, loc: SourceLocation) {
        self.type = type
        self.name = name
        self.body = body
        self.isStar = isStar
        self.loc = loc
    }
}

public struct WithItem: Sendable {
    public var context: Expr
    public var target: Expr?

    public init(context: Expr, target: Expr?) {
        self.context = context
        self.target = target
    }
}

public struct ImportName: Sendable {
    /// A dotted module name (`concurrent.futures`) or, in `from M import X`, the name X.
    public var name: String
    public var asName: String?
    public var loc: SourceLocation

    public init(name: String, asName: String?, loc: SourceLocation) {
        self.name = name
        self.asName = asName
        self.loc = loc
    }
}

public struct FunctionDef: Sendable {
    public var name: String
    public var parameters: Parameters
    public var body: [Stmt]
    public var isAsync: Bool
    /// `@expr` lines above the `def`, top first; applied bottom first.
    public var decorators: [Expr] = []
    /// `-> annotation`.
    public var returns: Expr?

    public init(name: String, parameters: Parameters, body: [Stmt], isAsync: Bool, returns: Expr? = nil) {
        self.name = name
        self.parameters = parameters
        self.body = body
        self.isAsync = isAsync
        self.returns = returns
    }
}

/// `class NAME(BASES): BODY`.
public struct ClassDef: Sendable {
    public var name: String
    public var bases: [Expr]
    /// `NAME=expr` after the bases (`metaclass=` and the keywords passed on
    /// to the metaclass and `__init_subclass__`), in source order.
    public var keywords: [(String, Expr)] = []
    public var body: [Stmt]
    /// `@expr` lines above the `class`, top first; applied bottom first.
    public var decorators: [Expr] = []

    public init(name: String, bases: [Expr], body: [Stmt]) {
        self.name = name
        self.bases = bases
        self.body = body
    }
}

public struct Stmt: Sendable {
    public var kind: StmtKind
    public var loc: SourceLocation

    public init(_ kind: StmtKind, _ loc: SourceLocation) {
        self.kind = kind
        self.loc = loc
    }
}

public indirect enum StmtKind: Sendable {
    case expr(Expr)
    /// `a = b = value`: every target, left to right. A target is a name, an
    /// attribute, a subscript, or a tuple/list of targets.
    case assign(targets: [Expr], value: Expr)
    case augAssign(target: Expr, op: BinaryOp, value: Expr)
    /// `elif` is an `if` nested alone in `orElse`.
    case `if`(test: Expr, body: [Stmt], orElse: [Stmt])
    case `while`(test: Expr, body: [Stmt], orElse: [Stmt])
    case `for`(target: Expr, iter: Expr, body: [Stmt], orElse: [Stmt])
    case `break`
    case `continue`
    case pass
    case `return`(Expr?)
    case raise(Expr?, cause: Expr?)
    case `try`(body: [Stmt], handlers: [ExceptHandler], orElse: [Stmt], finally: [Stmt])
    case assert(Expr, message: Expr?)
    case with(items: [WithItem], body: [Stmt], isAsync: Bool)
    case functionDef(FunctionDef)
    case classDef(ClassDef)
    case global([String])
    case nonlocal([String])
    /// `import a.b as c, d`
    case `import`([ImportName])
    /// `from a.b import x as y, z`; a relative import keeps its leading dots
    /// in `module` (`from ..models import x` is `..models`, `from . import x` is `.`).
    case importFrom(module: String, names: [ImportName])
    /// `del a, b.c, d[k]`: each target a name, attribute, subscript or tuple/list of them.
    case delete([Expr])
    /// `target: annotation [= value]`; `simple` when the target is a bare name
    /// (not parenthesized), whose annotation a module records in `__annotations__`.
    case annAssign(target: Expr, annotation: Expr, value: Expr?, simple: Bool)
    /// `async for TARGET in ITER: BODY else: ORELSE`.
    case asyncFor(target: Expr, iter: Expr, body: [Stmt], orElse: [Stmt])
    /// `match SUBJECT:` and its `case` clauses, in order.
    case match(subject: Expr, cases: [MatchCase])
}

/// `case PATTERN [if GUARD]: BODY`.
public struct MatchCase: Sendable {
    public var pattern: Pattern
    public var guardExpr: Expr?
    public var body: [Stmt]
    public var loc: SourceLocation

    public init(pattern: Pattern, guardExpr: Expr?, body: [Stmt], loc: SourceLocation) {
        self.pattern = pattern
        self.guardExpr = guardExpr
        self.body = body
        self.loc = loc
    }
}

/// A pattern of a `case` clause (PEP 634).
public struct Pattern: Sendable {
    public var kind: PatternKind
    public var loc: SourceLocation

    public init(_ kind: PatternKind, _ loc: SourceLocation) {
        self.kind = kind
        self.loc = loc
    }
}

public indirect enum PatternKind: Sendable {
    /// A literal or a dotted name, compared with `==`.
    case value(Expr)
    /// `None`, `True`, `False`, compared with `is`.
    case singleton(Expr)
    /// `name` binds the subject; nil is the wildcard `_`.
    case capture(String?)
    /// `[a, *rest]`, `(a, b)`, `a, b`: at most one `star`.
    case sequence([Pattern])
    /// `*name` (nil for `*_`), inside a sequence pattern.
    case star(String?)
    /// `{KEY: PATTERN, ..., **rest}`: keys are literals or dotted names.
    case mapping(keys: [Expr], patterns: [Pattern], rest: String?)
    /// `Cls(p, q, attr=r)`.
    case classPattern(cls: Expr, positional: [Pattern], keywords: [(name: String, pattern: Pattern)])
    /// `p | q | r`.
    case or([Pattern])
    /// `PATTERN as name`.
    case asPattern(Pattern, String)
}

/// A whole trace: its top-level statements.
public struct Module: Sendable {
    public var body: [Stmt]

    public init(body: [Stmt]) {
        self.body = body
    }
}
