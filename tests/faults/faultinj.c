/* sceau tests — a fault-injection shim, loaded with LD_PRELOAD into the
 * sceau binary by tests/check_faults.c. Test-only: never installed.
 *
 * SCEAU_FAULT holds rules separated by ';', each
 *
 *     KIND[@SUBSTR]:N[+][:EFFECT]
 *
 * KIND    malloc (malloc, calloc, realloc, posix_memalign, aligned_alloc,
 *         memalign, strdup, strndup), write (write, pwrite, pwrite64),
 *         fsync (fsync, fdatasync), open (open, open64, openat, openat64,
 *         fopen, fopen64), rename (rename, renameat, renameat2, link).
 * @SUBSTR only calls on a path containing SUBSTR count (for write and
 *         fsync: the path of the file descriptor); not for malloc.
 * N       the N-th counted call (from 1) fails; with '+' it and every
 *         later one (a disk that stays full).
 * EFFECT  enomem (malloc; the default), short (write half of it, then
 *         return), enospc, eio, eacces, enoent, eintr, or sigterm,
 *         sigint, sigkill (raise that signal just before the call, which
 *         then goes ahead). The default for other kinds is eio.
 *
 * Counting starts when the shim is loaded. SCEAU_FAULT_REPORT=FILE appends
 * "fired KIND N" each time a rule fires, and at exit one line
 * "count malloc=A write=B fsync=C open=D rename=E" (the calls seen,
 * counted or not, of a whole run: what a sweep ranges over). With
 * SCEAU_FAULT_MARK=SUBSTR it also appends "mark malloc=A" when a path
 * containing SUBSTR is first opened: where a phase of the run starts.
 *
 * Under AddressSanitizer: the shim comes before libasan in the lookup
 * order, so run with ASAN_OPTIONS=verify_asan_link_order=0; its
 * allocator forwards to libasan's (found with dlsym(RTLD_NEXT)), so ASan
 * and LSan still see every block. strdup and strndup are defined here
 * because libasan's own versions allocate without calling malloc. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))

enum kind { K_MALLOC, K_WRITE, K_FSYNC, K_OPEN, K_RENAME, K_N };
static const char *const kind_names[K_N] = {"malloc", "write", "fsync", "open", "rename"};

enum effect {
	E_DEFAULT,
	E_ENOMEM,
	E_SHORT,
	E_ENOSPC,
	E_EIO,
	E_EACCES,
	E_ENOENT,
	E_EINTR,
	E_SIGTERM,
	E_SIGINT,
	E_SIGKILL
};
static const char *const effect_names[] = {"",        "enomem", "short",  "enospc",
					   "eio",     "eacces", "enoent", "eintr",
					   "sigterm", "sigint", "sigkill"};

#define MAX_RULES 8
struct rule {
	enum kind kind;
	char sub[128]; /* "" : every call */
	unsigned long n;
	int from_on;
	enum effect effect;
	unsigned long seen; /* counted calls */
};

static struct rule rules[MAX_RULES];
static int n_rules;
static unsigned long totals[K_N];
static int armed;
static char report_path[PATH_MAX];
static char mark[128];
/* Set while the shim itself works (readlink, formatting): no counting. */
static __thread int busy;

/* ---- the real functions ---------------------------------------------------- */

static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static void (*real_free)(void *);
static int (*real_posix_memalign)(void **, size_t, size_t);
static void *(*real_aligned_alloc)(size_t, size_t);
static void *(*real_memalign)(size_t, size_t);
static ssize_t (*real_write)(int, const void *, size_t);
static ssize_t (*real_pwrite)(int, const void *, size_t, off_t);
static ssize_t (*real_pwrite64)(int, const void *, size_t, off_t);
static int (*real_fsync)(int);
static int (*real_fdatasync)(int);
static int (*real_open)(const char *, int, ...);
static int (*real_open64)(const char *, int, ...);
static int (*real_openat)(int, const char *, int, ...);
static int (*real_openat64)(int, const char *, int, ...);
static FILE *(*real_fopen)(const char *, const char *);
static FILE *(*real_fopen64)(const char *, const char *);
static int (*real_rename)(const char *, const char *);
static int (*real_renameat)(int, const char *, int, const char *);
static int (*real_renameat2)(int, const char *, int, const char *, unsigned);
static int (*real_link)(const char *, const char *);

/* dlsym itself may allocate (its error buffer) before real_calloc is
 * known: those few blocks come from here and are never freed. */
static _Alignas(16) unsigned char boot[8192];
static size_t boot_used;
static int resolving;

static void *boot_alloc(size_t n)
{
	size_t at = (boot_used + 15) & ~(size_t)15;

	if (at + n > sizeof(boot))
		return NULL;
	boot_used = at + n;
	return boot + at;
}

