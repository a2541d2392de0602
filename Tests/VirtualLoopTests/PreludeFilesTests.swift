import Foundation
import Testing

@testable import VirtualLoop

/// The Python preludes are `.py` files that Package.swift embeds in the
/// binary (`.embedInCode`) and AsyncioPrelude.swift / FuturesPrelude.swift / FunctoolsPrelude.swift
/// list in the order they run. These tests hold the three together: every
/// file in the folders is listed (a file left out of a list, or listed under
/// the wrong resource, fails here rather than as a missing name at run time),
/// and every file opens with the header naming its CPython source.
@Suite("Prelude files")
struct PreludeFilesTests {
    /// One prelude: its folder under Sources/VirtualLoop and its files as embedded.
    struct Prelude: CustomTestStringConvertible, Sendable {
        let folder: String
        let files: [PreludeFile]
        var testDescription: String { folder }
    }

    static let preludes = [
        Prelude(folder: "Asyncio/Python", files: AsyncioPrelude.files),
        Prelude(folder: "Sim/Python", files: FuturesPrelude.files + FunctoolsPrelude.files),
    ]

    static let sources = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/VirtualLoop")

    /// The first line of every prelude file: `From` for a transcription,
    /// `In place of` for vloop's own code standing for a CPython file.
    static let header = try! Regex(#"^# (From|In place of) CPython 3\.11\.7: Lib/[A-Za-z0-9_/]+\.py\b"#)

    @Test("the embedded sources are not empty")
    func sourcesAreNotEmpty() {
        #expect(asyncioPreludeSource.utf8.count > 40_000)
        #expect(futuresPreludeSource.utf8.count > 5_000)
        #expect(asyncioPreludeSource.contains("class Lock(_ContextManagerMixin):"))
        #expect(futuresPreludeSource.contains("class ThreadPoolExecutor(_Pool):"))
        for prelude in Self.preludes {
            for file in prelude.files {
                #expect(!preludeBody(file.bytes).isEmpty, "\(prelude.folder)/\(file.name) has no code")
            }
        }
    }

    @Test("every .py file in the folder is embedded, once, with the bytes on disk", arguments: preludes)
    func filesOnDiskAreEmbedded(_ prelude: Prelude) throws {
        let folder = Self.sources.appendingPathComponent(prelude.folder)
        let onDisk = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".py") }
        let listed = prelude.files.map(\.name)
        #expect(Set(listed).count == listed.count, "a file is listed twice: \(listed)")
        #expect(
            Set(onDisk) == Set(listed),
            "on disk but not embedded: \(Set(onDisk).subtracting(listed).sorted()); embedded but not on disk: \(Set(listed).subtracting(onDisk).sorted())"
        )
        for file in prelude.files {
            let bytes = try Data(contentsOf: folder.appendingPathComponent(file.name))
            #expect([UInt8](bytes) == file.bytes, "\(file.name) is embedded with other bytes than its file's")
        }
    }

    @Test("every file opens with the header naming its CPython source", arguments: preludes)
    func filesHaveHeaders(_ prelude: Prelude) {
        for file in prelude.files {
            let text = String(decoding: file.bytes, as: UTF8.self)
            #expect(
                text.prefixMatch(of: Self.header) != nil,
                "\(file.name) does not open with `# From CPython 3.11.7: Lib/...py`")
            #expect(text.hasSuffix("\n"), "\(file.name) does not end with a newline")
            // The header is comment lines, then a blank line, then the code.
            let headerLength = file.bytes.count - preludeBody(file.bytes).count
            let header = String(decoding: file.bytes[..<headerLength], as: UTF8.self)
            #expect(header.hasSuffix("\n\n"), "\(file.name): no blank line between the header and the code")
        }
    }

    @Test("a file's body starts at its first line of code")
    func bodySkipsHeader() {
        let file = Array("# From CPython 3.11.7: Lib/x.py\n#\n# Changes: none.\n\nx = 1  # one\n\n# two\ny = 2\n".utf8)
        #expect(String(decoding: preludeBody(file), as: UTF8.self) == "x = 1  # one\n\n# two\ny = 2\n")
        let files = [
            PreludeFile("a.py", Array("# a\n\nx = 1\n".utf8)), PreludeFile("b.py", Array("# b\n\ny = 2\n".utf8)),
        ]
        #expect(preludeSource(files) == "x = 1\n\n\ny = 2\n")
    }
}
