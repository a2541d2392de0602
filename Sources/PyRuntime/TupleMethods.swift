import RunModel

// The methods of `tuple`.

public func tupleMethod(_ t: PyTuple, _ name: String, _ args: Args, _ vm: Interpreter) throws -> Value {
    try checkKeywords(name, args, [], vm)
    switch name {
    case "count":
        try checkCount("tuple.count", args, 1, 1, vm)
        var n = 0
        for v in t.items where try vm.equals(v, args[0]) { n += 1 }
        return .int(n)
    case "index":
        try checkCount("index", args, 1, 3, vm)
        let (s, e) = try sliceBounds(argument(args, 1, ""), argument(args, 2, ""), t.items.count, vm)
        var i = s
        while i < e {
            if try vm.equals(t.items[i], args[0]) { return .int(i) }
            i += 1
        }
        throw vm.error(.valueError, "tuple.index(x): x not in tuple")
    default:
        return try vm.call(try vm.missingAttribute(.obj(t), name), args)
    }
}
