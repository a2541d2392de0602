import Testing
import VLoop
import VLoopPropertyBased
import VLoopTesting

/// A client connects to a simulated peer (0.01 s), sends a request, and waits
/// for the reply with `asyncio.wait_for(..., timeout=0.2005)`. The peer replies
/// `replyMS` after the connection; the odd half millisecond keeps the drawn
/// whole-millisecond delays off the deadline, so no delay ties with it.
func timeoutRaceTrace(replyMS: Int) -> String {
    #"""
    import asyncio

    sim.peer('api.test', 80, connect=0.01, replies=[(\#(replyMS) / 1000, b'ok')], close=0.5)
    TIMEOUT = 0.2005


    async def main():
        loop = asyncio.get_running_loop()
        reader, writer = await asyncio.open_connection('api.test', 80)
        writer.write(b'GET / HTTP/1.0\r\n\r\n')
        try:
            data = await asyncio.wait_for(reader.read(100), timeout=TIMEOUT)
            print('used reply', data)
        except asyncio.TimeoutError:
            print('timed out')
        writer.close()
        await writer.wait_closed()


    asyncio.run(main())
    """#
}

@Suite struct TimeoutRaceTests {
    @Test("the reply is used whenever it arrives before the timeout, and the timeout fires otherwise")
    func replyBeatsTimeout() async {
        await propertyCheck(count: 50, input: Gen.int(in: 0...400)) { replyMS in
            guard let run = replay(timeoutRaceTrace(replyMS: replyMS), name: "timeout-race.trace") else { return }
            #expect(run.passed, "\(run.status): \(run.value)")
            let arrival = 0.01 + Double(replyMS) / 1000
            let deadline = 0.01 + 0.2005
            if arrival < deadline {
                #expect(run.output == ["used reply b'ok'"], "reply at \(arrival), deadline \(deadline)")
                expect(run.at("used reply *", arrival, tolerance: 1e-9))
                expect(run.never("timed out"))
            } else {
                #expect(run.output == ["timed out"], "reply at \(arrival), deadline \(deadline)")
                expect(run.at("timed out", deadline, tolerance: 1e-9))
                expect(run.never("used reply *"))
            }
        }
    }

    @Test("both sides of the race are drawn: delays around the deadline")
    func aroundTheDeadline() async {
        await propertyCheck(count: 30, input: Gen.int(in: 190...210)) { replyMS in
            guard let run = replay(timeoutRaceTrace(replyMS: replyMS), name: "timeout-race.trace") else { return }
            let used = run.output.contains("used reply b'ok'")
            #expect(used == (replyMS <= 200), "reply after \(replyMS) ms: \(run.output)")
        }
    }
}
