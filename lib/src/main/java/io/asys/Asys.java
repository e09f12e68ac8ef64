package io.asys;

import io.asys.internal.engine.Request;
import io.asys.internal.engine.Engine;
import io.asys.internal.engine.UringEngine;
import io.asys.internal.workers.WorkerEngine;
import io.asys.internal.linux.Syscall;
import io.asys.uring.IoUringConfig;
import io.asys.uring.IoUringSupport;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Asynchronous system calls with typed results: every method submits and returns at once with a
 * future, from any thread, many threads at once; nothing here ever blocks the caller in the
 * kernel. Failures complete the future with the exception {@link Errors} picks (naming the
 * errno, the operation and the path). Dependent stages of the futures run on the engine thread
 * unless an async variant is used. Close it to cancel and complete everything still in flight.
 */
public final class Asys implements AutoCloseable {
    /** The engine that runs what it can (io_uring when available). */
    private final Engine engine;
    /** Where each request runs (the engine, the lookup threads, a worker engine); owns and closes them. */
    private final Routing routing;
    /** Set by close, under this object's lock: no message thread is made after it. */
    private boolean closed;
    private final String engineName;
    private final boolean inlineReads;
    /** Reads try {@link CachedRead} before any request is made (workers always; io_uring with inline reads). */
    private final boolean cachedReads;
    private final String engineCause;
    private final ExecutorService rawWorkers;
    private final ThreadLocal<Syscall> rawSyscall = ThreadLocal.withInitial(Syscall::new);
    /** Free direct-descriptor slots of the engine's ring, one bit each. */
    private final AtomicLong directSlots = new AtomicLong(0);
    private volatile java.util.function.IntConsumer messages;
    private ExecutorService messageThread;
    private volatile int defaultAttrMask;
    /** Stops the engines of an Asys that was never closed (on its own thread: a stop may wait for a drain). */
    private static final java.lang.ref.Cleaner CLEANER = java.lang.ref.Cleaner.create(
            Thread.ofPlatform().daemon().name("asys-cleaner").factory());
    private final java.lang.ref.Cleaner.Cleanable cleanable;

    /** Stops the engines and the raw workers, once: by {@link #close} or by the cleaner (it must not reach the Asys). */
    private record Shutdown(Routing routing, ExecutorService rawWorkers) implements Runnable {
        @Override
        public void run() {
            routing.close();
            rawWorkers.shutdown();
        }
    }

    private Asys(Engine engine, String engineName, String engineCause, int rawThreads) {
        this.routing = new Routing(engine);
        this.inlineReads = engine instanceof UringEngine
                && Boolean.parseBoolean(System.getProperty(INLINE_READS_PROP_NAME, "true"));
        this.cachedReads = inlineReads || engine instanceof WorkerEngine;
        this.engine = engine;
        this.engineName = engineName;
        this.engineCause = engineCause;
        this.rawWorkers = Executors.newFixedThreadPool(rawThreads,
                Thread.ofPlatform().daemon().name("asys-raw-", 0).factory());
        this.cleanable = CLEANER.register(this, new Shutdown(routing, rawWorkers));
    }

    /** Property choosing the engine: {@code auto} (default), {@code uring} or {@code workers}. */
    public static final String ENGINE_PROP_NAME = IoUringSupport.ENGINE_PROP_NAME;
    public static final String ENGINE_DEFAULT = "auto";
    /** Property setting the worker engine's thread count. */
    public static final String WORKERS_PROP_NAME = WorkerEngine.WORKERS_PROP_NAME;
    public static final int WORKERS_DEFAULT = WorkerEngine.WORKERS_DEFAULT;

    /** Opens asys with the engine the {@code asys.engine} property names (default {@code auto}). */
    public static Asys open() throws ErrnoException {
        return open(System.getProperty(ENGINE_PROP_NAME, ENGINE_DEFAULT));
    }

    /**
     * Opens asys with {@code engine}: {@code uring} (fails if io_uring is unavailable),
     * {@code workers}, or {@code auto}: io_uring when available, else workers, the reason logged once.
     */
    public static Asys open(String engine) throws ErrnoException {
        return switch (engine) {
            case "uring" -> open(defaultRing());
            case "workers" -> new Asys(new WorkerEngine(workerCount()), "workers", "chosen: " + ENGINE_PROP_NAME + "=workers", 2);
            case "auto" -> {
                if (IoUringSupport.isAvailable()) {
                    yield open(defaultRing());
                }
                String cause = IoUringSupport.unavailabilityCause();
                AutoChoice.logOnce(cause);
                yield new Asys(new WorkerEngine(workerCount()), "workers", cause, 2);
            }
            default -> throw new IllegalArgumentException("unknown engine '" + engine + "': use auto, uring or workers");
        };
    }

