import Testing

@testable import PyRuntime

/// Containers nested millions deep are freed without a native frame per
/// level (DeferredRelease.swift): freed on the test's own thread, whose stack
/// is far smaller than a run's, each of these would overflow it otherwise.
@Suite struct DeferredReleaseTests {
    static let depth = 2_000_000

    @Test("a list nested two million deep is freed")
    func nestedListIsFreed() {
        var x = PyList()
        for _ in 0..<Self.depth { x = PyList([.obj(x)]) }
        x = PyList()
        #expect(x.items.isEmpty)
    }

    @Test("tuples nested two million deep, as one item and as one of three, are freed")
    func nestedTuplesAreFreed() {
        var pair = PyTuple([])
        var triple = PyTuple([])
        for _ in 0..<Self.depth {
            pair = PyTuple([.obj(pair)])
            triple = PyTuple([.none, .obj(triple), .int(1)])
        }
        pair = PyTuple([])
        triple = PyTuple([])
        #expect(pair.count == 0 && triple.count == 0)
    }

    @Test("a chain of two million dicts, cells and deques is freed")
    func chainsOfDictsCellsAndDequesAreFreed() {
        var d = PyDict()
        var cell = PyCell()
        var q = PyDeque()
        for _ in 0..<Self.depth {
            let next = PyDict()
            next.table.set(HashKey.str("k"), .str("k"), .obj(d))
            d = next
            cell = PyCell(.obj(CellBox(cell)))
            let nq = PyDeque()
            nq.append(.obj(q))
            q = nq
        }
        d = PyDict()
        cell = PyCell()
        q = PyDeque()
        #expect(d.table.count == 0 && q.count == 0)
    }

    @Test("a linked list of two million instances is freed")
    func linkedInstancesAreFreed() {
        let cls = PyType("Node", base: nil)
        var node = PyInstance(cls)
        for _ in 0..<Self.depth {
            let next = PyInstance(cls)
            next.attributes["next"] = .obj(node)
            next.attributeOrder.append("next")
            node = next
        }
        node = PyInstance(cls)
        #expect(node.attributes.isEmpty)
    }
}
