/// A compiled module as bytes and back, so that vloop's own Python (the
/// asyncio and standard-library preludes) need not be parsed and compiled at
/// every start: `scripts/regen-preludes` writes each prelude's snapshot into
/// `Sources/VirtualLoop/Snapshots/`, the binary embeds them, and a snapshot is
/// used only when it was made from the very source being run (its header
/// holds the source's hash and this format's version); otherwise the source
/// is compiled as before. `PreludeSnapshotTests` fails when a committed
/// snapshot differs from what the compiler makes of the current source.
///
/// The format: the magic `VLCS`, the format version and the source's hash
/// (little-endian, 4 + 4 + 8 bytes), then a table of the strings used, then
/// the module, every number a LEB128 varint (signed ones zig-zagged). Each
/// instruction is a tag byte, the case's position in `Op` when this format
/// was written, and its operands: a new case gets a new tag at the end, and a
/// change to a case's operands changes `version`.
public enum CompiledModuleCodec {
    /// The format's version; a snapshot of another version is not read.
    public static let version: UInt32 = 1

    /// FNV-1a, 64 bits, of the source's UTF-8: what a snapshot is checked against.
    public static func sourceHash(_ source: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        var text = source
        text.withUTF8 { bytes in
            for b in bytes {
                hash = (hash ^ UInt64(b)) &* 0x100_0000_01b3
            }
        }
        return hash
    }

    /// The module's bytes, stamped with the hash of the source it was compiled from.
    public static func encode(_ module: CompiledModule, sourceHash: UInt64) -> [UInt8] {
        var w = Writer()
        w.module(module)
        var out: [UInt8] = Array("VLCS".utf8)
        for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: version >> shift)) }
        for shift in stride(from: 0, to: 64, by: 8) { out.append(UInt8(truncatingIfNeeded: sourceHash >> shift)) }
        var table = Writer()
        table.unsigned(UInt64(w.strings.count))
        for s in w.strings {
            table.unsigned(UInt64(s.utf8.count))
            table.bytes.append(contentsOf: s.utf8)
        }
        out += table.bytes
        out += w.bytes
        return out
    }

    /// The module, or nil when `bytes` are not a snapshot of this version
    /// made from a source with this hash (or are damaged).
    public static func decode(_ bytes: [UInt8], sourceHash: UInt64) -> CompiledModule? {
        bytes.withUnsafeBufferPointer { buffer -> CompiledModule? in
            var r = Reader(buffer)
            do {
                guard Array(buffer.prefix(4)) == Array("VLCS".utf8) else { return nil }
                r.offset = 4
                guard try r.fixed(4) == UInt64(version), try r.fixed(8) == sourceHash else { return nil }
                let count = try r.count()
                r.strings.reserveCapacity(count)
                for _ in 0..<count {
                    let n = try r.count()
                    guard r.offset + n <= buffer.count else { throw Reader.Damaged() }
                    r.strings.append(
                        String(decoding: UnsafeBufferPointer(rebasing: buffer[r.offset..<r.offset + n]), as: UTF8.self))
                    r.offset += n
                }
                let module = try r.module()
                return r.offset == buffer.count ? module : nil
            } catch {
                return nil
            }
        }
    }
}

private struct Writer {
    var bytes: [UInt8] = []
    var strings: [String] = []
    var index: [String: Int] = [:]

    mutating func byte(_ b: UInt8) { bytes.append(b) }
    mutating func bool(_ b: Bool) { bytes.append(b ? 1 : 0) }

