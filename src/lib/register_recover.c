/* sceau — the register after a crash: who owns a reservation (pid, process
 * start time, boot id, host), and settling the reservations of processes
 * that are gone. docs/register.md, "Recovery". */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/evp.h>

#include "register_int.h"

/* ---- who owns a reservation ----------------------------------------------- */

/* Read a small /proc file into buf; -1 when it cannot be read. */
static int read_small(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

/* The start time (field 22) and state (field 3) of process `pid`; -1 when
 * it has no /proc entry that parses. */
static int proc_stat(long long pid, long long *start, char *state)
{
	char path[64], buf[1024], *p, *end;
	unsigned long long v;

	snprintf(path, sizeof(path), "/proc/%lld/stat", pid);
	if (read_small(path, buf, sizeof(buf)) < 0)
		return -1;
	p = strrchr(buf, ')'); /* the command name may hold anything */
	if (!p || p[1] != ' ' || !p[2])
		return -1;
	p += 2;
	*state = *p;
	/* p is at field 3; skip to field 22 */
	for (int field = 3; field < 22; field++) {
		p = strchr(p, ' ');
		if (!p)
			return -1;
		p++;
	}
	errno = 0;
	v = strtoull(p, &end, 10);
	if (errno || end == p || (*end != ' ' && *end != '\0' && *end != '\n'))
		return -1;
	*start = (long long)v;
	return 0;
}

void reg_owner_self(struct reg_owner *o)
{
	char state;

	memset(o, 0, sizeof(*o));
	if (gethostname(o->host, sizeof(o->host) - 1) < 0)
		o->host[0] = '\0';
	if (read_small("/proc/sys/kernel/random/boot_id", o->boot, sizeof(o->boot)) == 0)
		o->boot[strcspn(o->boot, "\n")] = '\0';
	o->pid = (long long)getpid();
	if (proc_stat(o->pid, &o->start, &state) < 0)
		o->start = -1;
}

/* Is the owner of a reservation still running? 1 when it is, or when that
 * cannot be told (another host); 0 when it is gone. */
static int owner_alive(const struct reg_owner *me, const char *host, const char *boot,
		       long long pid, long long start)
{
	long long now_start;
	char state;

	if (strcmp(host, me->host) != 0)
		return 1; /* another machine: not ours to judge */
	if (boot[0] && me->boot[0] && strcmp(boot, me->boot) != 0)
		return 0; /* the machine rebooted since */
	if (pid <= 0)
		return 0;
	if (pid == me->pid && start == me->start)
		return 1; /* this process */
	if (kill((pid_t)pid, 0) < 0 && errno == ESRCH)
		return 0;
	if (proc_stat(pid, &now_start, &state) < 0)
		return kill((pid_t)pid, 0) == 0 || errno != ESRCH;
	if (state == 'Z' || state == 'X')
		return 0; /* killed, not yet reaped */
	return start < 0 || now_start == start;
}

/* SHA-256 of a file. 0, or -1 with errno (ENOENT when it is not there). */
static int hash_file(const char *path, unsigned char md[32])
{
	unsigned char buf[65536];
	EVP_MD_CTX *ctx = NULL;
	int fd, rc = -1, e = EIO;
	ssize_t n;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ctx = EVP_MD_CTX_new();
	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL))
		goto out;
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			e = errno;
			goto out;
		}
		if (!EVP_DigestUpdate(ctx, buf, (size_t)n))
			goto out;
	}
	if (EVP_DigestFinal_ex(ctx, md, NULL))
		rc = 0;
out:
	EVP_MD_CTX_free(ctx);
	close(fd);
	if (rc < 0)
		errno = e;
	return rc;
}

/* ---- recovery --------------------------------------------------------------------- */

struct pending {
	char number[SCEAU_NUMBER_MAX];
	char *path, *tmp;
	unsigned char sha[32];
	int has_sha;
};

static void pending_free(struct pending *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(p[i].path);
		free(p[i].tmp);
	}
	free(p);
}

