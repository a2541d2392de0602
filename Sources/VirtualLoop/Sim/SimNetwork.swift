import PyRuntime
import RunModel
import TraceLanguage

/// The simulated network (TRACE_LANGUAGE.md, "The network"): peers declared
/// with `sim.peer`, sockets whose connects, replies and closes are external
/// events, and the readiness the loop's `select` reports. Above the sockets,
/// CPython's own `sock_connect`, selector transport and streams run as Python
/// in the asyncio prelude.

/// `sim.peer(host, port, connect=0.0, dns=0.0, replies=[], close=None)`.
package struct SimPeer {
    package struct Chunk {
        package let delay: Double
        package let data: [UInt8]
    }

    package let host: String
    package let port: Int
    package let connect: Double
    package let dns: Double
    /// `replies[k]`: the chunks the k-th non-empty write triggers.
    package let replies: [[Chunk]]
    package let close: Double?
    /// Where the trace declared it: the position of its perturbations.
    package let loc: SourceLocation

    package var name: String { "\(host):\(port)" }
}

package final class SimNetwork {
    /// Every declared peer, in order; a host and port declared again has several.
    @exclusivity(unchecked) package var peers: [SimPeer] = []
    /// Host names and their addresses `198.51.100.N`, N counting hosts in order.
    @exclusivity(unchecked) package var addresses: [String: String] = [:]
    @exclusivity(unchecked) package var nextFD = 7
    /// Every socket by file descriptor.
    @exclusivity(unchecked) package var sockets: [Int: SimSocket] = [:]
    /// Readiness transitions, to order sockets that were already ready.
    @exclusivity(unchecked) package var readySerial = 0
    /// Sockets that deliveries of the current select step made ready, in order.
    @exclusivity(unchecked) package var newlyReady: [SimSocket] = []
    /// Connection attempts so far to each address and port (`answeringPeer`).
    @exclusivity(unchecked) package var attempts: [Endpoint: Int] = [:]

    package struct Endpoint: Hashable {
        package let ip: String
        package let port: Int
    }

    /// The address of `host`: itself for an IPv4 literal, else 198.51.100.N
    /// (a host name nobody declared gets the next N when first resolved).
    package func address(of host: String) -> String {
        if SimNetwork.isIPv4(host) { return host }
        if let a = addresses[host] { return a }
        let a = "198.51.100.\(addresses.count + 1)"
        addresses[host] = a
        return a
    }

    package func declare(_ peer: SimPeer) {
        if !SimNetwork.isIPv4(peer.host) { _ = address(of: peer.host) }
        peers.append(peer)
    }

    /// The first declared peer of a host: its DNS delay is the host's.
    package func dnsPeer(_ host: String) -> SimPeer? {
        peers.first { $0.host == host }
    }

    /// Who answers a connection attempt to `ip`:`port`, which this counts:
    /// the n-th attempt there (refused ones too) is answered by the n-th peer
    /// declared at that address and port, and the last one declared answers
    /// every later attempt. A host name and the IP literal it resolves to
    /// are one address.
    package func answeringPeer(_ ip: String, _ port: Int) -> SimPeer? {
        let key = Endpoint(ip: ip, port: port)
        let n = attempts[key, default: 0]
        attempts[key] = n + 1
        var answering: SimPeer?
        var k = 0
        for p in peers where p.port == port && address(of: p.host) == ip {
            answering = p
            if k == n { break }
            k += 1
        }
        return answering
    }

    /// What `inet_pton(AF_INET, s)` accepts: four decimal parts up to 255, no leading zeros.
    package static func isIPv4(_ s: String) -> Bool {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4
            && parts.allSatisfy { p in
                !p.isEmpty && p.count <= 3 && p.allSatisfy { $0.isASCII && $0.isNumber } && Int(p)! <= 255
                    && !(p.count > 1 && p.first == "0")
            }
    }
}

