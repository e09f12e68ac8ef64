package io.asys.cli.nbd;

import io.asys.Asys;
import io.asys.FileHandle;
import io.asys.RawCall;

import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An NBD server for one {@link Export}: a listening TCP socket whose accepts, and every
 * connection's recvs and sends, go through asys. Any number of clients at once, each with many
 * requests in flight. {@link #close} stops accepting and ends the connections. Thread-safe.
 */
public final class NbdServer implements AutoCloseable {
    private static final int SOL_SOCKET = 1;
    private static final int SO_REUSEADDR = 2;
    private static final int IPPROTO_TCP = 6;
    private static final int TCP_NODELAY = 1;
    private static final int MAX_ERROR_LOGS = 20;

    final Asys asys;
    final Export export;
    final BufferPool pool;
    private final PrintStream log;
    private final FileHandle listener;
    private final InetSocketAddress address;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger errorLogs = new AtomicInteger();
    private final AtomicInteger accepted = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong peakBytes = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean closing;
    /** Pins the network engine while large writes last; null when not asked for. */
    volatile WritePinning writePinning;

    private NbdServer(Asys asys, Export export, FileHandle listener, InetSocketAddress address, PrintStream log) {
        this.asys = asys;
        this.export = export;
        this.pool = new BufferPool(export.direct);
        this.listener = listener;
        this.address = address;
        this.log = log;
    }

    /**
     * Opens {@code file} and listens on {@code bind} (port 0: a free port, see {@link #address()}).
     * The caller keeps {@code asys} open while the server runs, and closes it after.
     */
    public static NbdServer start(Asys asys, java.nio.file.Path file, String exportName, InetSocketAddress bind,
                                  boolean readOnly, boolean direct, PrintStream log) throws java.io.IOException {
        return start(asys, new Asys[]{asys}, file, exportName, bind, readOnly, direct, log);
    }

    /**
     * As {@link #start(Asys, java.nio.file.Path, String, InetSocketAddress, boolean, boolean, PrintStream)},
     * with the network I/O, small reads and every write on {@code net} and large reads on the
     * {@code disk} engines in turn (each engine is a ring and a thread: large copies run on several at once).
     */
    public static NbdServer start(Asys net, Asys[] disk, java.nio.file.Path file, String exportName, InetSocketAddress bind,
                                  boolean readOnly, boolean direct, PrintStream log) throws java.io.IOException {
        Asys asys = net;
        Export export = Export.open(net, disk, file, exportName, readOnly, direct);
        FileHandle listener = null;
        try {
            listener = join(asys.tcpSocket(bind));
            setIntOption(asys, listener, SOL_SOCKET, SO_REUSEADDR, 1);
            join(asys.bind(listener, bind));
            join(asys.listen(listener, 128));
            InetSocketAddress actual = localAddress(asys, listener, bind);
            NbdServer server = new NbdServer(asys, export, listener, actual, log);
            server.acceptNext();
            return server;
        } catch (java.io.IOException | RuntimeException e) {
            if (listener != null) {
                asys.close(listener);
            }
            disk[0].close(export.file);
            throw e;
        }
    }

    /**
     * Pins the network engine (thread and io_uring workers) to {@code cpu} while large writes
     * arrive, and unpins it {@link WritePinning#IDLE} after the last (see {@link WritePinning}).
     */
    public void pinWhileWriting(int cpu) {
        writePinning = new WritePinning(asys, cpu);
    }

    /**
     * Whether large reads whose pages are all in memory are sent straight from the mapped export (one
     * copy instead of two; {@code asys nbd serve} turns this on unless {@code --no-mapped-reads})
     * or read into a buffer first, as every other read is (the default of a server started here).
     * Returns null, or why reads still go through a buffer (an O_DIRECT export, a file the kernel
     * will not map or whose resident pages it will not show this user).
     */
    public String useMappedReads(boolean on) {
        return export.useMappedReads(on);
    }

    /** Reads answered straight from the mapped export so far (the rest were read into a buffer). */
    public long readsFromPageCache() {
        return export.readsFromCache.sum();
    }

    /** Whether the network engine is pinned for writes now. */
    public boolean pinnedForWrites() {
        WritePinning p = writePinning;
        return p != null && p.isPinned();
    }

    /** Where the server listens (with the real port when it was asked for port 0). */
    public InetSocketAddress address() {
        return address;
    }

    /** The export's size in bytes. */
    public long size() {
        return export.size;
    }

    /** Clients connected now. */
    public int connections() {
        return connections.size();
    }

    /** The most bytes of request buffers one connection has held at once (the slow-reader bound). */
    public long peakBytesInFlight() {
        return peakBytes.get();
    }

    void noteBytesInFlight(long bytes) {
        peakBytes.accumulateAndGet(bytes, Math::max);
    }

    /** Clients accepted since the start. */
    public int accepted() {
        return accepted.get();
    }

    private void acceptNext() {
        asys.accept(listener).whenComplete((socket, t) -> {
            if (t != null) {
                if (closing) {
                    return;
                }
                // EMFILE and the like: say so, wait a little, and go on serving the clients we have.
                log("accept: " + message(t));
                asys.sleep(Duration.ofMillis(100)).whenComplete((v, e) -> {
                    if (!closing) {
                        acceptNext();
                    }
                });
                return;
            }
            acceptNext();
            if (closing) {
                asys.close(socket);
                return;
            }
            accepted.incrementAndGet();
            Connection c = new Connection(this, socket, "client " + accepted.get());
            connections.add(c);
            // Replies are whole messages already: Nagle would only hold them back.
            setIntOption(asys, socket, IPPROTO_TCP, TCP_NODELAY, 1)
                    .whenComplete((v, e) -> c.start());
        });
    }

    void closed(Connection c) {
        connections.remove(c);
    }

    void log(String line) {
        if (log != null) {
            log.println("asys nbd: " + line);
        }
    }

    /** Logs a failed disk operation; after a few, only counts them (a failing disk must not flood the log). */
    void logError(String line) {
        int n = errorLogs.incrementAndGet();
        if (n <= MAX_ERROR_LOGS) {
            log(line + (n == MAX_ERROR_LOGS ? " (further errors are not logged)" : ""));
        }
    }

    /** Stops accepting, ends every connection, closes the export; returns once the listener is closed. */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        WritePinning p = writePinning;
        if (p != null) {
            p.close();
        }
        asys.closeNow(listener).exceptionally(t -> 0).join();
        for (Connection c : connections) {
            c.abort();
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!connections.isEmpty() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            Thread.yield();
        }
        export.asys.close(export.file).exceptionally(t -> 0).join();
    }

    private static String message(Throwable t) {
        Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        return c.getMessage();
    }

    private static CompletableFuture<Long> setIntOption(Asys asys, FileHandle socket, int level, int name, int value) {
        MemorySegment v = Arena.ofAuto().allocate(ValueLayout.JAVA_INT);
        v.set(ValueLayout.JAVA_INT, 0, value);
        return asys.syscall(RawCall.of("setsockopt").arg(socket.fd()).arg(level).arg(name).arg(v).arg(4));
    }

    /** getsockname(2): the port the kernel chose for port 0. */
    private static InetSocketAddress localAddress(Asys asys, FileHandle socket, InetSocketAddress bind) throws java.io.IOException {
        MemorySegment sa = Arena.ofAuto().allocate(128, 8);
        MemorySegment len = Arena.ofAuto().allocate(ValueLayout.JAVA_INT);
        len.set(ValueLayout.JAVA_INT, 0, 128);
        join(asys.syscall(RawCall.of("getsockname").arg(socket.fd()).arg(sa).arg(len)));
        int port = Short.toUnsignedInt(sa.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 2));
        return new InetSocketAddress(bind.getAddress(), port);
    }

    private static <T> T join(CompletableFuture<T> f) throws java.io.IOException {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof java.io.IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
    }
}
