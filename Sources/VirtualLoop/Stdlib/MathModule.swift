import Foundation
import PyRuntime
import RunModel

/// `math`: CPython 3.11.7's `Modules/mathmodule.c` over vloop's 64-bit ints
/// and doubles, with its messages ("math domain error", "math range error",
/// "must be real number, not str"); an integer result past 64 bits raises
/// vloop's OverflowError as every int operation does.
extension World {
    package func makeMathModule() -> PyModule {
        let m = PyModule("math")
        m.attributes["pi"] = .float(Double.pi)
        m.attributes["e"] = .float(M_E)
        m.attributes["tau"] = .float(2 * Double.pi)
        m.attributes["inf"] = .float(Double.infinity)
        m.attributes["nan"] = .float(Double.nan)

        /// The argument as a double, or CPython's TypeError.
        func real(_ v: Value, _ vm: Interpreter) throws -> Double {
            switch v {
            case .int(let i): return Double(i)
            case .bool(let b): return b ? 1 : 0
            case .float(let d): return d
            default: throw vm.error(.typeError, "must be real number, not \(vm.typeName(v))")
            }
        }
        func integer(_ v: Value, _ vm: Interpreter) throws -> Int {
            guard let i = MathHelpers.intValue(v) else {
                throw vm.error(.typeError, "'\(vm.typeName(v))' object cannot be interpreted as an integer")
            }
            return i
        }
        func one(_ name: String, _ args: Args, _ vm: Interpreter) throws -> Value {
            try checkNoKeywords(name, args, vm)
            if args.count != 1 {
                throw vm.error(.typeError, "math.\(name)() takes exactly one argument (\(args.count) given)")
            }
            return args[0]
        }
        func two(_ name: String, _ args: Args, _ vm: Interpreter) throws -> (Value, Value) {
            try checkNoKeywords(name, args, vm)
            if args.count != 2 { throw vm.error(.typeError, "\(name) expected 2 arguments, got \(args.count)") }
            return (args[0], args[1])
        }
        func checkNoKeywords(_ name: String, _ args: Args, _ vm: Interpreter) throws {
            if !args.keywords.isEmpty { throw vm.error(.typeError, "math.\(name)() takes no keyword arguments") }
        }
        func domain(_ vm: Interpreter) -> PyRaise { vm.error(.valueError, "math domain error") }
        func range(_ vm: Interpreter) -> PyRaise { vm.error(.overflowError, "math range error") }
        /// CPython's `math_1`: NaN from a finite argument is a domain error,
        /// an infinity from a finite argument a range error.
        func unary(_ name: String, canOverflow: Bool = false, _ f: @escaping (Double) -> Double) {
            m.define(name) { args, vm in
                let x = try real(try one(name, args, vm), vm)
                let r = f(x)
                if r.isNaN && !x.isNaN { throw domain(vm) }
                if r.isInfinite && x.isFinite { throw canOverflow ? range(vm) : domain(vm) }
                return .float(r)
            }
        }
        /// `floor`, `ceil`, `trunc`: ints, with `int()`'s errors for infinities and NaN.
        func rounding(_ name: String, _ rule: FloatingPointRoundingRule) {
            m.define(name) { args, vm in
                let v = try one(name, args, vm)
                if let i = MathHelpers.intValue(v) { return .int(i) }
                guard case .float(let d) = v else {
                    if name == "trunc" {
                        throw vm.error(.typeError, "type \(vm.typeName(v)) doesn't define __trunc__ method")
                    }
                    throw vm.error(.typeError, "must be real number, not \(vm.typeName(v))")
                }
                return .int(try MathHelpers.toInt(d.rounded(rule), vm))
            }
        }
        rounding("floor", .down)
        rounding("ceil", .up)
        rounding("trunc", .towardZero)

        unary("sqrt") { $0.squareRoot() }
        unary("exp", canOverflow: true) { Foundation.exp($0) }
        unary("expm1", canOverflow: true) { Foundation.expm1($0) }
        unary("log2") { $0 > 0 ? Foundation.log2($0) : .nan }
        unary("log10") { $0 > 0 ? Foundation.log10($0) : .nan }
        unary("log1p") { $0 > -1 ? Foundation.log1p($0) : .nan }
        unary("fabs") { Swift.abs($0) }
        unary("sin") { Foundation.sin($0) }
        unary("cos") { Foundation.cos($0) }
        unary("tan") { Foundation.tan($0) }
        unary("asin") { Foundation.asin($0) }
        unary("acos") { Foundation.acos($0) }
        unary("atan") { Foundation.atan($0) }
        unary("sinh", canOverflow: true) { Foundation.sinh($0) }
        unary("cosh", canOverflow: true) { Foundation.cosh($0) }
        unary("tanh") { Foundation.tanh($0) }
        unary("asinh") { Foundation.asinh($0) }
        unary("acosh") { Foundation.acosh($0) }
        unary("atanh") { Swift.abs($0) < 1 ? Foundation.atanh($0) : .nan }
        unary("degrees") { $0 * 180 / Double.pi }
        unary("radians") { $0 * Double.pi / 180 }

        m.define("log") { args, vm in
            try checkNoKeywords("log", args, vm)
            if args.count < 1 || args.count > 2 {
                throw vm.error(.typeError, "math.log requires 1 to 2 arguments")
            }
            func ln(_ v: Value) throws -> Double {
                let x = try real(v, vm)
                if x.isNaN { return x }
                if x <= 0 { throw domain(vm) }
                return Foundation.log(x)
            }
            let num = try ln(args[0])
            if args.count == 1 { return .float(num) }
            let den = try ln(args[1])
            if den == 0 { throw vm.error(.zeroDivisionError, "float division by zero") }
            return .float(num / den)
        }
        m.define("pow") { args, vm in
            let (a, b) = try two("pow", args, vm)
            let x = try real(a, vm), y = try real(b, vm)
            if x == 0 && y < 0 && y.isFinite { throw domain(vm) }
            if x < 0 && x.isFinite && y.isFinite && y != y.rounded() { throw domain(vm) }
            let r = Foundation.pow(x, y)
            if r.isInfinite && x.isFinite && y.isFinite { throw range(vm) }
            return .float(r)
        }
        m.define("atan2") { args, vm in
            let (a, b) = try two("atan2", args, vm)
            return .float(Foundation.atan2(try real(a, vm), try real(b, vm)))
        }
        m.define("copysign") { args, vm in
            let (a, b) = try two("copysign", args, vm)
            return .float(Foundation.copysign(try real(a, vm), try real(b, vm)))
        }
        m.define("fmod") { args, vm in
            let (a, b) = try two("fmod", args, vm)
            let x = try real(a, vm), y = try real(b, vm)
            if y == 0 && !x.isNaN || x.isInfinite && !y.isNaN { throw domain(vm) }
            return .float(Foundation.fmod(x, y))
        }
        m.define("isfinite") { args, vm in .bool(try real(try one("isfinite", args, vm), vm).isFinite) }
        m.define("isinf") { args, vm in .bool(try real(try one("isinf", args, vm), vm).isInfinite) }
        m.define("isnan") { args, vm in .bool(try real(try one("isnan", args, vm), vm).isNaN) }
        m.define("isclose") { args, vm in
            try checkKeywords("isclose", args, ["a", "b", "rel_tol", "abs_tol"], vm)
            if args.count > 2 {
                throw vm.error(.typeError, "isclose() takes exactly 2 positional arguments (\(args.count) given)")
            }
            guard let av = argument(args, 0, "a") else {
                throw vm.error(.typeError, "isclose() missing required argument 'a' (pos 1)")
            }
            guard let bv = argument(args, 1, "b") else {
                throw vm.error(.typeError, "isclose() missing required argument 'b' (pos 2)")
            }
            let a = try real(av, vm), b = try real(bv, vm)
            let rel = try args.keyword("rel_tol").map { try real($0, vm) } ?? 1e-9
            let abs = try args.keyword("abs_tol").map { try real($0, vm) } ?? 0
            if rel < 0 || abs < 0 { throw vm.error(.valueError, "tolerances must be non-negative") }
            if a == b { return .bool(true) }
            if a.isInfinite || b.isInfinite { return .bool(false) }
            let diff = Swift.abs(b - a)
            return .bool(
                diff <= Swift.abs(rel * b) || diff <= Swift.abs(rel * a) || diff <= abs)
        }
        m.define("fsum") { args, vm in
            _ = try one("fsum", args, vm)
            return .float(MathHelpers.fsum(try vm.iterate(args[0]).map { try real($0, vm) }))
        }
        m.define("hypot") { args, vm in
            try checkNoKeywords("hypot", args, vm)
            let xs = try args.positional.map { try real($0, vm) }
            if xs.contains(where: { $0.isInfinite }) { return .float(.infinity) }
            if xs.contains(where: { $0.isNaN }) { return .float(.nan) }
            return .float(xs.reduce(0) { Foundation.hypot($0, $1) })
        }
        m.define("dist") { args, vm in
            let (p, q) = try two("dist", args, vm)
            let ps = try MathHelpers.coordinates(p, vm).map { try real($0, vm) }
            let qs = try MathHelpers.coordinates(q, vm).map { try real($0, vm) }
            if ps.count != qs.count {
                throw vm.error(.valueError, "both points must have the same number of dimensions")
            }
            return .float(zip(ps, qs).reduce(0) { Foundation.hypot($0, $1.0 - $1.1) })
        }
        m.define("gcd") { args, vm in
            try checkNoKeywords("gcd", args, vm)
            var g: UInt = 0
            for v in args.positional { g = MathHelpers.gcd(g, try integer(v, vm).magnitude) }
            // gcd(-2**63) is 2**63, past vloop's 64-bit ints.
            guard let r = Int(exactly: g) else { throw overflow(vm) }
            return .int(r)
        }
        m.define("lcm") { args, vm in
            try checkNoKeywords("lcm", args, vm)
            var l = args.count == 0 ? 1 : 0
            for (n, v) in args.positional.enumerated() {
                let i = try integer(v, vm)
                guard i != Int.min else { throw overflow(vm) }
                let x = Swift.abs(i)
                if n == 0 {
                    l = x
                    continue
                }
                if l == 0 || x == 0 {
                    l = 0
                    continue
                }
                let (r, o) = (l / Int(MathHelpers.gcd(l.magnitude, x.magnitude))).multipliedReportingOverflow(by: x)
                if o { throw overflow(vm) }
                l = r
            }
            return .int(l)
        }
        m.define("isqrt") { args, vm in
            let n = try integer(try one("isqrt", args, vm), vm)
            if n < 0 { throw vm.error(.valueError, "isqrt() argument must be nonnegative") }
            // Corrected in division form, which cannot overflow near Int.max.
            var r = Int(Double(n).squareRoot())
            while r > 0 && r > n / r { r -= 1 }
            while r + 1 <= n / (r + 1) { r += 1 }
            return .int(r)
        }
        m.define("factorial") { args, vm in
            let n = try integer(try one("factorial", args, vm), vm)
            if n < 0 { throw vm.error(.valueError, "factorial() not defined for negative values") }
            var r = 1
            for i in Swift.stride(from: 2, through: n, by: 1) {
                let (p, o) = r.multipliedReportingOverflow(by: i)
                if o { throw overflow(vm) }
                r = p
            }
            return .int(r)
        }
        m.define("comb") { args, vm in
            let (a, b) = try two("comb", args, vm)
            let n = try integer(a, vm), k = try integer(b, vm)
            if n < 0 { throw vm.error(.valueError, "n must be a non-negative integer") }
            if k < 0 { throw vm.error(.valueError, "k must be a non-negative integer") }
            if k > n { return .int(0) }
            return .int(try MathHelpers.comb(n, Swift.min(k, n - k), vm))
        }
        m.define("perm") { args, vm in
            try checkNoKeywords("perm", args, vm)
            if args.count < 1 || args.count > 2 {
                throw vm.error(
                    .typeError,
                    args.count < 1
                        ? "perm expected at least 1 argument, got 0"
                        : "perm expected at most 2 arguments, got \(args.count)")
            }
            let n = try integer(args[0], vm)
            let k = args.count > 1 && !args[1].isNone ? try integer(args[1], vm) : n
            if n < 0 { throw vm.error(.valueError, "n must be a non-negative integer") }
            if k < 0 { throw vm.error(.valueError, "k must be a non-negative integer") }
            if k > n { return .int(0) }
            var r = 1
            for i in Swift.stride(from: n - k + 1, through: n, by: 1) {
                let (p, o) = r.multipliedReportingOverflow(by: i)
                if o { throw overflow(vm) }
                r = p
            }
            return .int(r)
        }
        m.define("prod") { args, vm in
            try checkKeywords("prod", args, ["start"], vm)
            if args.count != 1 {
                throw vm.error(.typeError, "prod() takes exactly 1 positional argument (\(args.count) given)")
            }
            var r = args.keyword("start") ?? .int(1)
            let it = try vm.makeIterator(args[0])
            while let x = try it.next(vm) { r = try binaryOp(.mul, r, x, vm) }
            return r
        }
        return m
    }
}

