import Foundation
import RunModel

/// The compact form of a task's wakes in `task.wakes` (Causality.swift):
/// a version byte (1), then per wake
///
/// - a flags byte: the cause's kind in bits 0–2 (`Cause.Kind.code`); bit 3
///   when the wake's time differs from the previous wake's (the first
///   wake's, from 0); bit 4 when the cause's time differs from the wake's
///   and from the previous wake's; bit 5 when it is the previous wake's
///   (and not the wake's); bit 6 when the cause's step is the previous
///   wake's (a task's own timer, set during its previous step);
/// - the step, less the previous wake's (0 before the first), as a varint;
/// - the time, 8 bytes little-endian, when bit 3 is set;
/// - the cause's source, zigzag varint;
/// - unless bit 6 is set, the wake's step less the cause's, zigzag varint;
/// - the cause's time, 8 bytes little-endian, when bit 4 is set.
///
/// Most wakes take 4 bytes (a step woken at the instant of its cause, a few
/// steps after it); a step at a new instant woken by its own timer, 12.
enum WakeEncoding {
    static let version: UInt8 = 1

    /// The most bytes one wake takes: the flags, three varints of at most
    /// 10 bytes and two doubles.
    private static let maximumWakeSize = 1 + 3 * 10 + 2 * 8

    static func encode(_ wakes: [Wake]) -> Data {
        guard !wakes.isEmpty else { return Data() }
        // Written through a pointer into a buffer large enough for the worst
        // case (a run stores a wake per step: appending byte by byte to an
        // array cost ten times as much).
        let bytes = [UInt8](unsafeUninitializedCapacity: 1 + wakes.count * maximumWakeSize) { buffer, count in
            let base = buffer.baseAddress!
            var p = base
            p.pointee = version
            p += 1
            var lastStep = 0
            var lastT = 0.0
            for w in wakes {
                let tChanged = w.t.bitPattern != lastT.bitPattern
                let causeAtWake = w.cause.t.bitPattern == w.t.bitPattern
                let causeAtLast = !causeAtWake && w.cause.t.bitPattern == lastT.bitPattern
                let causeAtLastStep = w.cause.step == lastStep
                var flags = w.cause.kind.code
                if tChanged { flags |= 0x08 }
                if !causeAtWake && !causeAtLast { flags |= 0x10 }
                if causeAtLast { flags |= 0x20 }
                if causeAtLastStep { flags |= 0x40 }
                p.pointee = flags
                p += 1
                putVarint(UInt64(bitPattern: Int64(w.step - lastStep)), &p)
                if tChanged { putDouble(w.t, &p) }
                putVarint(zigzag(w.cause.source), &p)
                if !causeAtLastStep { putVarint(zigzag(w.step - w.cause.step), &p) }
                if flags & 0x10 != 0 { putDouble(w.cause.t, &p) }
                lastStep = w.step
                lastT = w.t
            }
            count = p - base
        }
        return Data(bytes)
    }

    @inline(__always) private static func putVarint(_ value: UInt64, _ p: inout UnsafeMutablePointer<UInt8>) {
        var v = value
        while v >= 0x80 {
            p.pointee = UInt8(truncatingIfNeeded: v) | 0x80
            p += 1
            v >>= 7
        }
        p.pointee = UInt8(v)
        p += 1
    }

    @inline(__always) private static func putDouble(_ x: Double, _ p: inout UnsafeMutablePointer<UInt8>) {
        UnsafeMutableRawPointer(p).storeBytes(of: x.bitPattern.littleEndian, as: UInt64.self)
        p += 8
    }

    /// The wakes of `data`; nil when it is not in this form (cut short, or
    /// of another version), which a reader treats as "not recorded".
    static func decode(_ data: Data) -> [Wake]? {
        if data.isEmpty { return [] }
        let bytes = [UInt8](data)
        guard bytes[0] == version else { return nil }
        var i = 1
        var wakes: [Wake] = []
        var lastStep = 0
        var lastT = 0.0
        func readVarint() -> UInt64? {
            var v: UInt64 = 0
            var shift: UInt64 = 0
            while i < bytes.count, shift < 64 {
                let b = bytes[i]
                i += 1
                v |= UInt64(b & 0x7f) << shift
                if b & 0x80 == 0 { return v }
                shift += 7
            }
            return nil
        }
        func readDouble() -> Double? {
            guard i + 8 <= bytes.count else { return nil }
            var bits: UInt64 = 0
            for k in 0..<8 { bits |= UInt64(bytes[i + k]) << (8 * UInt64(k)) }
            i += 8
            return Double(bitPattern: bits)
        }
        while i < bytes.count {
            let flags = bytes[i]
            i += 1
            guard let kind = Cause.Kind(code: flags & 0x07), let delta = readVarint() else { return nil }
            let step = lastStep + Int(Int64(bitPattern: delta))
            var t = lastT
            if flags & 0x08 != 0 {
                guard let read = readDouble() else { return nil }
                t = read
            }
            guard flags & 0x80 == 0, let source = readVarint() else { return nil }
            var causeStep = lastStep
            if flags & 0x40 == 0 {
                guard let back = readVarint() else { return nil }
                causeStep = step - unzigzag(back)
            }
            var causeT = flags & 0x20 != 0 ? lastT : t
            if flags & 0x10 != 0 {
                guard let read = readDouble() else { return nil }
                causeT = read
            }
            wakes.append(
                Wake(step: step, t: t, cause: Cause(kind: kind, source: unzigzag(source), step: causeStep, t: causeT)))
            lastStep = step
            lastT = t
        }
        return wakes
    }

    @inline(__always) private static func zigzag(_ n: Int) -> UInt64 {
        UInt64(bitPattern: Int64((n << 1) ^ (n >> 63)))
    }

    private static func unzigzag(_ v: UInt64) -> Int {
        Int(Int64(bitPattern: v >> 1) ^ -Int64(bitPattern: v & 1))
    }
}

extension Cause.Kind {
    /// The kind's number in the stored forms (`task.wakes`, `task.creator_kind`).
    var code: UInt8 {
        switch self {
        case .outside: return 0
        case .task: return 1
        case .timer: return 2
        case .job: return 3
        case .socket: return 4
        }
    }

    init?(code: UInt8) {
        switch code {
        case 0: self = .outside
        case 1: self = .task
        case 2: self = .timer
        case 3: self = .job
        case 4: self = .socket
        default: return nil
        }
    }
}
