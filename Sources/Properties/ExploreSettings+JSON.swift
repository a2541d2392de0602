import Foundation
import PyRuntime
import RunModel

extension ExploreSettings {
    /// The settings as a perturbation file holds them (the seed is the file's own key), with
    /// PCT's k and n from the nominal run and the timers' lateness in effect.
    var jsonObject: [String: Any] {
        [
            "runs": runs, "strategy": strategy.rawValue, "depth": depth, "jitter": jitter, "timer_jitter": timerJitter,
            "timer_lateness": effectiveTimerLateness, "shuffle_ready": shuffleReady, "nominal_steps": nominalSteps,
            "nominal_tasks": nominalTasks,
        ]
    }

    /// Reads `jsonObject`; every key is required, and the values are checked as the command line's are.
    init(json object: [String: Any]) throws(ExploreError) {
        func number(_ key: String) throws(ExploreError) -> Double {
            guard let n = object[key] as? NSNumber else { throw .badSetting("\"\(key)\" must be a number") }
            return n.doubleValue
        }
        func integer(_ key: String) throws(ExploreError) -> Int {
            guard let n = object[key] as? Int else { throw .badSetting("\"\(key)\" must be an integer") }
            return n
        }
        func flag(_ key: String) throws(ExploreError) -> Bool {
            guard let b = object[key] as? Bool else { throw .badSetting("\"\(key)\" must be true or false") }
            return b
        }
        guard let name = object["strategy"] as? String, let strategy = ExploreStrategy(rawValue: name) else {
            throw .badSetting("\"strategy\" must be one of random, pct, swarm, portfolio")
        }
        self.init(
            runs: try integer("runs"), jitter: try number("jitter"), timerJitter: try number("timer_jitter"),
            timerLateness: try number("timer_lateness"), shuffleReady: try flag("shuffle_ready"), strategy: strategy,
            depth: try integer("depth"))
        nominalSteps = try integer("nominal_steps")
        nominalTasks = try integer("nominal_tasks")
        if let problem { throw .badSetting(problem) }
        if nominalSteps < 0 || nominalTasks < 0 {
            throw .badSetting("\"nominal_steps\" and \"nominal_tasks\" must not be negative")
        }
    }
}
