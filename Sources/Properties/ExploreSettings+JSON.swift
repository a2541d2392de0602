import Foundation
import PyRuntime
import RunModel

extension ExploreSettings {
    /// The settings as a perturbation file holds them (the seed is the file's own key).
    var jsonObject: [String: Any] {
        [
            "runs": runs, "jitter": jitter, "timer_jitter": timerJitter, "shuffle_ready": shuffleReady,
        ]
    }

    /// Reads `jsonObject`; every key is required, and the values are checked as the command line's are.
    init(json object: [String: Any]) throws(ExploreError) {
        func number(_ key: String) throws(ExploreError) -> Double {
            guard let n = object[key] as? NSNumber else {
                throw .badSetting("\"\(key)\" must be a number")
            }
            return n.doubleValue
        }
        func integer(_ key: String) throws(ExploreError) -> Int {
            guard let n = object[key] as? Int else {
                throw .badSetting("\"\(key)\" must be an integer")
            }
            return n
        }
        func flag(_ key: String) throws(ExploreError) -> Bool {
            guard let b = object[key] as? Bool else { throw .badSetting("\"\(key)\" must be true or false") }
            return b
        }
        self.init(
            runs: try integer("runs"), jitter: try number("jitter"), timerJitter: try number("timer_jitter"),
            shuffleReady: try flag("shuffle_ready"))
        if let problem { throw .badSetting(problem) }
    }
}
