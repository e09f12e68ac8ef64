package io.asys;

import io.asys.internal.engine.Request;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.asys.uring.IoUringAbi.IOSQE_IO_HARDLINK;

/**
 * A syslet-style chain: operations submitted at once, each running only if the one before
 * succeeded (IOSQE_IO_LINK); when a step fails, the rest complete with ECANCELED, each exactly
 * once. {@link #hardLink()} makes the last step's successor run regardless. A step may carry a
 * timeout. Build on one thread, then {@link #submit()}.
 */
public final class Chain {
    private final Asys asys;
    private final List<Request<?>> steps = new ArrayList<>();
    private boolean submitted;

    Chain(Asys asys) {
        this.asys = asys;
    }

    /** Adds a step; its future completes with the step's result. */
    public <T> AsysFuture<T> then(Op<T> op) {
        return then(op, null);
    }

    /** Adds a step that is cancelled (ECANCELED, reported as a timeout) if it takes longer than {@code timeout}. */
    public <T> AsysFuture<T> then(Op<T> op, Duration timeout) {
        if (submitted) {
            throw new IllegalStateException("chain already submitted");
        }
        Request<T> r = asys.request(op, timeout);
        steps.add(r);
        return (AsysFuture<T>) r.future;
    }

    /** The next step runs whether or not the last added one succeeded (IOSQE_IO_HARDLINK). */
    public Chain hardLink() {
        if (steps.isEmpty()) {
            throw new IllegalStateException("no step to hard-link from");
        }
        steps.get(steps.size() - 1).linkFlags = IOSQE_IO_HARDLINK;
        return this;
    }

    /** Submits every step in one batch; never blocks. */
    public void submit() {
        if (submitted || steps.isEmpty()) {
            throw new IllegalStateException(submitted ? "chain already submitted" : "empty chain");
        }
        submitted = true;
        for (int i = 0; i + 1 < steps.size(); i++) {
            steps.get(i).next = steps.get(i + 1);
        }
        asys.submitChain(steps.get(0));
    }
}
