import PyRuntime
import RunModel
import TraceLanguage

extension World {
    /// `print(*args, sep=' ', end='\n', file=None, flush=False)`: one `print` event per call.
    package func makePrint() -> PyBuiltin {
        PyBuiltin("print") { [unowned self] args, vm in
            var sep = " ", end = "\n"
            for (k, v) in args.keywords {
                switch k {
                case "sep": if !v.isNone { sep = try self.stringArg(v, "sep", vm) }
                case "end": if !v.isNone { end = try self.stringArg(v, "end", vm) }
                case "file", "flush": break
                default: throw vm.error(.typeError, "'\(k)' is an invalid keyword argument for print()")
                }
            }
            var text = try args.positional.map { try vm.str($0) }.joined(separator: sep)
            if end != "\n" { text += end }
            self.recordPrint(text)
            return .none
        }
    }

    private func stringArg(_ v: Value, _ what: String, _ vm: Interpreter) throws -> String {
        guard case .str(let s) = v else {
            throw vm.error(.typeError, "\(what) must be None or a string, not \(vm.typeName(v))")
        }
        return s
    }
}