    /**
     * As {@link #open(String)}, with io_uring's engine thread and its ring's io-wq workers pinned
     * to {@code cpu} ({@link IoUringConfig#withCpu}; {@link IoUringConfig#CPU_ANY}: not pinned).
     * The worker engine ignores it. What the engine receives, its workers then write from the same
     * CPU's caches (the thread-per-core shape); the engine can no longer move off a busy CPU.
     * EINVAL (as an {@link ErrnoException}) if this process may not run on {@code cpu}.
     */
    public static Asys open(String engine, int cpu) throws ErrnoException {
        boolean ring = engine.equals("uring") || engine.equals("auto") && IoUringSupport.isAvailable();
        // Everything else (no CPU, workers, auto without io_uring, an unknown name) is open(engine)'s.
        return cpu != IoUringConfig.CPU_ANY && ring ? open(defaultRing().withCpu(cpu)) : open(engine);
    }

    /**
     * Moves io_uring's engine thread and its ring's io-wq workers (those running now and those the
     * kernel starts later) to {@code cpu}, or back to every CPU the process may use with
     * {@link IoUringConfig#CPU_ANY}: {@link #open(String, int)} at run time, for a server that
     * pins while one kind of work lasts. Never blocks: the engine thread moves itself between two
     * turns; the future completes then, or fails with EINVAL (an {@link ErrnoException}) for a
     * CPU the process may not use (nothing moved then). The worker engine ignores it. Operations in
     * flight carry on. The thread moves first: should the kernel then refuse the workers' mask
     * (io_uring before Linux 5.14), the future fails with the thread already moved.
     */
    public CompletableFuture<Void> moveTo(int cpu) {
        if (cpu < IoUringConfig.CPU_ANY || cpu >= 1024) {
            throw new IllegalArgumentException("cpu must be CPU_ANY or in 0..1023, not " + cpu);
        }
        return engine.moveTo(cpu);
    }

    /** Opens asys on io_uring with this ring configuration; operations the kernel lacks go to workers. */
    public static Asys open(IoUringConfig config) throws ErrnoException {
        IoUringSupport.ensureAvailability();
        return new Asys(new UringEngine(config, "asys-uring"), "uring", null, 2);
    }

    private static IoUringConfig defaultRing() {
        return IoUringConfig.defaults().withEntries(256).withMaxInFlight(1024);
    }

    static int workerCount() {
        return Integer.getInteger(WorkerEngine.WORKERS_PROP_NAME, WorkerEngine.WORKERS_DEFAULT);
    }

    /**
     * The engine running operations: {@code uring}, {@code workers}, or {@code hybrid} (io_uring,
     * with some operations sent to the worker engine: see {@link #workerRoutes()}).
     */
    public String engine() {
        return engineName.equals("uring") && !routing.routes.isEmpty() ? "hybrid" : engineName;
    }

    /** What runs on the worker engine although io_uring runs the rest, and why (empty when not hybrid). */
    public java.util.List<String> workerRoutes() {
        return routing.routes;
    }

    /**
     * Where a single {@code statx} without a timeout runs: {@code lookup} (default, both engines:
     * one plain statx(2) on the lookup threads, a small pool of platform threads, one per
     * processor ({@code asys.lookup.threads}); a cold lookup blocks a pool thread, never the
     * submitter), {@code uring} (io_uring's STATX, which the kernel hands to its io-wq threads) or
     * {@code workers} (the worker engine: the submitting thread answers from the dentry cache with
     * openat2 RESOLVE_CACHED + statx + close, a worker when that would block). Measured here, the
     * lookup threads won by far on a warm tree: see docs/performance.md. Chains and operations
     * with a timeout stay on the engine. With {@code lookup}, single opens and closes go there too
     * unless {@code asys.lookup.ops=none}; the pool adds a thread when one blocks for good (an
     * open of a FIFO without a writer), see docs/workers.md.
     */
    public static final String STATX_PROP_NAME = "asys.statx";
    public static final String STATX_DEFAULT = "lookup";

    /** What a new io_uring-based instance would send to workers here, and why. */
    public static java.util.List<String> workerRoutesHere() {
        return Routing.workerRoutesHere();
    }

    /**
     * Where a single {@code statx} without a timeout runs on this instance: {@code lookup} (the
     * lookup threads: one plain statx(2) on a small pool of platform threads), {@code uring}
     * (io_uring's STATX) or {@code workers} (the worker engine). Chains and timeouts stay on the engine.
     */
    public String statxRoute() {
        return routing.statxRoute();
    }

