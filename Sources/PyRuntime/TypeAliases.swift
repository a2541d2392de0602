import RunModel
import TraceLanguage

// What annotations evaluate to: `list[int]` (types.GenericAlias), `int | None`
// (types.UnionType), and the forms of a minimal `typing` module, with
// CPython 3.11's reprs. Annotations are evaluated and recorded, never checked.

/// CPython's `_type_repr`/`ga_repr_item`: a builtin type by its name, another
/// class as `module.name`, anything else by its repr. `typing` names
/// NoneType so; `list[None]` and `int | None` say None.
func annotationRepr(_ v: Value, _ vm: Interpreter, typing: Bool = false) throws -> String {
    if case .none = v { return "None" }
    if case .obj(let o) = v {
        if o === PyEllipsis.shared { return "..." }
        if let t = o as? PyType {
            if t === PyType.noneType { return typing ? "NoneType" : "None" }
            return t.qualifiedName
        }
        if let l = o as? PyList {
            return "[" + (try l.items.map { try annotationRepr($0, vm, typing: typing) }.joined(separator: ", ")) + "]"
        }
    }
    return try vm.repr(v)
}

/// `list[int]`, `dict[str, int]`: a builtin generic type with arguments.
public final class PyGenericAlias: PyObject {
    let origin: PyType
    let args: [Value]

    init(origin: PyType, args: [Value]) {
        self.origin = origin
        self.args = args
    }

    public override var typeName: String { "types.GenericAlias" }
    public override var pyType: PyType { PyGenericAlias.type }
    /// `types.GenericAlias`, callable as `GenericAlias(origin, args)` (what
    /// `__class_getitem__ = classmethod(GenericAlias)` in collections.abc calls).
    package static let type: PyType = {
        let t = PyType("GenericAlias", base: .object) { args, vm in
            try vm.checkArity("GenericAlias", args, 2, 2)
            guard case .obj(let o) = args[0], let origin = o as? PyType else {
                throw vm.error(.typeError, "GenericAlias() origin must be a class")
            }
            if case .obj(let a) = args[1], let tuple = a as? PyTuple {
                return .obj(PyGenericAlias(origin: origin, args: tuple.items))
            }
            return .obj(PyGenericAlias(origin: origin, args: [args[1]]))
        }
        t.module = "types"
        return t
    }()
    public override func repr(_ vm: Interpreter) throws -> String {
        try annotationRepr(.obj(origin), vm) + "["
            + (try args.map { try annotationRepr($0, vm) }.joined(separator: ", "))
            + "]"
    }
    public override var isCallable: Bool { true }
    public override func call(_ args: Args, _ vm: Interpreter) throws -> Value { try origin.call(args, vm) }
    public override func getAttr(_ name: String, _ vm: Interpreter) throws -> Value? {
        switch name {
        case "__origin__": return .obj(origin)
        case "__args__": return .obj(PyTuple(args))
        default: return nil
        }
    }
}

/// `int | None`: types.UnionType, its arguments flattened and without repeats.
public final class PyUnionType: PyObject {
    let args: [Value]

    init(args: [Value]) { self.args = args }

    public override var typeName: String { "types.UnionType" }
    public override func repr(_ vm: Interpreter) throws -> String {
        try args.map { try annotationRepr($0, vm) }.joined(separator: " | ")
    }
    public override func getAttr(_ name: String, _ vm: Interpreter) throws -> Value? {
        name == "__args__" ? .obj(PyTuple(args)) : nil
    }
}

/// The builtin classes that `cls[...]` makes a GenericAlias of (`__class_getitem__`).
let genericBuiltinTypes: Set<String> = [
    "list", "dict", "set", "frozenset", "tuple", "type", "Queue", "PriorityQueue", "LifoQueue", "Future", "Task",
    "deque", "defaultdict", "OrderedDict", "Counter",
]

/// `t[key]` on a type: a GenericAlias for the generic builtins, else CPython's TypeError.
func subscriptType(_ t: PyType, _ key: Value, _ vm: Interpreter) throws -> Value {
    if t.isHeap, let classGetItem = t.lookup("__class_getitem__") {
        // `C[int]` for a class of the trace: `__class_getitem__`, an implicit class method.
        let hook = (classGetItem.object as? PyFunction).map { _ in PyClassMethod(classGetItem) }
        return try vm.call(try vm.bindToClass(hook.map { .obj($0) } ?? classGetItem, t), Args([key]))
    }
    guard genericBuiltinTypes.contains(t.name) else {
        throw vm.error(.typeError, "type '\(t.name)' is not subscriptable")
    }
    if case .obj(let o) = key, let tuple = o as? PyTuple { return .obj(PyGenericAlias(origin: t, args: tuple.items)) }
    return .obj(PyGenericAlias(origin: t, args: [key]))
}

