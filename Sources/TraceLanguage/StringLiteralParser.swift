// The parser's string, bytes and f-string literals: escapes, prefixes,
// implicit concatenation and f-string fields with their format specs.

extension TraceParser {
    /// Adjacent literals: str + str, bytes + bytes, f-strings with either str
    /// kind; bytes never mix with the others.
    func parseStrings() throws -> Expr {
        let loc = tok.loc
        var literals: [(literal: StringLiteralToken, loc: SourceLocation)] = []
        while case .string(let literal) = tok.kind {
            literals.append((literal, tok.loc))
            advance()
        }
        guard let firstIsBytes = literals.first?.literal.isBytes else { throw invalidSyntax() }
        if let mismatch = literals.first(where: { $0.literal.isBytes != firstIsBytes }) {
            throw error("cannot mix bytes and nonbytes literals", at: mismatch.loc)
        }
        if firstIsBytes {
            var bytes: [UInt8] = []
            for (literal, _) in literals {
                bytes.append(contentsOf: literal.value.map { UInt8(truncatingIfNeeded: $0) })
            }
            return Expr(.bytes(bytes), loc)
        }
        if !literals.contains(where: { $0.literal.isFormat }) {
            var values: [UInt32] = []
            for (literal, _) in literals { values.append(contentsOf: literal.value) }
            return Expr(.string(stringFromScalarValues(values)), loc)
        }
        var parts: [FStringPart] = []
        for (literal, _) in literals {
            if literal.isFormat {
                var i = literal.contentStart
                var scanner = LocationCache(start: literal.contentStart, loc: literal.contentLoc)
                for part in try parseFStringContent(literal, from: &i, inSpec: false, nesting: 0, locations: &scanner) {
                    appendPart(part, to: &parts)
                }
            } else {
                appendPart(.literal(stringFromScalarValues(literal.value)), to: &parts)
            }
        }
        return try bounded(Expr(.fstring(parts), loc), at: loc)
    }

    func appendPart(_ part: FStringPart, to parts: inout [FStringPart]) {
        if case .literal(let text) = part {
            if text.isEmpty { return }
            if case .literal? = parts.last, case .literal(var previous) = parts.removeLast() {
                // Moved out of the array, so appending does not copy.
                previous += text
                parts.append(.literal(previous))
                return
            }
        }
        parts.append(part)
    }

    /// Finds the location of scalar indexes inside one literal, walking
    /// forward from the last index asked for.
    struct LocationCache {
        let start: Int
        let startLoc: SourceLocation
        var index: Int
        var loc: SourceLocation

        init(start: Int, loc: SourceLocation) {
            self.start = start
            self.startLoc = loc
            self.index = start
            self.loc = loc
        }

        mutating func location(of target: Int, in s: [Unicode.Scalar]) -> SourceLocation {
            if target < index {
                index = start
                loc = startLoc
            }
            loc = TraceLanguage.location(of: target, in: s, from: index, at: loc)
            index = max(index, min(target, s.count))
            return loc
        }
    }

    /// The content of an f-string from `i`: literal text and `{fields}`. In a
    /// format spec, stops at the '}' that closes the field (not consumed).
    func parseFStringContent(
        _ literal: StringLiteralToken, from i: inout Int, inSpec: Bool, nesting: Int,
        locations: inout LocationCache
    ) throws -> [FStringPart] {
        let end = literal.contentEnd
        var parts: [FStringPart] = []
        var buffer: [UInt32] = []
        var runStart = i

        func flush(to j: Int) throws {
            if j > runStart {
                buffer.append(
                    contentsOf: try decodeStringContent(
                        s, from: runStart, to: j, startLoc: locations.location(of: runStart, in: s),
                        isBytes: false, isRaw: literal.isRaw, path: path))
            }
        }
        func pushBuffer() {
            if !buffer.isEmpty {
                appendPart(.literal(stringFromScalarValues(buffer)), to: &parts)
                buffer = []
            }
        }

        while i < end {
            let c = s[i]
            if c == "\\" && !literal.isRaw && i + 1 < end {
                let next = s[i + 1]
                i += (next == "{" || next == "}") ? 1 : 2
                continue
            }
            if c == "{" {
                if !inSpec && i + 1 < end && s[i + 1] == "{" {
                    try flush(to: i)
                    buffer.append(0x7B)
                    i += 2
                    runStart = i
                    continue
                }
                try flush(to: i)
                pushBuffer()
                i += 1
                let field = try parseFStringField(literal, from: &i, nesting: nesting, locations: &locations)
                if let text = field.selfDocumenting { appendPart(.literal(text), to: &parts) }
                parts.append(field.part)
                runStart = i
                continue
            }
            if c == "}" {
                if inSpec { break }
                if i + 1 < end && s[i + 1] == "}" {
                    try flush(to: i)
                    buffer.append(0x7D)
                    i += 2
                    runStart = i
                    continue
                }
                throw error("f-string: single '}' is not allowed", at: locations.location(of: i, in: s))
            }
            i += 1
        }
        try flush(to: min(i, end))
        pushBuffer()
        return parts
    }