    /** Why the worker engine runs instead of io_uring, or {@code null} when io_uring runs. */
    public String engineCause() {
        return engineCause;
    }

    /** Requests waiting for a worker (worker engine only; 0 on io_uring, whose queue is the kernel's). */
    public int queued() {
        WorkerEngine w = routing.workers();
        return w == null ? 0 : w.queued();
    }

    /**
     * Attributes every operation of this instance reports unless it asks for others
     * ({@link AsysFuture#attributes()}); empty (the default) costs nothing.
     */
    public void defaultAttributes(java.util.Set<Attribute> attributes) {
        defaultAttrMask = mask(attributes);
    }

    private static int mask(java.util.Set<Attribute> attributes) {
        int m = 0;
        for (Attribute a : attributes) {
            m |= 1 << a.ordinal();
        }
        return m;
    }

    /** Which engine ran (or was to run) a request, for attribute messages. */
    String engineOf(Request<?> r) {
        return r.engine != null ? r.engine.name() : engineName;
    }

    <T> Request<T> request(Op<T> op, Duration timeout) {
        return request(op, timeout, defaultAttrMask);
    }

    <T> Request<T> request(Op<T> op, Duration timeout, int attrMask) {
        if (op instanceof Op.Multishot<?> && timeout != null) {
            throw new IllegalArgumentException(op.name() + " runs until cancelled: it takes no timeout");
        }
        AsysFuture<T> future = new AsysFuture<>();
        Request<T> r = new Request<>(op, future, timeout);
        if (attrMask != 0) {
            r.askFor(attrMask);
        }
        future.bind(r, this);
        FileHandle handle = op.handle();
        if (handle != null) {
            if (handle.acquire()) {
                r.onDone = handle::release;
            } else {
                r.done = true;
                future.completeExceptionally(new ErrnoException(op.name(), handle.path() + " (handle closed)", -Errno.EBADF));
            }
        }
        return r;
    }

    void submitChain(Request<?> head) {
        for (Request<?> r = head; r != null; r = r.next) {
            if (r.op instanceof Op.Multishot<?> && head.next != null) {
                rejectChain(head, new IllegalArgumentException(r.op.name() + " cannot be a step of a chain"));
                return;
            }
        }
        for (Request<?> r = head; r != null; r = r.next) {
            if (r.done) {
                // A step could not start (closed handle): the chain cannot run; the others are cancelled.
                for (Request<?> c = head; c != null; c = c.next) {
                    if (!c.done) {
                        c.done = true;
                        c.future.completeExceptionally(Errors.exception(c.op.name(), c.op.path(), -Errno.ECANCELED));
                        if (c.onDone != null) {
                            c.onDone.run();
                        }
                    }
                }
                return;
            }
        }
        Engine target = routing.engineFor(head);
        bindAll(head, target);
        target.submit(head);
    }

    private static void rejectChain(Request<?> head, RuntimeException why) {
        for (Request<?> c = head; c != null; c = c.next) {
            if (!c.done) {
                c.done = true;
                if (c.onDone != null) {
                    c.onDone.run();
                }
                c.future.completeExceptionally(why);
            }
        }
    }

    private static void bindAll(Request<?> head, Engine target) {
        for (Request<?> r = head; r != null; r = r.next) {
            r.engine = target;
        }
    }

    void cancelRequest(Request<?> r) {
        Engine e = r.engine;
        if (e != null) {
            e.cancel(r);
        } else {
            r.cancelRequested = true;
        }
    }

    /** Submits any operation. */
    public <T> AsysFuture<T> submit(Op<T> op) {
        return submit(request(op, null));
    }

    /** Submits an operation that is cancelled if it has not completed within {@code timeout}. */
    public <T> AsysFuture<T> submit(Op<T> op, Duration timeout) {
        return submit(request(op, timeout));
    }

    /** Submits an operation that reports {@code attributes} with its completion ({@link AsysFuture#attributes()}). */
    public <T> AsysFuture<T> submit(Op<T> op, java.util.Set<Attribute> attributes) {
        return submit(request(op, null, mask(attributes)));
    }

    /** Both: a timeout and attributes. */
    public <T> AsysFuture<T> submit(Op<T> op, Duration timeout, java.util.Set<Attribute> attributes) {
        return submit(request(op, timeout, mask(attributes)));
    }

    private <T> AsysFuture<T> submit(Request<T> r) {
        if (!r.done && inlineReads && !r.noWaitTried && r.op instanceof Op.Read read && readInline(r, read)) {
            return (AsysFuture<T>) r.future;
        }
        if (!r.done) {
            Engine target = routing.engineFor(r);
            r.handTo(target);
            target.submit(r);
        }
        return (AsysFuture<T>) r.future;
    }

