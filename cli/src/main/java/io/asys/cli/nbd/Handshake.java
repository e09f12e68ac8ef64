package io.asys.cli.nbd;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The fixed newstyle handshake of one connection: the greeting, the client's flags, then
 * options until NBD_OPT_GO or NBD_OPT_EXPORT_NAME enters the transmission phase (or
 * NBD_OPT_ABORT, end of stream, a bad magic, or silence past the timeout ends it). Supports
 * EXPORT_NAME, ABORT, LIST, INFO, GO and STRUCTURED_REPLY; any other option gets
 * NBD_REP_ERR_UNSUP. A loop over whole messages in the receive buffer (never recursion), run by
 * one thread at a time.
 */
final class Handshake {
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** Longest option payload accepted: a 4096-byte name plus info requests, with room to spare. */
    static final int MAX_OPTION = 16 << 10;

    private enum State { CLIENT_FLAGS, OPTION_HEADER, OPTION_DATA, DONE }

    private final Connection c;
    private final RecvBuffer in;
    private State state = State.CLIENT_FLAGS;
    private boolean noZeroes;
    private boolean fixed;
    private int option;
    private int optionLength;

    Handshake(Connection c) {
        this.c = c;
        this.in = c.in;
    }

    void run() {
        MemorySegment greeting = Arena.ofAuto().allocate(18);
        greeting.set(Wire.U64, 0, Nbd.NBDMAGIC);
        greeting.set(Wire.U64, 8, Nbd.IHAVEOPT);
        greeting.set(Wire.U16, 16, (short) (Nbd.FLAG_FIXED_NEWSTYLE | Nbd.FLAG_NO_ZEROES));
        send(greeting);
        loop();
    }

    private void send(MemorySegment bytes) {
        c.begin(0);
        c.reply(bytes, 0, null);
    }

    private void loop() {
        while (state != State.DONE) {
            if (!c.isReceiving()) {
                return;
            }
            int need = switch (state) {
                case CLIENT_FLAGS -> 4;
                case OPTION_HEADER -> Wire.OPTION_HEADER_SIZE;
                case OPTION_DATA -> optionLength;
                case DONE -> 0;
            };
            if (in.available() < need) {
                in.receive(c.asys, c.socket, TIMEOUT).whenComplete((n, t) -> {
                    if (t != null || n == 0) {
                        c.stopReceiving(t == null ? null : "handshake: " + t.getMessage());
                    } else {
                        loop();
                    }
                });
                return;
            }
            step();
        }
    }

    private void step() {
        MemorySegment b = in.bytes;
        switch (state) {
            case CLIENT_FLAGS -> {
                long flags = Wire.u32(b, in.take(4));
                if ((flags & ~(long) (Nbd.FLAG_C_FIXED_NEWSTYLE | Nbd.FLAG_C_NO_ZEROES)) != 0) {
                    fail("unknown client flags 0x" + Long.toHexString(flags));
                    return;
                }
                fixed = (flags & Nbd.FLAG_C_FIXED_NEWSTYLE) != 0;
                noZeroes = (flags & Nbd.FLAG_C_NO_ZEROES) != 0;
                state = State.OPTION_HEADER;
            }
            case OPTION_HEADER -> {
                int at = in.take(Wire.OPTION_HEADER_SIZE);
                if (Wire.u64(b, at) != Nbd.IHAVEOPT) {
                    fail("bad option magic 0x" + Long.toHexString(Wire.u64(b, at)));
                    return;
                }
                option = b.get(Wire.U32, at + 8);
                long length = Wire.u32(b, at + 12);
                if (length > MAX_OPTION) {
                    fail("option " + option + " of " + length + " bytes is too long");
                    return;
                }
                optionLength = (int) length;
                state = State.OPTION_DATA;
            }
            case OPTION_DATA -> {
                int at = in.take(optionLength);
                state = State.OPTION_HEADER;
                option(b.asSlice(at, optionLength));
            }
            case DONE -> {
            }
        }
    }

    private void fail(String why) {
        state = State.DONE;
        c.stopReceiving("handshake: " + why);
    }

    private void option(MemorySegment data) {
        switch (option) {
            case Nbd.OPT_EXPORT_NAME -> exportName(data);
            case Nbd.OPT_ABORT -> {
                optionReply(Nbd.REP_ACK, null);
                state = State.DONE;
                c.stopReceiving(null);
            }
            case Nbd.OPT_LIST -> {
                if (data.byteSize() != 0) {
                    error(Nbd.REP_ERR_INVALID, "NBD_OPT_LIST takes no data");
                    return;
                }
                byte[] name = c.export.name.getBytes(StandardCharsets.UTF_8);
                MemorySegment s = Arena.ofAuto().allocate(4 + name.length);
                s.set(Wire.U32, 0, name.length);
                MemorySegment.copy(name, 0, s, java.lang.foreign.ValueLayout.JAVA_BYTE, 4, name.length);
                optionReply(Nbd.REP_SERVER, s);
                optionReply(Nbd.REP_ACK, null);
            }
            case Nbd.OPT_INFO, Nbd.OPT_GO -> infoOrGo(data);
            case Nbd.OPT_STRUCTURED_REPLY -> {
                if (data.byteSize() != 0) {
                    error(Nbd.REP_ERR_INVALID, "NBD_OPT_STRUCTURED_REPLY takes no data");
                    return;
                }
                c.structured = true;
                optionReply(Nbd.REP_ACK, null);
            }
            case Nbd.OPT_STARTTLS -> error(Nbd.REP_ERR_POLICY, "TLS is not supported by this server");
            default -> {
                if (!fixed) {
                    // Plain newstyle clients cannot take an error reply: the only answer is to hang up.
                    fail("unknown option " + option + " from a client without fixed newstyle");
                    return;
                }
                error(Nbd.REP_ERR_UNSUP, "option " + option + " is not supported");
            }
        }
    }

