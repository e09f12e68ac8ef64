package io.asys.internal.workers;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentLinkedQueue;

import static io.asys.internal.workers.CompletionRingDescriptor.*;

/**
 * Many-to-one ring of variable-length completion records (layout in
 * {@link CompletionRingDescriptor}). Any number of producer threads {@link #offer}; one consumer
 * at a time {@link #poll}s (the consumer methods may pass from thread to thread when the caller
 * serialises them with a lock that orders one consumer's end before the next one's start).
 * A completion that does not fit goes to an overflow queue
 * instead of being dropped or blocking its producer; the consumer drains that queue, in order,
 * after the ring. Reaping needs no system call; a sleeping consumer is woken through a
 * {@link Signal} (an eventfd in the worker engine).
 */
public final class CompletionRing {
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    /** Receives one completion: user data, result, and its attributes (valid only during the call). */
    @FunctionalInterface
    public interface Handler {
        void onCompletion(long userData, int res, Attributes attributes);
    }

    /** Wakes a sleeping consumer. */
    @FunctionalInterface
    public interface Signal {
        void signal();
    }

    private record Overflowed(long userData, int res, long[] attrs) {
    }

    private final MemorySegment header;
    private final MemorySegment data;
    private final int capacity;
    private final int mask;
    private final Signal signal;
    private final ConcurrentLinkedQueue<Overflowed> overflow = new ConcurrentLinkedQueue<>();
    private final Attributes.RingView ringAttributes;
    private final Attributes.ArrayView overflowAttributes = new Attributes.ArrayView();
    private int head;

    public CompletionRing(int capacity, Signal signal) {
        if (Integer.bitCount(capacity) != 1 || capacity < 64 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("capacity must be a power of two in 64..2^30, not " + capacity);
        }
        Arena arena = Arena.ofAuto();
        this.header = arena.allocate(HEADER_SIZE, 64);
        this.data = arena.allocate(capacity, 64);
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.signal = signal;
        this.ringAttributes = new Attributes.RingView(data);
    }

    /**
     * Posts a completion from any thread. {@code attrs} holds (id, status, value) triples packed
     * as {@code attrs[3i] = id, attrs[3i+1] = status, attrs[3i+2] = value}, or is {@code null}.
     * Returns true if it went into the ring, false if it went to the overflow queue; never blocks.
     */
    public boolean offer(long userData, int res, long[] attrs) {
        return offer(userData, res, attrs, true);
    }

    /**
     * As {@link #offer}, but never signals a sleeping consumer: for a producer that reaps the
     * ring itself right after (it must then take the consumer's place, or find it taken by a
     * consumer that looks at the ring again after giving its place up).
     */
    public boolean offerQuietly(long userData, int res, long[] attrs) {
        return offer(userData, res, attrs, false);
    }

    private boolean offer(long userData, int res, long[] attrs, boolean signalling) {
        int attrCount = attrs == null ? 0 : attrs.length / 3;
        int length = recordLength(attrCount);
        int at = claim(length);
        if (at < 0) {
            overflow.offer(new Overflowed(userData, res, attrs == null ? null : attrs.clone()));
            wake(signalling);
            return false;
        }
        data.set(ValueLayout.JAVA_INT, at + TYPE, TYPE_RECORD);
        data.set(ValueLayout.JAVA_LONG, at + USER_DATA, userData);
        data.set(ValueLayout.JAVA_INT, at + RES, res);
        data.set(ValueLayout.JAVA_INT, at + ATTR_COUNT, attrCount);
        for (int i = 0; i < attrCount; i++) {
            long a = at + ATTRS + (long) ATTR_SIZE * i;
            data.set(ValueLayout.JAVA_INT, a + ATTR_ID, (int) attrs[3 * i]);
            data.set(ValueLayout.JAVA_INT, a + ATTR_STATUS, (int) attrs[3 * i + 1]);
            data.set(ValueLayout.JAVA_LONG, a + ATTR_VALUE, attrs[3 * i + 2]);
        }
        // Release: the record's fields must be visible before its length says it is committed.
        INT.setRelease(data, at + LENGTH, length);
        wake(signalling);
        return true;
    }