    /**
     * Whether io_uring-engine reads first try the page cache on the submitting thread
     * ({@code asys.inlineReads}, default true), as the worker engine always does.
     */
    public static final String INLINE_READS_PROP_NAME = "asys.inlineReads";
    /** Reads larger than this are never copied on the submitting thread. */
    static final long INLINE_READ_MAX = 64 * 1024;

    /**
     * The fibril principle on io_uring: a read whose data is all in the page cache completes here,
     * on the submitting thread, with one non-blocking preadv2(RWF_NOWAIT) and no hand-off to the
     * engine thread; anything else (not cached, partly cached, end of file, an error) goes to the
     * ring, which then does the whole read.
     */
    private boolean readInline(Request<?> r, Op.Read read) {
        if (r.timeout != null || read.offset() < 0 || read.rwFlags() != 0 || read.handle().isDirectIo()
                || read.buffer().byteSize() > INLINE_READ_MAX || read.buffer().byteSize() == 0
                || !read.buffer().isNative() || read.buffer().isReadOnly() || !read.buffer().scope().isAlive()) {
            return false;
        }
        long taken = r.attrMask != 0 ? System.nanoTime() : 0;
        int res = NoWaitRead.get().read(read.handle().fd(), read.buffer(), read.offset());
        if (res != read.buffer().byteSize()) {
            return false;
        }
        r.engine = engine;
        if (r.attrMask != 0) {
            r.measured.takenNanos = taken;
            r.measured.path = ExecutionPath.INLINE.ordinal();
            io.asys.internal.engine.AttributeProbes.applyCache(r, io.asys.internal.engine.AttributeProbes.code(
                    io.asys.internal.engine.AttributeProbes.METHOD_NOWAIT, CacheResult.HIT));
            r.measured.cpuUnsupported = "completed inline on the submitting thread; its CPU time is the caller's";
        }
        io.asys.internal.engine.Completions.complete(r, res);
        return true;
    }

    /** A new chain of linked operations. */
    public Chain chain() {
        return new Chain(this);
    }

    public AsysFuture<Integer> nop() {
        return submit(new Op.Nop());
    }

    public AsysFuture<FileHandle> open(Path path, int flags, int mode) {
        return submit(new Op.OpenAt(path, flags, mode));
    }

    public AsysFuture<Integer> read(FileHandle file, MemorySegment buffer, long offset) {
        if (cachedReads && defaultAttrMask == 0 && !engine.isClosed()) {
            int res = CachedRead.attempt(file, buffer, offset);
            if (res == buffer.byteSize()) {
                return CachedRead.completed(res);
            }
            if (res != CachedRead.NOT_TRIED) {
                return readAfterNoWait(file, buffer, offset);
            }
        }
        return submit(new Op.Read(file, buffer, offset));
    }

    /**
     * A read whose non-blocking attempt the caller already made on this thread and which did not
     * complete there: the engine does the whole call without trying again (one system call less
     * on every read that misses the page cache).
     */
    AsysFuture<Integer> readAfterNoWait(FileHandle file, MemorySegment buffer, long offset) {
        Request<Integer> r = request(new Op.Read(file, buffer, offset), null);
        r.noWaitTried = true;
        return submit(r);
    }

    public AsysFuture<Integer> write(FileHandle file, MemorySegment buffer, long offset) {
        return submit(new Op.Write(file, buffer, offset));
    }

    public AsysFuture<Integer> fsync(FileHandle file) {
        return submit(new Op.Fsync(file, false));
    }

    public AsysFuture<Integer> fdatasync(FileHandle file) {
        return submit(new Op.Fsync(file, true));
    }

    public AsysFuture<Integer> fallocate(FileHandle file, int mode, long offset, long length) {
        return submit(new Op.Fallocate(file, mode, offset, length));
    }

    public AsysFuture<Integer> ftruncate(FileHandle file, long length) {
        return submit(new Op.Ftruncate(file, length));
    }

    public AsysFuture<Integer> fadvise(FileHandle file, long offset, int length, int advice) {
        return submit(new Op.Fadvise(file, offset, length, advice));
    }

    public AsysFuture<Statx> statx(Path path) {
        return submit(new Op.Statx(path, 0, Statx.STATX_BASIC_STATS | Statx.STATX_BTIME));
    }

    /**
     * statx of many paths as one request ({@link Op.StatxAll}): one hand-off and one future for
     * the batch, one result or errno per path. For listing-sized work (a directory's entries) it
     * costs a fraction of one future per path.
     */
    public AsysFuture<StatxResults> statx(java.util.List<Path> paths) {
        return submit(new Op.StatxAll(paths, 0, Statx.STATX_BASIC_STATS | Statx.STATX_BTIME));
    }

