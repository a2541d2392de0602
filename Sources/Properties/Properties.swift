import VirtualLoop
// Placeholder until the checker lands.
public struct PropertyResult: Sendable { public var name: String; public var line: Int; public var column: Int; public var passed: Bool; public var message: String }
public struct Verdict: Sendable { public var passed: Bool; public var results: [PropertyResult]; public var problems: [String]; public var warnings: [String] }
public enum PropertyChecker {
    public static func check(_ report: RunReport) -> Verdict {
        Verdict(passed: report.status == "ok", results: [], problems: [], warnings: [])
    }
}
