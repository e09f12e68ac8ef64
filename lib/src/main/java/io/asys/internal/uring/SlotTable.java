package io.asys.internal.uring;

/**
 * In-flight operation slots of one ring. A slot holds what must stay reachable until the
 * operation's completion is reaped (buffers, iovec arrays, paths) and the caller's attachment.
 * {@code user_data} is {@code generation << 32 | slot}: never a pointer, and a stale or foreign
 * value is recognised. Generations are 31-bit and odd while in use, so valid user data is never
 * negative; negative values are left for the ring's own internal requests.
 * Single owner: not thread-safe.
 */
public final class SlotTable {
    private final int[] free;
    private int freeCount;
    private final int[] generation;
    private final Object[] keepAlive;
    private final Object[] attachment;

    public SlotTable(int capacity) {
        free = new int[capacity];
        generation = new int[capacity];
        keepAlive = new Object[capacity];
        attachment = new Object[capacity];
        for (int i = 0; i < capacity; i++) {
            free[i] = capacity - 1 - i;
        }
        freeCount = capacity;
    }

    /** A new user data value with a slot reserved for it, or {@code -1} when every slot is in use. */
    public long acquire() {
        if (freeCount == 0) {
            return -1;
        }
        int slot = free[--freeCount];
        int gen = (generation[slot] + 1) & 0x7FFF_FFFF;
        generation[slot] = gen;
        return ((long) gen << 32) | slot;
    }

    /** The slot of a user data value this table issued and has not released, or {@code -1}. */
    public int slotOf(long userData) {
        if (userData < 0) {
            return -1;
        }
        int slot = (int) userData;
        int gen = (int) (userData >>> 32);
        if (slot < 0 || slot >= generation.length || generation[slot] != gen || (gen & 1) == 0) {
            return -1;
        }
        return slot;
    }

    /** Ends the slot's use: drops its references so the buffers may be collected. */
    public void release(int slot) {
        keepAlive[slot] = null;
        attachment[slot] = null;
        generation[slot] = (generation[slot] + 1) & 0x7FFF_FFFF;
        free[freeCount++] = slot;
    }

    public void keepAlive(int slot, Object o) {
        keepAlive[slot] = o;
    }

    public void attach(int slot, Object o) {
        attachment[slot] = o;
    }

    public Object attachment(int slot) {
        return attachment[slot];
    }

    public int inUse() {
        return generation.length - freeCount;
    }

    public int capacity() {
        return generation.length;
    }

    /** The attachments of the slots in use (operations whose completion was never reaped). */
    public java.util.List<Object> attachmentsInUse() {
        java.util.List<Object> in = new java.util.ArrayList<>();
        for (int i = 0; i < generation.length; i++) {
            if ((generation[i] & 1) != 0 && attachment[i] != null) {
                in.add(attachment[i]);
            }
        }
        return in;
    }

    /** Every object still held by a slot in use, for when the kernel cannot be told to let go. */
    public Object[] heldObjects() {
        return keepAlive.clone();
    }
}