    /** Reserves {@code length} contiguous bytes; the record's offset, or -1 when the ring is full. */
    private int claim(int length) {
        while (true) {
            // Acquire: the consumer zeroed what it consumed before publishing its head.
            int consumed = (int) INT.getAcquire(header, HEAD);
            int tail = (int) INT.getVolatile(header, TAIL);
            int free = capacity - (tail - consumed);
            int pos = tail & mask;
            int toEnd = capacity - pos;
            int padding = length > toEnd ? toEnd : 0;
            if (length + padding > free) {
                return -1;
            }
            if (INT.compareAndSet(header, TAIL, tail, tail + padding + length)) {
                if (padding > 0) {
                    data.set(ValueLayout.JAVA_INT, pos + TYPE, TYPE_PADDING);
                    INT.setRelease(data, pos + LENGTH, padding);
                    return 0;
                }
                return pos;
            }
        }
    }

    private void wake(boolean signalling) {
        // Store-load fence (Dekker with prepareWait): the commit above is a release store, which
        // alone may be reordered after this load; the consumer could then miss the record while
        // we miss its WAITING flag, and sleep with a completion in the ring. A quiet producer
        // needs it too: its next load is the consumer's place, which the last consumer gives up
        // before it looks at the ring once more.
        VarHandle.fullFence();
        if (signalling && (int) INT.getVolatile(header, WAITING) != 0) {
            signal.signal();
        }
    }

    /** Consumer only: hands every committed completion (ring first, then overflow) to the handler; returns the count. */
    public int poll(Handler handler) {
        int n = 0;
        int h = head;
        try {
            while (true) {
                int pos = h & mask;
                // Acquire: pairs with the producer's release of the length.
                int length = (int) INT.getAcquire(data, pos + LENGTH);
                if (length == 0) {
                    break;
                }
                if (data.get(ValueLayout.JAVA_INT, pos + TYPE) == TYPE_RECORD) {
                    ringAttributes.bind(pos, data.get(ValueLayout.JAVA_INT, pos + ATTR_COUNT));
                    long userData = data.get(ValueLayout.JAVA_LONG, pos + USER_DATA);
                    int res = data.get(ValueLayout.JAVA_INT, pos + RES);
                    n++;
                    try {
                        handler.onCompletion(userData, res, ringAttributes);
                    } finally {
                        data.asSlice(pos, length).fill((byte) 0);
                        h += length;
                    }
                } else {
                    data.asSlice(pos, length).fill((byte) 0);
                    h += length;
                }
            }
        } finally {
            head = h;
            // Release: zeroed bytes must be visible before producers may claim them again.
            INT.setRelease(header, HEAD, h);
        }
        Overflowed o;
        while ((o = overflow.poll()) != null) {
            n++;
            overflowAttributes.bind(o.attrs());
            handler.onCompletion(o.userData(), o.res(), overflowAttributes);
        }
        return n;
    }

    /** Consumer only: true if a completion is ready (so a wait would return at once). */
    public boolean hasCompletions() {
        return (int) INT.getAcquire(data, (head & mask) + LENGTH) != 0 || !overflow.isEmpty();
    }

    /**
     * Consumer only: announce a sleep (producers will signal), then re-check; returns false if
     * completions arrived meanwhile, in which case the consumer must not sleep. Call
     * {@link #endWait()} after waking.
     */
    public boolean prepareWait() {
        INT.setVolatile(header, WAITING, 1);
        VarHandle.fullFence();
        if (hasCompletions()) {
            INT.setVolatile(header, WAITING, 0);
            return false;
        }
        return true;
    }

    /**
     * As {@link #prepareWait()}, for consumers that take turns: if {@code anotherConsumer} says
     * (read after announcing the sleep) that another thread holds the consumer's place, sleep
     * anyway: that consumer looks at the ring again after giving the place up, and producers that
     * come later see the announcement and signal.
     */
    public boolean prepareWait(java.util.function.BooleanSupplier anotherConsumer) {
        INT.setVolatile(header, WAITING, 1);
        VarHandle.fullFence();
        if (anotherConsumer.getAsBoolean()) {
            return true;
        }
        if (hasCompletions()) {
            INT.setVolatile(header, WAITING, 0);
            return false;
        }
        return true;
    }

    public void endWait() {
        INT.setVolatile(header, WAITING, 0);
    }

    /** Completions that went to the overflow queue and are not reaped yet. */
    public int overflowSize() {
        return overflow.size();
    }

    public int capacity() {
        return capacity;
    }
}
