/*
 * meta_bench: file-metadata operations on a tree of files, plain syscalls or liburing.
 *
 * Peer baseline for `asys bench --op statx|openclose|mkdir-unlink`. Same tree, same
 * operations, same counting:
 *   statx        statx(AT_FDCWD, abs path, 0, STATX_BASIC_STATS)              1 op per statx
 *   openclose    openat(AT_FDCWD, abs path, O_RDONLY|O_CLOEXEC) then close(fd)  1 op per pair
 *   mkdir-unlink mkdirat(AT_FDCWD, DIR/d<i>/.asys-cmkdir-<slot>, 0755) then
 *                unlinkat(AT_FDCWD, same, AT_REMOVEDIR)                         1 op per pair
 * Files are visited in order d0/f0, d0/f1, ..., d99/f<n-1>, then again; mkdir-unlink cycles
 * through d0..d99.
 *
 * --mode sync:  the calls one after the other on this thread.
 * --mode uring: liburing, --qd file operations in progress (the close/unlink of a pair is
 *               submitted once its open/mkdir has completed), --batch SQEs per submit
 *               (default: qd), io_uring_submit_and_wait(ring, 1) then reap every ready CQE.
 *               --flags tuned (default): SINGLE_ISSUER|DEFER_TASKRUN|COOP_TASKRUN (dropped on
 *               EINVAL) + io_uring_register_ring_fd, as asys sets up its rings; default: none.
 *
 * The tree is DIR/d0..d99/f0..f<files/100-1> (empty files). This program does not create it:
 * `asys bench --op statx --dir DIR --files N --ops 1` does; a missing tree is refused.
 *
 * Usage: meta_bench --op OP [--mode sync|uring] [--qd N] [--batch N] [--dir D] [--files N]
 *                   [--seconds S] [--flags default|tuned]
 * Prints one JSON line: tool, mode, op, qd, files, ops, seconds, iops, cpu_us_per_op, errors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef IORING_SETUP_COOP_TASKRUN
#define IORING_SETUP_COOP_TASKRUN (1U << 8)
#endif
#ifndef IORING_SETUP_SINGLE_ISSUER
#define IORING_SETUP_SINGLE_ISSUER (1U << 12)
#endif
#ifndef IORING_SETUP_DEFER_TASKRUN
#define IORING_SETUP_DEFER_TASKRUN (1U << 13)
#endif

#define DIRS 100
enum { OP_STATX, OP_OPENCLOSE, OP_MKDIR_UNLINK };

static double now_sec(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_sec(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static void usage(const char *prog) {
    fprintf(stderr, "usage: %s --op statx|openclose|mkdir-unlink [--mode sync|uring] [--qd N] [--batch N]\n"
                    "       [--dir D] [--files N] [--seconds S] [--flags default|tuned]\n", prog);
    exit(2);
}

/* n strings built by fmt into one block; returns the array of pointers. */
static char **paths_alloc(size_t n, size_t maxlen, char **block) {
    *block = malloc(n * maxlen);
    char **p = malloc(n * sizeof(char *));
    if (!*block || !p) { perror("malloc"); exit(1); }
    for (size_t i = 0; i < n; i++) p[i] = *block + i * maxlen;
    return p;
}

static unsigned long long errors;
static int first_error;

static void record_error(int err) {
    if (errors++ == 0) first_error = err;
}