    /// A replacement field, from just after its '{' to just after its '}'.
    /// For a self-documenting field (`{x = }`), also the text it prints
    /// before the value: the expression's source, the '=' and the spaces around them.
    func parseFStringField(
        _ literal: StringLiteralToken, from i: inout Int, nesting: Int,
        locations: inout LocationCache
    ) throws -> (part: FStringPart, selfDocumenting: String?) {
        let end = literal.contentEnd
        let braceLoc = locations.location(of: i - 1, in: s)
        if nesting >= 2 { throw error("f-string: expressions nested too deeply", at: braceLoc) }
        let exprStart = i
        var equalsAt: Int?
        var stack: [Unicode.Scalar] = []
        var quote: Unicode.Scalar?
        while i < end {
            let c = s[i]
            // CPython 3.11 rejects a backslash anywhere in the expression, inside its strings too.
            if c == "\\" {
                throw error("f-string expression part cannot include a backslash", at: locations.location(of: i, in: s))
            }
            if let q = quote {
                if c == q { quote = nil }
                i += 1
                continue
            }
            if c == "#" {
                throw error("f-string expression part cannot include '#'", at: locations.location(of: i, in: s))
            }
            if c == "'" || c == "\"" {
                quote = c
            } else if c == "(" || c == "[" || c == "{" {
                stack.append(c)
            } else if c == ")" || c == "]" || (c == "}" && !stack.isEmpty) {
                guard let open = stack.popLast() else {
                    throw error("f-string: unmatched '\(c)'", at: locations.location(of: i, in: s))
                }
                let expected: Unicode.Scalar = open == "(" ? ")" : open == "[" ? "]" : "}"
                if c != expected {
                    throw error(
                        "f-string: closing parenthesis '\(c)' does not match opening parenthesis '\(open)'",
                        at: locations.location(of: i, in: s))
                }
            } else if stack.isEmpty {
                if c == "}" || c == ":" { break }
                if c == "!" {
                    if i + 1 < end && s[i + 1] == "=" {
                        i += 2
                        continue
                    }
                    break
                }
                if c == "=" {
                    let next: Unicode.Scalar? = i + 1 < end ? s[i + 1] : nil
                    if next == "=" {
                        i += 2
                        continue
                    }
                    let previous: Unicode.Scalar? = i > exprStart ? s[i - 1] : nil
                    if !(previous == "=" || previous == "!" || previous == "<" || previous == ">") {
                        equalsAt = i
                        break
                    }
                }
            }
            i += 1
        }
        if quote != nil || i >= end {
            throw error("f-string: expecting '}'", at: braceLoc)
        }
        if s[exprStart..<i].allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\u{0C}" }) {
            throw error("f-string: empty expression not allowed", at: locations.location(of: i, in: s))
        }
        let exprLoc = locations.location(of: exprStart, in: s)
        let expr = try nested { try parseFieldExpression(from: exprStart, to: i, loc: exprLoc) }
        var selfDocumenting: String?
        if equalsAt != nil {
            i += 1
            while i < end && (s[i] == " " || s[i] == "\t" || s[i] == "\n") { i += 1 }
            var text = String.UnicodeScalarView()
            text.append(contentsOf: s[exprStart..<i])
            selfDocumenting = String(text)
            if i >= end { throw error("f-string: expecting '}'", at: braceLoc) }
        }

        var conversion: Character?
        if s[i] == "!" {
            i += 1
            guard i + 1 < end, s[i] == "r" || s[i] == "s" || s[i] == "a", s[i + 1] == ":" || s[i + 1] == "}" else {
                throw error(
                    "f-string: invalid conversion character: expected 's', 'r', or 'a'",
                    at: locations.location(of: min(i, end), in: s))
            }
            conversion = Character(s[i])
            i += 1
        }
        var spec: [FStringPart]?
        if i < end && s[i] == ":" {
            i += 1
            spec = try parseFStringContent(literal, from: &i, inSpec: true, nesting: nesting + 1, locations: &locations)
        }
        guard i < end && s[i] == "}" else { throw error("f-string: expecting '}'", at: braceLoc) }
        i += 1
        // `{x=}` without a conversion or a spec shows the repr, as CPython does.
        if selfDocumenting != nil && conversion == nil && spec == nil { conversion = "r" }
        return (.field(expr, conversion: conversion, spec: spec), selfDocumenting)
    }

    /// Lexes and parses the expression of a field with this same parser, so
    /// that errors carry their true line and column.
    func parseFieldExpression(from start: Int, to end: Int, loc: SourceLocation) throws -> Expr {
        func prefixed(_ d: Diagnostic) -> Diagnostic {
            var d = d
            if !d.message.hasPrefix("f-string") { d.message = "f-string: " + d.message }
            return d
        }
        var lexer = Lexer(scalars: s, path: path, fieldFrom: start, to: end, loc: loc)
        let fieldTokens = lexer.tokenize()
        if let e = lexer.error { throw prefixed(e) }
        let sub = TraceParser(path: path, scalars: s, tokens: fieldTokens, lexError: nil, depth: depth)
        do {
            let e = sub.isKeyword("yield") ? try sub.parseYield() : try sub.parseStarExpressions()
            guard sub.isEOF else { throw sub.invalidSyntax() }
            return e
        } catch let d as Diagnostic {
            throw prefixed(d)
        }
    }
}
