import PyRuntime
import RunModel

// `logging`: loggers, levels, `basicConfig` and the format fields of
// TRACE_LANGUAGE.md, with `%(asctime)s` on the virtual clock.

/// The logging configuration of a run: the root logger's handler and level.
package final class LoggingState {
    /// True once `basicConfig` installed the root handler.
    @exclusivity(unchecked) package var configured = false
    @exclusivity(unchecked) package var format = "%(levelname)s:%(name)s:%(message)s"
    @exclusivity(unchecked) package var datefmt: String?
    @exclusivity(unchecked) package var loggers: [String: PyLogger] = [:]
    package lazy var root = PyLogger(name: "root", level: 30, state: self)
}

package let levelNames: [Int: String] = [
    50: "CRITICAL", 40: "ERROR", 30: "WARNING", 20: "INFO", 10: "DEBUG", 0: "NOTSET",
]
package let levelValues: [String: Int] = [
    "CRITICAL": 50, "FATAL": 50, "ERROR": 40, "WARN": 30, "WARNING": 30, "INFO": 20, "DEBUG": 10, "NOTSET": 0,
]

package func levelName(_ level: Int) -> String { levelNames[level] ?? "Level \(level)" }

/// The note for a record that could not be formatted: what CPython's
/// `Handler.handleError` writes to stderr, on one line, without the
/// traceback into logging's own code (the reference writes the same).
package func loggingErrorText(_ error: String, message: String, arguments: String) -> String {
    "--- Logging error --- \(error); Message: \(message); Arguments: \(arguments)"
}

/// `logging.Logger`.
package final class PyLogger: PyObject {
    package let name: String
    @exclusivity(unchecked) package var level: Int
    package unowned(unsafe) let state: LoggingState

    package init(name: String, level: Int, state: LoggingState) {
        self.name = name
        self.level = level
        self.state = state
    }

    package override var typeName: String { name == "root" ? "RootLogger" : "Logger" }
    package override func repr(_ vm: Interpreter) throws -> String {
        "<\(typeName) \(name) (\(levelName(effectiveLevel)))>"
    }

    package var effectiveLevel: Int {
        if level != 0 { return level }
        var n = name
        while let dot = n.lastIndex(of: ".") {
            n = String(n[..<dot])
            if let p = state.loggers[n], p.level != 0 { return p.level }
        }
        return state.root.level
    }

    package static let levelMethods: [String: Int] = [
        "debug": 10, "info": 20, "warning": 30, "warn": 30, "error": 40, "exception": 40, "critical": 50, "fatal": 50,
    ]

    package override func callMethod(_ method: String, _ args: Args, _ vm: Interpreter) throws -> Value {
        if let level = PyLogger.levelMethods[method] {
            guard args.count >= 1 else {
                throw vm.error(.typeError, "Logger.\(method)() missing 1 required positional argument: 'msg'")
            }
            let excInfo =
                method == "exception" ? (args.keyword("exc_info") ?? .bool(true)) : (args.keyword("exc_info") ?? .none)
            try log(level, args[0], Array(args.positional.dropFirst()), excInfo: excInfo, vm)
            return .none
        }
        switch method {
        case "log":
            guard args.count >= 2 else { throw vm.error(.typeError, "Logger.log() missing required arguments") }
            try log(
                try vm.intArg(args[0], "level"), args[1], Array(args.positional.dropFirst(2)),
                excInfo: args.keyword("exc_info") ?? .none, vm)
            return .none
        case "setLevel":
            try vm.checkArity("setLevel", args, 1, 1)
            level = try parseLevel(args[0], vm)
            return .none
        case "isEnabledFor":
            try vm.checkArity("isEnabledFor", args, 1, 1)
            return .bool(try vm.intArg(args[0], "level") >= effectiveLevel)
        case "getEffectiveLevel":
            return .int(effectiveLevel)
        default:
            return try super.callMethod(method, args, vm)
        }
    }

    package override func getAttr(_ attr: String, _ vm: Interpreter) throws -> Value? {
        switch attr {
        case "name": return .str(name)
        case "level": return .int(level)
        default:
            if PyLogger.levelMethods[attr] != nil
                || ["log", "setLevel", "isEnabledFor", "getEffectiveLevel"].contains(attr)
            {
                return .obj(PyBoundMethod(receiver: self, name: attr))
            }
            return nil
        }
    }

    /// `Logger._log`: a `log` event when a handler would write the record.
    /// A record that cannot be formatted (`logging.info('%d', 'x')`, a
    /// format naming a field that is not there) is dropped as CPython's
    /// `StreamHandler.emit` drops it: its error goes to stderr (a note: what
    /// `Handler.handleError` writes, on one line) and the program goes on;
    /// only a RecursionError, or a limit, leaves the call.
    package func log(_ level: Int, _ msg: Value, _ args: [Value], excInfo: Value, _ vm: Interpreter) throws {
        if level < effectiveLevel { return }
        // Without basicConfig, logging's last-resort handler writes WARNING and above, message only.
        if !state.configured && level < 30 { return }
        let argValue: Value
        if args.count == 1, let d = args[0].object as? PyDict, d.table.count > 0 {
            argValue = .obj(d)
        } else {
            argValue = .obj(PyTuple(args))
        }
        let text: String
        do {
            text = try format(level, msg, args.isEmpty ? nil : argValue, excInfo: excInfo, vm)
        } catch let e as PyRaise where !e.exception.type.isSubtype(of: .recursionError) {
            vm.world.note(
                loggingErrorText(
                    e.exception.summary(vm), message: (try? vm.repr(msg)) ?? "?",
                    arguments: (try? vm.str(argValue)) ?? "?"))
            return
        }
        vm.world.recordLog(text)
    }

    /// The record's text: `msg % args`, in the configured format, with the exception when `exc_info` asks.
    private func format(
        _ level: Int, _ msg: Value, _ args: Value?, excInfo: Value, _ vm: Interpreter
    ) throws
        -> String
    {
        var message = try vm.str(msg)
        if let args { message = try percentFormat(message, args, vm) }
        var text = state.configured ? try formatRecord(level, message, vm) : message
        if try vm.truthy(excInfo) {
            let e: PyException? = (excInfo.object as? PyException) ?? vm.currentlyHandled
            text += "\n" + (e.map { $0.summary(vm) } ?? "NoneType: None")
        }
        return text
    }

    private func formatRecord(_ level: Int, _ message: String, _ vm: Interpreter) throws -> String {
        let world = vm.world
        let created = world.clock + world.sim.epoch
        // Past about 30 million years (only a huge --max-time gets there),
        // CPython's localtime fails too; the conversions below would trap.
        guard Swift.abs(created) < 1e15 else {
            throw vm.error(.overflowError, "timestamp out of range for platform time_t")
        }
        let msecs = Double(Int((created - created.rounded(.towardZero)) * 1000))
        let fields = PyDict()
        func set(_ k: String, _ v: Value) { try? fields.setItem(.str(k), v, vm) }
        set("name", .str(name))
        set("levelname", .str(levelName(level)))
        set("levelno", .int(level))
        set("message", .str(message))
        set("msg", .str(message))
        set("threadName", .str(world.threadName))
        set("process", .int(world.processID))
        set("processName", .str("MainProcess"))
        set("created", .float(created))
        set("msecs", .float(msecs))
        set("relativeCreated", .float(world.clock * 1000))
        if state.format.contains("%(asctime)") {
            set("asctime", .str(utcTimestamp(created) + "," + threeDigits(Int(msecs))))
        }
        do {
            return try percentFormat(state.format, .obj(fields), vm)
        } catch let e as PyRaise where e.exception.type.isSubtype(of: .keyError) {
            // logging.PercentStyle.format: a field the record lacks.
            throw vm.error(.valueError, "Formatting field not found in record: \((try? e.exception.str(vm)) ?? "")")
        }
    }
}

