package io.asys.cli.hash;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * One running digest of one of the algorithms {@code asys hash} offers, fed with buffers in
 * file order. Not thread-safe: one per file, used by one thread at a time.
 */
public interface Digester {
    /** The algorithm names accepted by {@code --algo}. */
    List<String> ALGORITHMS = List.of("sha256", "sha512", "sha1", "md5", "crc32c");

    /** Adds the remaining bytes of {@code data} (heap or direct) and consumes them. */
    void update(ByteBuffer data);

    /** The digest in lower-case hex, as sha256sum and its siblings print it. */
    String hex();

    /** A new digester for {@code algo}, one of {@link #ALGORITHMS}. */
    static Digester of(String algo) {
        return switch (algo) {
            case "sha256" -> message("SHA-256");
            case "sha512" -> message("SHA-512");
            case "sha1" -> message("SHA-1");
            case "md5" -> message("MD5");
            case "crc32c" -> new Crc32c();
            default -> throw new IllegalArgumentException("unknown --algo '" + algo + "'; choose one of "
                    + String.join(", ", ALGORITHMS));
        };
    }

    private static Digester message(String name) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance(name);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK lacks " + name, e);
        }
        return new Digester() {
            @Override
            public void update(ByteBuffer data) {
                md.update(data);
            }

            @Override
            public String hex() {
                return HexFormat.of().formatHex(md.digest());
            }
        };
    }

    /** CRC-32C printed as 8 hex digits, most significant first (as {@code crc32c} tools print it). */
    final class Crc32c implements Digester {
        private final CRC32C crc = new CRC32C();

        @Override
        public void update(ByteBuffer data) {
            crc.update(data);
        }

        @Override
        public String hex() {
            return String.format("%08x", crc.getValue());
        }
    }
}