    /** statx of a symbolic link itself (AT_SYMLINK_NOFOLLOW). */
    public AsysFuture<Statx> lstatx(Path path) {
        return submit(new Op.Statx(path, Op.AT_SYMLINK_NOFOLLOW, Statx.STATX_BASIC_STATS | Statx.STATX_BTIME));
    }

    public AsysFuture<Integer> rename(Path from, Path to, int flags) {
        return submit(new Op.RenameAt(from, to, flags));
    }

    public AsysFuture<Integer> unlink(Path path) {
        return submit(new Op.UnlinkAt(path, 0));
    }

    public AsysFuture<Integer> rmdir(Path path) {
        return submit(new Op.UnlinkAt(path, Op.AT_REMOVEDIR));
    }

    public AsysFuture<Integer> mkdir(Path path, int mode) {
        return submit(new Op.MkdirAt(path, mode));
    }

    public AsysFuture<Integer> symlink(Path target, Path link) {
        return submit(new Op.SymlinkAt(target, link));
    }

    public AsysFuture<Integer> link(Path existing, Path link) {
        return submit(new Op.LinkAt(existing, link, 0));
    }

    public AsysFuture<Integer> readv(FileHandle file, io.asys.uring.IoVecs buffers, long offset) {
        return submit(new Op.Readv(file, buffers, offset));
    }

    public AsysFuture<Integer> writev(FileHandle file, io.asys.uring.IoVecs buffers, long offset) {
        return submit(new Op.Writev(file, buffers, offset));
    }

    /** A TCP socket for the family of {@code like} (IPv4 or IPv6). */
    public AsysFuture<FileHandle> tcpSocket(java.net.InetSocketAddress like) {
        return submit(new Op.Socket(SocketAddresses.family(like), SocketAddresses.SOCK_STREAM, 0));
    }

    public AsysFuture<Integer> connect(FileHandle socket, java.net.InetSocketAddress address) {
        return submit(new Op.Connect(socket, address));
    }

    public AsysFuture<Integer> bind(FileHandle socket, java.net.InetSocketAddress address) {
        return submit(new Op.Bind(socket, address));
    }

    /**
     * setsockopt(2) of an int-valued option ({@link Op.SetSockOpt}): on io_uring a socket command
     * that runs on the ring's thread (Linux 6.7+), else on a worker.
     */
    public AsysFuture<Integer> setsockopt(FileHandle socket, int level, int option, int value) {
        return submit(Op.SetSockOpt.ofInt(socket, level, option, value));
    }

    public AsysFuture<Integer> listen(FileHandle socket, int backlog) {
        return submit(new Op.Listen(socket, backlog));
    }

    public AsysFuture<FileHandle> accept(FileHandle socket) {
        return submit(new Op.Accept(socket));
    }

    public AsysFuture<Integer> send(FileHandle socket, MemorySegment buffer) {
        return submit(new Op.Send(socket, buffer, 0));
    }

    public AsysFuture<Integer> recv(FileHandle socket, MemorySegment buffer) {
        return submit(new Op.Recv(socket, buffer, 0));
    }

    public AsysFuture<Integer> shutdown(FileHandle socket, int how) {
        return submit(new Op.Shutdown(socket, how));
    }

    /** openat2(2) with RESOLVE_* flags ({@link io.asys.uring.OpenHow}), e.g. RESOLVE_BENEATH. */
    public AsysFuture<FileHandle> open2(Path path, int flags, int mode, long resolve) {
        return submit(new Op.OpenAt2(path, flags, mode, resolve));
    }

    /** getxattr(2): completes with the value's size in bytes. */
    public AsysFuture<Integer> getxattr(Path path, String attribute, MemorySegment value) {
        return submit(new Op.GetXattr(path, attribute, value));
    }

    public AsysFuture<Integer> setxattr(Path path, String attribute, MemorySegment value, int flags) {
        return submit(new Op.SetXattr(path, attribute, value, flags));
    }

    public AsysFuture<Integer> fgetxattr(FileHandle file, String attribute, MemorySegment value) {
        return submit(new Op.FGetXattr(file, attribute, value));
    }

    public AsysFuture<Integer> fsetxattr(FileHandle file, String attribute, MemorySegment value, int flags) {
        return submit(new Op.FSetXattr(file, attribute, value, flags));
    }

    /** A read with RWF_* flags ({@code RWF_NOWAIT}: EAGAIN instead of waiting for the device; {@code RWF_HIPRI}). */
    public AsysFuture<Integer> read(FileHandle file, MemorySegment buffer, long offset, int rwFlags) {
        return submit(new Op.Read(file, buffer, offset, rwFlags));
    }

