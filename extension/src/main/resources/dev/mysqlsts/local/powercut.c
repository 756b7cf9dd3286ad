/*
 * The power-cut layer of mysql-statefulset-junit: preloaded into LOCAL's servers so that faults.powerCut() can take
 * back what a real power cut takes back. A SIGKILL keeps the kernel's page cache; a power cut loses every write that
 * was not made durable. Hand-written because the faithful tool for it, LazyFS (FUSE), is not packaged, and a preload
 * library needs neither root nor a mount (docs/power-cut.md).
 *
 * Before each write to a file under $MYSQLSTS_POWERCUT_ROOT (the pod's volume), it appends to that file's undo
 * journal in $MYSQLSTS_POWERCUT_JOURNALS (named <pid>-<st_dev>-<st_ino>) what a power cut would take back: first the
 * file's size when it was last made durable ('S'), then the bytes each write replaces below that size ('W'). fsync,
 * fdatasync, sync and syncfs make writes durable: the file's journal is emptied. After the cut, the harness applies
 * a journal backwards and truncates the file to the size in its 'S' record (PowerCutJournals.java).
 *
 * Not seen, so kept as if durable: writes to files opened O_SYNC, O_DSYNC or O_DIRECT (they flush or bypass the page
 * cache), asynchronous I/O (libaio, io_uring: InnoDB's page writes, which its redo log, written first, protects),
 * mmap, and metadata (creations, renames and deletions are kept, as a journaling file system keeps them).
 * Its own I/O goes through raw system calls, so that neither this library nor libfiu sees it.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#define FDS 65536
#define FILES 4096
#define CHUNK 65536

struct tracked { dev_t dev; ino_t ino; int journal; off_t durable; };
#define GONE ((ino_t) -1) /* a forgotten entry: lookups probe past it, a new inode may take it */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char root[PATH_MAX], journals[PATH_MAX - 64];
static size_t root_length;
static int enabled;
/* per fd: the inode it was last seen on (0: look again), and what it is: OUTSIDE the root, UNBUFFERED (under it but
 * opened O_SYNC, O_DSYNC or O_DIRECT: its writes are durable, its fsync still ends an earlier buffered era), TRACKED,
 * or TRACKED_APPEND (opened O_APPEND: a write goes to the end) */
enum { OUTSIDE, UNBUFFERED, TRACKED, TRACKED_APPEND };
static ino_t fd_inode[FDS];
static char fd_kind[FDS];
static struct tracked files[FILES];

static ssize_t (*real_write)(int, const void *, size_t);
static ssize_t (*real_pwrite)(int, const void *, size_t, off_t);
static ssize_t (*real_pwrite64)(int, const void *, size_t, off64_t);
static ssize_t (*real_writev)(int, const struct iovec *, int);
static ssize_t (*real_pwritev)(int, const struct iovec *, int, off_t);
static ssize_t (*real_pwritev64)(int, const struct iovec *, int, off64_t);
static int (*real_ftruncate)(int, off_t);
static int (*real_ftruncate64)(int, off64_t);
static int (*real_fsync)(int);
static int (*real_fdatasync)(int);
static void (*real_sync)(void);
static int (*real_syncfs)(int);
static int (*real_unlink)(const char *);
static int (*real_unlinkat)(int, const char *, int);
static int (*real_rename)(const char *, const char *);
static int (*real_renameat)(int, const char *, int, const char *);
static int (*real_close)(int);
static int (*real_fcntl)(int, int, ...);
static int (*real_fcntl64)(int, int, ...);

