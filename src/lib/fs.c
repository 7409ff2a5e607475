/* sceau — files: bounded reads, atomic replacement, output directories that
 * appear whole or not at all. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

char *sceau_path_join(const char *dir, const char *name)
{
	size_t a = strlen(dir), b = strlen(name);
	char *p = malloc(a + b + 2);

	if (!p)
		return NULL;
	memcpy(p, dir, a);
	p[a] = '/';
	memcpy(p + a + 1, name, b + 1);
	return p;
}

enum sceau_err sceau_fs_read(const char *path, size_t max, const char *what, unsigned char **buf,
			     size_t *len, struct sceau_error *err)
{
	enum sceau_err ret = SCEAU_ERR_IO;
	unsigned char *p = NULL;
	struct stat st;
	size_t n = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return sceau_fail(err, sceau_err_from_errno(errno), "cannot read %s '%s': %s", what,
				  path, sceau_errno_text(errno));
	if (fstat(fd, &st) < 0) {
		ret = sceau_fail(err, SCEAU_ERR_IO, "cannot read %s '%s': %s", what, path,
				 sceau_errno_text(errno));
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		ret = sceau_fail(err, SCEAU_ERR_ACCESS, "cannot read %s '%s': is a directory", what,
				 path);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = sceau_fail(err, SCEAU_ERR_ACCESS, "cannot read %s '%s': not a regular file",
				 what, path);
		goto out;
	}
	if ((size_t)st.st_size > max) {
		ret = sceau_fail(err, SCEAU_ERR_FORMAT,
				 "cannot read %s '%s': larger than %zu bytes", what, path, max);
		goto out;
	}
	p = malloc((size_t)st.st_size + 1);
	if (!p) {
		ret = sceau_fail(err, SCEAU_ERR_NOMEM, "cannot read %s '%s': out of memory", what,
				 path);
		goto out;
	}
	while (n < (size_t)st.st_size) {
		ssize_t r = read(fd, p + n, (size_t)st.st_size - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			ret = sceau_fail(err, sceau_err_from_errno(errno),
					 "cannot read %s '%s': %s", what, path,
					 sceau_errno_text(errno));
			goto out;
		}
		if (r == 0)
			break; /* shrank while reading: take what is there */
		n += (size_t)r;
	}
	p[n] = '\0';
	*buf = p;
	*len = n;
	p = NULL;
	ret = SCEAU_OK;
out:
	free(p);
	close(fd);
	return ret;
}

static int write_all(int fd, const void *data, size_t len)
{
	const unsigned char *p = data;

	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r;

	if (fd < 0)
		return -1;
	r = fsync(fd);
	close(fd);
	return r;
}

/* The directory part of path ("." when it has none), malloc'd. */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

enum sceau_err sceau_fs_replace(const char *path, const void *data, size_t len, int mode,
				struct sceau_error *err)
{
	enum sceau_err ret = SCEAU_ERR_IO;
	char *tmp = NULL, *dir = NULL;
	int fd = -1;
	struct stat st;

