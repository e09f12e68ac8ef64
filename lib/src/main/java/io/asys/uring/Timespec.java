package io.asys.uring;

import io.asys.internal.uring.EnterArgDescriptor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;

/**
 * A {@code struct __kernel_timespec} in native memory, for timeouts. The ring keeps it reachable
 * while a timeout using it is in flight. Mutable (reuse it once its timeout completed); not thread-safe.
 */
public final class Timespec {
    private final MemorySegment ts = Arena.ofAuto().allocate(EnterArgDescriptor.TIMESPEC_SIZE, 8);

    public static Timespec of(Duration d) {
        return new Timespec().set(d);
    }

    public static Timespec ofNanos(long nanos) {
        return new Timespec().set(Duration.ofNanos(nanos));
    }

    public Timespec set(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("negative timeout " + d);
        }
        ts.set(ValueLayout.JAVA_LONG, EnterArgDescriptor.TV_SEC, d.getSeconds());
        ts.set(ValueLayout.JAVA_LONG, EnterArgDescriptor.TV_NSEC, d.getNano());
        return this;
    }

    long address() {
        return ts.address();
    }
}
