package io.asys.nio;

import java.io.IOException;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.Channel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;

/**
 * A lock of an asys channel, held by the JDK channel it delegates locking to (a POSIX
 * {@code fcntl} record lock on the same open file). Valid until released or its channel closes.
 */
final class DelegatedFileLock extends FileLock {
    private final FileLock held;

    DelegatedFileLock(FileChannel channel, FileLock held) {
        super(channel, held.position(), held.size(), held.isShared());
        this.held = held;
    }

    DelegatedFileLock(AsynchronousFileChannel channel, FileLock held) {
        super(channel, held.position(), held.size(), held.isShared());
        this.held = held;
    }

    @Override
    public boolean isValid() {
        return held.isValid() && acquiredBy().isOpen();
    }

    @Override
    public void release() throws IOException {
        Channel owner = acquiredBy();
        if (!owner.isOpen()) {
            throw new ClosedChannelException();
        }
        held.release();
    }
}