static int in_boot(const void *p)
{
	return (const unsigned char *)p >= boot && (const unsigned char *)p < boot + sizeof(boot);
}

#define RESOLVE(name) (real_##name = (__typeof__(real_##name))dlsym(RTLD_NEXT, #name))

static void resolve(void)
{
	if (real_malloc || resolving)
		return;
	resolving = 1;
	RESOLVE(calloc);
	RESOLVE(realloc);
	RESOLVE(free);
	RESOLVE(posix_memalign);
	RESOLVE(aligned_alloc);
	RESOLVE(memalign);
	RESOLVE(write);
	RESOLVE(pwrite);
	RESOLVE(pwrite64);
	RESOLVE(fsync);
	RESOLVE(fdatasync);
	RESOLVE(open);
	RESOLVE(open64);
	RESOLVE(openat);
	RESOLVE(openat64);
	RESOLVE(fopen);
	RESOLVE(fopen64);
	RESOLVE(rename);
	RESOLVE(renameat);
	RESOLVE(renameat2);
	RESOLVE(link);
	RESOLVE(malloc); /* last: its being set means all are */
	resolving = 0;
}

/* ---- rules ----------------------------------------------------------------- */

static enum effect parse_effect(const char *s, size_t len)
{
	for (size_t i = 1; i < sizeof(effect_names) / sizeof(effect_names[0]); i++)
		if (strlen(effect_names[i]) == len && !strncmp(s, effect_names[i], len))
			return (enum effect)i;
	return E_DEFAULT;
}

static void parse_rule(const char *s, size_t len)
{
	struct rule r;
	const char *end = s + len, *p = s, *colon;
	size_t klen;
	char *num_end;

	memset(&r, 0, sizeof(r));
	colon = memchr(p, ':', len);
	if (!colon || n_rules >= MAX_RULES)
		return;
	{
		const char *at = memchr(p, '@', (size_t)(colon - p));
		klen = (size_t)((at ? at : colon) - p);
		if (at) {
			size_t sl = (size_t)(colon - at - 1);
			if (sl >= sizeof(r.sub))
				return;
			memcpy(r.sub, at + 1, sl);
		}
	}
	r.kind = K_N;
	for (int k = 0; k < K_N; k++)
		if (strlen(kind_names[k]) == klen && !strncmp(p, kind_names[k], klen))
			r.kind = (enum kind)k;
	if (r.kind == K_N)
		return;
	r.n = strtoul(colon + 1, &num_end, 10);
	if (num_end == colon + 1 || num_end > end || r.n == 0)
		return;
	p = num_end;
	if (p < end && *p == '+') {
		r.from_on = 1;
		p++;
	}
	if (p < end && *p == ':')
		r.effect = parse_effect(p + 1, (size_t)(end - p - 1));
	if (r.effect == E_DEFAULT)
		r.effect = r.kind == K_MALLOC ? E_ENOMEM : E_EIO;
	rules[n_rules++] = r;
}

