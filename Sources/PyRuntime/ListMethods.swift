import RunModel

// The methods of `list` (and the stable sort that `sorted` shares).

public let listMethodNames: Set<String> = [
    "append", "extend", "pop", "insert", "remove", "index", "count", "sort", "reverse", "copy", "clear",
]

public func listMethod(_ l: PyList, _ name: String, _ args: Args, _ vm: Interpreter) throws -> Value {
    if name != "sort" { try checkKeywords(name, args, [], vm) }
    switch name {
    case "append":
        try checkCount("list.append", args, 1, 1, vm)
        try vm.willGrowList(to: l.items.count &+ 1, capacity: l.items.capacity)
        l.items.append(args[0])
        return .none
    case "extend":
        try checkCount("list.extend", args, 1, 1, vm)
        let items = try vm.iterate(args[0])
        try vm.willGrowList(to: l.items.count &+ items.count, capacity: l.items.capacity)
        l.items.append(contentsOf: items)
        return .none
    case "pop":
        try checkCount("pop", args, 0, 1, vm)
        if l.items.isEmpty { throw vm.error(.indexError, "pop from empty list") }
        var i = args.count == 1 ? try vm.intArg(args[0], "pop") : -1
        if i < 0 { i += l.items.count }
        if i < 0 || i >= l.items.count { throw vm.error(.indexError, "pop index out of range") }
        return l.items.remove(at: i)
    case "insert":
        try checkCount("insert", args, 2, 2, vm)
        var i = try vm.intArg(args[0], "insert")
        let n = l.items.count
        if i < 0 { i = max(0, i + n) }
        try vm.willGrowList(to: n &+ 1, capacity: l.items.capacity)
        l.items.insert(args[1], at: min(i, n))
        return .none
    case "remove":
        try checkCount("list.remove", args, 1, 1, vm)
        for (i, v) in l.items.enumerated() where try vm.equals(v, args[0]) {
            l.items.remove(at: i)
            return .none
        }
        throw vm.error(.valueError, "list.remove(x): x not in list")
    case "index":
        try checkCount("index", args, 1, 3, vm)
        let (s, e) = try sliceBounds(argument(args, 1, ""), argument(args, 2, ""), l.items.count, vm)
        var i = s
        while i < min(e, l.items.count) {
            if try vm.equals(l.items[i], args[0]) { return .int(i) }
            i += 1
        }
        throw vm.error(.valueError, "\(try vm.repr(args[0])) is not in list")
    case "count":
        try checkCount("list.count", args, 1, 1, vm)
        var n = 0
        for v in l.items where try vm.equals(v, args[0]) { n += 1 }
        return .int(n)
    case "sort":
        try checkCount("sort", args, 0, 0, vm)
        try checkKeywords("sort", args, ["key", "reverse"], vm)
        l.items = try sortedValues(l.items, key: args.keyword("key"), reverse: args.keyword("reverse"), vm)
        return .none
    case "reverse":
        try checkCount("list.reverse", args, 0, 0, vm)
        l.items.reverse()
        return .none
    case "copy":
        try checkCount("list.copy", args, 0, 0, vm)
        return .obj(PyList(l.items))
    case "clear":
        try checkCount("list.clear", args, 0, 0, vm)
        l.items.removeAll()
        return .none
    default:
        return try vm.call(try vm.missingAttribute(.obj(l), name), args)
    }
}

/// A stable sort by Python's `<` (of the keys when `key` is given), as
/// `list.sort` and `sorted` do; `reverse` keeps equal items in their order.
package func sortedValues(_ items: [Value], key: Value?, reverse: Value?, _ vm: Interpreter) throws -> [Value] {
    let descending = try reverse.map { try vm.truthy($0) } ?? false
    var keyed: [(key: Value, value: Value)]
    if let key, !key.isNone {
        keyed = try items.map { (try vm.call(key, Args([$0])), $0) }
    } else {
        keyed = items.map { ($0, $0) }
    }
    if descending { keyed.reverse() }
    keyed = try mergeSort(keyed) { try pyLessThan($0.key, $1.key, vm) }
    if descending { keyed.reverse() }
    return keyed.map(\.value)
}

/// A stable merge sort whose comparison may throw.
package func mergeSort<T>(_ a: [T], _ less: (T, T) throws -> Bool) throws -> [T] {
    if a.count < 2 { return a }
    var src = a
    var dst = a
    var width = 1
    let n = a.count
    // Short runs by insertion sort first.
    let run = 8
    var s = 0
    while s < n {
        let e = min(s + run, n)
        var i = s + 1
        while i < e {
            let x = src[i]
            var j = i
            while j > s, try less(x, src[j - 1]) {
                src[j] = src[j - 1]
                j -= 1
            }
            src[j] = x
            i += 1
        }
        s = e
    }
    width = run
    while width < n {
        var lo = 0
        while lo < n {
            let mid = min(lo + width, n), hi = min(lo + 2 * width, n)
            var i = lo, j = mid, k = lo
            while i < mid && j < hi {
                if try less(src[j], src[i]) {
                    dst[k] = src[j]
                    j += 1
                } else {
                    dst[k] = src[i]
                    i += 1
                }
                k += 1
            }
            while i < mid {
                dst[k] = src[i]
                i += 1
                k += 1
            }
            while j < hi {
                dst[k] = src[j]
                j += 1
                k += 1
            }
            lo = hi
        }
        swap(&src, &dst)
        width *= 2
    }
    return src
}
