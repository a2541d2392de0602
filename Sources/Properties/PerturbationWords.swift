import Foundation
import PyRuntime
import RunModel
import TraceLanguage

extension AppliedPerturbation {
    /// The perturbation in a report's words: who caused it (the task and its
    /// coroutine), what it delayed (for a timer, the text of the awaited call,
    /// read from `sources`: the trace's file, then its modules' in load order),
    /// where and by how much:
    /// `Task-3 fetch(): its asyncio.sleep(0.05) at line 54 fired 0.037 s late`.
    public func explained(sources: [SourceFile]) -> String {
        let who = task.map { name in coroutine.map { "\(name) \($0)()" } ?? name }
        switch kind {
        case .lateness:
            let call = SourceCall.text(line: id.line, column: id.column, in: sources)
            let late = "fired \(seconds(amount - nominal)) s late"
            if let who {
                return "\(who): its \(call ?? "timer") at \(position) \(late)"
            }
            return "the timer \(call.map { $0 + " " } ?? "")set at \(position) \(late)"
        default:
            guard let who, !description.hasPrefix(who) else { return description }
            return "\(who): \(description)"
        }
    }
}
