package io.asys.nio;

import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * A small program that knows nothing of asys: plain {@code java.nio.file} calls. The provider
 * test runs it in a child JVM with the asys provider installed by a property. Prints what it did
 * and the class of each channel the JDK handed it.
 */
public final class DropInProgram {
    private DropInProgram() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Path file = dir.resolve("hello.txt");
        Files.write(file, "hello, ".getBytes(StandardCharsets.UTF_8));
        Files.writeString(file, "world", StandardOpenOption.APPEND);
        System.out.println("readAllBytes=" + new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
        System.out.println("readAllLines=" + Files.readAllLines(file));
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(5);
            ch.read(b, 7);
            System.out.println("fileChannel=" + ch.getClass().getSimpleName() + " size=" + ch.size()
                    + " read=" + new String(b.array(), StandardCharsets.UTF_8));
        }
        try (AsynchronousFileChannel ch = AsynchronousFileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(5);
            int n = ch.read(b, 0).get();
            System.out.println("asyncChannel=" + ch.getClass().getSimpleName() + " read=" + n + " "
                    + new String(b.array(), StandardCharsets.UTF_8));
        }
        Files.createDirectories(dir.resolve("sub/deeper"));
        Files.copy(file, dir.resolve("sub/copy.txt"));
        try (Stream<Path> s = Files.walk(dir)) {
            List<String> names = s.map(p -> dir.relativize(p).toString()).sorted().toList();
            System.out.println("walk=" + names);
        }
        System.out.println("fileSystem=" + file.getFileSystem().provider().getClass().getName());
    }
}
