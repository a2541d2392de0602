import PyRuntime
import RunModel
import TraceLanguage

extension World {
    public func runExpectStatement(_ i: Int) throws {
        expectations.expectsRun.insert(i)
        vm.beginCounting()
        expectations.currentExpectLoc = expectations.expectStatements[i].loc
        _ = try vm.runModuleCode(expectations.expectStatements[i].code)
    }
}

/// A call of `expect.*`, recorded when the statement runs and checked after the run.
public struct PropertyCall {
    public var name: String
    public var args: [Value]
    public var keywords: [(String, Value)]
    public var loc: SourceLocation
}

/// The `expect.*` statements of a trace (top-level statements, run even
/// after the trace failed) and the calls they recorded, in the order they ran.
public final class Expectations {
    @exclusivity(unchecked) package var expectStatements: [(code: CodeObject, loc: SourceLocation)] = []
    @exclusivity(unchecked) public package(set) var properties: [PropertyCall] = []
    @exclusivity(unchecked) package var expectsRun = Set<Int>()
    @exclusivity(unchecked) package var currentExpectLoc = SourceLocation.unknown

    package init() {}
}

/// `expect`: each call records a property, checked against the event log after the run.
package final class ExpectObject: PyObject {
    package unowned(unsafe) let world: World

    package static let names: Set<String> = [
        "output", "order", "before", "never", "at", "elapsed", "concurrency", "max_blocking", "result",
        "raises", "all_done", "status",
    ]

    package init(world: World) { self.world = world }

    package override var typeName: String { "Expect" }
    package override func repr(_ vm: Interpreter) throws -> String { "<expect>" }

    package override func getAttr(_ name: String, _ vm: Interpreter) throws -> Value? {
        ExpectObject.names.contains(name) ? .obj(PyBoundMethod(receiver: self, name: name)) : nil
    }

    package override func callMethod(_ name: String, _ args: Args, _ vm: Interpreter) throws -> Value {
        guard ExpectObject.names.contains(name) else {
            throw vm.error(
                .attributeError,
                "'expect' has no property '\(name)' (properties: \(ExpectObject.names.sorted().joined(separator: ", ")))"
            )
        }
        world.expectations.properties.append(
            PropertyCall(
                name: name, args: args.positional, keywords: args.keywords,
                loc: world.expectations.currentExpectLoc))
        return .none
    }
}
