package io.asys.internal.workers;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static io.asys.internal.workers.CompletionRingDescriptor.*;

/** The attributes of one completion, read in place: valid only inside the handler call. */
public abstract sealed class Attributes {
    public abstract int count();

    public abstract int id(int i);

    public abstract int status(int i);

    public abstract long value(int i);

    /** The value of attribute {@code id}, or {@code missing} if the completion does not carry it. */
    public long valueOf(int id, long missing) {
        for (int i = 0; i < count(); i++) {
            if (id(i) == id) {
                return value(i);
            }
        }
        return missing;
    }

    static final class RingView extends Attributes {
        private final MemorySegment data;
        private long at;
        private int count;

        RingView(MemorySegment data) {
            this.data = data;
        }

        void bind(long recordAt, int count) {
            this.at = recordAt + ATTRS;
            this.count = count;
        }

        public int count() {
            return count;
        }

        public int id(int i) {
            return data.get(ValueLayout.JAVA_INT, at + (long) ATTR_SIZE * i + ATTR_ID);
        }

        public int status(int i) {
            return data.get(ValueLayout.JAVA_INT, at + (long) ATTR_SIZE * i + ATTR_STATUS);
        }

        public long value(int i) {
            return data.get(ValueLayout.JAVA_LONG, at + (long) ATTR_SIZE * i + ATTR_VALUE);
        }
    }

    static final class ArrayView extends Attributes {
        private long[] attrs;

        void bind(long[] attrs) {
            this.attrs = attrs;
        }

        public int count() {
            return attrs == null ? 0 : attrs.length / 3;
        }

        public int id(int i) {
            return (int) attrs[3 * i];
        }

        public int status(int i) {
            return (int) attrs[3 * i + 1];
        }

        public long value(int i) {
            return attrs[3 * i + 2];
        }
    }
}
