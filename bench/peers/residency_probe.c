// Page cache residency: cachestat(2) against mincore(2) on a mapping, for pages whose read is
// still in flight, and what each call costs per MiB.
//
//   residency_probe FILE     (FILE of at least 1 GiB, e.g. /var/tmp/asys-nbd-bench.img; read only)
//
// First it drops 64 MiB in the middle of FILE from the cache (POSIX_FADV_DONTNEED; pages another
// process maps stay), starts readahead(2) on them and prints both counts five times, 1 ms apart:
// cachestat counts pages as soon as their read is submitted, mincore once they are up to date.
// Then the cost of each call over the first 1 GiB in 1 MiB ranges: mincore before and after this
// process has touched (mapped) every page. docs/nbd.md, "Resident, not merely cached".
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef __NR_cachestat
#define __NR_cachestat 451
#endif

#define MIB (1L << 20)
#define SPAN (1L << 30)
#define PAGE 4096L

struct cachestat_range { unsigned long long off, len; };
struct cachestat { unsigned long long nr_cache, nr_dirty, nr_writeback, nr_evicted, nr_recently_evicted; };

static double now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static long cached_pages(int fd, long off, long len) {
    struct cachestat_range r = { off, len };
    struct cachestat s;
    return syscall(__NR_cachestat, fd, &r, &s, 0) == 0 ? (long) s.nr_cache : -1;
}

static long resident_pages(char *map, long off, long len, unsigned char *vec) {
    if (mincore(map + off, len, vec) != 0) return -1;
    long n = 0;
    for (long i = 0; i < len / PAGE; i++) n += vec[i] & 1;
    return n;
}

static double cachestat_cost(int fd) {
    double t = now_us();
    for (long off = 0; off < SPAN; off += MIB) cached_pages(fd, off, MIB);
    return (now_us() - t) / (SPAN / MIB);
}

static double mincore_cost(char *map, unsigned char *vec) {
    double t = now_us();
    for (long off = 0; off < SPAN; off += MIB) resident_pages(map, off, MIB, vec);
    return (now_us() - t) / (SPAN / MIB);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: residency_probe FILE (at least 1 GiB)\n");
        return 2;
    }
    int fd = open(argv[1], O_RDONLY);
    if (fd < 0) { perror(argv[1]); return 1; }
    if (lseek(fd, 0, SEEK_END) < SPAN) { fprintf(stderr, "%s: shorter than 1 GiB\n", argv[1]); return 1; }
    char *map = mmap(NULL, SPAN, PROT_READ, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED) { perror("mmap"); return 1; }
    unsigned char *vec = malloc(SPAN / PAGE);
    if (!vec) return 1;

    long off = SPAN / 2, len = 64 * MIB;
    posix_fadvise(fd, off, len, POSIX_FADV_DONTNEED);
    long cached = cached_pages(fd, off, len);
    long resident = resident_pages(map, off, len, vec);
    printf("dropped 64 MiB: cachestat %ld pages, mincore %ld pages\n", cached, resident);
    if (readahead(fd, off, len) != 0) { perror("readahead"); return 1; }
    for (int i = 0; i < 5; i++) {
        long cached = cached_pages(fd, off, len);
        long resident = resident_pages(map, off, len, vec);
        printf("readahead + %d ms: cachestat %ld pages, mincore %ld pages (of %ld)\n", i, cached, resident, len / PAGE);
        usleep(1000);
    }

    printf("cachestat: %.2f us per MiB\n", cachestat_cost(fd));
    printf("mincore, pages not mapped by this process: %.2f us per MiB\n", mincore_cost(map, vec));
    volatile char sink = 0;
    for (long i = 0; i < SPAN; i += PAGE) sink += map[i];
    printf("mincore, every page mapped: %.2f us per MiB\n", mincore_cost(map, vec));
    return 0;
}