/// `a | b` on types, aliases and None (`int | None`); nil when either is something else.
func unionOf(_ a: Value, _ b: Value) -> Value? {
    func parts(_ v: Value) -> [Value]? {
        switch v {
        case .none: return [.obj(PyType.noneType)]
        case .obj(let o):
            if o is PyType || o is PyGenericAlias || o is PyTypingForm { return [v] }
            if let u = o as? PyUnionType { return u.args }
            return nil
        default: return nil
        }
    }
    guard let x = parts(a), let y = parts(b) else { return nil }
    var out: [Value] = []
    for v in x + y where !out.contains(where: { $0.object === v.object }) { out.append(v) }
    return out.count == 1 ? out[0] : .obj(PyUnionType(args: out))
}

/// A form of the `typing` module (`typing.Optional`, `typing.List[int]`,
/// `typing.Any`): subscriptable, printable, and nothing more.
public final class PyTypingForm: PyObject {
    let name: String
    let args: [Value]?

    init(_ name: String, args: [Value]? = nil) {
        self.name = name
        self.args = args
    }

    public override var typeName: String { "typing._SpecialForm" }
    public override func repr(_ vm: Interpreter) throws -> String {
        guard let args else { return "typing.\(name)" }
        return "typing.\(name)[" + (try args.map { try annotationRepr($0, vm, typing: true) }.joined(separator: ", "))
            + "]"
    }
    public override func getItem(_ key: Value, _ vm: Interpreter) throws -> Value {
        if args != nil { throw vm.error(.typeError, "\(try repr(vm)) is not a generic class") }
        var items: [Value]
        if case .obj(let o) = key, let tuple = o as? PyTuple { items = tuple.items } else { items = [key] }
        items = items.map { $0.isNone ? .obj(PyType.noneType) : $0 }
        switch name {
        case "Optional":
            return .obj(PyTypingForm("Optional", args: items))
        case "Union":
            var unique: [Value] = []
            for v in items where !unique.contains(where: { $0.object === v.object }) { unique.append(v) }
            if unique.count == 1 { return unique[0] }
            if unique.count == 2, let i = unique.firstIndex(where: { $0.object === PyType.noneType }) {
                return .obj(PyTypingForm("Optional", args: [unique[1 - i]]))
            }
            return .obj(PyTypingForm("Union", args: unique))
        default:
            return .obj(PyTypingForm(name, args: items))
        }
    }
    public override func getAttr(_ name: String, _ vm: Interpreter) throws -> Value? {
        switch name {
        case "__args__": return args.map { .obj(PyTuple($0)) }
        case "_name", "__name__": return .str(self.name)
        default: return nil
        }
    }
}

/// `...`, the builtin `Ellipsis`.
public final class PyEllipsis: PyObject {
    public static let shared = PyEllipsis()
    public override var typeName: String { "ellipsis" }
    public override func repr(_ vm: Interpreter) throws -> String { "Ellipsis" }
}

/// `typing.TypeVar('T')`.
final class PyTypeVar: PyObject {
    let name: String
    init(_ name: String) { self.name = name }
    override var typeName: String { "TypeVar" }
    override func repr(_ vm: Interpreter) throws -> String { "~\(name)" }
    override func getAttr(_ name: String, _ vm: Interpreter) throws -> Value? {
        name == "__name__" ? .str(self.name) : nil
    }
}

/// A minimal `typing`: `TYPE_CHECKING` (False), the common forms, `TypeVar`
/// and `cast`. Kept in its own file so that it can grow.
public func makeTypingModule() -> PyModule {
    let m = PyModule("typing")
    m.attributes["TYPE_CHECKING"] = .bool(false)
    for name in [
        "Any", "Optional", "Union", "List", "Dict", "Set", "FrozenSet", "Tuple", "Callable", "Awaitable", "Coroutine",
        "AsyncIterator", "AsyncIterable", "AsyncGenerator", "Iterator", "Iterable", "Generator", "ClassVar", "Final",
        "Type", "Sequence", "Mapping", "MutableMapping", "Literal", "NoReturn", "Never", "Self", "Annotated",
        "TypeAlias", "Concatenate", "TypeGuard", "Required", "NotRequired", "LiteralString", "Unpack", "Hashable",
        "Sized", "Container", "Collection", "Reversible", "MutableSequence", "MutableSet", "AbstractSet", "Deque",
        "DefaultDict", "OrderedDict", "Counter", "ChainMap", "ContextManager", "AsyncContextManager",
    ] {
        m.attributes[name] = .obj(PyTypingForm(name))
    }
    m.attributes["TypeVar"] = .obj(
        PyBuiltin("TypeVar") { args, vm in
            guard args.count >= 1, case .str(let n) = args[0] else {
                throw vm.error(.typeError, "TypeVar() missing required argument 'name' (pos 1)")
            }
            return .obj(PyTypeVar(n))
        })
    m.attributes["cast"] = .obj(
        PyBuiltin("cast") { args, vm in
            try vm.checkArity("cast", args, 2, 2)
            return args[1]
        })
    return m
}
