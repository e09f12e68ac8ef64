package io.asys.internal.engine;

/**
 * An engine refused a request because it is closed: the request never ran. (A request the kernel
 * kept past close fails with a plain {@link IllegalStateException}: it may have run.)
 */
public final class EngineClosedException extends IllegalStateException {
    public EngineClosedException() {
        super("asys engine is closed");
    }
}
