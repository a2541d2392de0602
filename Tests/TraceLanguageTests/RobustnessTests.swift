import Testing

@testable import TraceLanguage

/// SplitMix64 with a fixed seed, so that every run feeds the same inputs.
struct FixedSeedGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Parses bytes read with lossy UTF-8 decoding, as the caller reads traces;
/// returns whether it parsed. It must never crash or hang.
@discardableResult
func parseBytes(_ bytes: [UInt8]) -> Bool {
    let text = String(decoding: bytes, as: UTF8.self)
    do {
        _ = try Parser.parse(SourceFile(path: "fuzz.trace", text: text))
        return true
    } catch is Diagnostic {
        return false
    } catch is DiagnosticList {
        return false
    } catch {
        Issue.record("the parser threw something other than a Diagnostic: \(error)")
        return false
    }
}

let validTrace = """
    import asyncio
    from concurrent.futures import ThreadPoolExecutor as Pool

    async def fetch(name, seconds=1.5, *args, key=None, **kw):
        print(f'{name!r:>10} started at {loop.time():.3f}')
        try:
            await asyncio.sleep(seconds)
        except (asyncio.CancelledError, ValueError) as e:
            raise RuntimeError('x') from e
        else:
            pass
        finally:
            done[name] = [i ** 2 for i in range(3) if i % 2 == 0]
        return name, {k: v for k, v in kw.items()}

    async def main():
        async with asyncio.timeout(2):
            results = await asyncio.gather(fetch('a', 2), fetch("b", 1), return_exceptions=True)
        while len(results) > 0 and not done:
            x, y = results.pop(), -1
            if x is None or y in (1, 2):
                break
            elif x != y:
                continue
        lam = lambda a, *b, c=1: a if c else b[1:2:-1]
        assert lam(1) == 1, "message"
        return b'bytes\\x00' + b"more"

    asyncio.run(main())
    expect.order('a started', 'b started')
    expect.elapsed(2.0)
    """

@Suite struct RobustnessTests {
    @Test func theSampleTraceParses() throws {
        #expect(parseBytes(Array(validTrace.utf8)))
    }

    @Test func randomBytesNeverCrashTheParser() {
        var rng = FixedSeedGenerator(state: 0x5EED)
        let alphabet = Array(
            "()[]{}:;,.=+-*/%<>!'\"\\#@$?`~ \t\n\r\u{0}\u{0C}abcxyz019_ifelsefordefasyncawaitlambdayield".utf8)
        for n in 0..<3000 {
            let length = Int(rng.next() % 120)
            var bytes: [UInt8] = []
            bytes.reserveCapacity(length)
            for _ in 0..<length {
                // Half the inputs are raw bytes, half are drawn from Python's punctuation.
                if n % 2 == 0 {
                    bytes.append(UInt8(truncatingIfNeeded: rng.next()))
                } else {
                    bytes.append(alphabet[Int(rng.next() % UInt64(alphabet.count))])
                }
            }
            parseBytes(bytes)
        }
    }

    @Test func mutationsOfAValidTraceNeverCrashTheParser() {
        var rng = FixedSeedGenerator(state: 42)
        let original = Array(validTrace.utf8)
        let interesting = Array("()[]{}:'\"\\\n\t #=*f{}0x".utf8)
        for _ in 0..<1500 {
            var bytes = original
            let edits = 1 + Int(rng.next() % 4)
            for _ in 0..<edits where !bytes.isEmpty {
                let at = Int(rng.next() % UInt64(bytes.count))
                switch rng.next() % 5 {
                case 0: bytes.remove(at: at)
                case 1: bytes.insert(interesting[Int(rng.next() % UInt64(interesting.count))], at: at)
                case 2: bytes[at] = UInt8(truncatingIfNeeded: rng.next())
                case 3:
                    let end = min(bytes.count, at + Int(rng.next() % 40))
                    bytes.insert(contentsOf: bytes[at..<end], at: at)
                default:
                    let end = min(bytes.count, at + Int(rng.next() % 40))
                    bytes.removeSubrange(at..<end)
                }
            }
            parseBytes(bytes)
        }
    }