    mutating func unsigned(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func int<I: FixedWidthInteger & SignedInteger>(_ value: I) {
        let v = Int64(value)
        unsigned(UInt64(bitPattern: (v << 1) ^ (v >> 63)))
    }

    mutating func string(_ s: String) {
        if let i = index[s] {
            unsigned(UInt64(i))
            return
        }
        index[s] = strings.count
        unsigned(UInt64(strings.count))
        strings.append(s)
    }

    mutating func stringList(_ list: [String]) {
        unsigned(UInt64(list.count))
        for s in list { string(s) }
    }

    mutating func location(_ loc: SourceLocation) {
        int(loc.line)
        int(loc.column)
    }

    mutating func module(_ m: CompiledModule) {
        code(m.code)
        stringList(m.globalNames)
        unsigned(UInt64(m.expectStatements.count))
        for (c, loc) in m.expectStatements {
            code(c)
            location(loc)
        }
        stringList(m.imports)
        unsigned(UInt64(m.importSites.count))
        for site in m.importSites {
            string(site.module)
            location(site.loc)
            bool(site.guarded)
        }
    }

    mutating func code(_ c: CodeObject) {
        string(c.name)
        string(c.qualifiedName)
        int(c.firstLine)
        string(c.sourcePath)
        string(c.moduleName)
        bool(c.docstring != nil)
        if let doc = c.docstring { string(doc) }
        var flags: UInt8 = 0
        for (i, on) in [c.hasVarargs, c.hasKwargs, c.isGenerator, c.isCoroutine, c.isInternal].enumerated() where on {
            flags |= 1 << i
        }
        byte(flags)
        int(c.positionalCount)
        int(c.maxStackDepth)
        unsigned(UInt64(c.ops.count))
        for op in c.ops { self.op(op) }
        // Locations as differences from the one before: most are a few columns on.
        unsigned(UInt64(c.locations.count))
        var last = SourceLocation(line: 0, column: 0)
        for loc in c.locations {
            int(loc.line - last.line)
            int(loc.column - last.column)
            last = loc
        }
        unsigned(UInt64(c.constants.count))
        for k in c.constants { constant(k) }
        stringList(c.names)
        stringList(c.localNames)
        stringList(c.cellNames)
        stringList(c.freeNames)
        unsigned(UInt64(c.cellParameters.count))
        for p in c.cellParameters {
            int(p.cell)
            int(p.local)
        }
        stringList(c.parameters)
        stringList(c.keywordOnly)
    }

    mutating func constant(_ k: Constant) {
        switch k {
        case .none: byte(0)
        case .bool(let b):
            byte(1)
            bool(b)
        case .int(let i):
            byte(2)
            int(i)
        case .float(let d):
            byte(3)
            unsigned(d.bitPattern)
        case .string(let s):
            byte(4)
            string(s)
        case .bytes(let b):
            byte(5)
            unsigned(UInt64(b.count))
            bytes += b
        case .code(let c):
            byte(6)
            code(c)
        case .names(let list):
            byte(7)
            stringList(list)
        case .pattern(let program, let captures):
            byte(8)
            pattern(program)
            int(captures)
        case .ellipsis: byte(9)
        }
    }

    mutating func patterns(_ list: [MatchProgram]) {
        unsigned(UInt64(list.count))
        for p in list { pattern(p) }
    }

    mutating func optional(_ value: Int32?) {
        bool(value != nil)
        if let value { int(value) }
    }

    mutating func pattern(_ p: MatchProgram) {
        switch p {
        case .wildcard: byte(0)
        case .capture(let slot):
            byte(1)
            int(slot)
        case .value: byte(2)
        case .singleton(let which):
            byte(3)
            int(which)
        case .sequence(let items, let star):
            byte(4)
            patterns(items)
            optional(star.map { Int32($0) })
        case .mapping(let keys, let items, let rest):
            byte(5)
            int(keys)
            patterns(items)
            optional(rest)
        case .classPattern(let positional, let keywords, let values):
            byte(6)
            patterns(positional)
            stringList(keywords)
            patterns(values)
        case .or(let alternatives):
            byte(7)
            patterns(alternatives)
        case .asPattern(let inner, let slot):
            byte(8)
            pattern(inner)
            int(slot)
        }
    }

    mutating func op(_ op: Op) {
        switch op {
        case .loadConst(let a0):
            byte(0)
            int(a0)
        case .loadNone: byte(1)
        case .loadFast(let a0):
            byte(2)
            int(a0)
        case .storeFast(let a0):
            byte(3)
            int(a0)
        case .deleteFast(let a0):
            byte(4)
            int(a0)
        case .loadDeref(let a0):
            byte(5)
            int(a0)
        case .storeDeref(let a0):
            byte(6)
            int(a0)
        case .loadGlobal(let a0):
            byte(7)
            int(a0)
        case .storeGlobal(let a0):
            byte(8)
            int(a0)
        case .loadAttr(let a0):
            byte(9)
            int(a0)
        case .storeAttr(let a0):
            byte(10)
            int(a0)
        case .loadSubscript: byte(11)
        case .storeSubscript: byte(12)
        case .pop: byte(13)
        case .dup: byte(14)
        case .dup2: byte(15)
        case .rot2: byte(16)
        case .rot3: byte(17)
        case .binary(let a0):
            byte(18)
            string(a0.rawValue)
        case .inplace(let a0):
            byte(19)
            string(a0.rawValue)
        case .unary(let a0):
            byte(20)
            string(a0.rawValue)
        case .compare(let a0):
            byte(21)
            string(a0.rawValue)
        case .buildTuple(let a0):
            byte(22)
            int(a0)
        case .buildList(let a0):
            byte(23)
            int(a0)
        case .buildSet(let a0):
            byte(24)
            int(a0)
        case .buildDict(let a0):
            byte(25)
            int(a0)
        case .listAppend(let a0):
            byte(26)
            int(a0)
        case .setAdd(let a0):
            byte(27)
            int(a0)
        case .listExtend(let a0):
            byte(28)
            int(a0)
        case .dictMerge(let a0):
            byte(29)
            int(a0)
        case .mapAdd(let a0):
            byte(30)
            int(a0)
        case .buildSlice: byte(31)
        case .formatValue(let a0, let a1):
            byte(32)
            byte(a0)
            bool(a1)
        case .buildString(let a0):
            byte(33)
            int(a0)
        case .unpackSequence(let a0):
            byte(34)
            int(a0)
        case .jump(let a0):
            byte(35)
            int(a0)
        case .popJumpIfFalse(let a0):
            byte(36)
            int(a0)
        case .popJumpIfTrue(let a0):
            byte(37)
            int(a0)
        case .jumpIfFalseOrPop(let a0):
            byte(38)
            int(a0)
        case .jumpIfTrueOrPop(let a0):
            byte(39)
            int(a0)
        case .getIter: byte(40)
        case .forIter(let a0):
            byte(41)
            int(a0)
        case .call(let a0):
            byte(42)
            int(a0)
        case .callKw(let a0, let a1):
            byte(43)
            int(a0)
            int(a1)
        case .callEx: byte(44)
        case .callMethod(let a0, let a1):
            byte(45)
            int(a0)
            int(a1)
        case .makeFunction(let a0, let a1, let a2, let a3):
            byte(46)
            int(a0)
            int(a1)
            bool(a2)
            bool(a3)
        case .loadClosure(let a0):
            byte(47)
            int(a0)
        case .returnValue: byte(48)
        case .setupTry(let a0):
            byte(49)
            int(a0)
        case .popBlock: byte(50)
        case .popExcept: byte(51)
        case .raise(let a0):
            byte(52)
            int(a0)
        case .reraise: byte(53)
        case .checkExcMatch: byte(54)
        case .assertFail(let a0):
            byte(55)
            bool(a0)
        case .beforeWith(let a0):
            byte(56)
            bool(a0)
        case .withExceptStart: byte(57)
        case .callExitNormally: byte(58)
        case .yieldValue: byte(59)
        case .getAwaitable: byte(60)
        case .awaitSleep(let a0, let a1):
            byte(61)
            int(a0)
            int(a1)
        case .getYieldFromIter: byte(62)
        case .yieldFrom: byte(63)
        case .importName(let a0):
            byte(64)
            int(a0)
        case .importFrom(let a0):
            byte(65)
            int(a0)
        case .expectStatement(let a0):
            byte(66)
            int(a0)
        case .nop: byte(67)
        case .exceptStarBegin: byte(68)
        case .exceptStarMatch(let a0):
            byte(69)
            int(a0)
        case .exceptStarRecord: byte(70)
        case .exceptStarEnd: byte(71)
        case .constBinary(let a0, let a1):
            byte(72)
            int(a0)
            string(a1.rawValue)
        case .localBinary(let a0, let a1):
            byte(73)
            int(a0)
            string(a1.rawValue)
        case .forIterStore(let a0, let a1):
            byte(74)
            int(a0)
            int(a1)
        case .buildClassNamespace: byte(75)
        case .buildClass(let a0, let a1):
            byte(76)
            int(a0)
            int(a1)
        case .buildClassKw(let a0, let a1, let a2, let a3):
            byte(77)
            int(a0)
            int(a1)
            int(a2)
            int(a3)
        case .deleteGlobal(let a0):
            byte(78)
            int(a0)
        case .deleteDeref(let a0):
            byte(79)
            int(a0)
        case .deleteAttr(let a0):
            byte(80)
            int(a0)
        case .deleteSubscript: byte(81)
        case .unpackEx(let a0, let a1):
            byte(82)
            int(a0)
            int(a1)
        case .setUpdate(let a0):
            byte(83)
            int(a0)
        case .dictUpdate(let a0):
            byte(84)
            int(a0)
        case .listToTuple: byte(85)
        case .getAIter: byte(86)
        case .getANext: byte(87)
        case .endAsyncFor: byte(88)
        case .asyncGenWrap: byte(89)
        case .matchPattern(let a0, let a1):
            byte(90)
            int(a0)
            int(a1)
        }
    }
}

private struct Reader {
    struct Damaged: Error {}