/* Append a line to the report with raw system calls (no stdio, no malloc). */
static void report_line(const char *line)
{
	int fd;

	if (!report_path[0])
		return;
	fd = (int)syscall(SYS_openat, AT_FDCWD, report_path,
			  O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	syscall(SYS_write, fd, line, strlen(line));
	syscall(SYS_close, fd);
}

__attribute__((constructor)) static void init(void)
{
	const char *spec = getenv("SCEAU_FAULT"), *rep = getenv("SCEAU_FAULT_REPORT");
	const char *m = getenv("SCEAU_FAULT_MARK");

	busy++;
	resolve();

	if (rep && strlen(rep) < sizeof(report_path))
		memcpy(report_path, rep, strlen(rep) + 1);
	if (m && strlen(m) < sizeof(mark))
		memcpy(mark, m, strlen(m) + 1);
	while (spec && *spec) {
		const char *semi = strchr(spec, ';');
		size_t len = semi ? (size_t)(semi - spec) : strlen(spec);
		parse_rule(spec, len);
		spec = semi ? semi + 1 : NULL;
	}
	memset(totals, 0, sizeof(totals));
	armed = 1;
	busy--;
}

__attribute__((destructor)) static void fini(void)
{
	char line[256];

	busy++;
	snprintf(line, sizeof(line), "count malloc=%lu write=%lu fsync=%lu open=%lu rename=%lu\n",
		 totals[K_MALLOC], totals[K_WRITE], totals[K_FSYNC], totals[K_OPEN],
		 totals[K_RENAME]);
	report_line(line);
	busy--;
}

/* The path an open file descriptor names, into buf. */
static const char *fd_path(int fd, char *buf, size_t len)
{
	char link[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, buf, len - 1);
	buf[n > 0 ? (size_t)n : 0] = '\0';
	return buf;
}

/* Count a call of `kind` on `path` (NULL: none, or see fd); returns the
 * effect of the first rule that fires, else E_DEFAULT. */
static enum effect check(enum kind kind, const char *path, int fd)
{
	char buf[PATH_MAX];
	enum effect fired = E_DEFAULT;
	int e = errno;

	if (!armed || busy)
		return E_DEFAULT;
	busy++;
	__atomic_add_fetch(&totals[kind], 1, __ATOMIC_RELAXED);
	if (kind == K_OPEN && mark[0] && path && strstr(path, mark)) {
		char line[64];
		snprintf(line, sizeof(line), "mark malloc=%lu\n", totals[K_MALLOC]);
		report_line(line);
		mark[0] = '\0';
	}
	for (int i = 0; i < n_rules; i++) {
		struct rule *r = &rules[i];
		unsigned long seen;
		if (r->kind != kind)
			continue;
		if (r->sub[0]) {
			if (!path && fd >= 0)
				path = fd_path(fd, buf, sizeof(buf));
			if (!path || !strstr(path, r->sub))
				continue;
		}
		seen = __atomic_add_fetch(&r->seen, 1, __ATOMIC_RELAXED);
		if (fired == E_DEFAULT && (seen == r->n || (r->from_on && seen > r->n))) {
			char line[300];
			fired = r->effect;
			snprintf(line, sizeof(line), "fired %s:%lu:%s\n", kind_names[kind], seen,
				 effect_names[fired]);
			report_line(line);
		}
	}
	busy--;
	errno = e;
	switch (fired) {
	case E_SIGTERM:
		raise(SIGTERM);
		return E_DEFAULT;
	case E_SIGINT:
		raise(SIGINT);
		return E_DEFAULT;
	case E_SIGKILL:
		raise(SIGKILL);
		return E_DEFAULT;
	default:
		return fired;
	}
}

static int errno_of(enum effect e)
{
	switch (e) {
	case E_ENOMEM:
		return ENOMEM;
	case E_ENOSPC:
		return ENOSPC;
	case E_EACCES:
		return EACCES;
	case E_ENOENT:
		return ENOENT;
	case E_EINTR:
		return EINTR;
	default:
		return EIO;
	}
}

/* ---- allocation ------------------------------------------------------------ */

EXPORT void *malloc(size_t n)
{
	resolve();
	if (!real_malloc)
		return boot_alloc(n);
	if (check(K_MALLOC, NULL, -1)) {
		errno = ENOMEM;
		return NULL;
	}
	return real_malloc(n);
}

EXPORT void *calloc(size_t n, size_t size)
{
	resolve();
	if (!real_calloc) /* dlsym's own calloc, while resolving */
		return n && size > sizeof(boot) / n ? NULL : boot_alloc(n * size);
	if (check(K_MALLOC, NULL, -1)) {
		errno = ENOMEM;
		return NULL;
	}
	return real_calloc(n, size);
}

EXPORT void *realloc(void *p, size_t n)
{
	resolve();
	if (in_boot(p)) {
		void *q = malloc(n);
		if (q)
			memcpy(q, p,
			       n < sizeof(boot) - (size_t)((unsigned char *)p - boot)
				       ? n
				       : sizeof(boot) - (size_t)((unsigned char *)p - boot));
		return q;
	}
	if (!real_realloc)
		return boot_alloc(n);
	if (check(K_MALLOC, NULL, -1)) {
		errno = ENOMEM;
		return NULL;
	}
	return real_realloc(p, n);
}

EXPORT void free(void *p)
{
	if (!p || in_boot(p))
		return;
	resolve();
	if (real_free)
		real_free(p);
}

EXPORT int posix_memalign(void **out, size_t align, size_t n)
{
	resolve();
	if (!real_posix_memalign || check(K_MALLOC, NULL, -1))
		return ENOMEM;
	return real_posix_memalign(out, align, n);
}

EXPORT void *aligned_alloc(size_t align, size_t n)
{
	resolve();
	if (!real_aligned_alloc || check(K_MALLOC, NULL, -1)) {
		errno = ENOMEM;
		return NULL;
	}
	return real_aligned_alloc(align, n);
}

EXPORT void *memalign(size_t align, size_t n)
{
	resolve();
	if (!real_memalign || check(K_MALLOC, NULL, -1)) {
		errno = ENOMEM;
		return NULL;
	}
	return real_memalign(align, n);
}

EXPORT char *strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);

	if (p)
		memcpy(p, s, n);
	return p;
}

