import Foundation
import Testing

/// The HTML report opened in a real headless Chromium (installed by
/// scripts/test with apt-get when missing), and its screenshot checked.
@Suite("HTML report in a browser")
struct BrowserTests {
    /// A Chromium that can take a screenshot here, or nil (the test is then skipped).
    static let chromium: String? = {
        let env = ProcessInfo.processInfo.environment
        let candidates = [
            env["VLOOP_CHROMIUM"], "chromium", "chromium-headless-shell", "google-chrome", "chromium-browser",
        ]
        .compactMap { $0 }
        let probe = FileManager.default.temporaryDirectory.appendingPathComponent(
            "vloop-browser-probe-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: probe, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: probe) }
        let page = probe.appendingPathComponent("probe.html")
        try? "<p>probe</p>".write(to: page, atomically: true, encoding: .utf8)
        for c in candidates {
            let shot = probe.appendingPathComponent("probe.png")
            if let r = screenshot(c, page: page, to: shot, width: 200, height: 100), r.status == 0,
                FileManager.default.fileExists(atPath: shot.path)
            {
                return c
            }
        }
        return nil
    }()

    static func screenshot(_ browser: String, page: URL, to png: URL, width: Int, height: Int) -> ProcessOutput? {
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent(
            "vloop-chromium-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        return runProcess(
            URL(fileURLWithPath: "/usr/bin/env"),
            [
                browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
                "--no-first-run", "--user-data-dir=\(profile.path)", "--window-size=\(width),\(height)",
                "--screenshot=\(png.path)", page.absoluteString,
            ])
    }

    @Test(
        "the report's screenshot is at least 1000×600, not of one colour, with its timelines drawn",
        .enabled(if: chromium != nil, "no Chromium could be installed or launched: browser test skipped"))
    func screenshot() throws {
        let browser = try #require(Self.chromium)
        let w = try StoreCommandTests.Workspace()
        let trace = try w.writeDemo(slowB: false)
        #expect(try w.vloop("run", "--label", "base", trace).status == 0)
        try w.writeDemo(slowB: true)
        #expect(try w.vloop("run", "--label", "cand", trace).status == 1)
        let html = w.path("report.html")
        #expect(try w.vloop("report", "--format", "html", "--out", html).status == 0)

        let png = w.dir.appendingPathComponent("report.png")
        let r = try #require(
            Self.screenshot(browser, page: URL(fileURLWithPath: html), to: png, width: 1280, height: 1400))
        #expect(r.status == 0, "\(browser) failed: \(r.stderr)")
        let image = try PNGImage(data: try Data(contentsOf: png))
        #expect(image.width >= 1000 && image.height >= 600, "\(image.width)×\(image.height)")
        // The page's dark header fills the top-left corner (this also checks the PNG decoding).
        #expect(image.pixels[10 * image.width + 10] == 0x0F172A)
        let colours = Set(image.pixels)
        #expect(colours.count > 50, "only \(colours.count) colours: the page did not render")
        // The timelines' own colours: the task lines (#94a3b8), the red divergence marker
        // (#e11d48) and the green result dots (#16a34a) are drawn as solid pixels.
        for (name, rgb) in [("task line", 0x94A3B8), ("divergence", 0xE11D48), ("result", 0x16A34A)]
            as [(String, UInt32)]
        {
            #expect(colours.contains(rgb), "no \(name) pixel in the screenshot: the timeline is not drawn")
        }
        // And the script in the trace's output did not run: its text is on the page, inert.
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.contains("&lt;script&gt;alert(&quot;b&quot;)&lt;/script&gt;"))
    }
}
