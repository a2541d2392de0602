import Foundation
import RunStore

/// `vloop show RUN --json` (`--format json`): everything recorded about one
/// run as one JSON object, for tools: its summary, properties, tasks, jobs,
/// events, and for an explored run its strategy, the flags and command that
/// replay it, and its perturbations.
public struct RunJSONReport: RunRenderer {
    public init() {}

    /// The object written: the run's fields, with its suite run beside them.
    struct Document: Encodable {
        var run: StoredRun
        var replayCommand: String?
        var suiteRun: SuiteRun?

        func encode(to encoder: Encoder) throws {
            try run.encode(to: encoder)
            var c = encoder.container(keyedBy: Keys.self)
            try c.encodeIfPresent(replayCommand, forKey: .replayCommand)
            try c.encodeIfPresent(suiteRun, forKey: .suiteRun)
        }

        enum Keys: String, CodingKey { case replayCommand, suiteRun }
    }

    public func render(_ r: StoredRun, suite: SuiteRun?) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let data =
            (try? encoder.encode(Document(run: r, replayCommand: r.replayCommand, suiteRun: suite))) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
