import Foundation

/// `vloop report --explorations`: the explorations recorded under one label,
/// each joined over its shards (`ExplorationAccount`), as text, Markdown or JSON.
public struct ExplorationReport: Sendable {
    public var label: String
    public var accounts: [ExplorationAccount]

    public init(label: String, accounts: [ExplorationAccount]) {
        self.label = label
        self.accounts = accounts
    }

    /// How many explorations failed (a run failed, a shard is missing, or the account is doubtful).
    public var failed: Int { accounts.count(where: { !$0.passed }) }

    /// `2 explorations, 1 failed (37 failing runs)`.
    public var closingLine: String {
        let n = accounts.count
        let runs = accounts.reduce(0) { $0 + $1.failingRuns.count }
        return "\(n) exploration\(n == 1 ? "" : "s"), \(accounts.count - failed) passed, \(failed) failed"
            + (runs > 0 ? " (\(runs) failing run\(runs == 1 ? "" : "s"))" : "")
    }

    /// One block per exploration, then the closing line.
    public var text: String {
        var out = "explorations recorded under \(label):\n"
        for a in accounts {
            let lines = a.lines
            out += lines[0] + "\n"
            for l in lines.dropFirst() { out += "    " + l + "\n" }
        }
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
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let doc = Document(label: label, passed: accounts.count - failed, failed: failed, explorations: accounts)
        return String(decoding: (try? encoder.encode(doc)) ?? Data("null".utf8), as: UTF8.self) + "\n"
    }
}
