import RunStore

/// A format of `vloop report`: one file each, each tested against golden files.
public protocol ComparisonRenderer {
    func render(_ comparison: Comparison) -> String
}

/// A format of `vloop show`.
public protocol RunRenderer {
    func render(_ run: StoredRun, suite: SuiteRun?) -> String
}

/// The formats of `vloop report`.
public enum ReportFormat: String, CaseIterable, Sendable {
    case text, markdown, html, json, junit

    public var renderer: any ComparisonRenderer {
        switch self {
        case .text: return TextReport()
        case .markdown: return MarkdownReport()
        case .html: return HTMLReport()
        case .json: return JSONReport()
        case .junit: return JUnitReport()
        }
    }

    /// The file name `--out` gets when it names a folder.
    public var fileExtension: String {
        switch self {
        case .text: return "txt"
        case .markdown: return "md"
        case .html: return "html"
        case .json: return "json"
        case .junit: return "xml"
        }
    }
}

/// The formats of `vloop show`.
public enum ShowFormat: String, CaseIterable, Sendable {
    case text, html, json
    case chromeTrace = "chrome-trace"

    public var renderer: any RunRenderer {
        switch self {
        case .text: return RunTextReport()
        case .html: return RunHTMLReport()
        case .json: return RunJSONReport()
        case .chromeTrace: return ChromeTrace()
        }
    }

    public var fileExtension: String {
        switch self {
        case .text: return "txt"
        case .html: return "html"
        case .json: return "json"
        case .chromeTrace: return "json"
        }
    }
}