    @Test func randomSequencesOfPythonTokensNeverCrashTheParser() {
        var rng = FixedSeedGenerator(state: 1234)
        let words = [
            "if", "else", "elif", "for", "in", "while", "def", "async", "await", "lambda", "yield", "from",
            "import", "as", "try", "except", "except*", "finally", "with", "return", "raise", "not", "is",
            "and", "or", "x", "y", "match", "(", ")", "[", "]", "{", "}", ":", ",", ";", ".", "=", "==", "+",
            "-", "*", "**", "/", "//", "%", "@", "|", ":=", "...", "1", "2.5", "'s'", "f'{x}'", "f'{x:{y}}'",
            "b'b'", "\n", "\n    ", "\n        ", "\\\n", "#c\n", "break", "continue", "pass", "global",
            "nonlocal", "class", "del", "None", "True", "->", "!", "~",
        ]
        for _ in 0..<3000 {
            var text = ""
            for _ in 0..<Int(rng.next() % 30) {
                text += words[Int(rng.next() % UInt64(words.count))] + (rng.next() % 3 == 0 ? "" : " ")
            }
            parseBytes(Array(text.utf8))
        }
    }

    @Test func aMegabyteOfRandomBytesIsRejectedQuickly() {
        var rng = FixedSeedGenerator(state: 7)
        var bytes = [UInt8](repeating: 0, count: 1 << 20)
        for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: rng.next()) }
        #expect(!parseBytes(bytes))
        // Printable garbage gets further before it fails.
        let printable = Array("ab (1 [2 'c' + d.e ** 3]) ==\n\tx:\n    ".utf8)
        for i in bytes.indices { bytes[i] = printable[Int(rng.next() % UInt64(printable.count))] }
        parseBytes(bytes)
    }

    @Test func theDeepestAllowedNestingFitsOnTheStack() {
        // 99 blocks, then every kind of expression nesting 100 levels deep.
        var source = ""
        for level in 0..<99 {
            source += String(repeating: " ", count: level) + "if x:\n"
        }
        let indent = String(repeating: " ", count: 99)
        let deepExpressions = [
            String(repeating: "(", count: 100) + "1" + String(repeating: ")", count: 100),
            String(repeating: "f(", count: 100) + "1" + String(repeating: ")", count: 100),
            String(repeating: "a[", count: 100) + "1" + String(repeating: "]", count: 100),
            String(repeating: "{1: [", count: 50) + "1" + String(repeating: "]}", count: 50),
            String(repeating: "lambda: ", count: 100) + "1",
            String(repeating: "[x for x in ", count: 100) + "y" + String(repeating: "]", count: 100),
        ]
        for e in deepExpressions {
            #expect(parseError(source + indent + "x = " + e + "\n") == "no error")
        }
    }

    @Test func oneMoreLevelOfAnyKindIsAnError() {
        let tooDeep = [
            String(repeating: "f(", count: 101) + "1" + String(repeating: ")", count: 101),
            String(repeating: "lambda: ", count: 101) + "1",
            String(repeating: "{", count: 101) + String(repeating: "}", count: 101),
        ]
        for e in tooDeep {
            #expect(parseError("x = " + e + "\n").hasSuffix("too deeply nested (more than 100 levels)"))
        }
    }

    @Test func aMegabyteTraceParsesInReasonableTime() throws {
        var source = ""
        var n = 0
        while source.utf8.count < 1 << 20 {
            source +=
                "async def task\(n)(a, b=2):\n    x = [i * 2 for i in range(a)] + {'k': f'{b:>3}'}['k']\n    await asyncio.sleep(0.5)\n\n"
            n += 1
        }
        let clock = ContinuousClock()
        let elapsed = try clock.measure {
            let module = try Parser.parse(SourceFile(path: "big.trace", text: source))
            #expect(module.body.count == n)
        }
        // Generous for unoptimized builds; release builds take a fraction of this.
        #expect(elapsed < .seconds(20))
    }
}
