package io.asys.nio;

import io.asys.Asys;
import io.asys.Blocking;
import io.asys.Statx;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.spi.FileSystemProvider;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.LongAdder;

/**
 * The platform's default file system provider with its file channels on asys. Install it
 * without changing a program: {@code java -Djava.nio.file.spi.DefaultFileSystemProvider=io.asys.nio.AsysFileSystemProvider
 * --enable-native-access=ALL-UNNAMED -cp asys.jar:app.jar Main}. {@code newFileChannel},
 * {@code newByteChannel} (and so {@code Files.readAllBytes}, {@code Files.write}, streams) and
 * {@code newAsynchronousFileChannel} on regular files return {@link AsysFileChannel} and
 * {@link AsysAsynchronousFileChannel}; everything else (directories, attributes, links, copy,
 * move, watch, non-regular files, {@code /proc} and {@code /sys} files) is the platform's.
 *
 * <p>Lazy: asys is opened on the first channel asked for (never while the JDK starts up); while it
 * opens, and if it cannot open, channels are the platform's, so nothing recurses. The asys stays
 * open for the life of the process. Thread-safe.
 */
public final class AsysFileSystemProvider extends FileSystemProvider {
    /** Property: when {@code true}, print at exit how many channels ran on asys (to standard error). */
    public static final String REPORT_PROP_NAME = "asys.nio.report";

    static final LongAdder ASYS_CHANNELS = new LongAdder();
    static final LongAdder PLATFORM_CHANNELS = new LongAdder();

    private final FileSystemProvider platform;
    private final AsysFileSystem fileSystem;

    /** Wraps {@code platform}, the provider the JDK would use by default (the JDK's contract for this property). */
    public AsysFileSystemProvider(FileSystemProvider platform) {
        this.platform = platform;
        this.fileSystem = new AsysFileSystem(this, platform.getFileSystem(URI.create("file:///")));
    }

    /** The wrapped platform provider. */
    public FileSystemProvider delegate() {
        return platform;
    }

    /** The asys channels run on, or empty if it is not open (yet, or it could not open). */
    public static Optional<Asys> asys() {
        return Optional.ofNullable(LazyAsys.getIfReady());
    }

    /** Channels opened on asys so far by every instance of this provider. */
    public static long asysChannels() {
        return ASYS_CHANNELS.sum();
    }

    /** Channels this provider handed to the platform (non-regular files, asys not open). */
    public static long platformChannels() {
        return PLATFORM_CHANNELS.sum();
    }

    private Path unwrap(Path p) {
        return AsysPath.unwrap(p, platform);
    }

    /**
     * The asys to open {@code path} on, or null when the platform should (asys not open, a
     * {@code /proc} or {@code /sys} file, or not a regular file).
     */
    private static Asys asysFor(Path path, Set<? extends OpenOption> options) {
        if (PlatformFiles.isKernelPseudoFile(path)) {
            return null;
        }
        Asys asys = LazyAsys.get();
        if (asys == null) {
            return null;
        }
        try {
            Statx st = options.contains(LinkOption.NOFOLLOW_LINKS) ? Blocking.of(asys).lstatx(path)
                    : Blocking.of(asys).statx(path);
            return st.isRegularFile() ? asys : null;
        } catch (NoSuchFileException e) {
            return asys;
        } catch (IOException e) {
            // Let the open report it, as it would without the provider.
            return asys;
        }
    }