package func parseLevel(_ v: Value, _ vm: Interpreter) throws -> Int {
    switch v {
    case .int(let i): return i
    case .str(let s):
        guard let l = levelValues[s] else { throw vm.error(.valueError, "Unknown level: '\(s)'") }
        return l
    default: throw vm.error(.typeError, "Level not an integer or a valid string: \(try vm.repr(v))")
    }
}

private func threeDigits(_ n: Int) -> String {
    n < 10 ? "00\(n)" : n < 100 ? "0\(n)" : "\(n)"
}

extension World {
    /// The name of the thread running now (`%(threadName)s`).
    package var threadName: String { ctxWorker?.threadName ?? "MainThread" }
    /// The virtual process id (`%(process)d`): 1000 for the loop's process.
    package var processID: Int { ctxWorker?.pid ?? 1000 }

    package func makeLoggingModule() -> PyModule {
        let m = PyModule("logging")
        for (name, value) in levelValues where name != "FATAL" && name != "WARN" { m.attributes[name] = .int(value) }
        m.define("basicConfig") { [unowned self] args, vm in
            let force = try vm.truthy(args.keyword("force") ?? .bool(false))
            if self.logging.configured && !force { return .none }
            self.logging.configured = true
            if let f = args.keyword("format") { self.logging.format = try vm.str(f) }
            if let d = args.keyword("datefmt"), !d.isNone { self.logging.datefmt = try vm.str(d) }
            if let l = args.keyword("level") { self.logging.root.level = try parseLevel(l, vm) }
            return .none
        }
        m.define("getLogger") { [unowned self] args, vm in
            let name = args.count > 0 ? args[0] : (args.keyword("name") ?? .none)
            if name.isNone { return .obj(self.logging.root) }
            let n = try vm.str(name)
            if n == "root" { return .obj(self.logging.root) }
            if let l = self.logging.loggers[n] { return .obj(l) }
            let l = PyLogger(name: n, level: 0, state: self.logging)
            self.logging.loggers[n] = l
            return .obj(l)
        }
        m.define("getLevelName") { args, vm in
            try vm.checkArity("getLevelName", args, 1, 1)
            if case .int(let i) = args[0] { return .str(levelName(i)) }
            let name = try vm.str(args[0])
            return levelValues[name].map { .int($0) } ?? .str("Level \(name)")
        }
        for (method, _) in PyLogger.levelMethods {
            m.define(method) { [unowned self] args, vm in
                // The module-level functions configure the root logger on first use.
                if !self.logging.configured { self.logging.configured = true }
                return try self.logging.root.callMethod(method, args, vm)
            }
        }
        m.define("log") { [unowned self] args, vm in
            if !self.logging.configured { self.logging.configured = true }
            return try self.logging.root.callMethod("log", args, vm)
        }
        return m
    }
}
