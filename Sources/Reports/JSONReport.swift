import Foundation

/// The comparison as JSON, for tools: every field of `Comparison` but the
/// timelines (`vloop show RUN --format chrome-trace` gives a run's in full).
public struct JSONReport: ComparisonRenderer {
    public init() {}

    public func render(_ c: Comparison) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let data = (try? encoder.encode(c)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