    /** A write with RWF_* flags ({@code RWF_DSYNC}, {@code RWF_SYNC}, {@code RWF_APPEND}, ...). */
    public AsysFuture<Integer> write(FileHandle file, MemorySegment buffer, long offset, int rwFlags) {
        return submit(new Op.Write(file, buffer, offset, rwFlags));
    }

    /** splice(2) between a pipe and another descriptor; an offset of -1 means "none" (a pipe has none). */
    public AsysFuture<Integer> splice(FileHandle in, long inOffset, FileHandle out, long outOffset, int length, int flags) {
        return submit(new Op.Splice(in, inOffset, out, outOffset, length, flags));
    }

    /** tee(2): copies up to {@code length} bytes from one pipe to another without consuming them. */
    public AsysFuture<Integer> tee(FileHandle in, FileHandle out, int length, int flags) {
        return submit(new Op.Tee(in, out, length, flags));
    }

    /** madvise(2) on native memory the caller owns. */
    public AsysFuture<Integer> madvise(MemorySegment region, int advice) {
        return submit(new Op.Madvise(region, advice));
    }

    /** send(2) without copying the data where the kernel can (io_uring's SEND_ZC); completes once {@code buffer} is free again. */
    public AsysFuture<Integer> sendZeroCopy(FileHandle socket, MemorySegment buffer) {
        return submit(new Op.SendZc(socket, buffer, 0));
    }

    /** sendmsg(2): gathers the header's buffers, to its address if it has one. */
    public AsysFuture<Integer> sendmsg(FileHandle socket, io.asys.uring.MessageHeader message, int flags) {
        return submit(new Op.SendMsg(socket, message, flags));
    }

    /** recvmsg(2): scatters into the header's buffers; the sender's address lands in the header. */
    public AsysFuture<Integer> recvmsg(FileHandle socket, io.asys.uring.MessageHeader message, int flags) {
        return submit(new Op.RecvMsg(socket, message, flags));
    }

    /** Waits while the 32-bit word at {@code word} equals {@code expected} (a private futex); 0 once woken, EAGAIN if it differed. */
    public AsysFuture<Integer> futexWait(MemorySegment word, int expected) {
        return submit(new Op.FutexWait(word, expected, Op.FUTEX2_PRIVATE));
    }

    /** Wakes up to {@code count} waiters of the private futex at {@code word}; completes with how many woke. */
    public AsysFuture<Integer> futexWake(MemorySegment word, int count) {
        return submit(new Op.FutexWake(word, count, Op.FUTEX2_PRIVATE));
    }

    /** waitid(2): waits for a child's change of state ({@code Op.P_PID}, pid, {@code Op.WEXITED | ...}). */
    public AsysFuture<ChildStatus> waitid(int idtype, int id, int options) {
        return submit(new Op.Waitid(idtype, id, options));
    }

    /** Accepts connections until cancelled: each goes to {@code onAccept}; the future ends with the count or the error. */
    public AsysFuture<Long> acceptMultishot(FileHandle listener, java.util.function.Consumer<? super FileHandle> onAccept) {
        return submit(new Op.AcceptMultishot(listener, onAccept));
    }

    /** Reports each time {@code file} becomes ready for {@code events} (edge-triggered) until cancelled. */
    public AsysFuture<Long> pollMultishot(FileHandle file, int events, java.util.function.Consumer<? super Integer> onReady) {
        return submit(new Op.PollMultishot(file, events, onReady));
    }

    /**
     * Receives until end of stream (the future then completes with the count), cancel or error:
     * each arrival in a buffer picked from {@code buffers}, handed to {@code onReceive}, which
     * releases it when done. Waits for a release when all buffers are out.
     */
    public AsysFuture<Long> recvMultishot(FileHandle socket, ProvidedBuffers buffers,
                                          java.util.function.Consumer<? super ReceivedBuffer> onReceive) {
        return submit(new Op.RecvMultishot(socket, buffers, 0, onReceive));
    }

    /** One receive into a buffer picked from {@code buffers} (ENOBUFS if none is free); empty at end of stream. */
    public AsysFuture<ReceivedBuffer> recv(FileHandle socket, ProvidedBuffers buffers) {
        return submit(new Op.RecvSelect(socket, buffers, 0));
    }

    /**
     * {@code count} (a power of two up to 32768) buffers of {@code bufferSize} bytes that receives
     * pick from: a provided-buffer ring on io_uring, a pool on the worker engine.
     */
    public ProvidedBuffers provideBuffers(int count, int bufferSize) throws ErrnoException {
        if (engine instanceof UringEngine uring && UringEngine.runs(io.asys.uring.IoUringAbi.IORING_OP_RECV)) {
            return new ProvidedBuffers(uring.provideBuffers(count, bufferSize), engineName);
        }
        return new ProvidedBuffers(new io.asys.internal.workers.PooledBuffers(count, bufferSize), engineName);
    }

