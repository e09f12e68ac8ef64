/*
 * nop_uring: IORING_OP_NOP submit+reap throughput with liburing.
 *
 * Peer baseline for asys's Java NOP benchmark. Each iteration prepares
 * `batch` NOP SQEs, submits them with one io_uring_submit_and_wait(ring, batch)
 * call, then reaps exactly `batch` CQEs via io_uring_for_each_cqe +
 * io_uring_cq_advance. Runs for `seconds` wall-clock seconds (checked once per
 * iteration) and prints one JSON line.
 *
 * Usage: nop_uring [--batch N] [--seconds S] [--flags default|tuned]
 *   default: io_uring_queue_init with no setup flags.
 *   tuned:   IORING_SETUP_SINGLE_ISSUER|DEFER_TASKRUN|COOP_TASKRUN (dropping
 *            flags on EINVAL for older kernels), plus io_uring_register_ring_fd.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef IORING_SETUP_COOP_TASKRUN
#define IORING_SETUP_COOP_TASKRUN (1U << 8)
#endif
#ifndef IORING_SETUP_SINGLE_ISSUER
#define IORING_SETUP_SINGLE_ISSUER (1U << 12)
#endif
#ifndef IORING_SETUP_DEFER_TASKRUN
#define IORING_SETUP_DEFER_TASKRUN (1U << 13)
#endif

static double now_sec(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void usage(const char *prog) {
    fprintf(stderr, "usage: %s [--batch N] [--seconds S] [--flags default|tuned]\n", prog);
    exit(2);
}

int main(int argc, char **argv) {
    unsigned batch = 32;
    double seconds = 5.0;
    const char *flags_name = "default";

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--batch") && i + 1 < argc) {
            long v = strtol(argv[++i], NULL, 10);
            if (v < 1 || v > 4096) { fprintf(stderr, "--batch must be 1..4096\n"); return 2; }
            batch = (unsigned)v;
        } else if (!strcmp(argv[i], "--seconds") && i + 1 < argc) {
            seconds = strtod(argv[++i], NULL);
            if (seconds <= 0) { fprintf(stderr, "--seconds must be > 0\n"); return 2; }
        } else if (!strcmp(argv[i], "--flags") && i + 1 < argc) {
            flags_name = argv[++i];
            if (strcmp(flags_name, "default") && strcmp(flags_name, "tuned")) usage(argv[0]);
        } else {
            usage(argv[0]);
        }
    }
    int tuned = !strcmp(flags_name, "tuned");

    /* SQ ring sized to hold one full batch; CQ ring defaults to 2x entries. */
    unsigned entries = 1;
    while (entries < batch) entries <<= 1;

    struct io_uring ring;
    unsigned setup_flags = 0;
    int ret;
    if (tuned) {
        /* Try the full set, then progressively drop the newest flags on EINVAL. */
        const unsigned attempts[] = {
            IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_COOP_TASKRUN,
            IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_COOP_TASKRUN,
            IORING_SETUP_COOP_TASKRUN,
            0,
        };
        ret = -EINVAL;
        for (size_t k = 0; k < sizeof(attempts) / sizeof(attempts[0]); k++) {
            setup_flags = attempts[k];
            ret = io_uring_queue_init(entries, &ring, setup_flags);
            if (ret != -EINVAL) break;
        }
    } else {
        ret = io_uring_queue_init(entries, &ring, 0);
    }
    if (ret < 0) {
        fprintf(stderr, "io_uring_queue_init: %s\n", strerror(-ret));
        return 1;
    }

    int ring_fd_registered = 0;
    if (tuned) {
        ret = io_uring_register_ring_fd(&ring);
        if (ret == 1) ring_fd_registered = 1;
        else fprintf(stderr, "io_uring_register_ring_fd failed (%d), continuing\n", ret);
    }

    unsigned long long ops = 0;
    double start = now_sec();
    double deadline = start + seconds;
    double end;

    for (;;) {
        for (unsigned i = 0; i < batch; i++) {
            struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
            if (!sqe) { fprintf(stderr, "SQ ring full\n"); return 1; }
            io_uring_prep_nop(sqe);
            sqe->user_data = i;
        }
        ret = io_uring_submit_and_wait(&ring, batch);
        if (ret < 0) {
            fprintf(stderr, "io_uring_submit_and_wait: %s\n", strerror(-ret));
            return 1;
        }

        /* submit_and_wait guarantees >= batch CQEs are ready; loop defensively. */
        unsigned reaped = 0;
        while (reaped < batch) {
            struct io_uring_cqe *cqe;
            unsigned head, seen = 0;
            io_uring_for_each_cqe(&ring, head, cqe) {
                if (cqe->res < 0) {
                    fprintf(stderr, "nop cqe error: %s\n", strerror(-cqe->res));
                    return 1;
                }
                seen++;
            }
            io_uring_cq_advance(&ring, seen);
            reaped += seen;
            if (reaped < batch) {
                ret = io_uring_wait_cqe_nr(&ring, &cqe, batch - reaped);
                if (ret < 0) { fprintf(stderr, "io_uring_wait_cqe_nr: %s\n", strerror(-ret)); return 1; }
            }
        }
        ops += reaped;

        end = now_sec();
        if (end >= deadline) break;
    }

    double elapsed = end - start;
    printf("{\"tool\":\"liburing\",\"op\":\"nop\",\"batch\":%u,\"flags\":\"%s\","
           "\"setup_flags\":\"0x%x\",\"ring_fd_registered\":%s,"
           "\"ops\":%llu,\"seconds\":%.3f,\"iops\":%.0f}\n",
           batch, flags_name, setup_flags, ring_fd_registered ? "true" : "false",
           ops, elapsed, (double)ops / elapsed);

    io_uring_queue_exit(&ring);
    return 0;
}