/// A non-blocking TCP socket of the simulation (what `socket.socket()` gives
/// CPython's `_connect_sock`).
package final class SimSocket: PyObject {
    package unowned(unsafe) let world: World
    package let fd: Int
    @exclusivity(unchecked) package var peer: SimPeer?
    @exclusivity(unchecked) package var remote: (ip: String, port: Int)?
    /// Set when the connect has completed (successfully or not).
    @exclusivity(unchecked) package var writable = false
    @exclusivity(unchecked) package var soError = 0
    @exclusivity(unchecked) package var connected = false
    /// Bytes that arrived and were not read yet.
    @exclusivity(unchecked) package var inbox: [UInt8] = []
    /// The peer has closed its side (reads return b'' once the inbox is empty).
    @exclusivity(unchecked) package var eof = false
    @exclusivity(unchecked) package var closed = false
    @exclusivity(unchecked) package var writes = 0
    /// Its entry in the world's `connections`, once it connects.
    @exclusivity(unchecked) package var record: Int?
    /// When the socket last became readable, and writable (serials of transitions).
    @exclusivity(unchecked) package var readableSince = 0
    @exclusivity(unchecked) package var writableSince = 0

    package init(world: World, fd: Int) {
        self.world = world
        self.fd = fd
    }

    package var readable: Bool { !inbox.isEmpty || eof }

    package override var typeName: String { "socket" }
    package override func repr(_ vm: Interpreter) throws -> String {
        "<socket.socket fd=\(closed ? -1 : fd), family=2, type=1, proto=6>"
    }

    package override func getAttr(_ name: String, _ vm: Interpreter) throws -> Value? {
        switch name {
        case "family": return .int(2)
        case "type": return .int(1)
        case "proto": return .int(6)
        default: return nil
        }
    }

    /// Runs `change` and notes whether it made the socket readable or
    /// writable: a socket that becomes ready during a select step is reported
    /// after those that already were, in the order the deliveries made them ready.
    package func update(_ change: () -> Void) {
        let (wasReadable, wasWritable) = (readable, writable)
        change()
        let net = world.network
        if readable && !wasReadable {
            net.readySerial += 1
            readableSince = net.readySerial
        }
        if writable && !wasWritable {
            net.readySerial += 1
            writableSince = net.readySerial
        }
        if (readable && !wasReadable) || (writable && !wasWritable),
            !net.newlyReady.contains(where: { $0 === self })
        {
            net.newlyReady.append(self)
        }
    }

    package override func callMethod(_ name: String, _ args: Args, _ vm: Interpreter) throws -> Value {
        switch name {
        case "fileno": return .int(closed ? -1 : fd)
        case "setblocking", "setsockopt", "shutdown": return .none
        case "gettimeout": return .float(0)
        case "getsockopt": return .int(soError)
        case "connect":
            try connect(args[0], vm)
            return .none
        case "send":
            return .int(try send(args[0], vm))
        case "recv":
            return .obj(try recv(try vm.intArg(args[0], "bufsize"), vm))
        case "close":
            if !closed, let r = record { world.recorder.connections[r].closed = world.clock }
            closed = true
            return .none
        case "getpeername":
            guard connected, let r = remote else {
                throw vm.raise(
                    PyException(type: .osError, args: [.int(107), .str("Transport endpoint is not connected")]))
            }
            return .obj(PyTuple([.str(r.ip), .int(r.port)]))
        case "getsockname":
            return .obj(PyTuple([.str("10.0.0.1"), .int(40_000 + fd)]))
        default:
            return try super.callMethod(name, args, vm)
        }
    }

    /// A non-blocking connect: always "in progress"; the socket becomes
    /// writable `connect` seconds later, or at once with ECONNREFUSED when
    /// nobody listens at the address.
    private func connect(_ address: Value, _ vm: Interpreter) throws {
        guard case .obj(let o) = address, let t = o as? PyTuple, t.count == 2,
            case .str(let ip) = t[0], case .int(let port) = t[1]
        else {
            throw vm.error(.typeError, "connect(): an (ip, port) tuple is required")
        }
        remote = (ip, port)
        peer = world.network.answeringPeer(ip, port)
        world.recorder.connections.append(
            ConnectionRecord(host: peer?.host ?? ip, address: ip, port: port, opened: world.clock))
        let record = world.recorder.connections.count - 1
        self.record = record
        var delay = 0.0
        if let peer {
            delay = world.perturbed(peer.connect, at: peer.loc, kind: .peers) {
                "connect to \(peer.name) took \(seconds($0)) s instead of \(seconds(peer.connect)) (peer at \(world.positionText(peer.loc)))"
            }
        }
        world.scheduleExternal(
            world.clock + delay, .network, channel: fd, describe: { "the connect to \(peer?.name ?? ip)" }
        ) { [unowned self] in
            self.update {
                self.writable = true
                if self.peer != nil { self.connected = true } else { self.soError = 111 }
            }
            if self.peer != nil {
                self.world.recorder.connections[record].connected = self.world.clock
            } else {
                self.world.recorder.connections[record].refused = self.world.clock
            }
            if let peer = self.peer, peer.replies.isEmpty, let close = peer.close {
                self.schedulePeerClose(peer, close, after: 0, "the connect")
            }
        }
        throw vm.raise(PyException(type: .blockingIOError, args: [.int(115), .str("Operation now in progress")]))
    }

    /// Sends everything at once; the k-th non-empty write triggers `replies[k]`.
    private func send(_ data: Value, _ vm: Interpreter) throws -> Int {
        guard case .obj(let o) = data, let b = o as? PyBytes else {
            throw vm.error(.typeError, "a bytes-like object is required, not '\(vm.typeName(data))'")
        }
        guard connected, let peer else {
            throw vm.raise(PyException(type: .brokenPipeError, args: [.int(32), .str("Broken pipe")]))
        }
        if b.bytes.isEmpty { return 0 }
        if let r = record { world.recorder.connections[r].sent.append(.init(t: world.clock, bytes: b.bytes.count)) }
        let k = writes
        writes += 1
        if k < peer.replies.count {
            let now = world.clock
            var last = 0.0
            let reply = peer.replies[k]
            for (j, chunk) in reply.enumerated() {
                let which = reply.count == 1 ? "reply \(k + 1)" : "chunk \(j + 1) of reply \(k + 1)"
                let delay = world.perturbed(chunk.delay, at: peer.loc, kind: .peers) {
                    "\(which) of \(peer.name) came \(lateness($0 - chunk.delay)) (peer at \(world.positionText(peer.loc)))"
                }
                last = max(last, delay)
                world.scheduleExternal(now + delay, .network, channel: fd, describe: { "\(which) of \(peer.name)" }) {
                    [unowned self] in
                    self.update { self.inbox += chunk.data }
                    if let r = self.record {
                        self.world.recorder.connections[r].delivered.append(
                            .init(t: self.world.clock, bytes: chunk.data.count))
                    }
                }
            }
            if k == peer.replies.count - 1, let close = peer.close {
                schedulePeerClose(peer, close, after: last, "its last reply")
            }
        }
        return b.bytes.count
    }

    /// The peer closes its side `nominal` seconds (perturbed when exploring)
    /// after `offset` seconds from now, the moment `what` happened.
    private func schedulePeerClose(_ peer: SimPeer, _ nominal: Double, after offset: Double, _ what: String) {
        let close = world.perturbed(nominal, at: peer.loc, kind: .peers) {
            "\(peer.name) closed \(seconds($0)) s after \(what) instead of \(seconds(nominal)) (peer at \(world.positionText(peer.loc)))"
        }
        world.scheduleExternal(
            world.clock + offset + close, .network, channel: fd, describe: { "the close of \(peer.name)" }
        ) { [unowned self] in
            self.update { self.eof = true }
            if let r = self.record { self.world.recorder.connections[r].peerClosed = self.world.clock }
        }
    }

    /// Everything that arrived, up to `n` bytes; b'' at EOF; BlockingIOError when nothing did.
    private func recv(_ n: Int, _ vm: Interpreter) throws -> PyBytes {
        if inbox.isEmpty {
            if eof { return PyBytes([]) }
            throw vm.raise(
                PyException(type: .blockingIOError, args: [.int(11), .str("Resource temporarily unavailable")]))
        }
        let k = min(n, inbox.count)
        let out = Array(inbox[..<k])
        inbox.removeFirst(k)
        return PyBytes(out)
    }
}