__attribute__((constructor)) static void init(void) {
    real_write = dlsym(RTLD_NEXT, "write");
    real_pwrite = dlsym(RTLD_NEXT, "pwrite");
    real_pwrite64 = dlsym(RTLD_NEXT, "pwrite64");
    real_writev = dlsym(RTLD_NEXT, "writev");
    real_pwritev = dlsym(RTLD_NEXT, "pwritev");
    real_pwritev64 = dlsym(RTLD_NEXT, "pwritev64");
    real_ftruncate = dlsym(RTLD_NEXT, "ftruncate");
    real_ftruncate64 = dlsym(RTLD_NEXT, "ftruncate64");
    real_fsync = dlsym(RTLD_NEXT, "fsync");
    real_fdatasync = dlsym(RTLD_NEXT, "fdatasync");
    real_sync = dlsym(RTLD_NEXT, "sync");
    real_syncfs = dlsym(RTLD_NEXT, "syncfs");
    real_unlink = dlsym(RTLD_NEXT, "unlink");
    real_unlinkat = dlsym(RTLD_NEXT, "unlinkat");
    real_rename = dlsym(RTLD_NEXT, "rename");
    real_renameat = dlsym(RTLD_NEXT, "renameat");
    real_close = dlsym(RTLD_NEXT, "close");
    real_fcntl = dlsym(RTLD_NEXT, "fcntl");
    real_fcntl64 = dlsym(RTLD_NEXT, "fcntl64");
    const char *r = getenv("MYSQLSTS_POWERCUT_ROOT"), *j = getenv("MYSQLSTS_POWERCUT_JOURNALS");
    if (r && j && *r && *j && strlen(r) < PATH_MAX - 1 && strlen(j) < sizeof journals) {
        snprintf(root, sizeof root, "%s/", r);
        root_length = strlen(root);
        snprintf(journals, sizeof journals, "%s", j);
        enabled = 1;
    }
}

static int raw_fstat(int fd, struct stat *st) { return (int) syscall(SYS_fstat, fd, st); }

static ssize_t raw_write_all(int fd, const void *data, size_t length) {
    const char *p = data;
    while (length > 0) {
        ssize_t n = syscall(SYS_write, fd, p, length);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        p += n;
        length -= (size_t) n;
    }
    return 0;
}

/* What fd is (see fd_kind), from its path and open flags, looked at once per fd and inode; fills st. */
static int kind_of(int fd, struct stat *st) {
    if (!enabled || fd < 0 || raw_fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) return OUTSIDE;
    if (fd < FDS && __atomic_load_n(&fd_inode[fd], __ATOMIC_ACQUIRE) == st->st_ino) {
        return __atomic_load_n(&fd_kind[fd], __ATOMIC_ACQUIRE);
    }
    char link[64], path[PATH_MAX];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = syscall(SYS_readlink, link, path, sizeof path - 1);
    long flags = syscall(SYS_fcntl, fd, F_GETFL);
    int kind = OUTSIDE;
    if (n > 0 && (size_t) n > root_length && strncmp(path, root, root_length) == 0 && flags >= 0) {
        kind = flags & (O_DIRECT | O_DSYNC | O_SYNC) ? UNBUFFERED : flags & O_APPEND ? TRACKED_APPEND : TRACKED;
    }
    if (fd < FDS) {
        __atomic_store_n(&fd_kind[fd], (char) kind, __ATOMIC_RELEASE);
        __atomic_store_n(&fd_inode[fd], st->st_ino, __ATOMIC_RELEASE);
    }
    return kind;
}

/* The inode's entry, or NULL when it has none. */
static struct tracked *existing(const struct stat *st) {
    size_t start = (size_t) (st->st_ino * 31 + st->st_dev) % FILES;
    for (size_t i = 0; i < FILES; i++) {
        struct tracked *t = &files[(start + i) % FILES];
        if (t->ino == st->st_ino && t->dev == st->st_dev) return t;
        if (t->ino == 0) return NULL;
    }
    return NULL;
}

/* The inode's entry, made on first sight; NULL when the table is full (the writes are then kept as if durable). */
static struct tracked *entry(const struct stat *st) {
    size_t start = (size_t) (st->st_ino * 31 + st->st_dev) % FILES;
    struct tracked *free = NULL;
    for (size_t i = 0; i < FILES; i++) {
        struct tracked *t = &files[(start + i) % FILES];
        if (t->ino == st->st_ino && t->dev == st->st_dev) return t;
        if (t->ino == GONE && free == NULL) free = t;
        if (t->ino == 0) {
            if (free == NULL) free = t;
            break;
        }
    }
    if (free != NULL) {
        free->dev = st->st_dev;
        free->ino = st->st_ino;
        free->journal = -1;
    }
    return free;
}

static void journal_name(char *name, size_t size, dev_t dev, ino_t ino) {
    snprintf(name, size, "%s/%ld-%llu-%llu", journals, (long) syscall(SYS_getpid), (unsigned long long) dev,
             (unsigned long long) ino);
}

