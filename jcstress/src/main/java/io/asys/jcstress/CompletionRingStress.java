package io.asys.jcstress;

import io.asys.internal.workers.CompletionRing;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JJ_Result;
import org.openjdk.jcstress.infra.results.J_Result;

/**
 * The completion ring under concurrency: claim and commit by two producers, a consumer racing a
 * producer, records wrapping at the end, and overflow. In every case each completion must be seen
 * exactly once (the sums and counts below), never torn, never lost.
 */
public final class CompletionRingStress {
    private CompletionRingStress() {
    }

    /** Sums user data and counts records seen; a torn record shows as a wrong sum. */
    static final class Tally implements CompletionRing.Handler {
        long sum;
        long count;

        @Override
        public void onCompletion(long userData, int res, io.asys.internal.workers.Attributes a) {
            if (res != (int) userData * 3 || a.count() != 1 || a.value(0) != userData * 7) {
                sum = Long.MIN_VALUE;
            }
            sum += userData;
            count++;
        }
    }

    static boolean offer(CompletionRing ring, long userData) {
        return ring.offer(userData, (int) userData * 3, new long[] {1, 0, userData * 7});
    }

    @JCStressTest
    @Description("Two producers claim and commit concurrently; the consumer sees both, once each.")
    @Outcome(id = "3, 2", expect = Expect.ACCEPTABLE, desc = "both records seen exactly once")
    @State
    public static class ClaimCommit {
        final CompletionRing ring = new CompletionRing(1024, () -> { });

        @Actor
        public void producer1() {
            offer(ring, 1);
        }

        @Actor
        public void producer2() {
            offer(ring, 2);
        }

        @Arbiter
        public void consume(JJ_Result r) {
            Tally t = new Tally();
            ring.poll(t);
            r.r1 = t.sum;
            r.r2 = t.count;
        }
    }

    @JCStressTest
    @Description("The consumer polls while a producer commits: the record is seen by that poll or the next, once.")
    @Outcome(id = "1", expect = Expect.ACCEPTABLE, desc = "seen exactly once")
    @State
    public static class ConsumerRacesProducer {
        final CompletionRing ring = new CompletionRing(1024, () -> { });
        final Tally tally = new Tally();

        @Actor
        public void producer() {
            offer(ring, 1);
        }

        @Actor
        public void consumer() {
            ring.poll(tally);
        }

        @Arbiter
        public void rest(J_Result r) {
            ring.poll(tally);
            r.r1 = tally.sum == 1 ? tally.count : -1;
        }
    }

    @JCStressTest
    @Description("Records that do not fit before the end wrap to the start behind a padding record.")
    @Outcome(id = "7, 2", expect = Expect.ACCEPTABLE, desc = "both wrapped records seen once")
    @State
    public static class WrapAround {
        final CompletionRing ring = new CompletionRing(128, () -> { });

        public WrapAround() {
            // Move the counters to 120 of 128 bytes: the next 40-byte records cannot fit before the end.
            for (long i = 0; i < 3; i++) {
                offer(ring, 100 + i);
            }
            ring.poll((u, res, a) -> { });
        }

        @Actor
        public void producer1() {
            offer(ring, 3);
        }

        @Actor
        public void producer2() {
            offer(ring, 4);
        }

        @Arbiter
        public void consume(JJ_Result r) {
            Tally t = new Tally();
            ring.poll(t);
            r.r1 = t.sum;
            r.r2 = t.count;
        }
    }

    @JCStressTest
    @Description("A full ring overflows into the queue; the consumer draining meanwhile loses nothing.")
    @Outcome(id = "6, 3", expect = Expect.ACCEPTABLE, desc = "all three seen once, from ring or overflow")
    @State
    public static class Overflow {
        final CompletionRing ring = new CompletionRing(64, () -> { });
        final Tally tally = new Tally();

        public Overflow() {
            // 64 bytes hold one 40-byte record: the ring is full after the first.
            offer(ring, 1);
            offer(ring, 2);
        }

        @Actor
        public void producer() {
            offer(ring, 3);
        }

        @Actor
        public void consumer() {
            ring.poll(tally);
        }

        @Arbiter
        public void rest(JJ_Result r) {
            ring.poll(tally);
            r.r1 = tally.sum;
            r.r2 = tally.count;
        }
    }
}
