import Foundation

/// `vloop report --explorations`: the explorations recorded under one label,
/// each joined over its shards (`ExplorationAccount`), as text, Markdown or JSON.
public struct ExplorationReport: Sendable {
    public var label: String
    public var accounts: [ExplorationAccount]
    /// The traces of the label whose nominal run failed and that no exploration accounts for
    /// (a trace with errors, or one not explored because its nominal run failed), with that run's status.
    public var unexplored: [Unexplored]

    /// A trace that failed without being explored.
    public struct Unexplored: Sendable, Equatable, Codable {
        public var tracePath: String
        /// `ok`, `exception`, `deadlock`, `limit` or `invalid`: how its failing run 0 ended.
        public var status: String

        public init(tracePath: String, status: String) {
            self.tracePath = tracePath
            self.status = status
        }
    }

    /// `failedNominal` lists the label's failing runs 0 (path and status); those of a
    /// trace that an account covers are left out, and each trace is named once.
    public init(label: String, accounts: [ExplorationAccount], failedNominal: [(String, String)] = []) {
        self.label = label
        self.accounts = accounts
        let explored = Set(accounts.map(\.tracePath))
        var seen = Set<String>()
        unexplored = failedNominal.filter { !explored.contains($0.0) && seen.insert($0.0).inserted }
            .map { Unexplored(tracePath: $0.0, status: $0.1) }
    }

    /// How many explorations failed (a run failed, a shard is missing, or the account is doubtful),
    /// and how many traces failed unexplored.
    public var failed: Int { accounts.count(where: { !$0.passed }) + unexplored.count }

    /// The line of a trace that failed unexplored.
    static func line(_ u: Unexplored, label: String) -> String {
        "FAIL  \(u.tracePath)  not explored: its nominal run failed (\(u.status == "invalid" ? "the trace has errors" : "status \(u.status)")); `vloop runs --label \(label) --trace \(u.tracePath)` lists its runs"
    }

    /// `2 explorations, 1 passed, 1 failed (37 failing runs)`, and the traces that failed unexplored.
    public var closingLine: String {
        let n = accounts.count
        let bad = accounts.count(where: { !$0.passed })
        let runs = accounts.reduce(0) { $0 + $1.failingRuns.count }
        let u = unexplored.count
        return "\(n) exploration\(n == 1 ? "" : "s"), \(n - bad) passed, \(bad) failed"
            + (runs > 0 ? " (\(runs) failing run\(runs == 1 ? "" : "s"))" : "")
            + (u > 0 ? "; \(u) trace\(u == 1 ? "" : "s") failed unexplored" : "")
    }

    /// One block per exploration, then the closing line.
    public var text: String {
        var out = "explorations recorded under \(label):\n"
        for a in accounts {
            let lines = a.lines
            out += lines[0] + "\n"
            for l in lines.dropFirst() { out += "    " + l + "\n" }
        }
        for u in unexplored { out += Self.line(u, label: label) + "\n" }
        return out + closingLine + "\n"
    }

    /// A table of the explorations, then each failure's details.
    public var markdown: String {
        var out = "## vloop explorations: \(md(label))\n\n**\(closingLine)**\n\n"
        out += "| | trace | runs | shards | failing runs | settings |\n|---|---|---:|---|---|---|\n"
        for a in accounts {
            let shards =
                a.shardCount == 1
                ? "—"
                : "\(a.shards.count) of \(a.shardCount)"
                    + (a.missingShards.isEmpty
                        ? "" : " (missing \(a.missingShards.map { "\($0)/\(a.shardCount)" }.joined(separator: ", ")))")
            out +=
                "| \(a.passed ? "✅" : "❌") | \(md(a.tracePath)) | \(a.runsDone) of \(a.runs) | \(shards) | \(a.failingRuns.isEmpty ? "none" : md(ExplorationAccount.list(a.failingRuns))) | `\(a.flags)` |\n"
        }
        for u in unexplored {
            out += "| ❌ | \(md(u.tracePath)) | not explored: its nominal run failed (\(u.status)) | | | |\n"
        }
        for a in accounts where !a.passed {
            out +=
                "\n### \(md(a.tracePath))\n\n```\n"
                + a.lines.dropFirst().map { String($0.dropFirst(2)) }
                .joined(separator: "\n") + "\n```\n"
        }
        return out
    }

    /// `{"label": ..., "passed": ..., "failed": ..., "explorations": [...]}`, with sorted keys.
    public var json: String {
        struct Document: Encodable {
            var label: String
            var passed: Int
            var failed: Int
            var explorations: [ExplorationAccount]
            var unexplored: [Unexplored]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let doc = Document(
            label: label, passed: accounts.count - failed, failed: failed, explorations: accounts,
            unexplored: unexplored)
        return String(decoding: (try? encoder.encode(doc)) ?? Data("null".utf8), as: UTF8.self) + "\n"
    }
}