/* The file's writes so far are durable (or the file is gone): its journal is closed and removed. */
static void drop_journal(struct tracked *t) {
    if (t->journal < 0) return;
    syscall(SYS_close, t->journal);
    t->journal = -1;
    char name[PATH_MAX];
    journal_name(name, sizeof name, t->dev, t->ino);
    syscall(SYS_unlinkat, AT_FDCWD, name, 0);
}

/* The journal of t, with its 'S' record (the size now) written at the first write since the file was last made
 * durable. */
static int journal(struct tracked *t, int fd) {
    if (t->journal >= 0) return t->journal;
    struct stat now;
    if (raw_fstat(fd, &now) != 0) return -1;
    char name[PATH_MAX];
    journal_name(name, sizeof name, now.st_dev, now.st_ino);
    int j = (int) syscall(SYS_openat, AT_FDCWD, name, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
    if (j < 0) return -1;
    char record[9] = {'S'};
    int64_t size = now.st_size;
    memcpy(record + 1, &size, 8);
    if (raw_write_all(j, record, sizeof record) != 0) {
        syscall(SYS_close, j);
        return -1;
    }
    t->journal = j;
    t->durable = now.st_size;
    return j;
}

/* Records the bytes in [offset, offset + length) below the durable size, which a write or truncate will replace. */
static void remember(int fd, const struct stat *st, off_t offset, off_t length) {
    struct tracked *t = entry(st);
    if (t == NULL) return;
    int j = journal(t, fd);
    if (j < 0) return;
    off_t end = offset + length < t->durable ? offset + length : t->durable;
    static char old[CHUNK];
    for (off_t at = offset; at < end;) {
        size_t want = (size_t) (end - at < CHUNK ? end - at : CHUNK);
        ssize_t n = syscall(SYS_pread64, fd, old, want, at);
        if (n <= 0) break;
        char header[17] = {'W'};
        int64_t o = at, l = n;
        memcpy(header + 1, &o, 8);
        memcpy(header + 9, &l, 8);
        if (raw_write_all(j, header, sizeof header) != 0 || raw_write_all(j, old, (size_t) n) != 0) break;
        at += n;
    }
}

/* The file of fd was made durable: its journal is emptied, and its next write starts a new one. */
static void durable(int fd) {
    struct stat st;
    if (!enabled || fd < 0 || raw_fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return;
    if (fd < FDS && __atomic_load_n(&fd_inode[fd], __ATOMIC_ACQUIRE) == st.st_ino
            && __atomic_load_n(&fd_kind[fd], __ATOMIC_ACQUIRE) == OUTSIDE) {
        return; /* not under the root: nothing of it is journaled */
    }
    pthread_mutex_lock(&lock);
    struct tracked *t = existing(&st);
    if (t != NULL) drop_journal(t);
    pthread_mutex_unlock(&lock);
}

static void all_durable(void) {
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < FILES; i++) {
        drop_journal(&files[i]);
    }
    pthread_mutex_unlock(&lock);
}

/* A file under the root that is about to be deleted or replaced: its inode may be reused, so its entry goes. */
static void forget(int dirfd, const char *path) {
    struct stat st;
    if (!enabled || syscall(SYS_newfstatat, dirfd, path, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode)) return;
    pthread_mutex_lock(&lock);
    struct tracked *t = existing(&st);
    if (t != NULL) {
        drop_journal(t);
        t->ino = GONE;
        t->dev = 0;
    }
    pthread_mutex_unlock(&lock);
}

#define WRITING(fd, offset_expr, length, call)                                      \
    do {                                                                            \
        struct stat st;                                                             \
        int kind = kind_of(fd, &st);                                                \
        if (kind != TRACKED && kind != TRACKED_APPEND) return call;                 \
        pthread_mutex_lock(&lock);                                                  \
        remember(fd, &st, (offset_expr), (off_t) (length));                         \
        ssize_t result = call;                                                      \
        int saved = errno;                                                          \
        pthread_mutex_unlock(&lock);                                                \
        errno = saved;                                                              \
        return result;                                                              \
    } while (0)

/* Where a write() or writev() on fd lands: the end for O_APPEND (looked at under the lock), else the file offset. */
static off_t position(int fd, int kind) {
    struct stat now;
    if (kind == TRACKED_APPEND) return raw_fstat(fd, &now) == 0 ? now.st_size : 0;
    return (off_t) syscall(SYS_lseek, fd, 0, SEEK_CUR);
}

/* The size of fd under the lock, for a truncation. */
static off_t size_now(int fd) {
    struct stat now;
    return raw_fstat(fd, &now) == 0 ? now.st_size : 0;
}

static size_t total(const struct iovec *iov, int count) {
    size_t sum = 0;
    for (int i = 0; i < count; i++) sum += iov[i].iov_len;
    return sum;
}

ssize_t write(int fd, const void *buf, size_t n) {
    WRITING(fd, position(fd, kind), n, real_write(fd, buf, n));
}
ssize_t pwrite(int fd, const void *buf, size_t n, off_t at) {
    WRITING(fd, at, n, real_pwrite(fd, buf, n, at));
}
ssize_t pwrite64(int fd, const void *buf, size_t n, off64_t at) {
    WRITING(fd, at, n, real_pwrite64(fd, buf, n, at));
}
ssize_t writev(int fd, const struct iovec *iov, int c) {
    WRITING(fd, position(fd, kind), total(iov, c), real_writev(fd, iov, c));
}
ssize_t pwritev(int fd, const struct iovec *iov, int c, off_t at) {
    WRITING(fd, at, total(iov, c), real_pwritev(fd, iov, c, at));
}
ssize_t pwritev64(int fd, const struct iovec *iov, int c, off64_t at) {
    WRITING(fd, at, total(iov, c), real_pwritev64(fd, iov, c, at));
}

/* A truncation below the durable size takes bytes a power cut would bring back. */
int ftruncate(int fd, off_t length) {
    WRITING(fd, length, size_now(fd) > length ? size_now(fd) - length : 0, real_ftruncate(fd, length));
}
int ftruncate64(int fd, off64_t length) {
    WRITING(fd, length, size_now(fd) > length ? size_now(fd) - length : 0, real_ftruncate64(fd, length));
}

/* A closed fd may come back on the same inode with other flags (MariaDB reopens its redo log to switch O_DIRECT when
 * innodb_log_file_buffering changes): it is looked at again. */
int close(int fd) {
    if (fd >= 0 && fd < FDS) __atomic_store_n(&fd_inode[fd], 0, __ATOMIC_RELEASE);
    return real_close(fd);
}

/* F_SETFL may switch O_DIRECT or O_APPEND: the fd is looked at again. */
static int setting_flags(int fd, int cmd, void *arg, int (*real)(int, int, ...)) {
    int result = real(fd, cmd, arg);
    if (cmd == F_SETFL && fd >= 0 && fd < FDS) __atomic_store_n(&fd_inode[fd], 0, __ATOMIC_RELEASE);
    return result;
}

int fcntl(int fd, int cmd, ...) {
    va_list ap;
    va_start(ap, cmd);
    void *arg = va_arg(ap, void *); /* every fcntl argument is an int, a long or a pointer: one register */
    va_end(ap);
    return setting_flags(fd, cmd, arg, real_fcntl);
}

int fcntl64(int fd, int cmd, ...) {
    va_list ap;
    va_start(ap, cmd);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    return setting_flags(fd, cmd, arg, real_fcntl64 != NULL ? real_fcntl64 : real_fcntl);
}

int fsync(int fd) {
    int result = real_fsync(fd);
    if (result == 0) durable(fd);
    return result;
}

int fdatasync(int fd) {
    int result = real_fdatasync(fd);
    if (result == 0) durable(fd);
    return result;
}

void sync(void) {
    real_sync();
    all_durable();
}

int syncfs(int fd) {
    int result = real_syncfs(fd);
    if (result == 0) all_durable();
    return result;
}

int unlink(const char *path) {
    forget(AT_FDCWD, path);
    return real_unlink(path);
}

int unlinkat(int dirfd, const char *path, int flags) {
    if (!(flags & AT_REMOVEDIR)) forget(dirfd, path);
    return real_unlinkat(dirfd, path, flags);
}

int rename(const char *from, const char *to) {
    forget(AT_FDCWD, to);
    return real_rename(from, to);
}

int renameat(int fromdir, const char *from, int todir, const char *to) {
    forget(todir, to);
    return real_renameat(fromdir, from, todir, to);
}
