package io.asys.nio;

import java.nio.file.spi.FileSystemProvider;

/** Placeholder, filled in below. */
public abstract class AsysFileSystemProvider extends FileSystemProvider {
    abstract FileSystemProvider delegate();
}