    let buffer: UnsafeBufferPointer<UInt8>
    var offset = 0
    var strings: [String] = []

    init(_ buffer: UnsafeBufferPointer<UInt8>) { self.buffer = buffer }

    mutating func byte() throws -> UInt8 {
        guard offset < buffer.count else { throw Damaged() }
        defer { offset += 1 }
        return buffer[offset]
    }

    mutating func bool() throws -> Bool { try byte() != 0 }

    mutating func fixed(_ width: Int) throws -> UInt64 {
        var v: UInt64 = 0
        for i in 0..<width { v |= UInt64(try byte()) << (8 * i) }
        return v
    }

    mutating func unsigned() throws -> UInt64 {
        var v: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try byte()
            guard shift < 64 else { throw Damaged() }
            v |= UInt64(b & 0x7f) << shift
            if b < 0x80 { return v }
            shift += 7
        }
    }

    mutating func count() throws -> Int {
        let v = try unsigned()
        guard v <= UInt64(buffer.count) else { throw Damaged() }
        return Int(v)
    }

    mutating func int64() throws -> Int64 {
        let u = try unsigned()
        return Int64(bitPattern: (u >> 1) ^ (0 &- (u & 1)))
    }

    mutating func int() throws -> Int { Int(try int64()) }

    mutating func int32() throws -> Int32 {
        guard let v = Int32(exactly: try int64()) else { throw Damaged() }
        return v
    }

