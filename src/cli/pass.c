/* sceau command line — passphrases: from a file, the environment or the
 * terminal, never from argv (STYLE.md 15). Held in OpenSSL's secure heap and
 * wiped when released. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <openssl/crypto.h>

#include "cli.h"

#define PASS_MAX 1024

/* The terminal's settings while echo is off, to restore on a signal. */
static struct termios saved_tio;
static volatile sig_atomic_t tty_fd = -1;

static void restore_and_reraise(int sig)
{
	if (tty_fd >= 0)
		tcsetattr(tty_fd, TCSAFLUSH, &saved_tio);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Keep the first line of buf[0..len) (without CR/LF) in p. */
static int take_line(struct cli_pass *p, const char *buf, size_t len)
{
	size_t n = 0;

	while (n < len && buf[n] != '\n' && buf[n] != '\r')
		n++;
	p->buf = OPENSSL_secure_zalloc(n + 1);
	if (!p->buf)
		return -1;
	memcpy(p->buf, buf, n);
	p->len = n;
	return 0;
}

void cli_pass_release(struct cli_pass *p)
{
	if (p && p->buf)
		OPENSSL_secure_clear_free(p->buf, p->len + 1);
	if (p) {
		p->buf = NULL;
		p->len = 0;
	}
}

static int from_file(struct cli_pass *p, const char *file, const char *what)
{
	char *buf = OPENSSL_secure_zalloc(PASS_MAX + 1);
	size_t n = 0;
	int fd, ret = EXIT_USAGE;

	if (!buf) {
		cli_warn("out of memory");
		return EXIT_INTERNAL;
	}
	fd = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		cli_warn("cannot read passphrase file '%s': %s", file,
			 errno == ENOENT ? "no such file" : strerror(errno));
		goto out;
	}
	while (n < PASS_MAX) {
		ssize_t r = read(fd, buf + n, PASS_MAX - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			cli_warn("cannot read passphrase file '%s': %s", file, strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (take_line(p, buf, n) < 0) {
		cli_warn("out of memory");
		ret = EXIT_INTERNAL;
		goto out;
	}
	if (p->len == 0) {
		cli_warn("passphrase file '%s' for %s is empty", file, what);
		cli_pass_release(p);
		goto out;
	}
	ret = 0;
out:
	if (fd >= 0)
		close(fd);
	OPENSSL_secure_clear_free(buf, PASS_MAX + 1);
	return ret;
}

/* Ask once on the terminal fd with echo off. */
static int ask(int fd, const char *prompt, struct cli_pass *p)
{
	struct sigaction sa = {0}, old[4];
	static const int sigs[4] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
	char *buf = OPENSSL_secure_zalloc(PASS_MAX + 1);
	struct termios tio;
	size_t n = 0;
	int ret = -1;

	if (!buf)
		return -1;
	if (tcgetattr(fd, &saved_tio) < 0)
		goto out;
	tio = saved_tio;
	tio.c_lflag &= ~(tcflag_t)ECHO;
	tio.c_lflag |= ICANON;
	sa.sa_handler = restore_and_reraise;
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < 4; i++)
		sigaction(sigs[i], &sa, &old[i]);
	tty_fd = fd;
	/* Echo off before the prompt appears: what is typed after seeing it must
	 * neither be echoed nor be flushed away by TCSAFLUSH. */
	if (tcsetattr(fd, TCSAFLUSH, &tio) < 0 || write(fd, prompt, strlen(prompt)) < 0)
		goto restore;
	while (n < PASS_MAX) {
		ssize_t r = read(fd, buf + n, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || buf[n] == '\n')
			break;
		n++;
	}
	ret = take_line(p, buf, n);
restore:
	tcsetattr(fd, TCSAFLUSH, &saved_tio);
	tty_fd = -1;
	for (int i = 0; i < 4; i++)
		sigaction(sigs[i], &old[i], NULL);
	if (write(fd, "\n", 1) < 0) {
		/* nothing more to say on a terminal we cannot write to */
	}
out:
	OPENSSL_secure_clear_free(buf, PASS_MAX + 1);
	return ret;
}

static int from_tty(struct cli_pass *p, const char *what, const char *hint, int confirm)
{
	struct cli_pass again = {0};
	char prompt[256];
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	int ret = EXIT_USAGE;

	if (fd < 0 || !isatty(fd)) {
		cli_warn("no passphrase for %s: %s (there is no terminal to ask on)", what, hint);
		if (fd >= 0)
			close(fd);
		return EXIT_USAGE;
	}
	snprintf(prompt, sizeof(prompt), "%s for %s: ", confirm ? "new passphrase" : "passphrase",
		 what);
	if (ask(fd, prompt, p) < 0) {
		cli_warn("cannot read the passphrase from the terminal");
		goto out;
	}
	if (p->len == 0) {
		cli_warn("empty passphrase for %s", what);
		goto fail;
	}
	if (confirm) {
		snprintf(prompt, sizeof(prompt), "repeat the passphrase for %s: ", what);
		if (ask(fd, prompt, &again) < 0) {
			cli_warn("cannot read the passphrase from the terminal");
			goto fail;
		}
		if (again.len != p->len || CRYPTO_memcmp(again.buf, p->buf, p->len) != 0) {
			cli_warn("the passphrases do not match");
			goto fail;
		}
	}
	ret = 0;
	goto out;
fail:
	cli_pass_release(p);
out:
	cli_pass_release(&again);
	close(fd);
	return ret;
}

int cli_pass_get(struct cli_pass *p, const struct cli_pass_src *srcs, size_t n, const char *what,
		 const char *hint, int confirm)
{
	memset(p, 0, sizeof(*p));
	for (const struct cli_pass_src *s = srcs; s < srcs + n; s++) {
		const char *val;

		if (!s->file && !s->env)
			continue; /* an option that was not given */
		if (s->file)
			return from_file(p, s->file, what);
		if (!(val = getenv(s->env)))
			continue;
		if (!*val) {
			cli_warn("%s is set but empty", s->env);
			return EXIT_USAGE;
		}
		if (take_line(p, val, strlen(val)) < 0) {
			cli_warn("out of memory");
			return EXIT_INTERNAL;
		}
		return 0;
	}
	return from_tty(p, what, hint, confirm);
}
