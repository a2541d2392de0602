import Foundation
import Testing
@testable import TraceLanguage

/// Every `fixtures/invalid/NAME.trace` must fail to parse with exactly the
/// rendered diagnostic in `NAME.expected.txt` (plus a final newline).
/// Fixtures whose first line starts with `# compile-error` belong to the
/// compiler's tests and are skipped here. Set `VLOOP_UPDATE_FIXTURES=1` to
/// rewrite the expected files from the parser's current output.
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

    static func parserFixtures() -> [String] {
        let dir = repositoryRoot().appendingPathComponent("fixtures/invalid")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { $0.hasSuffix(".trace") }.sorted().compactMap { name in
            guard let data = FileManager.default.contents(atPath: dir.appendingPathComponent(name).path) else { return nil }
            let text = String(decoding: data, as: UTF8.self)
            return text.hasPrefix("# compile-error") ? nil : String(name.dropLast(".trace".count))
        }
    }

    @Test func thereAreParserFixtures() {
        #expect(Self.parserFixtures().count >= 15)
    }

    @Test(arguments: parserFixtures())
    func anInvalidFixtureFailsWithItsExpectedDiagnostic(name: String) throws {
        let root = Self.repositoryRoot()
        let relative = "fixtures/invalid/\(name).trace"
        let data = try Data(contentsOf: root.appendingPathComponent(relative))
        let file = SourceFile(path: relative, text: String(decoding: data, as: UTF8.self))
        let rendered: String
        do {
            _ = try Parser.parse(file)
            Issue.record("\(relative) parsed without error")
            return
        } catch let diagnostic as Diagnostic {
            rendered = diagnostic.rendered(in: file) + "\n"
        }
        let expectedURL = root.appendingPathComponent("fixtures/invalid/\(name).expected.txt")
        if ProcessInfo.processInfo.environment["VLOOP_UPDATE_FIXTURES"] == "1" {
            try Data(rendered.utf8).write(to: expectedURL)
        }
        let expected = String(decoding: try Data(contentsOf: expectedURL), as: UTF8.self)
        #expect(rendered == expected)
    }
}
