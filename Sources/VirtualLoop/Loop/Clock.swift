import PyRuntime
import RunModel
import TraceLanguage

// The virtual clock (TRACE_LANGUAGE.md, "Virtual time"): the loop never
// waits. Where CPython blocks in `select(timeout)`, the clock jumps to the
// next external event (a worker waking or finishing, bytes arriving, a
// connection), delivered in order of (due time, order of scheduling), or by
// the timeout; `time.sleep` in the loop's thread moves it on the spot.

extension World {
    /// The virtual `select(timeout)`: the clock jumps instead of waiting. With
    /// an external event `e` due within the timeout (or no timeout), the clock
    /// becomes max(now, e) and everything due by then is delivered; otherwise
    /// it becomes now + timeout; with neither, the run is deadlocked.
    ///
    /// Returns the sockets of `loop`'s selector that are ready, each once with
    /// its mask (1: readable, 2: writable): those that already were ready
    /// first (and then the select does not wait), then those the deliveries
    /// made ready, in that order.
    package func select(_ timeout: Double?, loop: EventLoop) throws -> [(socket: SimSocket, mask: Int)] {
        network.newlyReady.removeAll()
        let already = loop.selectorKeys.isEmpty ? [] : readySockets(loop)
        let timeout = already.isEmpty ? timeout : 0
        if let e = external.first, timeout == nil || e.due <= clock + timeout! {
            let next = max(clock, e.due)
            if next > limits.maxTime { throw RunStop(reason: .limit("max-time")) }
            clock = next
            try deliverDue()
        } else {
            guard let timeout else {
                throw RunStop(reason: .deadlock)
            }
            if timeout > 0 {
                let next = clock + timeout
                if next > limits.maxTime { throw RunStop(reason: .limit("max-time")) }
                clock = next
            }
        }
        if loop.selectorKeys.isEmpty { return [] }
        var order = already
        for s in network.newlyReady where !order.contains(where: { $0 === s }) { order.append(s) }
        var events: [(socket: SimSocket, mask: Int)] = []
        for s in order {
            guard let key = loop.selectorKeys[s.fd] else { continue }
            let mask = (key.reader != nil && s.readable ? 1 : 0) | (key.writer != nil && s.writable ? 2 : 0)
            if mask != 0 { events.append((s, mask)) }
        }
        return events
    }

    /// `time.sleep(d)`: in a job it suspends only its worker; in the loop's
    /// thread the clock advances on the spot (workers keep running meanwhile).
    package func blockLoop(_ d: Double) throws {
        if d < 0 { throw vm.error(.valueError, "sleep length must be non-negative") }
        if let worker = threads.currentWorker {
            try sleepInWorker(worker, d)
            return
        }
        let next = clock + d
        if next > limits.maxTime { throw RunStop(reason: .limit("max-time")) }
        try blockUntil(next) { false }
        clock = next
    }
}

/// An event from outside the loop's thread: a worker waking up or finishing,
/// bytes arriving. Delivered in order of due time; at one instant, in order
/// of scheduling (`seq`), unless an exploring run reorders events of
/// different channels (a channel, a worker or a connection, keeps its order).
package struct ExternalEvent {
    package enum Kind { case worker, network }
    package let due: Double
    package let seq: Int
    package let kind: Kind
    /// Its source: events of one channel are never reordered among themselves.
    package let channel: Int
    package let action: () throws -> Void
}

extension World {
    /// Schedules an external event of `channel` (`describe` says what it is,
    /// for the words of a reordering) at `due`: after the pending events due
    /// by then, or when exploring with the `order` kind, at a drawn place
    /// among those due at the same instant that are of other channels.
    package func scheduleExternal(
        _ due: Double, _ kind: ExternalEvent.Kind, channel: Int = 0, describe: () -> String = { "an event" },
        _ action: @escaping () throws -> Void
    ) {
        externalSeq += 1
        let e = ExternalEvent(due: due, seq: externalSeq, kind: kind, channel: channel, action: action)
        // Few events are pending at once: keep them sorted by due time.
        var i = external.count
        while i > 0 && (external[i - 1].due > due) { i -= 1 }
        if let perturber, perturber.kinds.contains(.order) {
            var earliest = i
            while earliest > 0 && external[earliest - 1].due == due && external[earliest - 1].channel != channel {
                earliest -= 1
            }
            if earliest < i {
                let loc = tracePosition
                let place = perturber.order(i - earliest, at: loc, t: clock, position: positionText(loc)) { n in
                    "\(describe()) came before \(n) other event\(n == 1 ? "" : "s") due at t=\(seconds(due))"
                }
                i = earliest + place
            }
        }
        external.insert(e, at: i)
    }

    #if DEBUG
    /// Asserts the invariants of `external` (World.swift), as they hold between loop iterations.
    package func checkExternalEvents() {
        for (a, b) in zip(external, external.dropFirst()) {
            assert(
                a.due < b.due || (a.due == b.due && (a.seq < b.seq || perturber != nil)),
                "external events out of order: (due \(a.due), seq \(a.seq)) before (due \(b.due), seq \(b.seq)); add them only through scheduleExternal"
            )
        }
        // At one instant, one channel's events in the order they were scheduled.
        var lastOfChannel: [Int: (due: Double, seq: Int)] = [:]
        for e in external {
            if let last = lastOfChannel[e.channel], last.due == e.due {
                assert(
                    last.seq < e.seq,
                    "events of channel \(e.channel) out of their order: seq \(last.seq) before \(e.seq)")
            }
            lastOfChannel[e.channel] = (e.due, e.seq)
        }
        for e in external {
            assert(e.seq >= 1 && e.seq <= externalSeq, "external event with seq \(e.seq) outside 1...\(externalSeq)")
            assert(
                e.kind != .worker || e.due >= clock,
                "a worker event due at \(e.due) is still pending at t=\(clock): a wait of the loop's thread moved the clock past it without running it"
            )
        }
    }
    #endif

    /// Every external event due by now, in order, including those that the
    /// deliveries schedule for this instant.
    package func deliverDue() throws {
        while let e = external.first, e.due <= clock {
            external.removeFirst()
            markProgress()
            try e.action()
        }
    }
}
