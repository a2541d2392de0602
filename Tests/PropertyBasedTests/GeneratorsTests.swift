import Testing
import VLoopPropertyBased

@Suite struct GeneratorsTests {
    @Test("latencies are whole milliseconds within the range, written as Python writes n / 1000")
    func latencyValues() async {
        await propertyCheck(count: 200, input: Gen.latency(in: 0.0105...0.5)) { latency in
            #expect(latency >= 0.0105 && latency <= 0.5)
            let steps = (latency * 1000).rounded()
            #expect(latency == steps / 1000, "\(latency) is not a whole number of milliseconds")
        }
    }

    @Test("another resolution: whole steps of it")
    func otherResolution() async {
        await propertyCheck(count: 100, input: Gen.latency(in: 1...10, resolution: 0.25)) { latency in
            #expect(latency >= 1 && latency <= 10)
            #expect((latency * 4).rounded() == latency * 4)
        }
    }

    @Test("latencies(count:) draws that many")
    func several() async {
        await propertyCheck(count: 50, input: Gen.latencies(2...5, in: 0...0.1)) { latencies in
            #expect((2...5).contains(latencies.count))
            #expect(latencies.allSatisfy { $0 >= 0 && $0 <= 0.1 })
        }
    }
}
