/* sceau — where trust bundles live on a verifier, anti-rollback, install,
 * and opening what --trust names (docs/formats.md, "Trust bundles").
 *
 * Anti-rollback state is one file per root, STATE_DIR/bundle-<SHA-256 of
 * the root in lowercase hex>, holding one line:
 *   <sequence> <SHA-256 of the payload, lowercase hex> <YYYY-MM-DDTHH:MM:SSZ>
 * the highest sequence accepted for that root, which payload it had, and
 * when it was accepted. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle_int.h"

#define STATE_LINE_MAX 256

/* ---- places ------------------------------------------------------------------ */

/* An environment variable, NULL when unset or empty. */
static const char *env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

/* An XDG base directory variable counts only when absolute. */
static const char *env_abs(const char *name)
{
	const char *v = env(name);

	return v && v[0] == '/' ? v : NULL;
}

static char *concat(const char *a, const char *b)
{
	char *s = NULL;

	return asprintf(&s, "%s%s", a, b) < 0 ? NULL : s;
}

/* The per-user place, ignoring SCEAU_TRUST. */
static char *xdg_user_path(void)
{
	const char *v;

	if ((v = env_abs("XDG_DATA_HOME")))
		return concat(v, "/sceau/" SCEAU_BUNDLE_FILE);
	if ((v = env("HOME")))
		return concat(v, "/.local/share/sceau/" SCEAU_BUNDLE_FILE);
	return NULL;
}

char *sceau_bundle_user_path(void)
{
	const char *v = env("SCEAU_TRUST");

	return v ? strdup(v) : xdg_user_path();
}

char *sceau_bundle_system_path(void)
{
	const char *v = env("SCEAU_SYSCONFDIR");

	return concat(v ? v : "/etc/sceau", "/" SCEAU_BUNDLE_FILE);
}

char *sceau_bundle_state_dir(int system)
{
	const char *v;

	if ((v = env("SCEAU_STATE_DIR")))
		return strdup(v);
	if (system)
		return strdup((v = env("SCEAU_SYSTEM_STATE_DIR")) ? v : "/var/lib/sceau");
	if ((v = env_abs("XDG_STATE_HOME")))
		return concat(v, "/sceau");
	if ((v = env("HOME")))
		return concat(v, "/.local/state/sceau");
	return NULL;
}

/* Does something exist at path? A path that cannot be examined for another
 * reason than its absence counts as there, so that opening it says why. */
static int present(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 || (errno != ENOENT && errno != ENOTDIR);
}

enum sceau_err sceau_bundle_default(char **path, int *system, struct sceau_error *err)
{
	char *user = NULL, *sys = NULL;
	const char *v = env("SCEAU_TRUST");
	enum sceau_err ret = SCEAU_OK;

	if (!path)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no place for the path");
	*path = NULL;
	if (system)
		*system = 0;
	if (v) {
		if (!present(v))
			return sceau_fail(err, SCEAU_ERR_NOT_FOUND,
					  "no trust store at '%s' (named by SCEAU_TRUST): no such "
					  "file or directory",
					  v);
		if (!(*path = strdup(v)))
			return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
		return SCEAU_OK;
	}
	user = xdg_user_path();
	if (!(sys = sceau_bundle_system_path()))
		return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
	if (user && present(user)) {
		*path = user;
		user = NULL;
	} else if (present(sys)) {
		*path = sys;
		sys = NULL;
		if (system)
			*system = 1;
	} else if (user) {
		ret = sceau_fail(err, SCEAU_ERR_NOT_FOUND,
				 "no trust bundle installed (none at '%s' nor at '%s')", user, sys);
	} else {
		ret = sceau_fail(err, SCEAU_ERR_NOT_FOUND,
				 "no trust bundle installed (none at '%s'; HOME is not set)", sys);
	}
	free(user);
	free(sys);
	return ret;
}

/* mkdir -p, new directories with `mode`. */
static enum sceau_err make_dirs(const char *dir, mode_t mode, struct sceau_error *err)
{
	char *p = strdup(dir);
	enum sceau_err ret = SCEAU_OK;
	struct stat st;