extension SimObject {
    /// `sim.peer(host, port, connect=0.0, dns=0.0, replies=[], close=None)`.
    /// A host and port declared again answer the next connection
    /// (`SimNetwork.answeringPeer`); the host's DNS delay stays its first peer's.
    package func declarePeer(_ args: Args, _ vm: Interpreter) throws -> Value {
        let names = ["host", "port", "connect", "dns", "replies", "close"]
        var values: [String: Value] = [:]
        guard args.count <= names.count else {
            throw vm.error(.typeError, "sim.peer() takes at most 6 arguments (\(args.count) given)")
        }
        for (i, v) in args.positional.enumerated() { values[names[i]] = v }
        for (k, v) in args.keywords {
            guard names.contains(k) else {
                throw vm.error(.typeError, "sim.peer() got an unexpected keyword argument '\(k)'")
            }
            if values[k] != nil { throw vm.error(.typeError, "sim.peer() got multiple values for argument '\(k)'") }
            values[k] = v
        }
        guard let hostValue = values["host"], case .str(let host) = hostValue, !host.isEmpty else {
            throw vm.error(.typeError, "sim.peer() needs a host name or address (a non-empty str)")
        }
        guard let portValue = values["port"], case .int(let port) = portValue, (1...65535).contains(port) else {
            throw vm.error(.valueError, "sim.peer(): port must be an int from 1 to 65535")
        }
        func seconds(_ name: String) throws -> Double {
            guard let v = values[name] else { return 0 }
            let d = try vm.numberArg(v, name)
            if d < 0 || !d.isFinite {
                throw vm.error(.valueError, "sim.peer(): \(name) must be >= 0, not \(try vm.repr(v))")
            }
            return d
        }
        let connect = try seconds("connect")
        let dns = try seconds("dns")
        var close: Double?
        if let c = values["close"], !c.isNone { close = try seconds("close") }
        var replies: [[SimPeer.Chunk]] = []
        if let r = values["replies"] {
            for (k, reply) in try vm.iterate(r).enumerated() {
                replies.append(try chunks(reply, k, vm))
            }
        }
        world.network.declare(
            SimPeer(
                host: host, port: port, connect: connect, dns: dns, replies: replies, close: close,
                loc: world.tracePosition))
        return .none
    }