/// Integer and summation helpers of the `math` module.
enum MathHelpers {
    /// An int (or bool) argument; nil for anything else.
    static func intValue(_ v: Value) -> Int? {
        switch v {
        case .int(let i): return i
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }

    /// An integral double as an int, with `int()`'s errors.
    static func toInt(_ d: Double, _ vm: Interpreter) throws -> Int {
        if d.isNaN { throw vm.error(.valueError, "cannot convert float NaN to integer") }
        if d.isInfinite { throw vm.error(.overflowError, "cannot convert float infinity to integer") }
        guard let i = Int(exactly: d) else { throw overflow(vm) }
        return i
    }

    /// The gcd of two magnitudes (2**63, the magnitude of Int.min, included).
    static func gcd(_ a: UInt, _ b: UInt) -> UInt {
        var (x, y) = (a, b)
        while y != 0 { (x, y) = (y, x % y) }
        return x
    }

    /// `n choose k` without overflow on the way when the result fits.
    static func comb(_ n: Int, _ k: Int, _ vm: Interpreter) throws -> Int {
        var r = 1
        for i in Swift.stride(from: 1, through: k, by: 1) {
            // r * (n - k + i) / i is exact at each step; divide by the gcd first.
            let g = Int(gcd(r.magnitude, i.magnitude))
            let (p, o) = (r / g).multipliedReportingOverflow(by: (n - k + i) / (i / g))
            if o { throw overflow(vm) }
            r = p
        }
        return r
    }

    /// `fsum`: Shewchuk's exact partial sums, as CPython's msum.
    static func fsum(_ xs: [Double]) -> Double {
        var partials: [Double] = []
        var special = 0.0
        for var x in xs {
            if !x.isFinite {
                special += x
                continue
            }
            var i = 0
            for var y in partials {
                if Swift.abs(x) < Swift.abs(y) { swap(&x, &y) }
                let hi = x + y
                let lo = y - (hi - x)
                if lo != 0 {
                    partials[i] = lo
                    i += 1
                }
                x = hi
            }
            partials.removeSubrange(i...)
            partials.append(x)
        }
        if special != 0 || special.isNaN { return special }
        var hi = 0.0
        var n = partials.count
        if n > 0 {
            n -= 1
            hi = partials[n]
            var lo = 0.0
            while n > 0 {
                let x = hi
                n -= 1
                let y = partials[n]
                hi = x + y
                let yr = hi - x
                lo = y - yr
                if lo != 0 { break }
            }
            if n > 0 && (lo < 0 && partials[n - 1] < 0 || lo > 0 && partials[n - 1] > 0) {
                let y = lo * 2
                let x = hi + y
                if y == x - hi { hi = x }
            }
        }
        return hi
    }

    static func coordinates(_ v: Value, _ vm: Interpreter) throws -> [Value] {
        try vm.iterate(v)
    }
}
