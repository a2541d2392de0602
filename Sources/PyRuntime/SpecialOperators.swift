import RunModel
import TraceLanguage

// The operators on instances of classes of the trace: CPython's binary
// operator protocol (`__add__`, then the right operand's `__radd__`, the
// reflected method first when the right operand's class derives from the
// left's; `NotImplemented` passes the turn) and rich comparisons (`__lt__`
// reflected as `__gt__`, and so on).

extension BinaryOp {
    /// The special method names: `(__op__, __rop__, __iop__)`.
    var specialNames: (String, String, String) {
        switch self {
        case .add: return ("__add__", "__radd__", "__iadd__")
        case .sub: return ("__sub__", "__rsub__", "__isub__")
        case .mul: return ("__mul__", "__rmul__", "__imul__")
        case .div: return ("__truediv__", "__rtruediv__", "__itruediv__")
        case .floorDiv: return ("__floordiv__", "__rfloordiv__", "__ifloordiv__")
        case .mod: return ("__mod__", "__rmod__", "__imod__")
        case .pow: return ("__pow__", "__rpow__", "__ipow__")
        case .bitOr: return ("__or__", "__ror__", "__ior__")
        case .bitAnd: return ("__and__", "__rand__", "__iand__")
        case .bitXor: return ("__xor__", "__rxor__", "__ixor__")
        case .leftShift: return ("__lshift__", "__rlshift__", "__ilshift__")
        case .rightShift: return ("__rshift__", "__rrshift__", "__irshift__")
        case .matMul: return ("__matmul__", "__rmatmul__", "__imatmul__")
        }
    }
}

extension CompareOp {
    /// The rich comparison method, and the one of the right operand it reflects to.
    var specialNames: (String, String)? {
        switch self {
        case .lt: return ("__lt__", "__gt__")
        case .le: return ("__le__", "__ge__")
        case .gt: return ("__gt__", "__lt__")
        case .ge: return ("__ge__", "__le__")
        case .eq: return ("__eq__", "__eq__")
        case .ne: return ("__ne__", "__ne__")
        default: return nil
        }
    }
}

/// The class of a trace's instance (a `PyInstance`, or an exception of a class of the trace).
@inline(__always) private func heapClass(_ v: Value) -> PyType? {
    guard case .obj(let o) = v else { return nil }
    if let i = o as? PyInstance { return i.cls.isHeap ? i.cls : nil }
    if let e = o as? PyException, e.type.isHeap { return e.type }
    if let t = o as? PyType { return t.metaclass }
    return nil
}

/// Calls `owner.name(receiver, other)` when the class defines it; nil when
/// it does not or returns NotImplemented.
private func trySpecial(
    _ cls: PyType?, _ name: String, _ receiver: Value, _ other: Value, _ vm: Interpreter
) throws
    -> Value?
{
    guard let cls, let m = cls.lookup(name) else { return nil }
    if m.isNone { return nil }
    let r = try vm.callSpecial(m, receiver, cls, [other])
    return r.object is PyNotImplemented ? nil : r
}

/// `a op b` (or `a op= b`) through special methods, nil when neither operand
/// is an instance of a trace's class or none of their methods applies.
package func specialBinary(_ op: BinaryOp, _ a: Value, _ b: Value, inPlace: Bool, _ vm: Interpreter) throws -> Value? {
    let ca = heapClass(a)
    let cb = heapClass(b)
    if ca == nil && cb == nil { return nil }
    let (name, reflected, inplaceName) = op.specialNames
    if inPlace, let r = try trySpecial(ca, inplaceName, a, b, vm) { return r }
    if let ca, let cb, cb !== ca, cb.isSubtype(of: ca), let rb = cb.lookup(reflected),
        !(ca.lookup(reflected).map { $0.isIdentical(to: rb) } ?? false)
    {
        if let r = try trySpecial(cb, reflected, b, a, vm) { return r }
        if let r = try trySpecial(ca, name, a, b, vm) { return r }
        return nil
    }
    if let r = try trySpecial(ca, name, a, b, vm) { return r }
    if ca !== cb || ca == nil, let r = try trySpecial(cb, reflected, b, a, vm) { return r }
    return nil
}

/// `a op b` for a comparison through `__lt__`..., nil when neither operand
/// is an instance of a trace's class or both methods return NotImplemented.
package func specialCompare(_ op: CompareOp, _ a: Value, _ b: Value, _ vm: Interpreter) throws -> Value? {
    guard let (name, reflected) = op.specialNames else { return nil }
    let ca = heapClass(a)
    let cb = heapClass(b)
    if ca == nil && cb == nil { return nil }
    if let cb, ca.map({ cb !== $0 && cb.isSubtype(of: $0) }) ?? false {
        if let r = try trySpecial(cb, reflected, b, a, vm) { return r }
        return try trySpecial(ca, name, a, b, vm)
    }
    if let r = try trySpecial(ca, name, a, b, vm) { return r }
    return try trySpecial(cb, reflected, b, a, vm)
}

/// `-v`, `+v`, `abs(v)` through `__neg__`, `__pos__`, `__abs__`.
package func specialUnary(_ name: String, _ v: Value, _ vm: Interpreter) throws -> Value? {
    guard let cls = heapClass(v), let m = cls.lookup(name) else { return nil }
    return try vm.callSpecial(m, v, cls, [])
}
