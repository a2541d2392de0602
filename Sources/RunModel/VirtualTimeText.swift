/// A virtual time as people read it: the shortest decimal that names the
/// same instant at the clock's resolution of a nanosecond, `0.15` for the
/// float 0.15000000000000002 that `0.05 + 0.1` gives. The event logs keep
/// every digit (they are compared with CPython's); the reports, `vloop run`'s
/// result lines and `vloop runs` show this.
public func virtualTimeText(_ t: Double) -> String {
    // Past 1e9 s a nanosecond is below a double's resolution: the float as it is.
    guard t.isFinite, abs(t) < 1e9 else { return floatRepr(t) }
    return floatRepr((t * 1e9).rounded() / 1e9)
}
