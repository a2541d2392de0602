import PyRuntime

/// `_collections`: the native types `Stdlib/Python/collections.py` imports
/// (in CPython, `deque` and `defaultdict` are C code; `OrderedDict` and
/// `Counter` are native here too, since a trace's class cannot derive from
/// `dict`: each is a `PyDict` with a `DictFlavor`, so dict's fast paths and
/// `isinstance(x, dict)` hold for them).
extension World {
    package func makeCollectionsNativeModule() -> PyModule {
        PyModule(
            "_collections",
            [
                "deque": .obj(PyDeque.type),
                "defaultdict": .obj(DictFlavor.defaultDictType),
                "OrderedDict": .obj(DictFlavor.orderedDictType),
                "Counter": .obj(DictFlavor.counterType),
            ])
    }
}