int main(int argc, char **argv) {
    const char *op_name = NULL, *mode = "sync", *dir = "/var/tmp/asys-tree", *flags_name = "tuned";
    long files = 100000, qd = 32, batch = 0;
    double seconds = 5.0;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (i + 1 >= argc) usage(argv[0]);
        const char *v = argv[++i];
        if (!strcmp(a, "--op")) op_name = v;
        else if (!strcmp(a, "--mode")) mode = v;
        else if (!strcmp(a, "--dir")) dir = v;
        else if (!strcmp(a, "--flags")) flags_name = v;
        else if (!strcmp(a, "--files")) files = strtol(v, NULL, 10);
        else if (!strcmp(a, "--qd")) qd = strtol(v, NULL, 10);
        else if (!strcmp(a, "--batch")) batch = strtol(v, NULL, 10);
        else if (!strcmp(a, "--seconds")) seconds = strtod(v, NULL);
        else usage(argv[0]);
    }
    int op;
    if (!op_name) usage(argv[0]);
    else if (!strcmp(op_name, "statx")) op = OP_STATX;
    else if (!strcmp(op_name, "openclose")) op = OP_OPENCLOSE;
    else if (!strcmp(op_name, "mkdir-unlink")) op = OP_MKDIR_UNLINK;
    else usage(argv[0]);
    int uring = !strcmp(mode, "uring");
    if (!uring && strcmp(mode, "sync")) usage(argv[0]);
    if (strcmp(flags_name, "tuned") && strcmp(flags_name, "default")) usage(argv[0]);
    if (files < DIRS || files % DIRS) { fprintf(stderr, "--files must be a multiple of 100, at least 100\n"); return 2; }
    if (qd < 1 || qd > 4096) { fprintf(stderr, "--qd must be 1..4096\n"); return 2; }
    if (batch == 0) batch = qd;
    if (batch < 1 || batch > 4096) { fprintf(stderr, "--batch must be 1..4096\n"); return 2; }
    if (seconds <= 0) { fprintf(stderr, "--seconds must be > 0\n"); return 2; }
    if (!uring) qd = 1;

    long per_dir = files / DIRS;
    size_t maxlen = strlen(dir) + 64;
    char *check = malloc(maxlen);
    struct stat st;
    snprintf(check, maxlen, "%s/d0/f0", dir);
    int ok = stat(check, &st) == 0;
    if (ok) {
        snprintf(check, maxlen, "%s/d%d/f%ld", dir, DIRS - 1, per_dir - 1);
        ok = stat(check, &st) == 0;
    }
    if (!ok) {
        fprintf(stderr, "meta_bench: tree %s has no %s: create it with\n"
                        "  ./asys bench --op statx --dir %s --files %ld --ops 1\n", dir, check, dir, files);
        return 1;
    }

    /* Every path built before the run. */
    char *file_block, *scratch_block;
    char **file_paths = paths_alloc(files, maxlen, &file_block);
    for (long k = 0; k < files; k++)
        snprintf(file_paths[k], maxlen, "%s/d%ld/f%ld", dir, k / per_dir, k % per_dir);
    /* scratch[slot * DIRS + d]; leftovers of an interrupted run removed first */
    char **scratch = paths_alloc((size_t)qd * DIRS, maxlen, &scratch_block);
    for (long s = 0; s < qd; s++)
        for (int d = 0; d < DIRS; d++) {
            char *p = scratch[s * DIRS + d];
            snprintf(p, maxlen, "%s/d%d/.asys-cmkdir-%ld", dir, d, s);
            if (op == OP_MKDIR_UNLINK) rmdir(p);
        }

    unsigned long long ops = 0;
    long next_file = 0;
    int next_dir = 0;
    unsigned setup_flags = 0;
    int ring_fd_registered = 0;
    double cpu0 = cpu_sec();
    double start = now_sec(), deadline = start + seconds, end = start;

    if (!uring) {
        struct statx stx;
        for (;;) {
            for (int i = 0; i < 64; i++) {
                if (op == OP_STATX) {
                    if (statx(AT_FDCWD, file_paths[next_file], 0, STATX_BASIC_STATS, &stx) < 0) record_error(errno);
                    if (++next_file == files) next_file = 0;
                } else if (op == OP_OPENCLOSE) {
                    int fd = openat(AT_FDCWD, file_paths[next_file], O_RDONLY | O_CLOEXEC);
                    if (fd < 0) record_error(errno);
                    else if (close(fd) < 0) record_error(errno);
                    if (++next_file == files) next_file = 0;
                } else {
                    const char *p = scratch[next_dir];
                    if (++next_dir == DIRS) next_dir = 0;
                    if (mkdirat(AT_FDCWD, p, 0755) < 0) record_error(errno);
                    else if (unlinkat(AT_FDCWD, p, AT_REMOVEDIR) < 0) record_error(errno);
                }
            }
            ops += 64;
            end = now_sec();
            if (end >= deadline) break;
        }
    } else {
        unsigned entries = 8;
        while (entries < (unsigned)qd) entries <<= 1;
        struct io_uring ring;
        int ret;
        if (!strcmp(flags_name, "tuned")) {
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
        if (ret < 0) { fprintf(stderr, "io_uring_queue_init: %s\n", strerror(-ret)); return 1; }
        if (!strcmp(flags_name, "tuned")) ring_fd_registered = io_uring_register_ring_fd(&ring) == 1;

        /* A context is one file operation in progress: stage 0 = first call in flight, 1 = second. */
        int *stage = calloc(qd, sizeof(int)), *arg = calloc(qd, sizeof(int));
        int *free_ctx = malloc(qd * sizeof(int)), *pending = malloc(qd * sizeof(int));
        struct statx *stx = calloc(qd, sizeof(struct statx));
        int nfree = qd, npending = 0, stopping = 0;
        for (int c = 0; c < qd; c++) free_ctx[c] = qd - 1 - c;

        for (;;) {
            int prepared = 0;
            struct io_uring_sqe *sqe;
            while (npending > 0) {
                sqe = io_uring_get_sqe(&ring);
                if (!sqe) {
                    io_uring_submit(&ring);
                    prepared = 0;
                    sqe = io_uring_get_sqe(&ring);
                    if (!sqe) { fprintf(stderr, "SQ ring full\n"); return 1; }
                }
                int c = pending[--npending];
                if (op == OP_OPENCLOSE) io_uring_prep_close(sqe, arg[c]);
                else io_uring_prep_unlinkat(sqe, AT_FDCWD, scratch[arg[c]], AT_REMOVEDIR);
                io_uring_sqe_set_data64(sqe, c);
                stage[c] = 1;
                if (++prepared == batch) { io_uring_submit(&ring); prepared = 0; }
            }
            while (nfree > 0 && !stopping) {
                sqe = io_uring_get_sqe(&ring);
                if (!sqe) break;
                int c = free_ctx[--nfree];
                if (op == OP_STATX) {
                    io_uring_prep_statx(sqe, AT_FDCWD, file_paths[next_file], 0, STATX_BASIC_STATS, &stx[c]);
                    if (++next_file == files) next_file = 0;
                } else if (op == OP_OPENCLOSE) {
                    io_uring_prep_openat(sqe, AT_FDCWD, file_paths[next_file], O_RDONLY | O_CLOEXEC, 0);
                    if (++next_file == files) next_file = 0;
                } else {
                    arg[c] = c * DIRS + next_dir;
                    if (++next_dir == DIRS) next_dir = 0;
                    io_uring_prep_mkdirat(sqe, AT_FDCWD, scratch[arg[c]], 0755);
                }
                io_uring_sqe_set_data64(sqe, c);
                stage[c] = 0;
                if (++prepared == batch) { io_uring_submit(&ring); prepared = 0; }
            }
            if (nfree == qd) break;
            ret = io_uring_submit_and_wait(&ring, 1);
            if (ret < 0 && ret != -EINTR && ret != -EAGAIN && ret != -EBUSY) {
                fprintf(stderr, "io_uring_submit_and_wait: %s\n", strerror(-ret));
                return 1;
            }
            struct io_uring_cqe *cqe;
            unsigned head, seen = 0;
            io_uring_for_each_cqe(&ring, head, cqe) {
                seen++;
                int c = (int)cqe->user_data;
                if (op != OP_STATX && stage[c] == 0 && cqe->res >= 0) {
                    if (op == OP_OPENCLOSE) arg[c] = cqe->res;
                    pending[npending++] = c;
                    continue;
                }
                ops++;
                if (cqe->res < 0) record_error(-cqe->res);
                free_ctx[nfree++] = c;
            }
            io_uring_cq_advance(&ring, seen);
            end = now_sec();
            if (end >= deadline) stopping = 1;
        }
        io_uring_queue_exit(&ring);
    }

    double elapsed = end - start;
    double cpu = cpu_sec() - cpu0;
    printf("{\"tool\":\"c\",\"mode\":\"%s\",\"op\":\"%s\",\"qd\":%ld,\"batch\":%ld,\"flags\":\"%s\","
           "\"setup_flags\":\"0x%x\",\"ring_fd_registered\":%s,\"dir\":\"%s\",\"files\":%ld,"
           "\"ops\":%llu,\"seconds\":%.3f,\"iops\":%.0f,\"cpu_us_per_op\":%.3f,\"errors\":%llu",
           mode, op_name, qd, uring ? batch : 1, uring ? flags_name : "none", setup_flags,
           ring_fd_registered ? "true" : "false", dir, files, ops, elapsed, (double)ops / elapsed,
           ops ? cpu * 1e6 / (double)ops : 0.0, errors);
    if (errors) printf(",\"first_error\":\"%s\"", strerror(first_error));
    printf("}\n");
    free(file_paths); free(file_block); free(scratch); free(scratch_block); free(check);
    return errors ? 1 : 0;
}
