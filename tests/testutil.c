/* sceau tests — helpers shared by the Check suites. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <dirent.h>
#include <unistd.h>

#include <openssl/bn.h>

#include "testutil.h"

extern char **environ;

char *tu_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *p = NULL;

	ck_assert(asprintf(&p, "%s/sceau-test-XXXXXX", base && *base ? base : "/tmp") > 0);
	ck_assert_ptr_nonnull(mkdtemp(p));
	return p;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		return rmdir(path);
	return unlink(path);
}

void tu_rmrf(const char *path)
{
	if (path)
		nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

char *tu_path(const char *dir, const char *name)
{
	char *p = NULL;

	ck_assert(asprintf(&p, "%s/%s", dir, name) > 0);
	return p;
}

int tu_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

int tu_mode(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (int)(st.st_mode & 07777) : -1;
}

char *tu_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0;

	if (!f)
		return NULL;
	for (;;) {
		if (n + 4096 + 1 > cap) {
			cap = (cap + 4096) * 2;
			char *bigger = realloc(buf, cap);
			ck_assert_ptr_nonnull(bigger);
			buf = bigger;
		}
		size_t r = fread(buf + n, 1, 4096, f);
		n += r;
		if (r == 0)
			break;
	}
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

void tu_write(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

int tu_count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void append(char **buf, size_t *len, const char *data, size_t n)
{
	*buf = realloc(*buf, *len + n + 1);
	ck_assert_ptr_nonnull(*buf);
	memcpy(*buf + *len, data, n);
	*len += n;
	(*buf)[*len] = '\0';
}

void tu_run(struct tu_proc *p, const char *cwd, const char *const *env, const char *const *argv)
{
	int out[2], err[2], status;
	size_t olen = 0, elen = 0;
	pid_t pid;

	memset(p, 0, sizeof(*p));
	p->out = calloc(1, 1);
	p->err = calloc(1, 1);
	ck_assert(p->out && p->err);
	ck_assert_int_eq(pipe2(out, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(err, O_CLOEXEC), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);
		setsid(); /* no controlling terminal: /dev/tty cannot be opened */
		if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(out[1], 1) < 0 ||
		    dup2(err[1], 2) < 0)
			_exit(127);
		if (cwd && chdir(cwd) < 0)
			_exit(127);
		unsetenv("SCEAU_PASSPHRASE");
		unsetenv("SCEAU_ROOT_PASSPHRASE");
		for (size_t i = 0; env && env[i]; i++)
			putenv((char *)env[i]);
		/* The tests run sanitized binaries that fork from a sanitized parent. */
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	struct pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
	int open_fds = 2;
	while (open_fds > 0) {
		char buf[4096];
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			ck_abort_msg("poll failed");
		}
		for (int i = 0; i < 2; i++) {
			if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			ssize_t r = read(fds[i].fd, buf, sizeof(buf));
			if (r <= 0) {
				close(fds[i].fd);
				fds[i].fd = -1;
				open_fds--;
			} else if (i == 0) {
				append(&p->out, &olen, buf, (size_t)r);
			} else {
				append(&p->err, &elen, buf, (size_t)r);
			}
		}
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	p->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void tu_proc_free(struct tu_proc *p)
{
	free(p->out);
	free(p->err);
	p->out = p->err = NULL;
}

void tu_assert_serial(const char *cert_path)
{
	X509 *x = tu_load_cert(cert_path);
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);

	/* 127 random bits with the top one set: positive, >= 64 bits, 16 bytes. */
	ck_assert_int_eq(BN_num_bits(bn), 127);
	ck_assert(!BN_is_negative(bn));
	BN_free(bn);
	X509_free(x);
}

void tu_make_root(const char *dir, const char *name, int days, time_t now)
{
	struct sceau_pki_init_params p = {.dir = dir,
					  .name = name,
					  .days = days,
					  .crl_days = 30,
					  .pass = "pw",
					  .pass_len = 2,
					  .now = now};
	struct sceau_error err = {0};
	char *crt;

	ck_assert_msg(sceau_pki_init(&p, NULL, &err) == SCEAU_OK, "%s", err.msg);
	crt = tu_path(dir, "root.crt");
	tu_assert_serial(crt);
	free(crt);
}

void tu_make_signer(const char *root_dir, const char *dir, const char *name, unsigned programs,
		    int days, time_t now)
{
	struct sceau_pki_signer_params p = {.root_dir = root_dir,
					    .root_pass = "pw",
					    .root_pass_len = 2,
					    .dir = dir,
					    .name = name,
					    .programs = programs,
					    .days = days,
					    .pass = "pw",
					    .pass_len = 2,
					    .now = now};
	struct sceau_error err = {0};

	ck_assert_msg(sceau_pki_signer(&p, NULL, &err) == SCEAU_OK, "%s", err.msg);
	{
		char *crt = tu_path(dir, "signer.crt");
		tu_assert_serial(crt);
		free(crt);
	}
}

X509 *tu_load_cert(const char *path)
{
	struct sceau_error err = {0};
	X509 *x = NULL;

	ck_assert_msg(sceau_cert_load(path, &x, &err) == SCEAU_OK, "%s", err.msg);
	return x;
}

X509_CRL *tu_load_crl(const char *path)
{
	struct sceau_error err = {0};
	X509_CRL *c = NULL;

	ck_assert_msg(sceau_crl_load(path, &c, &err) == SCEAU_OK, "%s", err.msg);
	return c;
}

int tu_main_once(const char *name, void (*setup_once)(void), void (*teardown_once)(void),
		 void (*setup)(void), void (*teardown)(void), const TTest *const *tests, size_t n)
{
	Suite *s = suite_create(name);
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	if (setup_once || teardown_once)
		tcase_add_unchecked_fixture(tc, setup_once, teardown_once);
	if (setup || teardown)
		tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	for (size_t i = 0; i < n; i++)
		tcase_add_test(tc, tests[i]);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

int tu_main(const char *name, void (*setup)(void), void (*teardown)(void),
	    const TTest *const *tests, size_t n)
{
	return tu_main_once(name, NULL, NULL, setup, teardown, tests, n);
}

void tu_fuzz_save(const char *kind, const void *buf, size_t len)
{
	static unsigned n;
	const char *dir = getenv("SCEAU_FUZZ_SAVE");
	char path[4096];

	if (!dir || !*dir)
		return;
	snprintf(path, sizeof(path), "%s/%s-%ld-%u", dir, kind, (long)getpid(), n++);
	tu_write(path, buf, len);
}

void tu_fuzz_save_file(const char *kind, const char *path)
{
	size_t len = 0;
	char *buf;

	if (!getenv("SCEAU_FUZZ_SAVE"))
		return;
	if ((buf = tu_read(path, &len)))
		tu_fuzz_save(kind, buf, len);
	free(buf);
}
