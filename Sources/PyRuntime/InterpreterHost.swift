import RunModel

/// What the interpreter asks of its host, the layer that runs it: modules,
/// the names every trace has, `expect` statements, notes, and one awaited
/// call run natively. This protocol and `PyObject.awaitIterator` (for every
/// awaitable object) are all the interpreter knows of what lies above it.
public protocol InterpreterHost: AnyObject {
    /// `import name` for an absolute dotted name (parents first, each module
    /// run once): the module object, or `ModuleNotFoundError` (`moduleNotFound`).
    func importModule(_ name: String) throws -> Value

    /// The names every trace has without importing them (`sim`, `expect`,
    /// `print`); nil for any other name.
    func globalBuiltin(_ name: String) -> Value?

    /// Runs the trace's `expect.*` statement number `index` (op `expectStatement`).
    func runExpectStatement(_ index: Int) throws

    /// Where notes about the run go (never-awaited coroutines and the like).
    var noteSink: NoteSink { get }

    /// Starts `await F(argument)` natively, where `F` is the interpreter's
    /// `nativeAwaitTarget.function`: the frame is about to suspend, and what
    /// this returns is the value it yields to whatever resumes it.
    /// The host may keep state in `frame.hostState` and marks the frame
    /// with `frame.nativeAwait`, which the interpreter leaves alone until
    /// the frame resumes.
    func beginNativeAwait(_ argument: Value, in frame: Frame, _ vm: Interpreter) throws -> Value

    /// Finishes the native await of `frame` when it resumes with `resume`:
    /// the value of the `await` expression, or a thrown `PyRaise`. Called
    /// only while `frame.nativeAwait != 0`; the host sets it back to 0.
    func endNativeAwait(in frame: Frame, _ resume: Resume, _ vm: Interpreter) throws -> Value
}

/// The one function whose awaited calls the host runs natively (op
/// `awaitSleep`), and the module it is an attribute of. A call site runs
/// natively only when its receiver is `module` and the attribute resolves
/// to `function`; any other call takes the general path, with the same
/// result.
public struct NativeAwaitTarget {
    public unowned(unsafe) var module: PyModule
    public unowned(unsafe) var function: PyObject

    public init(module: PyModule, function: PyObject) {
        self.module = module
        self.function = function
    }
}
