package io.asys.internal.uring;

/**
 * Layout of {@code struct statx} (256 bytes), as statx(2) and IORING_OP_STATX fill it.
 * <pre>
 *   0 stx_mask (u32)        4 stx_blksize (u32)     8 stx_attributes (u64)
 *  16 stx_nlink (u32)      20 stx_uid (u32)        24 stx_gid (u32)       28 stx_mode (u16)
 *  32 stx_ino (u64)        40 stx_size (u64)       48 stx_blocks (u64)    56 stx_attributes_mask (u64)
 *  64 stx_atime  80 stx_btime  96 stx_ctime  112 stx_mtime   (each: tv_sec s64, tv_nsec u32, pad)
 * 128 stx_rdev_major (u32) 132 stx_rdev_minor     136 stx_dev_major      140 stx_dev_minor
 * 144 stx_mnt_id (u64)    152 stx_dio_mem_align (u32) 156 stx_dio_offset_align (u32)
 * </pre>
 */
public final class StatxDescriptor {
    public static final int SIZE = 256;
    public static final long MASK = 0;
    public static final long BLKSIZE = 4;
    public static final long ATTRIBUTES = 8;
    public static final long NLINK = 16;
    public static final long UID = 20;
    public static final long GID = 24;
    public static final long MODE = 28;
    public static final long INO = 32;
    public static final long SIZE_FIELD = 40;
    public static final long BLOCKS = 48;
    public static final long ATIME = 64;
    public static final long BTIME = 80;
    public static final long CTIME = 96;
    public static final long MTIME = 112;
    public static final long TS_SEC = 0;
    public static final long TS_NSEC = 8;
    public static final long DEV_MAJOR = 136;
    public static final long DEV_MINOR = 140;
    public static final long MNT_ID = 144;

    private StatxDescriptor() {
    }
}