    /// One reply: `(delay, nbytes)`, `(delay, b'...')`, or a list of those.
    private func chunks(_ reply: Value, _ k: Int, _ vm: Interpreter) throws -> [SimPeer.Chunk] {
        func chunk(_ v: Value) throws -> SimPeer.Chunk {
            guard case .obj(let o) = v, let t = o as? PyTuple, t.count == 2 else {
                throw vm.error(
                    .typeError,
                    "sim.peer(): reply \(k) must be (delay, nbytes), (delay, b'...') or a list of them, not \(try vm.repr(v))"
                )
            }
            let delay = try vm.numberArg(t[0], "delay")
            if delay < 0 || !delay.isFinite {
                throw vm.error(
                    .valueError, "sim.peer(): the delay of reply \(k) must be >= 0, not \(try vm.repr(t[0]))")
            }
            switch t[1] {
            case .int(let n):
                if n < 0 { throw vm.error(.valueError, "sim.peer(): reply \(k) cannot have \(n) bytes") }
                // The reply's bytes are made now: past `SizeBounds`, MemoryError (as CPython's `bytes(n)`).
                try vm.checkSize(n, bytesEach: 1)
                return SimPeer.Chunk(delay: delay, data: [UInt8](repeating: 0, count: n))
            case .obj(let b as PyBytes):
                return SimPeer.Chunk(delay: delay, data: b.bytes)
            default:
                throw vm.error(
                    .typeError, "sim.peer(): the data of reply \(k) must be an int (a count of bytes) or bytes")
            }
        }
        if case .obj(let o) = reply, o is PyList { return try vm.iterate(reply).map(chunk) }
        return [try chunk(reply)]
    }
}

extension World {
    /// A new socket (`socket.socket()` in the prelude's `_connect_sock`).
    package func newSocket() -> SimSocket {
        let s = SimSocket(world: self, fd: network.nextFD)
        network.nextFD += 1
        network.sockets[s.fd] = s
        return s
    }

    /// The registered sockets of `loop` that are ready now, in the order they
    /// became ready (for the interests registered).
    package func readySockets(_ loop: EventLoop) -> [SimSocket] {
        var ready: [(since: Int, socket: SimSocket)] = []
        for key in loop.selectorKeys.values {
            var since = Int.max
            if key.reader != nil && key.socket.readable { since = min(since, key.socket.readableSince) }
            if key.writer != nil && key.socket.writable { since = min(since, key.socket.writableSince) }
            if since != Int.max { ready.append((since, key.socket)) }
        }
        return ready.sorted { $0.since < $1.since }.map(\.socket)
    }
}

extension World {
    /// The native primitives of the asyncio prelude's network code.
    package func networkPrimitives() -> [String: Value] {
        return [
            "_socket": preludeBuiltin("_socket") { [unowned self] _, _ in .obj(self.newSocket()) },
            "_is_ipv4": preludeBuiltin("_is_ipv4") { args, vm in
                guard case .str(let s) = args[0] else { return .bool(false) }
                return .bool(SimNetwork.isIPv4(s))
            },
            "_dns_delay": preludeBuiltin("_dns_delay") { [unowned self] args, vm in
                let host = try vm.str(args[0])
                guard let peer = self.network.dnsPeer(host) else { return .float(0) }
                return .float(
                    self.perturbed(peer.dns, at: peer.loc, kind: .peers) {
                        "DNS of \(host) took \(seconds($0)) s instead of \(seconds(peer.dns)) (peer at \(self.positionText(peer.loc)))"
                    })
            },
            "_address_of": preludeBuiltin("_address_of") { [unowned self] args, vm in
                .str(self.network.address(of: try vm.str(args[0])))
            },
        ]
    }
}
