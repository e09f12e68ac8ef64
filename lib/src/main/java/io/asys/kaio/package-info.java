/**
 * KAIO, the kernel's asynchronous I/O interface ({@code io_setup}, {@code io_submit},
 * {@code io_getevents}, {@code io_cancel}, {@code io_destroy}), with libaio's shape and the
 * kernel's semantics, implemented on asys's generic engine so that buffered I/O is asynchronous
 * too; and the kernel's own AIO beside it, for comparison. Start at {@link io.asys.kaio.IoContext}.
 */
package io.asys.kaio;
