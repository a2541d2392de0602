import Foundation
import Testing

@testable import TraceLanguage

/// Every `fixtures/invalid/NAME.trace` must fail to load (parse, then
/// compile) with exactly the rendered diagnostics in `NAME.expected.txt`,
/// each followed by a newline. Fixtures whose first line starts with
/// `# compile-error` fail in the compiler rather than the parser (in the
/// trace, or in a module it imports from `fixtures/invalid`, whose own
/// file:line:column the diagnostic names); those whose first line starts with
/// `# runtime-error` load, and FixtureTests runs them. Set
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
            let text = String(decoding: data, as: UTF8.self)
            if text.hasPrefix("# runtime-error") { return nil }
            let isCompileError = text.hasPrefix("# compile-error")
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
        // Read as `vloop` reads a file: its bytes are checked (UTF-8, NUL) before decoding.
        let file = SourceFile(path: relative, data: data)
        // Modules are imported from the fixture's folder, relative to the root (where the tests run).
        guard
            case .failure(.invalid(let errors)) = TraceLoader.load(
                file, modulePaths: ["fixtures/invalid"])
        else {
            Issue.record("\(relative) loaded without error")
            return
        }
        let rendered = errors.shown.map { $0.rendered + "\n" }.joined()
        let expectedURL = root.appendingPathComponent("fixtures/invalid/\(name).expected.txt")
        if ProcessInfo.processInfo.environment["VLOOP_UPDATE_FIXTURES"] == "1" {
            try Data(rendered.utf8).write(to: expectedURL)
        }
        let expected = String(decoding: try Data(contentsOf: expectedURL), as: UTF8.self)
        #expect(rendered == expected)
    }
}