	/* Replace a file, never a device, directory or pipe: a rename over
	 * /dev/null would put a file in its place. */
	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode))
		return sceau_fail(err, SCEAU_ERR_INVALID, "cannot replace '%s': not a regular file",
				  path);
	if (asprintf(&tmp, "%s.tmp-XXXXXX", path) < 0 || !(dir = dir_of(path))) {
		tmp = NULL;
		ret = sceau_fail(err, SCEAU_ERR_NOMEM, "cannot write '%s': out of memory", path);
		goto out;
	}
	fd = mkostemp(tmp, O_CLOEXEC); /* O_CREAT|O_EXCL, mode 0600 */
	if (fd < 0) {
		ret = sceau_fail(err, SCEAU_ERR_IO, "cannot create '%s': %s", tmp,
				 sceau_errno_text(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	if (fchmod(fd, (mode_t)mode) < 0 || write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		ret = sceau_fail(err, SCEAU_ERR_IO, "cannot write '%s': %s", tmp,
				 sceau_errno_text(errno));
		goto out;
	}
	if (close(fd) < 0) {
		fd = -1;
		ret = sceau_fail(err, SCEAU_ERR_IO, "cannot write '%s': %s", tmp,
				 sceau_errno_text(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) < 0) {
		ret = sceau_fail(err, SCEAU_ERR_IO, "cannot replace '%s': %s", path,
				 sceau_errno_text(errno));
		goto out;
	}
	free(tmp);
	tmp = NULL;
	if (fsync_dir(dir) < 0) {
		ret = sceau_fail(err, SCEAU_ERR_IO, "cannot sync directory '%s': %s", dir,
				 sceau_errno_text(errno));
		goto out;
	}
	ret = SCEAU_OK;
out:
	if (fd >= 0)
		close(fd);
	if (tmp)
		unlink(tmp);
	free(tmp);
	free(dir);
	return ret;
}

/* ---- output directories ------------------------------------------------ */

/* mkdir -p for the parents of dir, remembering what was made. */
static enum sceau_err make_parents(struct sceau_outdir *od, const char *dir,
				   struct sceau_error *err)
{
	char *parent = dir_of(dir);
	enum sceau_err ret = SCEAU_OK;
	struct stat st;

	if (!parent)
		return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
	if (stat(parent, &st) == 0) {
		if (!S_ISDIR(st.st_mode))
			ret = sceau_fail(err, SCEAU_ERR_INVALID,
					 "cannot create '%s': '%s' is not a directory", dir,
					 parent);
		free(parent);
		return ret;
	}
	if (errno != ENOENT) {
		ret = sceau_fail(err, sceau_err_from_errno(errno), "cannot create '%s': %s", dir,
				 sceau_errno_text(errno));
		free(parent);
		return ret;
	}
	ret = make_parents(od, parent, err);
	if (ret == SCEAU_OK) {
		if (od->nmade >= sizeof(od->made) / sizeof(od->made[0])) {
			ret = sceau_fail(err, SCEAU_ERR_INVALID,
					 "cannot create '%s': too many missing parent directories",
					 dir);
		} else if (mkdir(parent, 0700) < 0) {
			ret = sceau_fail(err, sceau_err_from_errno(errno),
					 "cannot create directory '%s': %s", parent,
					 sceau_errno_text(errno));
		} else {
			od->made[od->nmade++] = parent;
			return SCEAU_OK;
		}
	}
	free(parent);
	return ret;
}

enum sceau_err sceau_outdir_begin(struct sceau_outdir *od, const char *dir, int force,
				  struct sceau_error *err)
{
	enum sceau_err ret;
	char *tmpl = NULL;
	struct stat st;
	size_t len;

	memset(od, 0, sizeof(*od));
	if (!dir || !*dir)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no directory given");
	len = strlen(dir);
	while (len > 1 && dir[len - 1] == '/')
		len--;
	od->final = strndup(dir, len);
	if (!od->final)
		return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");

	if (lstat(od->final, &st) == 0) {
		if (S_ISLNK(st.st_mode))
			return sceau_fail(err, SCEAU_ERR_INVALID,
					  "'%s' is a symbolic link: give the directory itself",
					  od->final);
		if (!S_ISDIR(st.st_mode))
			return sceau_fail(err, SCEAU_ERR_INVALID,
					  "'%s' exists and is not a directory", od->final);
		if (!force)
			return sceau_fail(err, SCEAU_ERR_EXISTS, "directory '%s' already exists",
					  od->final);
		od->existed = 1;
		if (asprintf(&tmpl, "%s/.sceau-new-XXXXXX", od->final) < 0)
			return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
	} else if (errno != ENOENT) {
		return sceau_fail(err, sceau_err_from_errno(errno), "cannot use directory '%s': %s",
				  od->final, sceau_errno_text(errno));
	} else {
		ret = make_parents(od, od->final, err);
		if (ret != SCEAU_OK)
			return ret;
		if (asprintf(&tmpl, "%s.sceau-new-XXXXXX", od->final) < 0)
			return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
	}
	if (!mkdtemp(tmpl)) { /* mode 0700 */
		ret = sceau_fail(err,
				 sceau_err_from_errno(errno) == SCEAU_ERR_ACCESS ? SCEAU_ERR_ACCESS
										 : SCEAU_ERR_IO,
				 "cannot create directory in '%s': %s", od->final,
				 sceau_errno_text(errno));
		free(tmpl);
		return ret;
	}
	od->stage = tmpl;
	return SCEAU_OK;
}

enum sceau_err sceau_outdir_write(struct sceau_outdir *od, const char *name, const void *data,
				  size_t len, int mode, struct sceau_error *err)
{
	enum sceau_err ret = SCEAU_ERR_IO;
	char *path = NULL, *copy = NULL;
	int fd = -1;

	if (od->nfiles >= SCEAU_OUTDIR_FILES)
		return sceau_fail(err, SCEAU_ERR_INTERNAL, "too many files in one directory");
	path = sceau_path_join(od->stage, name);
	copy = strdup(name);
	if (!path || !copy) {
		ret = sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
		goto out;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, (mode_t)mode);
	if (fd < 0) {
		ret = sceau_fail(err, SCEAU_ERR_IO, "cannot create '%s': %s", path,
				 sceau_errno_text(errno));
		goto out;
	}
	od->files[od->nfiles++] = copy;
	copy = NULL;
	if (fchmod(fd, (mode_t)mode) < 0 || write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		ret = sceau_fail(err, SCEAU_ERR_IO, "cannot write '%s': %s", path,
				 sceau_errno_text(errno));
		goto out;
	}
	ret = SCEAU_OK;
out:
	if (fd >= 0 && close(fd) < 0 && ret == SCEAU_OK)
		ret = sceau_fail(err, SCEAU_ERR_IO, "cannot write '%s': %s", path,
				 sceau_errno_text(errno));
	free(path);
	free(copy);
	return ret;
}

enum sceau_err sceau_outdir_commit(struct sceau_outdir *od, struct sceau_error *err)
{
	char *parent = NULL;
	enum sceau_err ret = SCEAU_ERR_IO;

	if (fsync_dir(od->stage) < 0)
		return sceau_fail(err, SCEAU_ERR_IO, "cannot sync directory '%s': %s", od->stage,
				  sceau_errno_text(errno));
	if (!od->existed) {
		if (rename(od->stage, od->final) < 0)
			return sceau_fail(err,
					  errno == EEXIST || errno == ENOTEMPTY ? SCEAU_ERR_EXISTS
										: SCEAU_ERR_IO,
					  "cannot create directory '%s': %s", od->final,
					  sceau_errno_text(errno));
		free(od->stage);
		od->stage = NULL;
		parent = dir_of(od->final);
		if (!parent || fsync_dir(parent) < 0) {
			ret = sceau_fail(err, SCEAU_ERR_IO, "cannot sync directory '%s'",
					 od->final);
			goto out;
		}
	} else {
		/* Replacing in place: move file by file. Earlier files are then the new
		 * ones even if a later rename fails; say so. */
		for (size_t i = 0; i < od->nfiles; i++) {
			char *from = sceau_path_join(od->stage, od->files[i]);
			char *to = sceau_path_join(od->final, od->files[i]);
			int r = from && to ? rename(from, to) : (errno = ENOMEM, -1);
			free(from);
			free(to);
			if (r < 0) {
				ret = sceau_fail(
					err, SCEAU_ERR_IO,
					"cannot replace '%s/%s': %s (%zu of %zu files replaced)",
					od->final, od->files[i], sceau_errno_text(errno), i,
					od->nfiles);
				goto out;
			}
		}
		rmdir(od->stage);
		free(od->stage);
		od->stage = NULL;
		if (fsync_dir(od->final) < 0) {
			ret = sceau_fail(err, SCEAU_ERR_IO, "cannot sync directory '%s': %s",
					 od->final, sceau_errno_text(errno));
			goto out;
		}
	}
	for (size_t i = 0; i < od->nmade; i++) {
		free(od->made[i]);
		od->made[i] = NULL;
	}
	od->nmade = 0;
	ret = SCEAU_OK;
out:
	free(parent);
	return ret;
}

void sceau_outdir_release(struct sceau_outdir *od)
{
	if (!od)
		return;
	if (od->stage) {
		for (size_t i = 0; i < od->nfiles; i++) {
			char *p = sceau_path_join(od->stage, od->files[i]);
			if (p)
				unlink(p);
			free(p);
		}
		rmdir(od->stage);
		free(od->stage);
	}
	for (size_t i = 0; i < od->nfiles; i++)
		free(od->files[i]);
	while (od->nmade > 0) {
		char *d = od->made[--od->nmade];
		rmdir(d);
		free(d);
	}
	free(od->final);
	memset(od, 0, sizeof(*od));
}
