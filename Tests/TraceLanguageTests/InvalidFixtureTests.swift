import Foundation
import Testing

@testable import TraceLanguage

/// Every `fixtures/invalid/NAME.trace` must fail to load (parse, then
/// compile) with exactly the rendered diagnostics in `NAME.expected.txt`,
/// each followed by a newline. Fixtures whose first line starts with
/// `# compile-error` fail in the compiler rather than the parser. Set
/// `VLOOP_UPDATE_FIXTURES=1` to rewrite the expected files from the current output.
@Suite struct InvalidFixtureTests {
    static func repositoryRoot() -> URL {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while dir.path != "/" {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) {
                return dir
            }
            dir = dir.deletingLastPathComponent()
        }
        return dir
    }

    static func invalidFixtures(compileErrors: Bool? = nil) -> [String] {
        let dir = repositoryRoot().appendingPathComponent("fixtures/invalid")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { $0.hasSuffix(".trace") }.sorted().compactMap { name in
            guard let data = FileManager.default.contents(atPath: dir.appendingPathComponent(name).path) else {
                return nil
            }
            let isCompileError = String(decoding: data, as: UTF8.self).hasPrefix("# compile-error")
            if let compileErrors, compileErrors != isCompileError { return nil }
            return String(name.dropLast(".trace".count))
        }
    }

    @Test func thereAreParserAndCompilerFixtures() {
        #expect(Self.invalidFixtures(compileErrors: false).count >= 15)
        #expect(Self.invalidFixtures(compileErrors: true).count >= 4)
    }

    @Test(arguments: invalidFixtures())
    func anInvalidFixtureFailsWithItsExpectedDiagnostic(name: String) throws {
        let root = Self.repositoryRoot()
        let relative = "fixtures/invalid/\(name).trace"
        let data = try Data(contentsOf: root.appendingPathComponent(relative))
        let file = SourceFile(path: relative, text: String(decoding: data, as: UTF8.self))
        guard case .failure(.invalid(_, let diagnostics)) = TraceLoader.load(file) else {
            Issue.record("\(relative) loaded without error")
            return
        }
        let rendered = diagnostics.map { $0.rendered(in: file) + "\n" }.joined()
        let expectedURL = root.appendingPathComponent("fixtures/invalid/\(name).expected.txt")
        if ProcessInfo.processInfo.environment["VLOOP_UPDATE_FIXTURES"] == "1" {
            try Data(rendered.utf8).write(to: expectedURL)
        }
        let expected = String(decoding: try Data(contentsOf: expectedURL), as: UTF8.self)
        #expect(rendered == expected)
    }
}
