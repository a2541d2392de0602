import Testing

@testable import Properties

@Suite struct VacuityTests {
    @Test("the distance of a glob to a text counts the edits that make it match, '*' and '?' for free")
    func globDistance() {
        #expect(ClosestTexts.distance("start", "start 3") == 2)
        #expect(ClosestTexts.distance("start*", "start 3") == 0)
        #expect(ClosestTexts.distance("job ? done", "job 3 done") == 0)
        #expect(ClosestTexts.distance("strat", "start") == 2)
        #expect(ClosestTexts.distance("", "abc") == 3)
        #expect(ClosestTexts.distance("abc", "") == 3)
        #expect(ClosestTexts.distance("*", "") == 0)
        #expect(ClosestTexts.sharedPrefix("start", "start 3") == 5)
        // A '*' missing at either end is one edit, so a longer text that the pattern begins is the closest.
        #expect(ClosestTexts.closeness("all done", "all done [1, 2, 3]") == 1)
        #expect(ClosestTexts.closeness("all done", "fetch 1 done") == 4)
        #expect(ClosestTexts.closeness("done", "fetch 1 done") == 1)
        #expect(ClosestTexts.sharedPrefix("s?art*", "smart") == 5)
    }
}
