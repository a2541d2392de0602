import PyRuntime

/// The argument of `time.sleep`, checked as CPython 3.11's
/// `_PyTime_FromSecondsObject` and `time_sleep` check it, in their order:
/// the conversion to nanoseconds first (a NaN is a ValueError, a float past
/// the 64-bit nanosecond range, infinities included, is "timestamp out of
/// range for platform time_t", an int past it "timestamp too large to
/// convert to C _PyTime_t"), then the sign ("sleep length must be
/// non-negative"). Whatever passes is a finite number of seconds below
/// about 292 years, so a job's sleep can never make the clock NaN or infinite.
enum SleepLength {
    /// 2^63 nanoseconds, in seconds times 1e9: `_PyTime_t`'s range.
    private static let nanosecondLimit = 9_223_372_036_854_775_808.0

    static func seconds(_ v: Value, _ vm: Interpreter) throws -> Double {
        let d: Double
        switch v {
        case .float(let x):
            if x.isNaN { throw vm.error(.valueError, "Invalid value NaN (not a number)") }
            let ns = x * 1e9
            guard -nanosecondLimit <= ns && ns < nanosecondLimit else {
                throw vm.error(.overflowError, "timestamp out of range for platform time_t")
            }
            d = x
        case .int(let i):
            guard i.multipliedReportingOverflow(by: 1_000_000_000).overflow == false else {
                throw vm.error(.overflowError, "timestamp too large to convert to C _PyTime_t")
            }
            d = Double(i)
        case .bool(let b):
            d = b ? 1 : 0
        default:
            throw vm.error(.typeError, "'\(vm.typeName(v))' object cannot be interpreted as an integer")
        }
        if d < 0 { throw vm.error(.valueError, "sleep length must be non-negative") }
        return d
    }

    /// A clock reading in whole nanoseconds (`time_ns`), or CPython's
    /// OverflowError past `_PyTime_t` (only a huge `--max-time` lets the
    /// clock get there).
    static func nanoseconds(_ seconds: Double, _ vm: Interpreter) throws -> Int {
        guard let ns = Int(exactly: (seconds * 1e9).rounded(.down)) else {
            throw vm.error(.overflowError, "timestamp too large to convert to C _PyTime_t")
        }
        return ns
    }
}
