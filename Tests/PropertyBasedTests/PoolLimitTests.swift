import Testing
import VLoop
import VLoopPropertyBased
import VLoopTesting

/// Jobs of the given durations (ms) behind a pool of `limit` slots (an
/// `asyncio.Semaphore`). Each job works in two halves, say a request then an
/// upload of its result.
///
/// The leaky version releases its slot after the first half (the "release
/// early, we're nearly done" mistake), so a third job starts while the first
/// two are still uploading; the fixed version holds the slot with `async with`
/// until its last print.
func poolTrace(durationsMS: [Int], limit: Int, leaky: Bool) -> String {
    let job =
        leaky
        ? """
        async def job(sem, i, ms):
            await sem.acquire()
            print('start', i)
            await asyncio.sleep(ms / 2000)
            sem.release()
            await asyncio.sleep(ms / 2000)
            print('end', i)
        """
        : """
        async def job(sem, i, ms):
            async with sem:
                print('start', i)
                await asyncio.sleep(ms / 2000)
                await asyncio.sleep(ms / 2000)
                print('end', i)
        """
    return """
        import asyncio

        LIMIT = \(limit)
        DURATIONS = \(durationsMS)


        \(job)


        async def main():
            sem = asyncio.Semaphore(LIMIT)
            await asyncio.gather(*[job(sem, i, ms) for i, ms in enumerate(DURATIONS)])


        asyncio.run(main())
        """
}

/// The property: every job runs, and no more than `limit` are between their start and end at once.
func poolLimitHolds(durationsMS: [Int], limit: Int, leaky: Bool) {
    guard let run = replay(poolTrace(durationsMS: durationsMS, limit: limit, leaky: leaky), name: "pool.trace")
    else { return }
    #expect(run.passed, "\(run.status): \(run.value)")
    #expect(run.output.filter { $0.hasPrefix("end ") }.count == durationsMS.count)
    expect(run.concurrency("start *", "end *", max: limit))
}

let jobDurations = Gen.int(in: 1...100).array(of: 1...8)

@Suite struct PoolLimitTests {
    @Test("a slot released early lets a third job in: the shrunk input is three shortest jobs")
    func leakyPoolFails() async {
        let inputs = await knownFailure("the semaphore is released before the job ends") {
            await propertyCheck(count: 50, input: jobDurations) { durations in
                poolLimitHolds(durationsMS: durations, limit: 2, leaky: true)
            }
        }
        // Two jobs never break a limit of two; three always do, whatever they last.
        #expect(inputs == ["[1, 1, 1]"])
    }

    @Test("a slot held until the job ends: never more than the limit, for any jobs and limit")
    func heldPoolHolds() async {
        await propertyCheck(count: 50, input: jobDurations, Gen.int(in: 1...4)) { durations, limit in
            poolLimitHolds(durationsMS: durations, limit: limit, leaky: false)
        }
    }
}