    mutating func string() throws -> String {
        let i = try count()
        guard i < strings.count else { throw Damaged() }
        return strings[i]
    }

    mutating func stringList() throws -> [String] {
        let n = try count()
        var list: [String] = []
        list.reserveCapacity(n)
        for _ in 0..<n { list.append(try string()) }
        return list
    }

    mutating func raw<T: RawRepresentable>(_: T.Type) throws -> T where T.RawValue == String {
        guard let v = T(rawValue: try string()) else { throw Damaged() }
        return v
    }

    mutating func location() throws -> SourceLocation {
        SourceLocation(line: try int(), column: try int())
    }

    mutating func module() throws -> CompiledModule {
        let main = try code()
        let globalNames = try stringList()
        var expects: [(code: CodeObject, loc: SourceLocation)] = []
        for _ in 0..<(try count()) { expects.append((try code(), try location())) }
        let imports = try stringList()
        var sites: [ImportSite] = []
        for _ in 0..<(try count()) {
            sites.append(ImportSite(module: try string(), loc: try location(), guarded: try bool()))
        }
        var module = CompiledModule(code: main, globalNames: globalNames, expectStatements: expects, imports: imports)
        module.importSites = sites
        return module
    }

    mutating func code() throws -> CodeObject {
        let c = CodeObject(name: try string(), qualifiedName: try string(), firstLine: try int())
        c.sourcePath = try string()
        c._moduleName = try string()
        if try bool() { c.docstring = try string() }
        let flags = try byte()
        c._hasVarargs = flags & 1 != 0
        c._hasKwargs = flags & 2 != 0
        c._isGenerator = flags & 4 != 0
        c._isCoroutine = flags & 8 != 0
        c._isInternal = flags & 16 != 0
        c._positionalCount = try int()
        c._maxStackDepth = try int()
        let opCount = try count()
        c._ops.reserveCapacity(opCount)
        for _ in 0..<opCount { c._ops.append(try op()) }
        let locationCount = try count()
        c._locations.reserveCapacity(locationCount)
        var line = 0
        var column = 0
        for _ in 0..<locationCount {
            line += try int()
            column += try int()
            c._locations.append(SourceLocation(line: line, column: column))
        }
        let constantCount = try count()
        c._constants.reserveCapacity(constantCount)
        for _ in 0..<constantCount { c._constants.append(try constant()) }
        c._names = try stringList()
        c._localNames = try stringList()
        c._cellNames = try stringList()
        c._freeNames = try stringList()
        for _ in 0..<(try count()) { c._cellParameters.append((cell: try int32(), local: try int32())) }
        c._parameters = try stringList()
        c._keywordOnly = try stringList()
        return c
    }

