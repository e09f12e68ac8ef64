package io.asys.cli.nbd;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A hand-written NBD client for protocol tests: it sends exactly the bytes a test asks for,
 * well-formed or not, and decodes what the server answers. Blocking java.net I/O, one thread.
 */
final class NbdTestClient implements AutoCloseable {
    /** An option reply. */
    record OptionReply(int option, int type, byte[] data) {
    }

    /** A reply: simple, or one structured chunk ({@code type} and {@code flags} then set). */
    record Reply(boolean structured, long cookie, int error, int flags, int type, long offset, byte[] data, String message) {
        boolean done() {
            return !structured || (flags & Nbd.REPLY_FLAG_DONE) != 0;
        }
    }

    final Socket socket;
    final DataInputStream in;
    final DataOutputStream out;
    int handshakeFlags;
    long size;
    int transmissionFlags;
    boolean structured;
    /** Lengths of READs sent without structured replies: a simple reply's data length is only known from its request. */
    private final Map<Long, Long> readLengths = new HashMap<>();

    NbdTestClient(InetSocketAddress server) throws IOException {
        socket = new Socket(server.getAddress(), server.getPort());
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(30_000);
        in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 16));
        assertEquals(Nbd.NBDMAGIC, in.readLong(), "NBDMAGIC");
        assertEquals(Nbd.IHAVEOPT, in.readLong(), "IHAVEOPT");
        handshakeFlags = in.readUnsignedShort();
    }

    /** Connects and negotiates: fixed newstyle, no zeroes, structured replies if asked, NBD_OPT_GO "". */
    static NbdTestClient open(InetSocketAddress server, boolean structured) throws IOException {
        NbdTestClient c = new NbdTestClient(server);
        c.clientFlags(Nbd.FLAG_C_FIXED_NEWSTYLE | Nbd.FLAG_C_NO_ZEROES);
        if (structured) {
            c.option(Nbd.OPT_STRUCTURED_REPLY, new byte[0]);
            assertEquals(Nbd.REP_ACK, c.optionReply().type());
            c.structured = true;
        }
        c.go("");
        return c;
    }

    void clientFlags(int flags) throws IOException {
        out.writeInt(flags);
        out.flush();
    }

    void option(int option, byte[] data) throws IOException {
        out.writeLong(Nbd.IHAVEOPT);
        out.writeInt(option);
        out.writeInt(data.length);
        out.write(data);
        out.flush();
    }

    OptionReply optionReply() throws IOException {
        assertEquals(Nbd.OPTION_REPLY_MAGIC, in.readLong(), "option reply magic");
        int option = in.readInt();
        int type = in.readInt();
        byte[] data = new byte[in.readInt()];
        in.readFully(data);
        return new OptionReply(option, type, data);
    }

    /** NBD_OPT_GO data: name, then the info requests. */
    static byte[] goData(String name, int... infos) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        var b = java.nio.ByteBuffer.allocate(4 + n.length + 2 + 2 * infos.length);
        b.putInt(n.length).put(n).putShort((short) infos.length);
        for (int i : infos) {
            b.putShort((short) i);
        }
        return b.array();
    }

    /** NBD_OPT_GO: reads INFO replies until the ACK; fails on an error reply. */
    void go(String name) throws IOException {
        option(Nbd.OPT_GO, goData(name, Nbd.INFO_BLOCK_SIZE));
        while (true) {
            OptionReply r = optionReply();
            if (r.type() == Nbd.REP_ACK) {
                return;
            }
            assertEquals(Nbd.REP_INFO, r.type(), () -> "GO refused: " + new String(r.data(), StandardCharsets.UTF_8));
            var d = java.nio.ByteBuffer.wrap(r.data());
            if (d.getShort() == Nbd.INFO_EXPORT) {
                size = d.getLong();
                transmissionFlags = Short.toUnsignedInt(d.getShort());
            }
        }
    }

    /** Sends one request (and its payload, if any) without flushing. */
    void request(int flags, int type, long cookie, long offset, long length, byte[] payload) throws IOException {
        out.writeInt(Nbd.REQUEST_MAGIC);
        out.writeShort(flags);
        out.writeShort(type);
        out.writeLong(cookie);
        out.writeLong(offset);
        out.writeInt((int) length);
        if (payload != null) {
            out.write(payload);
        }
        if (type == Nbd.CMD_READ && !structured) {
            readLengths.put(cookie, length);
        }
    }

    /** Tells the reply parser the length of a READ that was sent as raw bytes. */
    void expectRead(long cookie, long length) {
        readLengths.put(cookie, length);
    }

    void flush() throws IOException {
        out.flush();
    }

    /** Reads one reply (a simple reply, or one structured chunk). */
    Reply reply() throws IOException {
        int magic = in.readInt();
        if (magic == Nbd.SIMPLE_REPLY_MAGIC) {
            int error = in.readInt();
            long cookie = in.readLong();
            Long length = readLengths.remove(cookie);
            byte[] data = new byte[error == 0 && length != null ? (int) (long) length : 0];
            in.readFully(data);
            return new Reply(false, cookie, error, 0, 0, 0, data, null);
        }
        assertEquals(Nbd.STRUCTURED_REPLY_MAGIC, magic, "reply magic");
        int flags = in.readUnsignedShort();
        int type = in.readUnsignedShort();
        long cookie = in.readLong();
        int length = in.readInt();
        return switch (type) {
            case Nbd.REPLY_TYPE_NONE -> {
                assertEquals(0, length, "NONE chunk length");
                yield new Reply(true, cookie, 0, flags, type, 0, new byte[0], null);
            }
            case Nbd.REPLY_TYPE_OFFSET_DATA -> {
                long offset = in.readLong();
                byte[] data = new byte[length - 8];
                in.readFully(data);
                yield new Reply(true, cookie, 0, flags, type, offset, data, null);
            }
            case Nbd.REPLY_TYPE_ERROR -> {
                int error = in.readInt();
                byte[] message = new byte[in.readUnsignedShort()];
                in.readFully(message);
                assertEquals(6 + message.length, length, "ERROR chunk length");
                yield new Reply(true, cookie, error, flags, type, 0, new byte[0], new String(message, StandardCharsets.UTF_8));
            }
            default -> throw new AssertionError("unexpected chunk type " + type);
        };
    }

    /** One request, flushed, and its (final) reply. */
    Reply call(int flags, int type, long offset, long length, byte[] payload) throws IOException {
        long cookie = System.nanoTime();
        request(flags, type, cookie, offset, length, payload);
        flush();
        Reply r = reply();
        assertEquals(cookie, r.cookie(), "cookie");
        return r;
    }

    byte[] read(long offset, int length) throws IOException {
        Reply r = call(0, Nbd.CMD_READ, offset, length, null);
        assertEquals(0, r.error(), () -> "read failed: " + r);
        return r.data();
    }

    void write(long offset, byte[] data) throws IOException {
        Reply r = call(0, Nbd.CMD_WRITE, offset, data.length, data);
        assertEquals(0, r.error(), () -> "write failed: " + r);
    }

    /** True if the server closed the connection (end of stream) within the socket timeout. */
    boolean serverClosed() throws IOException {
        try {
            return in.read() < 0;
        } catch (EOFException | java.net.SocketException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
