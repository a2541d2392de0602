import PyRuntime
import RunModel

/// The other modules a trace may import: `time`, `logging`, `sys`,
/// `random`, `functools` and `concurrent.futures`, all over the virtual world.
extension World {
    package func makeTimeModule() -> PyModule {
        let m = PyModule("time")
        m.define("sleep") { [unowned self] args, vm in
            try vm.checkArity("sleep", args, 1, 1)
            try self.blockLoop(try SleepLength.seconds(args[0], vm))
            return .none
        }
        m.define("time") { [unowned self] _, _ in .float(self.readClock() + self.sim.epoch) }
        m.define("monotonic") { [unowned self] _, _ in .float(self.readClock()) }
        m.define("perf_counter") { [unowned self] _, _ in .float(self.readClock()) }
        m.define("time_ns") { [unowned self] _, vm in
            .int(try SleepLength.nanoseconds(self.readClock() + self.sim.epoch, vm))
        }
        m.define("monotonic_ns") { [unowned self] _, vm in .int(try SleepLength.nanoseconds(self.readClock(), vm)) }
        return m
    }

    package func makeSysModule() -> PyModule {
        let m = PyModule("sys")
        m.attributes["stdout"] = .obj(PyStream(name: "<stdout>"))
        m.attributes["stderr"] = .obj(PyStream(name: "<stderr>"))
        m.attributes["maxsize"] = .int(Int.max)
        // The exception being handled by the running frame or its callers (the
        // traceback is None: vloop has no traceback objects).
        m.define("exc_info") { args, vm in
            try vm.checkArity("exc_info", args, 0, 0)
            var frame = vm.currentFrame
            while let f = frame {
                if let e = f.handling { return .obj(PyTuple([.obj(e.type), .obj(e), .none])) }
                frame = f.caller
            }
            return .obj(PyTuple([.none, .none, .none]))
        }
        return m
    }

    package func makeRandomModule() -> PyModule {
        let m = PyModule("random")
        m.define("seed") { [unowned self] args, vm in
            let s = args.count > 0 ? args[0] : .none
            switch s {
            case .int(let i): self.random = SplitMix64(seed: UInt64(bitPattern: Int64(i)))
            case .none: self.random = SplitMix64(seed: self.seed)
            default:
                // The SHA-512 of the seed's text, as CPython's version-2 seeding hashes a str: the
                // same in every process (Swift's `hashValue` is seeded per process).
                let digest = Digest.sha512.hash(Array(try vm.str(s).utf8))
                self.random = SplitMix64(seed: digest.prefix(8).reduce(0) { $0 << 8 | UInt64($1) })
            }
            return .none
        }
        m.define("random") { [unowned self] _, _ in .float(self.random.nextUnit()) }
        m.define("uniform") { [unowned self] args, vm in
            try vm.checkArity("uniform", args, 2, 2)
            let a = try vm.numberArg(args[0], "a"), b = try vm.numberArg(args[1], "b")
            return .float(a + (b - a) * self.random.nextUnit())
        }
        m.define("randint") { [unowned self] args, vm in
            try vm.checkArity("randint", args, 2, 2)
            let a = try vm.intArg(args[0], "a"), b = try vm.intArg(args[1], "b")
            // In 128 bits: b + 1 and the width may be past 64 (randint(-2**63, 2**63-1)).
            let (lo, hi) = (Int128(a), Int128(b) + 1)
            if hi <= lo { throw vm.error(.valueError, "empty range for randrange() (\(lo), \(hi), \(hi - lo))") }
            let width = hi - lo  // at most 2**64
            let draw = self.random.next()
            let offset = width > Int128(UInt64.max) ? draw : draw % UInt64(width)
            return .int(Int(truncatingIfNeeded: lo + Int128(offset)))
        }
        m.define("choice") { [unowned self] args, vm in
            try vm.checkArity("choice", args, 1, 1)
            let items = try vm.iterate(args[0])
            if items.isEmpty { throw vm.error(.indexError, "Cannot choose from an empty sequence") }
            return items[Int(self.random.next() % UInt64(items.count))]
        }
        m.define("shuffle") { [unowned self] args, vm in
            try vm.checkArity("shuffle", args, 1, 1)
            guard let l = args[0].object as? PyList else {
                throw vm.error(.typeError, "shuffle() needs a list, got '\(vm.typeName(args[0]))'")
            }
            var i = l.items.count - 1
            while i > 0 {
                let j = Int(self.random.next() % UInt64(i + 1))
                l.items.swapAt(i, j)
                i -= 1
            }
            return .none
        }
        return m
    }

    /// `functools`: the native `partial`, then the prelude (`FunctoolsPrelude`).
    /// Imported by traces only: asyncio's prelude takes `partial` alone, so
    /// that a run that does not import functools does not run its prelude.
    package func makeFunctoolsModule() throws -> PyModule {
        let m = PyModule("functools")
        m.attributes["partial"] = .obj(makePartial())
        _ = try runPrelude(FunctoolsPrelude.compiled, into: m, seeds: [:], exports: FunctoolsPrelude.exports)
        return m
    }

    /// `functools.partial(func, *args, **keywords)`.
    package func makePartial() -> PyBuiltin {
        PyBuiltin("partial") { args, vm in
            guard args.count >= 1, case .obj(let f) = args[0], f.isCallable else {
                throw vm.error(.typeError, "the first argument must be callable")
            }
            return .obj(PyPartial(function: args[0], args: Array(args.positional.dropFirst()), keywords: args.keywords))
        }
    }

    package func makeConcurrentFuturesModule() throws -> PyModule {
        let m = PyModule("concurrent.futures")
        m.attributes["CancelledError"] = .obj(PyType.futuresCancelledError)
        m.attributes["TimeoutError"] = .obj(PyType.timeoutError)
        m.attributes["InvalidStateError"] = .obj(PyType.futuresInvalidStateError)
        threads.futuresPreludeGlobals = try runPrelude(
            FuturesPrelude.compiled, into: m,
            seeds: simPrimitives().merging(recorderPrimitives()) { a, _ in a },
            exports: FuturesPrelude.exports)
        return m
    }
}

/// `sys.stdout` / `sys.stderr`: accepted as `stream=` and `file=`; writing to them prints.
package final class PyStream: PyObject {
    package let name: String

    package init(name: String) { self.name = name }

    package override var typeName: String { "TextIOWrapper" }
    package override func repr(_ vm: Interpreter) throws -> String {
        "<_io.TextIOWrapper name='\(name)' mode='w' encoding='utf-8'>"
    }
    package override func callMethod(_ name: String, _ args: Args, _ vm: Interpreter) throws -> Value {
        switch name {
        case "flush": return .none
        case "write":
            try vm.checkArity("write", args, 1, 1)
            let s = try vm.str(args[0])
            vm.world.recordPrint(s.hasSuffix("\n") ? String(s.dropLast()) : s)
            return .int(s.unicodeScalars.count)
        default: return try super.callMethod(name, args, vm)
        }
    }
}