    /**
     * {@code count} page-aligned buffers of {@code size} bytes for {@link Op.ReadFixed} and
     * {@link Op.WriteFixed}: registered with the ring on io_uring (the kernel maps them once),
     * plain buffers on the worker engine. Once per instance on io_uring.
     */
    public io.asys.uring.FixedBuffers registerBuffers(int count, long size) throws ErrnoException {
        if (engine instanceof UringEngine uring) {
            return uring.registerBuffers(count, size);
        }
        return io.asys.uring.FixedBuffers.unregistered(count, size);
    }

    /**
     * A pipe: {@code [read end, write end]}, both owned by asys (close them with {@link #close}).
     * pipe2 never waits, so it runs on the caller.
     */
    public FileHandle[] pipe() throws ErrnoException {
        MemorySegment fds = java.lang.foreign.Arena.ofAuto().allocate(8, 4);
        int ret = (int) rawSyscall.get().call(io.asys.internal.linux.SyscallNumbers.PIPE2, fds.address(), O_CLOEXEC, 0, 0, 0, 0);
        if (ret < 0) {
            throw new ErrnoException("pipe2", null, ret);
        }
        return new FileHandle[] {
            new FileHandle(fds.get(java.lang.foreign.ValueLayout.JAVA_INT, 0), "pipe (read end)"),
            new FileHandle(fds.get(java.lang.foreign.ValueLayout.JAVA_INT, 4), "pipe (write end)")};
    }

    /** Takes ownership of an open descriptor (an eventfd, a socket from elsewhere): asys closes it exactly once. */
    public FileHandle adopt(int fd, String description) {
        if (fd < 0) {
            throw new IllegalArgumentException("not a descriptor: " + fd);
        }
        return new FileHandle(fd, description);
    }

    private static final int O_CLOEXEC = 02000000;

    /** Who receives the values other {@code Asys} instances send with {@link #sendMessage}; null for nobody. */
    public void onMessage(java.util.function.IntConsumer listener) {
        messages = listener;
        if (engine instanceof UringEngine uring) {
            uring.onMessage(listener);
        }
    }

    /**
     * Sends {@code value} to {@code target}'s {@link #onMessage} listener: between two io_uring
     * engines a MSG_RING (the target's engine thread wakes with it), otherwise handed to the
     * target directly. Completes with 0 once posted.
     */
    public AsysFuture<Integer> sendMessage(Asys target, int value) {
        return submit(new Op.MsgRing(target, value));
    }

