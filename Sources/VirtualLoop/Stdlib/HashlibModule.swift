import PyRuntime
import RunModel

/// `_vloop_hashlib`, the native part of `hashlib` (`Stdlib/Python/hashlib.py`):
/// `digest(name, data)`, the digest of a whole message as bytes (`Digest`).
extension World {
    package func makeHashlibHelperModule() -> PyModule {
        let m = PyModule("_vloop_hashlib")
        m.define("digest") { args, vm in
            try vm.checkArity("digest", args, 2, 2)
            guard case .str(let name) = args[0], let digest = Digest(rawValue: name) else {
                throw vm.error(.valueError, "unsupported hash type")
            }
            guard let data = args[1].object as? PyBytes else {
                throw vm.error(.typeError, "object supporting the buffer API required")
            }
            return .obj(PyBytes(digest.hash(data.bytes)))
        }
        return m
    }
}