    private void exportName(MemorySegment data) {
        String name = new String(data.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
        if (!knownExport(name)) {
            // NBD_OPT_EXPORT_NAME has no error reply: the specification asks for a hard disconnect.
            fail("unknown export '" + name + "'");
            return;
        }
        MemorySegment s = Arena.ofAuto().allocate(noZeroes ? 10 : 134);
        s.set(Wire.U64, 0, c.export.size);
        s.set(Wire.U16, 8, (short) c.export.transmissionFlags(c.structured));
        send(s);
        enterTransmission();
    }

    private void infoOrGo(MemorySegment data) {
        long size = data.byteSize();
        if (size < 6) {
            error(Nbd.REP_ERR_INVALID, "option data too short");
            return;
        }
        long nameLength = Wire.u32(data, 0);
        if (nameLength > size - 6) {
            error(Nbd.REP_ERR_INVALID, "export name length past the option's data");
            return;
        }
        String name = new String(data.asSlice(4, nameLength).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
        int requests = Wire.u16(data, 4 + nameLength);
        if (size != 4 + nameLength + 2 + 2L * requests) {
            error(Nbd.REP_ERR_INVALID, "option length does not match its " + requests + " information requests");
            return;
        }
        if (!knownExport(name)) {
            error(Nbd.REP_ERR_UNKNOWN, "no export named '" + name + "'");
            return;
        }
        boolean wantName = false;
        boolean wantDescription = false;
        for (int i = 0; i < requests; i++) {
            int type = Wire.u16(data, 4 + nameLength + 2 + 2L * i);
            wantName |= type == Nbd.INFO_NAME;
            wantDescription |= type == Nbd.INFO_DESCRIPTION;
        }
        MemorySegment export = Arena.ofAuto().allocate(12);
        export.set(Wire.U16, 0, (short) Nbd.INFO_EXPORT);
        export.set(Wire.U64, 2, c.export.size);
        export.set(Wire.U16, 10, (short) c.export.transmissionFlags(c.structured));
        optionReply(Nbd.REP_INFO, export);
        MemorySegment blocks = Arena.ofAuto().allocate(14);
        blocks.set(Wire.U16, 0, (short) Nbd.INFO_BLOCK_SIZE);
        blocks.set(Wire.U32, 2, c.export.minimumBlock());
        blocks.set(Wire.U32, 6, c.export.preferredBlock());
        blocks.set(Wire.U32, 10, Export.MAX_PAYLOAD);
        optionReply(Nbd.REP_INFO, blocks);
        if (wantName) {
            optionReply(Nbd.REP_INFO, infoString(Nbd.INFO_NAME, c.export.name));
        }
        if (wantDescription) {
            optionReply(Nbd.REP_INFO, infoString(Nbd.INFO_DESCRIPTION, c.export.description));
        }
        optionReply(Nbd.REP_ACK, null);
        if (option == Nbd.OPT_GO) {
            enterTransmission();
        }
    }

    private static MemorySegment infoString(int type, String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        MemorySegment s = Arena.ofAuto().allocate(2 + utf8.length);
        s.set(Wire.U16, 0, (short) type);
        MemorySegment.copy(utf8, 0, s, java.lang.foreign.ValueLayout.JAVA_BYTE, 2, utf8.length);
        return s;
    }

    private boolean knownExport(String name) {
        return name.isEmpty() || name.equals(c.export.name);
    }

    private void enterTransmission() {
        state = State.DONE;
        c.startTransmission();
    }

    private void error(int type, String message) {
        optionReply(type, infoMessage(message));
    }

    private static MemorySegment infoMessage(String message) {
        byte[] utf8 = message.getBytes(StandardCharsets.UTF_8);
        MemorySegment s = Arena.ofAuto().allocate(Math.max(1, utf8.length));
        MemorySegment.copy(utf8, 0, s, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, utf8.length);
        return s.asSlice(0, utf8.length);
    }

    private void optionReply(int type, MemorySegment data) {
        long length = data == null ? 0 : data.byteSize();
        MemorySegment s = Arena.ofAuto().allocate(Wire.OPTION_REPLY_HEADER_SIZE + length);
        Wire.optionReply(s, 0, option, type, (int) length);
        if (data != null) {
            MemorySegment.copy(data, 0, s, Wire.OPTION_REPLY_HEADER_SIZE, length);
        }
        send(s);
    }
}
