/* sceau tests — helpers shared by the Check suites. */
#ifndef SCEAU_TESTUTIL_H
#define SCEAU_TESTUTIL_H

#include <check.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>
#include <openssl/x509.h>

#include "sceau.h"

/* A fresh private directory under $TMPDIR (or /tmp); remove with tu_rmrf. */
char *tu_tmpdir(void);
void tu_rmrf(const char *path);
/* dir/name, malloc'd. */
char *tu_path(const char *dir, const char *name);
int tu_exists(const char *path);
/* Permission bits of path, or -1. */
int tu_mode(const char *path);
/* Whole file, NUL-terminated, malloc'd; NULL when unreadable. */
char *tu_read(const char *path, size_t *len);
void tu_write(const char *path, const char *data, size_t len);
/* Number of entries in a directory, not counting . and .. (-1 on error). */
int tu_count_entries(const char *dir);

/* With SCEAU_FUZZ_SAVE set to a directory, keep a copy of an input a test
 * made (an attack file, a PDF signed by another tool) there, named
 * kind-PID-N, as a seed for the fuzzers (tests/fuzz). Otherwise nothing. */
void tu_fuzz_save(const char *kind, const void *buf, size_t len);
void tu_fuzz_save_file(const char *kind, const char *path);

/* A finished child process. */
struct tu_proc {
	int status; /* exit code, or 128 + signal */
	char *out;  /* everything on stdout */
	char *err;  /* everything on stderr */
};

/* Run argv (NULL-terminated) in `cwd` (may be NULL) with no controlling
 * terminal and stdin from /dev/null; `env` (NULL-terminated "K=V", may be
 * NULL) is added to a cleaned environment without SCEAU_* variables. */
void tu_run(struct tu_proc *p, const char *cwd, const char *const *env, const char *const *argv);
void tu_proc_free(struct tu_proc *p);

/* Assert the certificate's serial has the shape sceau gives every serial. */
void tu_assert_serial(const char *cert_path);
/* Create a root with the library (passphrase "pw"). */
void tu_make_root(const char *dir, const char *name, int days, time_t now);
/* Create a signer under root_dir (both passphrases "pw"). */
void tu_make_signer(const char *root_dir, const char *dir, const char *name, unsigned programs,
		    int days, time_t now);
X509 *tu_load_cert(const char *path);
X509_CRL *tu_load_crl(const char *path);

/* Run the tests as one Check suite named `name`, each with the fixture
 * (setup and teardown may be NULL); returns the process exit status. */
int tu_main(const char *name, void (*setup)(void), void (*teardown)(void),
	    const TTest *const *tests, size_t n);
/* The same with a fixture run once for the whole suite (setup_once,
 * teardown_once: a PKI, rendered documents) as well as the per-test one;
 * any of the four may be NULL. Tests get 300 s each: key derivation is
 * slow under the sanitizers. */
int tu_main_once(const char *name, void (*setup_once)(void), void (*teardown_once)(void),
		 void (*setup)(void), void (*teardown)(void), const TTest *const *tests, size_t n);
#define TU_MAIN_ONCE(name, setup_once, teardown_once, setup, teardown, ...)                        \
	int main(void)                                                                             \
	{                                                                                          \
		const TTest *const tests[] = {__VA_ARGS__};                                        \
		return tu_main_once(name, setup_once, teardown_once, setup, teardown, tests,       \
				    sizeof(tests) / sizeof(tests[0]));                             \
	}
#define TU_MAIN(name, setup, teardown, ...)                                                        \
	int main(void)                                                                             \
	{                                                                                          \
		const TTest *const tests[] = {__VA_ARGS__};                                        \
		return tu_main(name, setup, teardown, tests, sizeof(tests) / sizeof(tests[0]));    \
	}

#endif