/* The reservations whose owner is gone (inside the transaction). */
static enum sceau_err orphans(struct sceau_register *r, struct pending **out, size_t *n,
			      struct sceau_error *err)
{
	struct pending *p = NULL, *grown;
	sqlite3_stmt *st = NULL;
	size_t cap = 0, k = 0;
	struct reg_owner me;
	enum sceau_err ret;
	int rc;

	reg_owner_self(&me);
	ret = reg_prepare(r,
			  "SELECT number, path, tmp, sha256, ifnull(owner_host, ''), "
			  "ifnull(owner_boot, ''), ifnull(owner_pid, 0), ifnull(owner_start, -1) "
			  "FROM certificate WHERE state = 100 ORDER BY number",
			  &st, err);
	if (ret)
		return ret;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *tmp = (const char *)sqlite3_column_text(st, 2);
		if (owner_alive(&me, (const char *)sqlite3_column_text(st, 4),
				(const char *)sqlite3_column_text(st, 5),
				sqlite3_column_int64(st, 6), sqlite3_column_int64(st, 7)))
			continue;
		if (k == cap) {
			cap = cap ? cap * 2 : 8;
			grown = realloc(p, cap * sizeof(*p));
			if (!grown) {
				ret = sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
				goto out;
			}
			p = grown;
		}
		memset(&p[k], 0, sizeof(p[k]));
		reg_copy(p[k].number, sizeof(p[k].number),
			 (const char *)sqlite3_column_text(st, 0));
		p[k].path = strdup((const char *)sqlite3_column_text(st, 1));
		p[k].tmp =
			tmp ? strdup(tmp) : reg_tmp_name(p[k].path ? p[k].path : "", p[k].number);
		k++;
		if (!p[k - 1].path || !p[k - 1].tmp) {
			ret = sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
			goto out;
		}
		if (sqlite3_column_type(st, 3) == SQLITE_BLOB &&
		    sqlite3_column_bytes(st, 3) == 32) {
			memcpy(p[k - 1].sha, sqlite3_column_blob(st, 3), 32);
			p[k - 1].has_sha = 1;
		}
	}
	if (rc != SQLITE_DONE) {
		ret = reg_fail_db(r, err, rc, "cannot read the reservations");
		goto out;
	}
	*out = p;
	*n = k;
	p = NULL;
	k = 0;
out:
	sqlite3_finalize(st);
	pending_free(p, k);
	return ret;
}

enum sceau_err sceau_register_recover(struct sceau_register *r, struct sceau_register_recovery *rep,
				      struct sceau_error *err)
{
	struct sceau_register_recovery done = {0, 0, 0};
	struct pending *p = NULL;
	enum sceau_err ret;
	size_t n = 0;

	if (rep)
		memset(rep, 0, sizeof(*rep));
	/* one transaction: a concurrent recovery waits, and sees the result */
	if ((ret = reg_begin(r, err)))
		return ret;
	if ((ret = orphans(r, &p, &n, err)))
		goto out;
	for (size_t i = 0; i < n; i++) {
		unsigned char md[32];
		int complete =
			p[i].has_sha && hash_file(p[i].path, md) == 0 && !memcmp(md, p[i].sha, 32);

		if (unlink(p[i].tmp) == 0)
			done.removed++;
		if (complete) {
			if ((ret = reg_issue_row(r, p[i].number, "recover", err)))
				goto out;
			done.completed++;
		} else {
			if ((ret = reg_void_row(
				     r, p[i].number, "recover",
				     "the issuing process died before the PDF was in place", err)))
				goto out;
			done.voided++;
		}
	}
	if ((ret = reg_commit(r, err)))
		goto out;
	/* the directories of removed files */
	for (size_t i = 0; i < n; i++)
		reg_fsync_dir_of(p[i].tmp);
	if (rep)
		*rep = done;
out:
	reg_rollback(r);
	pending_free(p, n);
	return ret;
}
