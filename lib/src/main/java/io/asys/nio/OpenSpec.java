package io.asys.nio;

import io.asys.FileDescriptors;

import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * The open(2) flags and mode for a set of {@link OpenOption}s, checked as {@code FileChannel.open}
 * checks them: READ by default, APPEND implies WRITE and excludes READ and TRUNCATE_EXISTING,
 * CREATE, CREATE_NEW and TRUNCATE_EXISTING only when writing, {@code posix:permissions} as the mode.
 * {@code com.sun.nio.file.ExtendedOpenOption.DIRECT} is recognised by name (O_DIRECT).
 */
record OpenSpec(int flags, int mode, boolean readable, boolean writable, boolean append, boolean deleteOnClose,
                boolean direct) {
    private static final int O_NOFOLLOW = 0400000;
    private static final int O_SYNC = 04010000;
    private static final int O_DSYNC = 010000;
    private static final int DEFAULT_MODE = 0666;

    static OpenSpec of(Set<? extends OpenOption> options, FileAttribute<?>... attrs) {
        boolean read = false, write = false, append = false, create = false, createNew = false, truncate = false;
        boolean deleteOnClose = false, direct = false;
        int extra = 0;
        for (OpenOption o : options) {
            if (o == null) {
                throw new NullPointerException("null open option");
            }
            if (o instanceof StandardOpenOption s) {
                switch (s) {
                    case READ -> read = true;
                    case WRITE -> write = true;
                    case APPEND -> append = true;
                    case CREATE -> create = true;
                    case CREATE_NEW -> createNew = true;
                    case TRUNCATE_EXISTING -> truncate = true;
                    case DELETE_ON_CLOSE -> deleteOnClose = true;
                    case SYNC -> extra |= O_SYNC;
                    case DSYNC -> extra |= O_DSYNC;
                    case SPARSE -> { }
                }
            } else if (o == LinkOption.NOFOLLOW_LINKS) {
                extra |= O_NOFOLLOW;
            } else if ("DIRECT".equals(o.toString())) {
                direct = true;
                extra |= FileDescriptors.O_DIRECT;
            } else {
                throw new UnsupportedOperationException(o + " not supported");
            }
        }
        if (append) {
            write = true;
            if (read) {
                throw new IllegalArgumentException("READ + APPEND not allowed");
            }
            if (truncate) {
                throw new IllegalArgumentException("APPEND + TRUNCATE_EXISTING not allowed");
            }
        }
        if (!read && !write) {
            read = true;
        }
        int flags = (read && write ? FileDescriptors.O_RDWR : write ? FileDescriptors.O_WRONLY : FileDescriptors.O_RDONLY)
                | FileDescriptors.O_CLOEXEC | extra;
        if (write) {
            flags |= createNew ? FileDescriptors.O_CREAT | FileDescriptors.O_EXCL : create ? FileDescriptors.O_CREAT : 0;
            flags |= truncate ? FileDescriptors.O_TRUNC : 0;
            flags |= append ? FileDescriptors.O_APPEND : 0;
        }
        // The mode only with O_CREAT: openat2 (which the worker engine tries first) refuses it otherwise.
        int mode = (flags & FileDescriptors.O_CREAT) != 0 ? mode(attrs) : 0;
        return new OpenSpec(flags, mode, read, write, append, deleteOnClose, direct);
    }

    private static int mode(FileAttribute<?>... attrs) {
        int mode = DEFAULT_MODE;
        for (FileAttribute<?> a : attrs) {
            if (!a.name().equals("posix:permissions") && !a.name().equals("unix:permissions")) {
                throw new UnsupportedOperationException("'" + a.name() + "' not supported as initial attribute");
            }
            mode = 0;
            for (Object p : (Set<?>) a.value()) {
                mode |= switch ((PosixFilePermission) p) {
                    case OWNER_READ -> 0400;
                    case OWNER_WRITE -> 0200;
                    case OWNER_EXECUTE -> 0100;
                    case GROUP_READ -> 040;
                    case GROUP_WRITE -> 020;
                    case GROUP_EXECUTE -> 010;
                    case OTHERS_READ -> 04;
                    case OTHERS_WRITE -> 02;
                    case OTHERS_EXECUTE -> 01;
                };
            }
        }
        return mode;
    }
}
