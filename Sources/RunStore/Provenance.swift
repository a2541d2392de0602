import Foundation
import RunModel

/// Where and by what a suite run was made: the git commit it replayed, the host, and the harness.
public enum Provenance {
    /// The commit checked out in `directory` (12 hex digits), and whether
    /// tracked files have changes; nil outside a git work tree or without git.
    /// Untracked files (such as the run database itself) do not make a tree dirty.
    public static func git(
        in directory: String = FileManager.default.currentDirectoryPath
    ) -> (commit: String, dirty: Bool)? {
        guard let head = run(["git", "-C", directory, "rev-parse", "--short=12", "HEAD"]), head.status == 0 else {
            return nil
        }
        let commit = head.output.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !commit.isEmpty else { return nil }
        let status = run(["git", "-C", directory, "status", "--porcelain", "--untracked-files=no"])
        let dirty =
            status.map { $0.status == 0 && !$0.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty } ?? false
        return (commit, dirty)
    }

    /// The default label: the git commit, with `-dirty` when the tree has
    /// changes; outside git, the start time (`run-20261125T003952Z`), so
    /// that each invocation is a label of its own.
    public static func defaultLabel(git: (commit: String, dirty: Bool)?, startedAt: Date) -> String {
        if let git { return git.commit + (git.dirty ? "-dirty" : "") }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return "run-" + f.string(from: startedAt)
    }

    public static var host: String { ProcessInfo.processInfo.hostName }

    /// A suite run starting now in the current directory: its git commit,
    /// host and label (`label`, else the default one).
    public static func suiteRun(
        label: String?, arguments: [String], shard: String?, harnessVersion: String,
        startedAt: Date = Date()
    ) -> SuiteRun {
        let git = git()
        return SuiteRun(
            label: label ?? defaultLabel(git: git, startedAt: startedAt), gitCommit: git?.commit,
            gitDirty: git?.dirty, host: host, harnessVersion: harnessVersion, arguments: arguments,
            shard: shard, startedAt: startedAt)
    }

    /// `sha256:` and the hex digest of a file's bytes.
    public static func contentHash(_ data: Data) -> String {
        "sha256:" + Digest.sha256.hexDigest([UInt8](data))
    }

    private static func run(_ arguments: [String]) -> (status: Int32, output: String)? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = arguments
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