    /** One thread for messages that come without a ring, so they arrive in the order sent; made on first use. */
    private synchronized ExecutorService messageThread() {
        if (messageThread == null) {
            if (closed) {
                throw new java.util.concurrent.RejectedExecutionException("closed");
            }
            messageThread = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("asys-messages").factory());
        }
        return messageThread;
    }

    int ringFd() {
        return engine instanceof UringEngine uring && !uring.isClosed() ? uring.ringFd() : -1;
    }

    /** A message that comes without a ring: run on this instance's raw workers. 0, or -EBADF once closed. */
    int deliverMessage(int value) {
        java.util.function.IntConsumer listener = messages;
        try {
            messageThread().execute(() -> {
                if (listener != null) {
                    listener.accept(value);
                }
            });
            return 0;
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return -Errno.EBADF;
        }
    }

    /** Completes after {@code duration}, without holding any thread. */
    public AsysFuture<Integer> sleep(Duration duration) {
        return submit(new Op.Timeout(duration));
    }

    /**
     * Closes the handle exactly once, after every operation in flight on it completed; later
     * operations on it fail with EBADF. Returns the handle's close future.
     */
    public CompletableFuture<Integer> close(FileHandle file) {
        file.startClose(fd -> {
            if (engine.isClosed()) {
                closeSynchronously(fd, file.path(), file.closeFuture());
            } else {
                Request<Integer> r = new Request<>(new Op.Close(fd, file.path()), new CloseOutcome(fd, file), null);
                Engine target = routing.engineFor(r);
                r.engine = target;
                target.submit(r);
            }
        });
        return file.closeFuture();
    }

    /**
     * What a handle's close request completes: the handle's close future, directly. A close that
     * never ran (cancelled while queued, or refused because asys is closing meanwhile) must still
     * close the descriptor, or it would leak: then it closes it here, synchronously.
     */
    private static final class CloseOutcome extends CompletableFuture<Integer> {
        private final int fd;
        private final FileHandle file;

        CloseOutcome(int fd, FileHandle file) {
            this.fd = fd;
            this.file = file;
        }

        @Override
        public boolean complete(Integer value) {
            return file.closeFuture().complete(value);
        }

        @Override
        public boolean completeExceptionally(Throwable failure) {
            boolean neverRan = failure instanceof ErrnoException e && e.errno() == Errno.ECANCELED
                    || failure instanceof io.asys.internal.engine.EngineClosedException;
            if (neverRan) {
                closeSynchronously(fd, file.path(), file.closeFuture());
                return true;
            }
            return file.closeFuture().completeExceptionally(failure);
        }
    }

    /** After this Asys is closed its handles still get closed, synchronously: a descriptor is never leaked. */
    private static void closeSynchronously(int fd, String path, CompletableFuture<Integer> closed) {
        int ret = new io.asys.internal.linux.LibC().close(fd);
        if (ret < 0) {
            closed.completeExceptionally(Errors.exception("close", path, ret));
        } else {
            closed.complete(0);
        }
    }

    /** Cancels every operation in flight on the handle, then closes it as {@link #close} does. */
    public CompletableFuture<Integer> closeNow(FileHandle file) {
        cancelAll(file);
        return close(file);
    }

    /**
     * Asks the kernel to cancel an operation: its future completes with ECANCELED (a
     * {@link ErrnoException}), or with its real result if that came first. Exactly once either way.
     */
    public void cancel(CompletableFuture<?> future) {
        if (future instanceof AsysFuture<?> f) {
            f.requestKernelCancel();
        }
    }

    /** Cancels every operation in flight on {@code file} without closing it. */
    public void cancelAll(FileHandle file) {
        routing.cancelFd(file.fd());
    }

    /**
     * Runs a raw system call on a worker thread (never on the caller): the result {@code >= 0},
     * or the future fails with the errno. Calls outside {@link SyscallPolicy} fail at once.
     */
    public CompletableFuture<Long> syscall(RawCall call) {
        String refusal = SyscallPolicy.refusal(call.number());
        if (refusal != null) {
            return CompletableFuture.failedFuture(new UnsupportedOperationException(refusal));
        }
        try {
            return CompletableFuture.supplyAsync(() -> {
                long ret = rawSyscall.get().call(call.number(), call.argAt(0), call.argAt(1), call.argAt(2),
                        call.argAt(3), call.argAt(4), call.argAt(5));
                java.lang.ref.Reference.reachabilityFence(call.segments());
                if (ret < 0 && ret >= -4095) {
                    throw new java.util.concurrent.CompletionException(new ErrnoException(call.name(), null, (int) ret));
                }
                return ret;
            }, rawWorkers);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // Closed: fail the future like every other submission after close, never throw.
            return CompletableFuture.failedFuture(new IllegalStateException("asys is closed", e));
        }
    }

    /** A free direct-descriptor slot for chains (open into it, read and close through it). */
    public int allocateDirectSlot() {
        while (true) {
            long used = directSlots.get();
            int slot = Long.numberOfTrailingZeros(~used);
            if (slot >= UringEngine.DIRECT_SLOTS) {
                throw new IllegalStateException("all " + UringEngine.DIRECT_SLOTS + " direct slots are in use");
            }
            if (directSlots.compareAndSet(used, used | (1L << slot))) {
                return slot;
            }
        }
    }

    public void releaseDirectSlot(int slot) {
        directSlots.getAndUpdate(u -> u & ~(1L << slot));
    }

    /**
     * Opens, reads and closes a file in one submission (a chain through a direct descriptor):
     * completes with the bytes read into {@code buffer} from offset 0.
     */
    public CompletableFuture<Integer> readFile(Path path, MemorySegment buffer) {
        int slot = allocateDirectSlot();
        Chain chain = chain();
        CompletableFuture<Integer> open = chain.then(new Op.OpenDirect(path, 0, 0, slot));
        CompletableFuture<Integer> read = chain.then(new Op.ReadDirect(slot, buffer, 0));
        chain.hardLink();
        CompletableFuture<Integer> close = chain.then(new Op.CloseDirect(slot));
        chain.submit();
        return CompletableFuture.allOf(open.exceptionally(t -> 0), read.exceptionally(t -> 0), close.exceptionally(t -> 0))
                .thenCompose(v -> {
                    releaseDirectSlot(slot);
                    return open.isCompletedExceptionally() ? open : read;
                });
    }

    /** Cancels and completes everything in flight, then stops the engine and the raw workers. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        cleanable.clean();
        synchronized (this) {
            if (messageThread != null) {
                messageThread.shutdown();
            }
        }
    }
}
