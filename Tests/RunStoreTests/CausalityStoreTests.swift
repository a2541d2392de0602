import Foundation
import RunModel
import Testing

@testable import RunStore

/// What caused what (RunModel/Causality.swift), written and read back: the
/// compact form of a task's wakes, and every step and cause of a run.
@Suite("Causality in the store")
struct CausalityStoreTests {
    /// Wakes of every kind, with steps and times as a run makes them: the
    /// clock moving or not, a cause in the same instant or earlier.
    static func wakes(count: Int, seed: UInt64) -> [Wake] {
        var random = SplitMix64(seed: seed)
        var step = 0
        var t = 0.0
        return (0..<count).map { _ in
            let (lastStep, lastT) = (step, t)
            step += Int(random.next() % 300) + 1
            if random.next() % 3 == 0 { t += Double(random.next() % 1000) / 1000 }
            let kind = Cause.Kind.allCases[Int(random.next() % UInt64(Cause.Kind.allCases.count))]
            let source = kind == .outside ? -1 : Int(random.next() % 5_000) - (kind == .timer ? 1 : 0)
            // A task's own timer: set during its previous step, at its previous time.
            if random.next() % 4 == 0 {
                return Wake(step: step, t: t, cause: Cause(kind: kind, source: source, step: lastStep, t: lastT))
            }
            let back = Int(random.next() % 70_000)
            let causeT = kind == .timer ? max(0, t - Double(random.next() % 50) / 10) : t
            return Wake(step: step, t: t, cause: Cause(kind: kind, source: source, step: step - back, t: causeT))
        }
    }

    @Test("the compact form of wakes reads back exactly, for every kind of cause, and costs a few bytes a wake")
    func encodingRoundTrips() throws {
        #expect(WakeEncoding.decode(WakeEncoding.encode([])) == [])
        for seed in UInt64(1)...40 {
            let wakes = Self.wakes(count: Int(seed) * 25, seed: seed)
            let data = WakeEncoding.encode(wakes)
            #expect(WakeEncoding.decode(data) == wakes, "seed \(seed)")
        }
        // A task sleeping on its own timer at a new instant each step: 11 bytes a wake
        // (the flags, the step, the time, the source).
        let sleeps = (1...1000).map { (i: Int) -> Wake in
            let cause = Cause(kind: .timer, source: 7, step: i * 3 - 3, t: Double(i - 1) / 100)
            return Wake(step: i * 3, t: Double(i) / 100, cause: cause)
        }
        #expect(WakeEncoding.encode(sleeps).count == 1 + 11 * 1000)
        // Woken at the instant of the cause, a few steps later: 4 bytes (the first, 12).
        let sameInstant = (1...1000).map { (i: Int) -> Wake in
            Wake(step: i * 2, t: 1.5, cause: Cause(kind: .task, source: 3, step: i * 2 - 1, t: 1.5))
        }
        #expect(WakeEncoding.encode(sameInstant).count == 1 + 12 + 4 * 999)
    }

    @Test("a blob cut short or of another version reads as not recorded, never as wrong wakes")
    func damagedBlobs() throws {
        let data = WakeEncoding.encode(Self.wakes(count: 50, seed: 9))
        for cut in [1, 2, 5, data.count / 2, data.count - 1] {
            let wakes = WakeEncoding.decode(data.prefix(cut))
            // Cut at a wake's boundary it is a shorter list; anywhere else, nil.
            if let wakes { #expect(wakes == Array(Self.wakes(count: 50, seed: 9).prefix(wakes.count))) }
        }
        var other = data
        other[0] = 2
        #expect(WakeEncoding.decode(other) == nil)
    }

    @Test("each task's creator, steps and wakes, each job's steps and each event's step are read back as written")
    func roundTrip() throws {
        let dir = try TempFolder()
        let store = try RunStore.open(path: dir.path("runs.sqlite"), mode: .create)
        let suite = try store.beginSuiteRun(sampleSuite("main"))
        var written = sampleRun()
        written.tasks[0].creator = Cause(kind: .outside, source: -1, step: 0, t: 0)
        written.tasks[0].createdStep = 0
        written.tasks[0].doneStep = 40
        written.tasks[0].wakes = Self.wakes(count: 30, seed: 3)
        written.tasks[1].creator = Cause(kind: .timer, source: 0, step: 4, t: 0.5)
        written.tasks[1].createdStep = 9
        written.jobs = [
            JobRecord(
                executor: "asyncio", job: "blocks(3)", worker: "asyncio_0", queued: 0, started: 0, finished: 1,
                succeeded: true, queuedStep: 2, startedStep: 2, finishedStep: 5)
        ]
        written.eventSteps = written.events.indices.map { $0 * 2 }
        let read = try store.run(id: try store.write(written, suiteRunID: suite))
        #expect(read.tasks == written.tasks)
        #expect(read.jobs == written.jobs)
        #expect(read.eventSteps == written.eventSteps)
    }

    @Test("a run stored without steps reads back without them")
    func runWithoutSteps() throws {
        let dir = try TempFolder()
        let store = try RunStore.open(path: dir.path("runs.sqlite"), mode: .create)
        let written = sampleRun()
        let read = try store.run(id: try store.write(written, suiteRunID: try store.beginSuiteRun(sampleSuite("x"))))
        #expect(read.eventSteps.isEmpty)
        #expect(read.tasks.allSatisfy { $0.creator == nil && $0.wakes.isEmpty && $0.createdStep == nil })
    }
}
