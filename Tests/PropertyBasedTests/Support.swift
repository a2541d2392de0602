import Foundation
import Testing
import VLoop
import VLoopPropertyBased

/// Replays a trace built from a template; a trace that does not load is a test failure.
func replay(_ source: String, name: String) -> Run? {
    do {
        return try Trace(source: source, name: name).replay()
    } catch {
        Issue.record("\(name) does not load: \(error)")
        return nil
    }
}

/// The inputs PropertyBased reports a failing property with ("Failure occured
/// with input X." after shrinking), collected by a `withKnownIssue` matcher.
final class ReportedInputs: @unchecked Sendable {
    private let lock = NSLock()
    private var inputs: [String] = []

    var all: [String] { lock.withLock { inputs } }

    /// Matches every issue of a failing property (it is known), and keeps the
    /// input PropertyBased's summary issue names.
    func match(_ issue: Issue) -> Bool {
        let prefix = "Failure occured with input "
        for comment in issue.comments {
            let text = comment.rawValue
            guard let start = text.range(of: prefix)?.upperBound,
                let end = text[start...].range(of: ".\n")?.lowerBound ?? text[start...].lastIndex(of: ".")
            else { continue }
            let input = String(text[start..<end])
            lock.withLock { inputs.append(input) }
        }
        return true
    }
}

/// Runs `body` (a `propertyCheck` expected to fail) as a known issue, and
/// returns the (shrunk) inputs PropertyBased reported it with.
func knownFailure(_ comment: Comment, _ body: () async -> Void) async -> [String] {
    let reported = ReportedInputs()
    await withKnownIssue(comment) {
        await body()
    } matching: { issue in
        reported.match(issue)
    }
    return reported.all
}
