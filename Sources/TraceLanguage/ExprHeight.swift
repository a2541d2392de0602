/// The height of expression trees: how deep the compiler, the scope
/// analysis and the tree's own deallocation recurse over an expression.
///
/// The parser bounds it (`Parser.maxHeight`) as it builds each node, so
/// that no input, however long its chains of operators (`1+1+...`, `not
/// not ...`, `x[0][0]...`, `a.b.c...`), makes a tree that overflows the
/// native stack when it is walked or freed.
extension ExprKind {
    /// One more than the height of the tallest child expression (1 for a leaf).
    var height: Int {
        1 + childHeight
    }

    private var childHeight: Int {
        switch self {
        case .none, .bool, .int, .float, .string, .bytes, .name, .ellipsis:
            return 0
        case .fstring(let parts):
            return FStringPart.height(of: parts)
        case .attribute(let e, _), .unary(_, let e), .await(let e), .yieldFrom(let e), .starred(let e),
            .namedExpr(_, let e):
            return e.heightValue
        case .yield(let e):
            return e?.heightValue ?? 0
        case .call(let f, let args):
            return args.reduce(f.heightValue) { max($0, $1.expr.heightValue) }
        case .subscript(let a, let b), .binary(_, let a, let b), .and(let a, let b), .or(let a, let b):
            return max(a.heightValue, b.heightValue)
        case .slice(let a, let b, let c):
            return max(a?.heightValue ?? 0, b?.heightValue ?? 0, c?.heightValue ?? 0)
        case .list(let items), .tuple(let items), .set(let items):
            return Expr.maxHeight(items)
        case .dict(let pairs):
            return pairs.reduce(0) { max($0, $1.key.heightValue, $1.value.heightValue) }
        case .dictUnpacking(let items):
            return items.reduce(0) { max($0, $1.key?.heightValue ?? 0, $1.value.heightValue) }
        case .listComp(let e, let gens), .setComp(let e, let gens), .generatorExp(let e, let gens):
            return max(e.heightValue, Comprehension.height(of: gens))
        case .dictComp(let k, let v, let gens):
            return max(k.heightValue, v.heightValue, Comprehension.height(of: gens))
        case .compare(let first, let rest):
            return rest.reduce(first.heightValue) { max($0, $1.1.heightValue) }
        case .conditional(let test, let body, let orElse):
            return max(test.heightValue, body.heightValue, orElse.heightValue)
        case .lambda(let parameters, let body):
            return max(parameters.height, body.heightValue)
        }
    }
}

extension Expr {
    var heightValue: Int { Int(height) }

    static func maxHeight(_ items: [Expr]) -> Int {
        items.reduce(0) { max($0, $1.heightValue) }
    }
}

extension Argument {
    var expr: Expr {
        switch self {
        case .positional(let e), .keyword(_, let e), .star(let e), .doubleStar(let e): return e
        }
    }
}

extension FStringPart {
    static func height(of parts: [FStringPart]) -> Int {
        parts.reduce(0) { h, part in
            guard case .field(let e, _, let spec) = part else { return h }
            return max(h, e.heightValue, spec.map { height(of: $0) + 1 } ?? 0)
        }
    }
}

extension Comprehension {
    static func height(of generators: [Comprehension]) -> Int {
        generators.reduce(0) { max($0, $1.target.heightValue, $1.iter.heightValue, Expr.maxHeight($1.ifs)) }
    }
}

extension Parameters {
    /// The tallest default or annotation.
    var height: Int {
        let all = positional + keywordOnly
        return all.reduce(max(varargsAnnotation?.heightValue ?? 0, kwargsAnnotation?.heightValue ?? 0)) {
            max($0, $1.defaultValue?.heightValue ?? 0, $1.annotation?.heightValue ?? 0)
        }
    }
}