    mutating func constant() throws -> Constant {
        switch try byte() {
        case 0: return .none
        case 1: return .bool(try bool())
        case 2: return .int(try int64())
        case 3: return .float(Double(bitPattern: try unsigned()))
        case 4: return .string(try string())
        case 5:
            let n = try count()
            guard offset + n <= buffer.count else { throw Damaged() }
            defer { offset += n }
            return .bytes(Array(buffer[offset..<offset + n]))
        case 6: return .code(try code())
        case 7: return .names(try stringList())
        case 8: return .pattern(try pattern(), captures: try int())
        case 9: return .ellipsis
        default: throw Damaged()
        }
    }

    mutating func patterns() throws -> [MatchProgram] {
        var list: [MatchProgram] = []
        for _ in 0..<(try count()) { list.append(try pattern()) }
        return list
    }

    mutating func optional() throws -> Int32? {
        try bool() ? try int32() : nil
    }

    mutating func pattern() throws -> MatchProgram {
        switch try byte() {
        case 0: return .wildcard
        case 1: return .capture(try int32())
        case 2: return .value
        case 3: return .singleton(Int8(try int32()))
        case 4: return .sequence(try patterns(), star: try optional().map { Int($0) })
        case 5: return .mapping(keys: try int(), try patterns(), rest: try optional())
        case 6: return .classPattern(positional: try patterns(), keywords: try stringList(), try patterns())
        case 7: return .or(try patterns())
        case 8: return .asPattern(try pattern(), try int32())
        default: throw Damaged()
        }
    }

