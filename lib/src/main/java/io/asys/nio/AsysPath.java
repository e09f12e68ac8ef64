package io.asys.nio;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;

/**
 * A path of {@link AsysFileSystem}: the platform's path inside, so that {@code Files} finds the
 * asys provider through {@link #getFileSystem()}. Every operation is the platform path's, with
 * paths wrapped on the way out and unwrapped on the way in. Immutable.
 */
final class AsysPath implements Path {
    private final AsysFileSystem fs;
    private final Path platform;

    AsysPath(AsysFileSystem fs, Path platform) {
        this.fs = fs;
        this.platform = platform;
    }

    /** The platform path; a platform path itself is accepted too (watch events carry those). */
    static Path unwrap(Path p, java.nio.file.spi.FileSystemProvider platformProvider) {
        if (p instanceof AsysPath a) {
            return a.platform;
        }
        if (p == null) {
            throw new NullPointerException();
        }
        if (p.getFileSystem().provider() == platformProvider) {
            return p;
        }
        throw new ProviderMismatchException(p.getClass().getName());
    }

    Path platform() {
        return platform;
    }

    private Path wrap(Path p) {
        return p == null ? null : new AsysPath(fs, p);
    }

    private Path in(Path other) {
        return unwrap(other, fs.provider().delegate());
    }

    @Override
    public AsysFileSystem getFileSystem() {
        return fs;
    }

    @Override
    public boolean isAbsolute() {
        return platform.isAbsolute();
    }

    @Override
    public Path getRoot() {
        return wrap(platform.getRoot());
    }

    @Override
    public Path getFileName() {
        return wrap(platform.getFileName());
    }

    @Override
    public Path getParent() {
        return wrap(platform.getParent());
    }

    @Override
    public int getNameCount() {
        return platform.getNameCount();
    }

    @Override
    public Path getName(int index) {
        return wrap(platform.getName(index));
    }

    @Override
    public Path subpath(int beginIndex, int endIndex) {
        return wrap(platform.subpath(beginIndex, endIndex));
    }

    @Override
    public boolean startsWith(Path other) {
        return other instanceof AsysPath a && platform.startsWith(a.platform);
    }

    @Override
    public boolean endsWith(Path other) {
        return other instanceof AsysPath a && platform.endsWith(a.platform);
    }

    @Override
    public Path normalize() {
        return wrap(platform.normalize());
    }

    @Override
    public Path resolve(Path other) {
        return wrap(platform.resolve(in(other)));
    }

    @Override
    public Path resolve(String other) {
        return wrap(platform.resolve(other));
    }

    @Override
    public Path relativize(Path other) {
        return wrap(platform.relativize(in(other)));
    }

    @Override
    public URI toUri() {
        return platform.toUri();
    }

    @Override
    public Path toAbsolutePath() {
        return wrap(platform.toAbsolutePath());
    }

    @Override
    public Path toRealPath(LinkOption... options) throws IOException {
        return wrap(platform.toRealPath(options));
    }

    @Override
    public File toFile() {
        return new File(platform.toString());
    }

    /** Registers the platform path with the platform's watch service (which {@link AsysFileSystem} hands out). */
    @Override
    public WatchKey register(WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers)
            throws IOException {
        return platform.register(watcher, events, modifiers);
    }

    @Override
    public int compareTo(Path other) {
        return platform.compareTo(in(other));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AsysPath a && platform.equals(a.platform);
    }

    @Override
    public int hashCode() {
        return platform.hashCode();
    }

    @Override
    public String toString() {
        return platform.toString();
    }
}
