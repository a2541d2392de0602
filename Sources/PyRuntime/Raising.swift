import RunModel

// What `raise` and `except` do with the values they are given: the
// exception to raise for `raise X`, and whether an exception matches the
// types of an `except` clause.

extension Interpreter {
    /// The exception instance for `raise v` (a class is instantiated).
    package func exceptionToRaise(_ v: Value) throws -> PyException {
        if case .obj(let o) = v {
            if let e = o as? PyException { return e }
            if let t = o as? PyType, t.isExceptionType {
                guard case .obj(let made) = try t.call(Args(), self), let e = made as? PyException else {
                    throw error(.typeError, "calling \(t.name) should have returned an instance of BaseException")
                }
                return e
            }
        }
        throw error(.typeError, "exceptions must derive from BaseException")
    }

    package func exceptionMatches(_ e: PyException, _ t: Value) throws -> Bool {
        if case .obj(let o) = t {
            if let type = o as? PyType {
                guard type.isExceptionType else {
                    throw error(.typeError, "catching classes that do not inherit from BaseException is not allowed")
                }
                return e.type.isSubtype(of: type)
            }
            if let tuple = o as? PyTuple {
                for x in tuple.items where try exceptionMatches(e, x) { return true }
                return false
            }
        }
        throw error(.typeError, "catching classes that do not inherit from BaseException is not allowed")
    }
}