EXPORT char *strndup(const char *s, size_t max)
{
	size_t n = strnlen(s, max);
	char *p = malloc(n + 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

/* ---- files ----------------------------------------------------------------- */

/* The effect of a write-like call: -1 with errno, or the bytes to write. */
static ssize_t write_effect(int fd, size_t count, size_t *todo)
{
	enum effect e = check(K_WRITE, NULL, fd);

	*todo = count;
	if (e == E_DEFAULT)
		return 0;
	if (e == E_SHORT && count > 1) {
		*todo = count / 2;
		return 0;
	}
	if (e == E_SHORT)
		return 0;
	errno = errno_of(e);
	return -1;
}

EXPORT ssize_t write(int fd, const void *buf, size_t count)
{
	size_t todo;

	resolve();
	if (write_effect(fd, count, &todo) < 0)
		return -1;
	return real_write(fd, buf, todo);
}

EXPORT ssize_t pwrite(int fd, const void *buf, size_t count, off_t off)
{
	size_t todo;

	resolve();
	if (write_effect(fd, count, &todo) < 0)
		return -1;
	return real_pwrite(fd, buf, todo, off);
}

EXPORT ssize_t pwrite64(int fd, const void *buf, size_t count, off_t off)
{
	size_t todo;

	resolve();
	if (write_effect(fd, count, &todo) < 0)
		return -1;
	return real_pwrite64(fd, buf, todo, off);
}

EXPORT int fsync(int fd)
{
	enum effect e;

	resolve();
	if ((e = check(K_FSYNC, NULL, fd))) {
		errno = errno_of(e);
		return -1;
	}
	return real_fsync(fd);
}

EXPORT int fdatasync(int fd)
{
	enum effect e;

	resolve();
	if ((e = check(K_FSYNC, NULL, fd))) {
		errno = errno_of(e);
		return -1;
	}
	return real_fdatasync(fd);
}

/* open and friends take a mode only with O_CREAT or O_TMPFILE. */
#define MODE_ARG(flags, mode)                                                                      \
	do {                                                                                       \
		if ((flags) & (O_CREAT | O_TMPFILE)) {                                             \
			va_list ap;                                                                \
			va_start(ap, flags);                                                       \
			mode = va_arg(ap, mode_t);                                                 \
			va_end(ap);                                                                \
		}                                                                                  \
	} while (0)

static int open_fails(const char *path)
{
	enum effect e = check(K_OPEN, path, -1);

	if (e == E_DEFAULT)
		return 0;
	errno = errno_of(e);
	return 1;
}

EXPORT int open(const char *path, int flags, ...)
{
	mode_t mode = 0;

	MODE_ARG(flags, mode);
	resolve();
	if (open_fails(path))
		return -1;
	return real_open(path, flags, mode);
}

EXPORT int open64(const char *path, int flags, ...)
{
	mode_t mode = 0;

	MODE_ARG(flags, mode);
	resolve();
	if (open_fails(path))
		return -1;
	return real_open64(path, flags, mode);
}

EXPORT int openat(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;

	MODE_ARG(flags, mode);
	resolve();
	if (open_fails(path))
		return -1;
	return real_openat(dirfd, path, flags, mode);
}

EXPORT int openat64(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;

	MODE_ARG(flags, mode);
	resolve();
	if (open_fails(path))
		return -1;
	return real_openat64(dirfd, path, flags, mode);
}

EXPORT FILE *fopen(const char *path, const char *how)
{
	resolve();
	if (open_fails(path))
		return NULL;
	return real_fopen(path, how);
}

EXPORT FILE *fopen64(const char *path, const char *how)
{
	resolve();
	if (open_fails(path))
		return NULL;
	return real_fopen64(path, how);
}

static int rename_fails(const char *to)
{
	enum effect e = check(K_RENAME, to, -1);

	if (e == E_DEFAULT)
		return 0;
	errno = errno_of(e);
	return 1;
}

EXPORT int rename(const char *from, const char *to)
{
	resolve();
	if (rename_fails(to))
		return -1;
	return real_rename(from, to);
}

EXPORT int renameat(int fd1, const char *from, int fd2, const char *to)
{
	resolve();
	if (rename_fails(to))
		return -1;
	return real_renameat(fd1, from, fd2, to);
}

EXPORT int renameat2(int fd1, const char *from, int fd2, const char *to, unsigned flags)
{
	resolve();
	if (rename_fails(to))
		return -1;
	return real_renameat2(fd1, from, fd2, to, flags);
}

EXPORT int link(const char *from, const char *to)
{
	resolve();
	if (rename_fails(to))
		return -1;
	return real_link(from, to);
}
