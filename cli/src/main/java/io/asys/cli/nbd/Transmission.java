package io.asys.cli.nbd;

import io.asys.Op;

import java.lang.foreign.MemorySegment;

/**
 * The receiving side of the transmission phase: frames requests out of whatever the recvs
 * return (a header may arrive a byte at a time), receives a WRITE's payload straight into its
 * request buffer once the header is parsed, discards the payload of a WRITE it refuses, and
 * hands each whole request to {@link Requests}. One recv in flight at a time; a loop over the
 * bytes at hand (never recursion). Pauses while the connection has too much in flight.
 */
final class Transmission {
    /** A payload is received whole in one operation (short only at end of stream). */
    private static final int MSG_WAITALL = 0x100;

    private enum State { HEADER, PAYLOAD, DISCARD }

    private final Connection c;
    private final RecvBuffer in;
    private final Requests requests;
    private State state = State.HEADER;
    /** The WRITE whose payload is being received or discarded. */
    private Request pending;
    private long payloadDone;

    Transmission(Connection c) {
        this.c = c;
        this.in = c.in;
        this.requests = new Requests(c);
    }

    void run() {
        while (c.isReceiving()) {
            switch (state) {
                case HEADER -> {
                    if (c.pauseIfOverLimit()) {
                        return;
                    }
                    if (in.available() < Wire.REQUEST_SIZE) {
                        receive(null);
                        return;
                    }
                    header();
                }
                case PAYLOAD -> {
                    long left = pending.length - payloadDone;
                    int n = (int) Math.min(left, in.available());
                    MemorySegment.copy(in.bytes, in.take(n), pending.data, payloadDone, n);
                    payloadDone += n;
                    if (payloadDone < pending.length) {
                        // The rest goes straight into the request's buffer: no second copy.
                        receive(pending.data.asSlice(payloadDone));
                        return;
                    }
                    state = State.HEADER;
                    requests.execute(pending);
                    pending = null;
                }
                case DISCARD -> {
                    long left = pending.length - payloadDone;
                    int n = (int) Math.min(left, in.available());
                    in.take(n);
                    payloadDone += n;
                    if (payloadDone < pending.length) {
                        receive(null);
                        return;
                    }
                    state = State.HEADER;
                    requests.execute(pending);
                    pending = null;
                }
            }
        }
        if (pending != null) {
            // The client went away in the middle of a WRITE's payload: nothing of it is written.
            requests.abandon(pending);
            pending = null;
        }
    }

    private void header() {
        MemorySegment b = in.bytes;
        int at = in.take(Wire.REQUEST_SIZE);
        int magic = b.get(Wire.U32, at + Wire.REQUEST_MAGIC);
        if (magic != Nbd.REQUEST_MAGIC) {
            c.stopReceiving("bad request magic 0x" + Integer.toHexString(magic) + ": the stream is out of step, disconnecting");
            return;
        }
        Request r = new Request(Wire.u16(b, at + Wire.REQUEST_FLAGS), Wire.u16(b, at + Wire.REQUEST_TYPE),
                Wire.u64(b, at + Wire.REQUEST_COOKIE), Wire.u64(b, at + Wire.REQUEST_OFFSET), Wire.u32(b, at + Wire.REQUEST_LENGTH));
        if (r.type == Nbd.CMD_DISC) {
            c.stopReceiving(null);
            return;
        }
        if (r.type != Nbd.CMD_WRITE) {
            requests.execute(r);
            return;
        }
        requests.admit(r);
        WritePinning pinning = c.server.writePinning;
        if (pinning != null && r.error == 0 && r.length >= Export.LARGE_IO) {
            pinning.largeWrite();
        }
        pending = r;
        payloadDone = 0;
        state = r.error == 0 ? State.PAYLOAD : State.DISCARD;
    }

    /** Receives into the receive buffer ({@code into == null}) or straight into a payload. */
    private void receive(MemorySegment into) {
        var f = into == null ? in.receive(c.asys, c.socket, null) : c.asys.submit(new Op.Recv(c.socket, into, MSG_WAITALL));
        f.whenComplete((n, t) -> {
            if (t != null || n == 0) {
                c.stopReceiving(null);
                run();
                return;
            }
            if (into != null) {
                payloadDone += n;
            }
            run();
        });
    }
}