    mutating func op() throws -> Op {
        switch try byte() {
        case 0: return .loadConst(try int32())
        case 1: return .loadNone
        case 2: return .loadFast(try int32())
        case 3: return .storeFast(try int32())
        case 4: return .deleteFast(try int32())
        case 5: return .loadDeref(try int32())
        case 6: return .storeDeref(try int32())
        case 7: return .loadGlobal(try int32())
        case 8: return .storeGlobal(try int32())
        case 9: return .loadAttr(try int32())
        case 10: return .storeAttr(try int32())
        case 11: return .loadSubscript
        case 12: return .storeSubscript
        case 13: return .pop
        case 14: return .dup
        case 15: return .dup2
        case 16: return .rot2
        case 17: return .rot3
        case 18: return .binary(try raw(BinaryOp.self))
        case 19: return .inplace(try raw(BinaryOp.self))
        case 20: return .unary(try raw(UnaryOp.self))
        case 21: return .compare(try raw(CompareOp.self))
        case 22: return .buildTuple(try int32())
        case 23: return .buildList(try int32())
        case 24: return .buildSet(try int32())
        case 25: return .buildDict(try int32())
        case 26: return .listAppend(try int32())
        case 27: return .setAdd(try int32())
        case 28: return .listExtend(try int32())
        case 29: return .dictMerge(try int32())
        case 30: return .mapAdd(try int32())
        case 31: return .buildSlice
        case 32: return .formatValue(conversion: try byte(), hasSpec: try bool())
        case 33: return .buildString(try int32())
        case 34: return .unpackSequence(try int32())
        case 35: return .jump(try int32())
        case 36: return .popJumpIfFalse(try int32())
        case 37: return .popJumpIfTrue(try int32())
        case 38: return .jumpIfFalseOrPop(try int32())
        case 39: return .jumpIfTrueOrPop(try int32())
        case 40: return .getIter
        case 41: return .forIter(try int32())
        case 42: return .call(try int32())
        case 43: return .callKw(argc: try int32(), names: try int32())
        case 44: return .callEx
        case 45: return .callMethod(name: try int32(), argc: try int32())
        case 46:
            return .makeFunction(code: try int32(), defaults: try int32(), kwDefaults: try bool(), closure: try bool())
        case 47: return .loadClosure(try int32())
        case 48: return .returnValue
        case 49: return .setupTry(try int32())
        case 50: return .popBlock
        case 51: return .popExcept
        case 52: return .raise(try int32())
        case 53: return .reraise
        case 54: return .checkExcMatch
        case 55: return .assertFail(hasMessage: try bool())
        case 56: return .beforeWith(isAsync: try bool())
        case 57: return .withExceptStart
        case 58: return .callExitNormally
        case 59: return .yieldValue
        case 60: return .getAwaitable
        case 61: return .awaitSleep(name: try int32(), target: try int32())
        case 62: return .getYieldFromIter
        case 63: return .yieldFrom
        case 64: return .importName(try int32())
        case 65: return .importFrom(try int32())
        case 66: return .expectStatement(try int32())
        case 67: return .nop
        case 68: return .exceptStarBegin
        case 69: return .exceptStarMatch(try int32())
        case 70: return .exceptStarRecord
        case 71: return .exceptStarEnd
        case 72: return .constBinary(const: try int32(), op: try raw(BinaryOp.self))
        case 73: return .localBinary(local: try int32(), op: try raw(BinaryOp.self))
        case 74: return .forIterStore(target: try int32(), local: try int32())
        case 75: return .buildClassNamespace
        case 76: return .buildClass(name: try int32(), bases: try int32())
        case 77: return .buildClassKw(name: try int32(), bases: try int32(), keywords: try int32(), names: try int32())
        case 78: return .deleteGlobal(try int32())
        case 79: return .deleteDeref(try int32())
        case 80: return .deleteAttr(try int32())
        case 81: return .deleteSubscript
        case 82: return .unpackEx(before: try int32(), after: try int32())
        case 83: return .setUpdate(try int32())
        case 84: return .dictUpdate(try int32())
        case 85: return .listToTuple
        case 86: return .getAIter
        case 87: return .getANext
        case 88: return .endAsyncFor
        case 89: return .asyncGenWrap
        case 90: return .matchPattern(pattern: try int32(), values: try int32())
        default: throw Damaged()
        }
    }
}
