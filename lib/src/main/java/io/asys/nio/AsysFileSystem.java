package io.asys.nio;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The platform's default file system seen through {@link AsysFileSystemProvider}: the same
 * files, separator, stores and watch service, with paths ({@link AsysPath}) that lead
 * {@code Files} to the asys provider. It cannot be closed, as the default file system cannot.
 */
final class AsysFileSystem extends FileSystem {
    private final AsysFileSystemProvider provider;
    private final FileSystem platform;

    AsysFileSystem(AsysFileSystemProvider provider, FileSystem platform) {
        this.provider = provider;
        this.platform = platform;
    }

    Path wrap(Path p) {
        return p == null ? null : new AsysPath(this, p);
    }

    @Override
    public AsysFileSystemProvider provider() {
        return provider;
    }

    @Override
    public void close() throws IOException {
        throw new UnsupportedOperationException("the default file system cannot be closed");
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public boolean isReadOnly() {
        return platform.isReadOnly();
    }

    @Override
    public String getSeparator() {
        return platform.getSeparator();
    }

    @Override
    public Iterable<Path> getRootDirectories() {
        List<Path> roots = new ArrayList<>();
        for (Path p : platform.getRootDirectories()) {
            roots.add(wrap(p));
        }
        return roots;
    }

    @Override
    public Iterable<FileStore> getFileStores() {
        return platform.getFileStores();
    }

    @Override
    public Set<String> supportedFileAttributeViews() {
        return platform.supportedFileAttributeViews();
    }

    @Override
    public Path getPath(String first, String... more) {
        return wrap(platform.getPath(first, more));
    }

    @Override
    public PathMatcher getPathMatcher(String syntaxAndPattern) {
        PathMatcher m = platform.getPathMatcher(syntaxAndPattern);
        return p -> m.matches(AsysPath.unwrap(p, provider.delegate()));
    }

    @Override
    public UserPrincipalLookupService getUserPrincipalLookupService() {
        return platform.getUserPrincipalLookupService();
    }

    @Override
    public WatchService newWatchService() throws IOException {
        return platform.newWatchService();
    }
}
