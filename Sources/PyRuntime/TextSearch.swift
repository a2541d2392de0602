import RunModel

// Searching and splitting, shared by `str` and `bytes`. Python's `str` is
// indexed by code point, so every position counts Unicode scalars, never
// Swift `Character`s.

/// CPython's `tailmatch`: does `hay[start..<end]` start (or end) with `needle`?
package func tailMatch<T: Equatable>(_ hay: [T], _ needle: [T], _ start: Int, _ end: Int, atStart: Bool) -> Bool {
    if end - needle.count < start { return false }
    if needle.isEmpty { return true }
    let from = atStart ? start : end - needle.count
    return Array(hay[from..<(from + needle.count)]) == needle
}

/// The first position of `needle` in `hay[start..<end]`, or nil.
package func findScalars<T: Equatable>(_ hay: [T], _ needle: [T], _ start: Int, _ end: Int) -> Int? {
    let end = min(end, hay.count)
    if start > end { return nil }
    if needle.isEmpty { return start }
    if needle.count > end - start { return nil }
    var i = start
    while i + needle.count <= end {
        if hay[i] == needle[0] {
            var k = 1
            while k < needle.count && hay[i + k] == needle[k] { k += 1 }
            if k == needle.count { return i }
        }
        i += 1
    }
    return nil
}

/// The last position of `needle` in `hay[start..<end]`, or nil.
package func rfindScalars<T: Equatable>(_ hay: [T], _ needle: [T], _ start: Int, _ end: Int) -> Int? {
    let end = min(end, hay.count)
    if start > end { return nil }
    if needle.count > end - start { return nil }
    var i = end - needle.count
    while i >= start {
        if Array(hay[i..<(i + needle.count)]) == needle { return i }
        i -= 1
    }
    return nil
}

/// Non-overlapping occurrences of `needle` in `hay[start..<end]`.
package func countOccurrences<T: Equatable>(_ hay: [T], _ needle: [T], _ start: Int, _ end: Int) -> Int {
    let end = min(end, hay.count)
    if start > end { return 0 }
    if needle.isEmpty { return end - start + 1 }
    var n = 0
    var i = start
    while let p = findScalars(hay, needle, i, end) {
        n += 1
        i = p + needle.count
    }
    return n
}

package func splitBySeparator<T: Equatable>(_ s: [T], _ sep: [T], _ maxsplit: Int) -> [[T]] {
    var parts: [[T]] = []
    var i = 0
    var splits = 0
    while maxsplit < 0 || splits < maxsplit, let p = findScalars(s, sep, i, s.count) {
        parts.append(Array(s[i..<p]))
        i = p + sep.count
        splits += 1
    }
    parts.append(Array(s[i...]))
    return parts
}

package func rsplitBySeparator<T: Equatable>(_ s: [T], _ sep: [T], _ maxsplit: Int) -> [[T]] {
    var parts: [[T]] = []
    var end = s.count
    var splits = 0
    while maxsplit < 0 || splits < maxsplit, let p = rfindScalars(s, sep, 0, end) {
        parts.append(Array(s[(p + sep.count)..<end]))
        end = p
        splits += 1
    }
    parts.append(Array(s[0..<end]))
    return parts.reversed()
}

/// Python's `split()` without a separator: runs of whitespace separate, and
/// leading/trailing whitespace yields no empty strings.
package func splitWhitespace<T>(_ s: [T], _ maxsplit: Int, _ isSpace: (T) -> Bool) -> [[T]] {
    var parts: [[T]] = []
    var i = 0
    let n = s.count
    while i < n {
        while i < n && isSpace(s[i]) { i += 1 }
        if i == n { break }
        if maxsplit >= 0 && parts.count == maxsplit {
            // The rest keeps its trailing whitespace, as in CPython.
            parts.append(Array(s[i..<n]))
            break
        }
        let start = i
        while i < n && !isSpace(s[i]) { i += 1 }
        parts.append(Array(s[start..<i]))
    }
    return parts
}

package func rsplitWhitespace<T>(_ s: [T], _ maxsplit: Int, _ isSpace: (T) -> Bool) -> [[T]] {
    var parts: [[T]] = []
    var i = s.count
    while i > 0 {
        while i > 0 && isSpace(s[i - 1]) { i -= 1 }
        if i == 0 { break }
        if maxsplit >= 0 && parts.count == maxsplit {
            parts.append(Array(s[0..<i]))
            break
        }
        let end = i
        while i > 0 && !isSpace(s[i - 1]) { i -= 1 }
        parts.append(Array(s[i..<end]))
    }
    return parts.reversed()
}
