import Foundation
import Testing

@testable import TraceLanguage

@Suite struct SourceEncodingTests {
    @Test func theValidatorAgreesWithTheStandardLibraryOnRandomBytes() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let n = Int.random(in: 0...6, using: &rng)
            // Bytes biased towards the lead and continuation ranges, where the cases are.
            let bytes = (0..<n).map { _ in
                Bool.random(using: &rng)
                    ? UInt8.random(in: 0x80...0xFF, using: &rng) : UInt8.random(in: 0...0xFF, using: &rng)
            }
            let valid = String(validating: bytes, as: UTF8.self) != nil
            #expect((SourceEncoding.firstInvalidUTF8Offset(bytes) == nil) == valid, "\(bytes)")
        }
    }

    @Test func theFirstBadByteIsLocatedInCharactersOfItsLine() throws {
        let data = Array("import asyncio\r\nx = \"é".utf8) + [0xFF] + Array("\"\n".utf8)
        let d = try #require(SourceEncoding.diagnostic(path: "t.trace", data: data))
        #expect(
            d.description
                == "t.trace:2:7: Non-UTF-8 code starting with '\\xff': vloop reads source as UTF-8 (an encoding declaration, PEP 263, is not supported); save the file as UTF-8"
        )
    }

    @Test func whicheverOfANulAndABadByteComesFirstIsReported() throws {
        let nulFirst = try #require(SourceEncoding.diagnostic(path: "t", data: Array("x = '".utf8) + [0, 0xFF]))
        #expect(nulFirst.description == "t:1:6: source code cannot contain null bytes")
        let badFirst = try #require(SourceEncoding.diagnostic(path: "t", data: Array("x = '".utf8) + [0xFF, 0]))
        #expect(badFirst.description.hasPrefix("t:1:6: Non-UTF-8 code starting with '\\xff'"))
    }

    @Test func aByteOrderMarkIsAllowedAndNotCountedAsAColumn() throws {
        #expect(SourceEncoding.diagnostic(path: "t", data: [0xEF, 0xBB, 0xBF] + Array("x = 1\n".utf8)) == nil)
        let d = try #require(SourceEncoding.diagnostic(path: "t", data: [0xEF, 0xBB, 0xBF] + Array("x".utf8) + [0xC0]))
        #expect(d.loc == SourceLocation(line: 1, column: 2))
    }

    @Test func aNulInSourceGivenAsTextIsAnErrorToo() {
        #expect(
            SourceFile(path: "t", text: "x = 'a\u{0}b'\n").encodingError?.message
                == "source code cannot contain null bytes")
        #expect(SourceFile(path: "t", text: "x = 'ab'\n").encodingError == nil)
    }
}
