import RunModel
import TraceLanguage

/// What the interpreter keeps per code object: its constants as values,
/// and an inline cache per attribute name for calls of module functions
/// (`asyncio.sleep(...)` looks the function up once, not on every call).
package final class CodeRuntime {
    package let code: CodeObject
    /// `code.ops` with superinstructions (see `Op.fused(with:)`), read without
    /// bounds checks: `run` reads one per instruction, and the compiler ends
    /// every code with a return.
    package let ops: UnsafeMutablePointer<Op>
    package let constants: UnsafeMutablePointer<Value>
    package let constantCount: Int
    /// One per name of `code.names`; a plain buffer, read in place on every module call.
    package let moduleCaches: UnsafeMutablePointer<ModuleCallCache>
    /// One per name of `code.names`: the method `obj.name(...)` found on the
    /// class of the last instance seen at a call site of that name.
    package let methodCaches: UnsafeMutablePointer<MethodCallCache>
    /// For each attribute name: true when it is `append` (the list fast path).
    package let isAppend: [Bool]

    package init(code: CodeObject, constants: [Value]) {
        self.code = code
        ops = .allocate(capacity: max(1, code.ops.count))
        ops.initialize(from: code.ops, count: code.ops.count)
        for i in code.ops.indices.dropLast() {
            if let fused = code.ops[i].fused(with: code.ops[i + 1]) { ops[i] = fused }
        }
        constantCount = constants.count
        self.constants = .allocate(capacity: max(1, constants.count))
        self.constants.initialize(from: constants, count: constants.count)
        moduleCaches = .allocate(capacity: max(1, code.names.count))
        moduleCaches.initialize(repeating: ModuleCallCache(), count: code.names.count)
        methodCaches = .allocate(capacity: max(1, code.names.count))
        methodCaches.initialize(repeating: MethodCallCache(), count: code.names.count)
        isAppend = code.names.map { $0 == "append" }
    }

    deinit {
        ops.deallocate()
        moduleCaches.deinitialize(count: code.names.count)
        moduleCaches.deallocate()
        methodCaches.deinitialize(count: code.names.count)
        methodCaches.deallocate()
        constants.deinitialize(count: constantCount)
        constants.deallocate()
    }
}

/// The function `obj.name` resolved to on the class with serial number
/// `serial`, valid while that class's `version` is `version`. The function is
/// not retained (a retain would make a cycle through its own code's caches):
/// a class whose serial and version still match holds it among its members.
package struct MethodCallCache {
    package var serial = Int.min
    package var version: UInt = 0
    package unowned(unsafe) var function: PyFunction?
}

/// The function a module attribute named at one call site resolved to,
/// valid while the module is the same and unchanged.
package struct ModuleCallCache {
    package var module: PyModule?
    package var version = -1
    package var target: Value = .none
}
