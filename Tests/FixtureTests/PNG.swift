import Foundation

/// The pixels of a PNG file, enough to check a screenshot: 8-bit RGB or RGBA,
/// not interlaced (what Chromium writes). zlib comes from the system's
/// libz.so.1, loaded at run time, so the tests need no headers.
struct PNGImage {
    var width: Int
    var height: Int
    /// RGB triples, row by row.
    var pixels: [UInt32]

    enum Failure: Error, CustomStringConvertible {
        case notPNG, unsupported(String), zlib(String)
        var description: String {
            switch self {
            case .notPNG: return "not a PNG file"
            case .unsupported(let s): return "unsupported PNG: \(s)"
            case .zlib(let s): return "cannot inflate: \(s)"
            }
        }
    }

    init(data: Data) throws {
        let b = [UInt8](data)
        guard b.count > 8, b[0..<8] == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else { throw Failure.notPNG }
        func u32(_ i: Int) -> Int { Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3]) }
        var i = 8
        var idat: [UInt8] = []
        var w = 0, h = 0, colorType = 0
        while i + 8 <= b.count {
            let length = u32(i)
            let type = String(decoding: b[(i + 4)..<(i + 8)], as: UTF8.self)
            let body = (i + 8)..<(i + 8 + length)
            switch type {
            case "IHDR":
                w = u32(body.lowerBound)
                h = u32(body.lowerBound + 4)
                let depth = b[body.lowerBound + 8]
                colorType = Int(b[body.lowerBound + 9])
                guard depth == 8, colorType == 2 || colorType == 6, b[body.lowerBound + 12] == 0 else {
                    throw Failure.unsupported("depth \(depth), colour type \(colorType)")
                }
            case "IDAT": idat += b[body]
            default: break
            }
            i = body.upperBound + 4
        }
        let channels = colorType == 6 ? 4 : 3
        let stride = w * channels
        var raw = [UInt8](repeating: 0, count: h * (stride + 1))
        try Self.inflate(idat, into: &raw)
        var pixels = [UInt32](repeating: 0, count: w * h)
        var previous = [UInt8](repeating: 0, count: stride)
        var row = [UInt8](repeating: 0, count: stride)
        for y in 0..<h {
            let filter = raw[y * (stride + 1)]
            for x in 0..<stride {
                let v = raw[y * (stride + 1) + 1 + x]
                let a = x >= channels ? Int(row[x - channels]) : 0
                let up = Int(previous[x])
                let c = x >= channels ? Int(previous[x - channels]) : 0
                let predicted: Int
                switch filter {
                case 0: predicted = 0
                case 1: predicted = a
                case 2: predicted = up
                case 3: predicted = (a + up) / 2
                case 4:
                    let p = a + up - c
                    let pa = abs(p - a), pb = abs(p - up), pc = abs(p - c)
                    predicted = pa <= pb && pa <= pc ? a : pb <= pc ? up : c
                default: throw Failure.unsupported("filter \(filter)")
                }
                row[x] = UInt8(truncatingIfNeeded: Int(v) + predicted)
            }
            for x in 0..<w {
                pixels[y * w + x] =
                    UInt32(row[x * channels]) << 16 | UInt32(row[x * channels + 1]) << 8 | UInt32(row[x * channels + 2])
            }
            swap(&previous, &row)
        }
        self.width = w
        self.height = h
        self.pixels = pixels
    }

    private typealias Uncompress =
        @convention(c) (
            UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<UInt>?,
            UnsafePointer<UInt8>?, UInt
        ) -> Int32

    private static func inflate(_ input: [UInt8], into output: inout [UInt8]) throws {
        guard let lib = dlopen("libz.so.1", RTLD_NOW) ?? dlopen("libz.so", RTLD_NOW),
            let sym = dlsym(lib, "uncompress")
        else { throw Failure.zlib("libz.so.1 not found") }
        let uncompress = unsafeBitCast(sym, to: Uncompress.self)
        var length = UInt(output.count)
        let status = output.withUnsafeMutableBufferPointer { out in
            input.withUnsafeBufferPointer { inp in
                uncompress(out.baseAddress, &length, inp.baseAddress, UInt(inp.count))
            }
        }
        guard status == 0, length == UInt(output.count) else { throw Failure.zlib("status \(status)") }
    }
}