	if (!p)
		return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
	for (char *s = p + 1;; s++) {
		int last = *s == '\0';
		if (*s != '/' && !last)
			continue;
		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST) {
			ret = sceau_fail(err, errno == EACCES ? SCEAU_ERR_ACCESS : SCEAU_ERR_IO,
					 "cannot create directory '%s': %s", p,
					 sceau_errno_text(errno));
			break;
		}
		if (last)
			break;
		*s = '/';
	}
	if (ret == SCEAU_OK && (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)))
		ret = sceau_fail(err, SCEAU_ERR_INVALID, "'%s' is not a directory", dir);
	free(p);
	return ret;
}

/* The directory of a file path, malloc'd. */
static char *parent_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

/* ---- anti-rollback -------------------------------------------------------------- */

struct record {
	uint64_t sequence;
	unsigned char digest[32];
	time_t accepted;
};

static void hex_lower(const unsigned char *md, size_t n, char *buf)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		buf[2 * i] = hex[md[i] >> 4];
		buf[2 * i + 1] = hex[md[i] & 15];
	}
	buf[2 * n] = '\0';
}

static int unhex(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* One line: "<sequence> <64 hex> <time>\n". Returns 0, or -1 when it is not
 * that. */
static int parse_record(const char *s, size_t len, struct record *r)
{
	char *end = NULL, when[40];
	const char *t;
	size_t tl;

	if (len == 0 || s[len - 1] != '\n' || memchr(s, '\0', len) || !(*s >= '1' && *s <= '9'))
		return -1;
	errno = 0;
	unsigned long long seq = strtoull(s, &end, 10);
	if (errno || *end != ' ' || seq > INT64_MAX)
		return -1;
	r->sequence = seq;
	s = end + 1;
	for (int i = 0; i < 32; i++) {
		int hi = unhex(s[2 * i]), lo = hi < 0 ? -1 : unhex(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		r->digest[i] = (unsigned char)(hi << 4 | lo);
	}
	if (s[64] != ' ')
		return -1;
	t = s + 65;
	tl = strcspn(t, "\n");
	if (tl == 0 || tl >= sizeof(when) || t[tl + 1] != '\0')
		return -1;
	memcpy(when, t, tl);
	when[tl] = '\0';
	return sceau_time_parse(when, &r->accepted, NULL) == SCEAU_OK ? 0 : -1;
}

static void format_day(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (gmtime_r(&t, &tm))
		strftime(buf, len, "%Y-%m-%d", &tm);
	else
		snprintf(buf, len, "an unknown date");
}

enum sceau_err sceau_bundle_accept(const struct sceau_bundle_info *info, const char *state_dir,
				   int read_only, struct sceau_error *err)
{
	char name[80], line[STATE_LINE_MAX], hex[65], day[32];
	unsigned char *buf = NULL;
	struct record r = {0};
	enum sceau_err ret;
	char *path = NULL;
	size_t len = 0;
	int have = 0;

	if (!info || !state_dir || !*state_dir)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no bundle or state directory given");
	hex_lower(info->root_fingerprint, 32, hex);
	snprintf(name, sizeof(name), "bundle-%s", hex);
	if (!(path = sceau_path_join(state_dir, name)))
		return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
	ret = sceau_fs_read(path, STATE_LINE_MAX, "anti-rollback state", &buf, &len, err);
	if (ret == SCEAU_OK || ret == SCEAU_ERR_FORMAT) {
		if (ret != SCEAU_OK || parse_record((const char *)buf, len, &r) < 0) {
			ret = sceau_fail(err, SCEAU_ERR_STATE,
					 "anti-rollback state '%s' is damaged: remove it only if "
					 "you know the last trust bundle accepted",
					 path);
			goto out;
		}
		have = 1;
	} else if (ret == SCEAU_ERR_NOT_FOUND || (read_only && ret == SCEAU_ERR_ACCESS)) {
		/* nothing accepted yet, or nothing this user can see */
		sceau_error_clear(err);
	} else {
		goto out;
	}
	if (have) {
		format_day(r.accepted, day, sizeof(day));
		if (info->sequence < r.sequence) {
			ret = sceau_fail(err, SCEAU_ERR_STATE,
					 "trust bundle %llu of root '%s' is older than bundle %llu "
					 "accepted on %s",
					 (unsigned long long)info->sequence, info->root_name,
					 (unsigned long long)r.sequence, day);
			goto out;
		}
		if (info->sequence == r.sequence) {
			if (memcmp(info->digest, r.digest, 32) != 0)
				ret = sceau_fail(err, SCEAU_ERR_MISMATCH,
						 "trust bundle %llu of root '%s' differs from the "
						 "bundle %llu accepted on %s: one sequence number, "
						 "two contents",
						 (unsigned long long)info->sequence,
						 info->root_name, (unsigned long long)r.sequence,
						 day);
			else
				ret = SCEAU_OK;
			goto out;
		}
	}
	ret = SCEAU_OK;
	if (read_only)
		goto out;
	{
		time_t now = time(NULL);
		struct tm tm;
		char when[32], dhex[65];
		int n;
		if (!gmtime_r(&now, &tm) ||
		    !strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm)) {
			ret = sceau_fail(err, SCEAU_ERR_INTERNAL, "cannot format the time");
			goto out;
		}
		hex_lower(info->digest, 32, dhex);
		n = snprintf(line, sizeof(line), "%llu %s %s\n", (unsigned long long)info->sequence,
			     dhex, when);
		if (n < 0 || (size_t)n >= sizeof(line)) {
			ret = sceau_fail(err, SCEAU_ERR_INTERNAL, "state line too long");
			goto out;
		}
		if ((ret = make_dirs(state_dir, 0755, err)) != SCEAU_OK ||
		    (ret = sceau_fs_replace(path, line, (size_t)n, 0644, err)) != SCEAU_OK)
			goto out;
	}
out:
	free(buf);
	free(path);
	return ret;
}

/* ---- install -------------------------------------------------------------------- */

static enum sceau_err read_bundle(const char *path, unsigned char **buf, size_t *len,
				  struct sceau_error *err)
{
	return sceau_fs_read(path, SCEAU_BUNDLE_MAX, "trust bundle", buf, len, err);
}

/* What is installed at `target` now: *have set when a bundle there loads
 * (its info in *prev), else problem[] says why not (empty when absent). */
static enum sceau_err previous(const char *target, int *have, struct sceau_bundle_info *prev,
			       char *problem, size_t problem_len, struct sceau_error *err)
{
	struct sceau_error e = {0};
	unsigned char *buf = NULL;
	struct stat st;
	size_t len = 0;

	*have = 0;
	problem[0] = '\0';
	if (stat(target, &st) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return SCEAU_OK;
		return sceau_fail(err, sceau_err_from_errno(errno), "cannot use '%s': %s", target,
				  sceau_errno_text(errno));
	}
	if (S_ISDIR(st.st_mode))
		return sceau_fail(err, SCEAU_ERR_INVALID,
				  "cannot install over '%s': it is a directory, not a bundle",
				  target);
	if (read_bundle(target, &buf, &len, &e) == SCEAU_OK &&
	    sceau_bundle_load_named(buf, len, NULL, target, NULL, prev, &e) == SCEAU_OK)
		*have = 1;
	else
		snprintf(problem, problem_len, "%s", e.msg);
	free(buf);
	return SCEAU_OK;
}

enum sceau_err sceau_bundle_install(const struct sceau_bundle_install_params *p,
				    struct sceau_bundle_installed *out, struct sceau_error *err)
{
	struct sceau_bundle_installed res;
	struct sceau_bundle_info prev;
	char *target = NULL, *state = NULL, *dir = NULL;
	unsigned char *buf = NULL;
	enum sceau_err ret;
	size_t len = 0;
	int have = 0;

	memset(&res, 0, sizeof(res));
	if (out)
		memset(out, 0, sizeof(*out));
	if (!p || !p->bundle)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no trust bundle given");
	target = p->target ? strdup(p->target)
			   : (p->system ? sceau_bundle_system_path() : sceau_bundle_user_path());
	state = p->state_dir ? strdup(p->state_dir) : sceau_bundle_state_dir(p->system);
	if (!target || !state) {
		ret = env("HOME") ? sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory")
				  : sceau_fail(err, SCEAU_ERR_INVALID,
					       "no place to install the trust bundle: HOME is "
					       "not set");
		goto out;
	}
	if (strlen(target) >= sizeof(res.path)) {
		ret = sceau_fail(err, SCEAU_ERR_INVALID, "path '%s' is too long", target);
		goto out;
	}
	snprintf(res.path, sizeof(res.path), "%s", target);
	if ((ret = read_bundle(p->bundle, &buf, &len, err)) != SCEAU_OK ||
	    (ret = sceau_bundle_load_named(buf, len, p->pin, p->bundle, NULL, &res.info, err)) !=
		    SCEAU_OK ||
	    (ret = previous(target, &have, &prev, res.previous_problem,
			    sizeof(res.previous_problem), err)) != SCEAU_OK)
		goto out;
	res.first = !have;
	if (have) {
		res.previous_sequence = prev.sequence;
		snprintf(res.previous_name, sizeof(res.previous_name), "%s", prev.root_name);
		if (memcmp(prev.root_fingerprint, res.info.root_fingerprint, 32) != 0) {
			char fp[96];
			if (!p->pin) {
				sceau_hex_colons(res.info.root_fingerprint, 32, fp);
				ret = sceau_fail(
					err, SCEAU_ERR_MISMATCH,
					"trust bundle '%s' refused: signed by root '%s' "
					"(SHA-256 %s), not by root '%s' of the bundle "
					"installed at '%s'; pin the new root to change roots",
					p->bundle, res.info.root_name, fp, prev.root_name, target);
				goto out;
			}
			res.root_changed = 1;
		} else if (res.info.sequence < prev.sequence) {
			ret = sceau_fail(err, SCEAU_ERR_STATE,
					 "trust bundle '%s' refused: bundle %llu is older than "
					 "bundle %llu installed at '%s'",
					 p->bundle, (unsigned long long)res.info.sequence,
					 (unsigned long long)prev.sequence, target);
			goto out;
		} else if (res.info.sequence == prev.sequence) {
			if (memcmp(res.info.digest, prev.digest, 32) != 0) {
				ret = sceau_fail(
					err, SCEAU_ERR_MISMATCH,
					"trust bundle '%s' refused: it differs from bundle "
					"%llu installed at '%s' but has the same sequence "
					"number",
					p->bundle, (unsigned long long)prev.sequence, target);
				goto out;
			}
			res.unchanged = 1;
		}
	}
	{
		struct sceau_error e = {0};
		if ((ret = sceau_bundle_accept(&res.info, state, 1, &e)) != SCEAU_OK) {
			ret = sceau_fail(err, ret, "trust bundle '%s' refused: %s", p->bundle,
					 e.msg);
			goto out;
		}
	}
	/* Make sure the state can be written before anything is installed. */
	if (!(dir = parent_of(target))) {
		ret = sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((ret = make_dirs(state, 0755, err)) != SCEAU_OK ||
	    (ret = make_dirs(dir, 0755, err)) != SCEAU_OK)
		goto out;
	if (access(state, W_OK) < 0 || access(dir, W_OK) < 0) {
		int e = errno;
		ret = sceau_fail(err, e == EACCES || e == EROFS ? SCEAU_ERR_ACCESS : SCEAU_ERR_IO,
				 "cannot write in '%s': %s", access(state, W_OK) < 0 ? state : dir,
				 sceau_errno_text(e));
		goto out;
	}
	if (!res.unchanged && (ret = sceau_fs_replace(target, buf, len, 0644, err)) != SCEAU_OK)
		goto out;
	{
		struct sceau_error e = {0};
		if ((ret = sceau_bundle_accept(&res.info, state, 0, &e)) != SCEAU_OK) {
			ret = sceau_fail(err, ret,
					 "installed '%s', but could not record it in the "
					 "anti-rollback state: %s",
					 target, e.msg);
			goto out;
		}
	}
	if (out)
		*out = res;
	ret = SCEAU_OK;
out:
	free(buf);
	free(target);
	free(state);
	free(dir);
	return ret;
}

/* ---- --trust ------------------------------------------------------------------ */

/* Open a trust directory or a bundle file; a bundle is checked read-only
 * against the per-user and the system-wide anti-rollback state (a rollback
 * seen by this user or by the machine is refused). *machine (may be NULL)
 * is set when only the system-wide state refused it. */
static enum sceau_err open_path(const char *path, struct sceau_trust **out,
				struct sceau_bundle_info *info, int *machine,
				struct sceau_error *err)
{
	struct sceau_bundle_info bi;
	struct sceau_trust *t = NULL;
	unsigned char *buf = NULL;
	char *states[2] = {NULL, NULL};
	enum sceau_err ret;
	struct stat st;
	size_t len = 0;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return sceau_trust_load_dir(path, out, err);
	if ((ret = read_bundle(path, &buf, &len, err)) != SCEAU_OK ||
	    (ret = sceau_bundle_load_named(buf, len, NULL, path, &t, &bi, err)) != SCEAU_OK)
		goto out;
	states[0] = sceau_bundle_state_dir(0);
	states[1] = sceau_bundle_state_dir(1);
	for (int i = 0; i < 2; i++) {
		struct sceau_error e = {0};
		if (!states[i] || (i == 1 && states[0] && !strcmp(states[0], states[1])))
			continue;
		if ((ret = sceau_bundle_accept(&bi, states[i], 1, &e)) != SCEAU_OK) {
			if (machine)
				*machine = i == 1;
			ret = sceau_fail(err, ret, "trust bundle '%s' refused: %s", path, e.msg);
			goto out;
		}
	}
	if (info)
		*info = bi;
	*out = t;
	t = NULL;
	ret = SCEAU_OK;
out:
	sceau_trust_free(t);
	free(buf);
	free(states[0]);
	free(states[1]);
	return ret;
}

enum sceau_err sceau_trust_open_default(struct sceau_trust **out, struct sceau_bundle_info *info,
					char **opened, char *passed_over, struct sceau_error *err)
{
	struct sceau_error first = {0}, second = {0};
	char *path = NULL, *sys = NULL;
	int system = 0, machine = 0;
	enum sceau_err ret;

	if (info)
		memset(info, 0, sizeof(*info));
	if (opened)
		*opened = NULL;
	if (passed_over)
		passed_over[0] = '\0';
	if (!out)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no place for the trust store");
	*out = NULL;
	if ((ret = sceau_bundle_default(&path, &system, err)) != SCEAU_OK)
		return ret;
	if ((ret = open_path(path, out, info, &machine, &first)) == SCEAU_OK)
		goto out;
	/* The per-user bundle is older than one the machine accepted: the
	 * system-wide bundle, when it opens, serves instead. */
	if (ret == SCEAU_ERR_STATE && machine && !system && !env("SCEAU_TRUST") &&
	    (sys = sceau_bundle_system_path()) && present(sys) &&
	    open_path(sys, out, info, NULL, &second) == SCEAU_OK) {
		if (passed_over)
			snprintf(passed_over, SCEAU_ERROR_MSG_MAX, "%s", first.msg);
		free(path);
		path = sys;
		sys = NULL;
		ret = SCEAU_OK;
		goto out;
	}
	ret = sceau_fail(err, ret, "%s", first.msg);
out:
	if (ret == SCEAU_OK && opened) {
		*opened = path;
		path = NULL;
	}
	free(path);
	free(sys);
	return ret;
}

enum sceau_err sceau_trust_open(const char *dir_or_bundle, struct sceau_trust **out,
				struct sceau_bundle_info *info, struct sceau_error *err)
{
	if (info)
		memset(info, 0, sizeof(*info));
	if (!out)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no place for the trust store");
	*out = NULL;
	if (!dir_or_bundle)
		return sceau_trust_open_default(out, info, NULL, NULL, err);
	return open_path(dir_or_bundle, out, info, NULL, err);
}
