// The copies of a large NBD WRITE outside any server: a child process sends 1 MiB messages over
// loopback TCP; this process receives each and writes it into FILE at the next MiB (wrapping at
// 1 GiB), either with recv into a buffer and pwrite (two copies), or with splice from the socket
// into a 1 MiB pipe and from the pipe into the file. Prints the receiver's CPU per MiB.
//
//   recv_write FILE recv|splice [MIB]    (FILE of at least 1 GiB; its first GiB is overwritten)
//
// docs/nbd.md, "Where 1 MiB writes stand".
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MIB (1L << 20)

static double cpu_us(void) {
    struct rusage r;
    getrusage(RUSAGE_SELF, &r);
    return (r.ru_utime.tv_sec + r.ru_stime.tv_sec) * 1e6 + r.ru_utime.tv_usec + r.ru_stime.tv_usec;
}

static void send_all(struct sockaddr_in *at, long count) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(s, (struct sockaddr *) at, sizeof *at) != 0) _exit(1);
    char *b = malloc(MIB);
    if (!b) _exit(1);
    memset(b, 3, MIB);
    for (long i = 0; i < count; i++)
        for (long done = 0; done < MIB;) {
            long n = send(s, b + done, MIB - done, 0);
            if (n <= 0) _exit(1);
            done += n;
        }
    close(s);
    _exit(0);
}

static int recv_and_pwrite(int s, int fd, char *buf, long off) {
    for (long got = 0; got < MIB;) {
        long n = recv(s, buf + got, MIB - got, MSG_WAITALL);
        if (n <= 0) return -1;
        got += n;
    }
    for (long done = 0; done < MIB;) {
        long n = pwrite(fd, buf + done, MIB - done, off + done);
        if (n <= 0) return -1;
        done += n;
    }
    return 0;
}

static int splice_through(int s, int fd, int pipe_r, int pipe_w, long off) {
    for (long got = 0; got < MIB;) {
        long n = splice(s, NULL, pipe_w, NULL, MIB - got, SPLICE_F_MOVE);
        if (n <= 0) return -1;
        for (long done = 0; done < n;) {
            loff_t at = off + got + done;
            long w = splice(pipe_r, NULL, fd, &at, n - done, SPLICE_F_MOVE);
            if (w <= 0) return -1;
            done += w;
        }
        got += n;
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 3 || (strcmp(argv[2], "recv") && strcmp(argv[2], "splice"))) {
        fprintf(stderr, "usage: recv_write FILE recv|splice [MIB]\n");
        return 2;
    }
    long count = argc > 3 ? atol(argv[3]) : 3000;
    if (count <= 0) {
        fprintf(stderr, "MIB must be a positive count\n");
        return 2;
    }
    int use_splice = strcmp(argv[2], "splice") == 0;
    int fd = open(argv[1], O_RDWR);
    if (fd < 0) { perror(argv[1]); return 1; }
    if (lseek(fd, 0, SEEK_END) < 1024 * MIB) { fprintf(stderr, "%s: shorter than 1 GiB\n", argv[1]); return 1; }

    int ls = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in at = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof at;
    if (bind(ls, (struct sockaddr *) &at, sizeof at) || listen(ls, 1) || getsockname(ls, (struct sockaddr *) &at, &len)) {
        perror("listen");
        return 1;
    }
    pid_t child = fork();
    if (child < 0) { perror("fork"); return 1; }
    if (child == 0) send_all(&at, count);
    int s = accept(ls, NULL, NULL);
    char *buf = aligned_alloc(4096, MIB);
    int p[2];
    if (s < 0 || !buf || pipe(p) != 0 || fcntl(p[1], F_SETPIPE_SZ, MIB) < MIB) { perror("setup"); return 1; }

    double c0 = cpu_us();
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (long i = 0; i < count; i++) {
        long off = (i % 1024) * MIB;
        errno = 0;
        if ((use_splice ? splice_through(s, fd, p[0], p[1], off) : recv_and_pwrite(s, fd, buf, off)) != 0) {
            if (errno) perror(argv[2]);
            else fprintf(stderr, "%s: the sender closed early\n", argv[2]);
            return 1;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double cpu = cpu_us() - c0;
    wait(NULL);
    double secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("%s: %.1f us of receiver CPU per MiB, %.0f MiB/s\n", argv[2], cpu / count, count / secs);
    return 0;
}
