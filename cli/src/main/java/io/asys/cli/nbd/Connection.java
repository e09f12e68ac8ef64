package io.asys.cli.nbd;

import io.asys.Asys;
import io.asys.Errno;
import io.asys.Errors;
import io.asys.FileHandle;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One client: its socket, what it has sent and not yet parsed, its ordered send side, and the
 * count of requests in flight (received, not yet answered). Receiving pauses while too many
 * requests or bytes are in flight (a slow reader cannot make the server buffer without bound)
 * and resumes as replies go out. The socket is closed exactly once, when receiving has stopped
 * (end of stream, NBD_CMD_DISC, a protocol violation, a failed send) and nothing is in flight.
 * Thread-safe: completions arrive on engine threads.
 */
final class Connection {
    static final int MAX_REQUESTS_IN_FLIGHT = 256;
    static final long MAX_BYTES_IN_FLIGHT = 128L << 20;
    private static final int SHUT_RDWR = 2;

    final NbdServer server;
    final Asys asys;
    final Export export;
    final FileHandle socket;
    final BufferPool pool;
    final RecvBuffer in = new RecvBuffer();
    final Sender sender;
    final String peer;
    /** Set by the handshake before the transmission phase starts. */
    volatile boolean structured;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong bytesInFlight = new AtomicLong();
    private final AtomicBoolean paused = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean receiverDone;
    private volatile Transmission transmission;

    Connection(NbdServer server, FileHandle socket, String peer) {
        this.server = server;
        this.asys = server.asys;
        this.export = server.export;
        this.pool = server.pool;
        this.socket = socket;
        this.peer = peer;
        this.sender = new Sender(asys, socket, t -> {
            String why = sendFailure(t);
            if (why != null) {
                server.log(peer + ": " + why);
            }
            // Shut the socket down before it may close: that wakes the recv waiting on a client
            // that went away without a word, or on one still there whose reply could not be sent
            // (the socket would not close under a recv in flight, and that client would wait for ever).
            asys.shutdown(socket, SHUT_RDWR).whenComplete((v, e) -> stopReceiving(null));
        });
    }

    /**
     * Why a send failed, for the log, or null when the client simply went away (or the server is
     * closing): EFAULT, for one, is a mapped read whose pages were cut off by the file shrinking
     * after the cache was checked, and the client is dropped because its header already left.
     */
    private static String sendFailure(Throwable t) {
        Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        if (c == null) {
            return null;
        }
        int errno = Errors.errnoOf(c);
        if (errno == Errno.EPIPE || errno == Errno.ECONNRESET || errno == Errno.ECANCELED) {
            return null;
        }
        return "send failed, disconnecting: " + c.getMessage();
    }

    void start() {
        new Handshake(this).run();
    }

    /** The handshake is over: requests follow (some may already be in {@link #in}). */
    void startTransmission() {
        Transmission t = new Transmission(this);
        transmission = t;
        t.run();
    }

    /** A request (or a handshake reply) starts: it counts until its reply is sent or dropped. */
    void begin(long bytes) {
        inFlight.incrementAndGet();
        server.noteBytesInFlight(bytesInFlight.addAndGet(bytes));
    }

    /** Sends a reply of a request counted by {@link #begin}; {@code release} runs once it is sent or dropped. */
    void reply(MemorySegment bytes, long counted, Runnable release) {
        reply(bytes, null, counted, release, null);
    }

    /**
     * As {@link #reply(MemorySegment, long, Runnable)}, followed by {@code tail} (null: none; the
     * data of a read sent from the mapped export), sent on {@code engine} if not null and the reply is small.
     */
    void reply(MemorySegment bytes, MemorySegment tail, long counted, Runnable release, Asys engine) {
        sender.send(bytes, tail, engine, () -> {
            if (release != null) {
                release.run();
            }
            end(counted);
        });
    }

    /** Ends a request that sends no reply. */
    void end(long counted) {
        bytesInFlight.addAndGet(-counted);
        inFlight.decrementAndGet();
        if (!overLimit() && paused.compareAndSet(true, false)) {
            transmission.run();
        }
        maybeClose();
    }

    boolean overLimit() {
        return inFlight.get() >= MAX_REQUESTS_IN_FLIGHT || bytesInFlight.get() >= MAX_BYTES_IN_FLIGHT;
    }

    /**
     * Called by the receiving side when it must wait for replies to drain: true if it should
     * stop now (it will be run again once under the limits), false to go on.
     */
    boolean pauseIfOverLimit() {
        if (!overLimit()) {
            return false;
        }
        paused.set(true);
        // A reply may have drained below the limit before we set the flag: take the turn back.
        return overLimit() || !paused.compareAndSet(true, false);
    }

    /** Nothing more is read from this client; the socket closes once what is in flight is answered. */
    void stopReceiving(String why) {
        if (why != null && !receiverDone) {
            server.log(peer + ": " + why);
        }
        receiverDone = true;
        maybeClose();
    }

    /**
     * Whether requests are still taken: not after the end of receiving, nor once a send failed
     * (their replies could only be dropped; the socket closes after its shutdown completes).
     */
    boolean isReceiving() {
        return !receiverDone && !sender.isBroken();
    }

    private void maybeClose() {
        if (receiverDone && inFlight.get() == 0 && closed.compareAndSet(false, true)) {
            asys.close(socket).whenComplete((r, t) -> server.closed(this));
        }
    }

    /** Server shutdown: cancel what waits on the socket (on every engine); the rest completes and closes as usual. */
    void abort() {
        receiverDone = true;
        sender.stop();
        // Wakes blocking recvs and sends on worker threads (which a cancel cannot end), then cancels the rest.
        // Only once the shutdown has run: on workers it waits in a queue, and cancelling it there
        // (it is an operation on the socket too) would leave a send blocked on a client that does not read.
        asys.shutdown(socket, SHUT_RDWR).whenComplete((v, t) -> {
            for (Asys engine : export.engines()) {
                engine.cancelAll(socket);
            }
        });
        maybeClose();
    }
}
