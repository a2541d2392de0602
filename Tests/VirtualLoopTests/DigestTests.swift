// The digests of FIPS 180-4's example messages (and a long one), as CPython's
// hashlib (OpenSSL) gives them, and their sizes around the padding boundary.
import Foundation
import RunModel
import Testing

private func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

@Suite struct DigestTests {
    static let messages: [(String, [UInt8])] = [
        ("empty", []), ("abc", Array("abc".utf8)),
        ("448 bits", Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
        (
            "896 bits",
            Array(
                ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrst"
                    + "nopqrstu").utf8)
        ),
        ("100000 a", [UInt8](repeating: 97, count: 100_000)),
    ]

    static let expected: [String: [Digest: String]] = [
        "empty": [
            .md5: "d41d8cd98f00b204e9800998ecf8427e",
            .sha1: "da39a3ee5e6b4b0d3255bfef95601890afd80709",
            .sha224: "d14a028c2a3a2bc9476102bb288234c415a2b01f828ea62ac5b3e42f",
            .sha256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            .sha384:
                "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da"
                + "274edebfe76f65fbd51ad2f14898b95b",
            .sha512:
                "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
                + "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e",
        ],
        "abc": [
            .md5: "900150983cd24fb0d6963f7d28e17f72",
            .sha1: "a9993e364706816aba3e25717850c26c9cd0d89d",
            .sha224: "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7",
            .sha256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            .sha384:
                "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
                + "8086072ba1e7cc2358baeca134c825a7",
            .sha512:
                "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                + "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
        ],
        "448 bits": [
            .md5: "8215ef0796a20bcaaae116d3876c664a",
            .sha1: "84983e441c3bd26ebaae4aa1f95129e5e54670f1",
            .sha224: "75388b16512776cc5dba5da1fd890150b0c6455cb4f58b1952522525",
            .sha256: "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
            .sha384:
                "3391fdddfc8dc7393707a65b1b4709397cf8b1d162af05abfe8f450de5f36bc6"
                + "b0455a8520bc4e6f5fe95b1fe3c8452b",
            .sha512:
                "204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c335"
                + "96fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445",
        ],
        "896 bits": [
            .md5: "03dd8807a93175fb062dfb55dc7d359c",
            .sha1: "a49b2446a02c645bf419f995b67091253a04a259",
            .sha224: "c97ca9a559850ce97a04a96def6d99a9e0e0e2ab14e6b8df265fc0b3",
            .sha256: "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1",
            .sha384:
                "09330c33f71147e83d192fc782cd1b4753111b173b3b05d22fa08086e3b0f712"
                + "fcc7c71a557e2db966c3e9fa91746039",
            .sha512:
                "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
                + "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909",
        ],
        "100000 a": [
            .md5: "1af6d6f2f682f76f80e606aeaaee1680",
            .sha1: "c4d4b30851182fc4eb8675494d42fd7f17e29c93",
            .sha224: "c8eb6e0f37cef2bfcbc86f1539001ad556923ff0b9b226488edb5a13",
            .sha256: "6d1cf22d7cc09b085dfc25ee1a1f3ae0265804c607bc2074ad253bcc82fd81ee",
            .sha384:
                "2e4f5d0c97727dca717971ab1b119efe577a3491d8769bb0d0177265ae903289"
                + "bf372e23964ff68a70e13aeef8cbbeb0",
            .sha512:
                "c7664ff18bbefa5868d1eba38637087ad70e6380013f52f4ce3dd4a98bebd493"
                + "53ce40be1dfddad2259bacdc7bd10e98d44a6a68d5d1091bcd55b47efb5cd50e",
        ],
    ]

    @Test("CPython's digests of the example messages", arguments: Digest.allCases)
    func vectors(_ digest: Digest) {
        for (name, message) in Self.messages {
            #expect(hex(digest.hash(message)) == Self.expected[name]?[digest], "\(digest) of \(name)")
        }
    }

    @Test("sizes and lengths around the padding boundary", arguments: Digest.allCases)
    func boundaries(_ digest: Digest) {
        for n in [55, 56, 63, 64, 111, 112, 127, 128] {
            let d = digest.hash([UInt8](repeating: 0x61, count: n))
            #expect(d.count == digest.size)
            #expect(d != digest.hash([UInt8](repeating: 0x61, count: n + 1)))
        }
    }
}