    @Override
    public FileChannel newFileChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        Path p = unwrap(path);
        Asys asys = asysFor(p, options);
        if (asys == null) {
            PLATFORM_CHANNELS.increment();
            return platform.newFileChannel(p, options, attrs);
        }
        FileChannel ch = AsysFileChannel.open(asys, p, options, attrs);
        ASYS_CHANNELS.increment();
        return ch;
    }

    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        Path p = unwrap(path);
        Asys asys = asysFor(p, options);
        if (asys == null) {
            PLATFORM_CHANNELS.increment();
            return platform.newByteChannel(p, options, attrs);
        }
        SeekableByteChannel ch = AsysFileChannel.open(asys, p, options, attrs);
        ASYS_CHANNELS.increment();
        return ch;
    }

    @Override
    public AsynchronousFileChannel newAsynchronousFileChannel(Path path, Set<? extends OpenOption> options,
            ExecutorService executor, FileAttribute<?>... attrs) throws IOException {
        Path p = unwrap(path);
        Asys asys = asysFor(p, options);
        if (asys == null) {
            PLATFORM_CHANNELS.increment();
            return platform.newAsynchronousFileChannel(p, options, executor, attrs);
        }
        AsynchronousFileChannel ch = AsysAsynchronousFileChannel.open(asys, p, options, executor, attrs);
        ASYS_CHANNELS.increment();
        return ch;
    }

    // ---- everything else is the platform's

    @Override
    public String getScheme() {
        return platform.getScheme();
    }

    @Override
    public FileSystem newFileSystem(URI uri, Map<String, ?> env) {
        throw new FileSystemAlreadyExistsException();
    }

    @Override
    public FileSystem getFileSystem(URI uri) {
        platform.getFileSystem(uri);
        return fileSystem;
    }

    @Override
    public Path getPath(URI uri) {
        return fileSystem.wrap(platform.getPath(uri));
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter)
            throws IOException {
        DirectoryStream<Path> inner = platform.newDirectoryStream(unwrap(dir),
                p -> filter.accept(fileSystem.wrap(p)));
        return new DirectoryStream<>() {
            @Override
            public Iterator<Path> iterator() {
                Iterator<Path> it = inner.iterator();
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return it.hasNext();
                    }

                    @Override
                    public Path next() {
                        return fileSystem.wrap(it.next());
                    }
                };
            }

            @Override
            public void close() throws IOException {
                inner.close();
            }
        };
    }

    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
        platform.createDirectory(unwrap(dir), attrs);
    }

    @Override
    public void createSymbolicLink(Path link, Path target, FileAttribute<?>... attrs) throws IOException {
        platform.createSymbolicLink(unwrap(link), unwrap(target), attrs);
    }

    @Override
    public void createLink(Path link, Path existing) throws IOException {
        platform.createLink(unwrap(link), unwrap(existing));
    }

    @Override
    public void delete(Path path) throws IOException {
        platform.delete(unwrap(path));
    }

    @Override
    public boolean deleteIfExists(Path path) throws IOException {
        return platform.deleteIfExists(unwrap(path));
    }

    @Override
    public Path readSymbolicLink(Path link) throws IOException {
        return fileSystem.wrap(platform.readSymbolicLink(unwrap(link)));
    }

    @Override
    public void copy(Path source, Path target, CopyOption... options) throws IOException {
        platform.copy(unwrap(source), unwrap(target), options);
    }

    @Override
    public void move(Path source, Path target, CopyOption... options) throws IOException {
        platform.move(unwrap(source), unwrap(target), options);
    }

    @Override
    public boolean isSameFile(Path path, Path path2) throws IOException {
        return platform.isSameFile(unwrap(path), unwrap(path2));
    }

    @Override
    public boolean isHidden(Path path) throws IOException {
        return platform.isHidden(unwrap(path));
    }

    @Override
    public FileStore getFileStore(Path path) throws IOException {
        return platform.getFileStore(unwrap(path));
    }

    @Override
    public void checkAccess(Path path, AccessMode... modes) throws IOException {
        platform.checkAccess(unwrap(path), modes);
    }

    @Override
    public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
        return platform.getFileAttributeView(unwrap(path), type, options);
    }

    @Override
    public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options)
            throws IOException {
        return platform.readAttributes(unwrap(path), type, options);
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options) throws IOException {
        return platform.readAttributes(unwrap(path), attributes, options);
    }

    @Override
    public void setAttribute(Path path, String attribute, Object value, LinkOption... options) throws IOException {
        platform.setAttribute(unwrap(path), attribute, value, options);
    }

    @Override
    public boolean exists(Path path, LinkOption... options) {
        return platform.exists(unwrap(path), options);
    }

    @Override
    public <A extends BasicFileAttributes> A readAttributesIfExists(Path path, Class<A> type, LinkOption... options)
            throws IOException {
        return platform.readAttributesIfExists(unwrap(path), type, options);
    }
}
