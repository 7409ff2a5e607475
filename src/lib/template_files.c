/* sceau — the files a template names: its fonts (TrueType, with the
 * Debian package to install when one is missing) and its logo (PNG), and
 * the logo a body gives on the command line instead. Only the first bytes
 * are read here; the layout engine embeds the files. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "template_int.h"

/* Open a file the template names and read its first n bytes. `what`
 * names it in messages ("font"). */
static enum sceau_err read_magic(const char *path, const char *what, unsigned char *m, size_t n,
				 struct sceau_error *err)
{
	enum sceau_err ret = SCEAU_OK;
	struct stat st;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return sceau_fail(err, sceau_err_from_errno(errno), "cannot read %s '%s': %s", what,
				  path, sceau_errno_text(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		ret = sceau_fail(err, SCEAU_ERR_ACCESS, "cannot read %s '%s': not a regular file",
				 what, path);
		goto out;
	}
	while (got < n) {
		ssize_t r = read(fd, m + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			ret = sceau_fail(err, sceau_err_from_errno(errno),
					 "cannot read %s '%s': %s", what, path,
					 sceau_errno_text(errno));
			goto out;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	if (got < n)
		memset(m + got, 0, n - got);
out:
	close(fd);
	return ret;
}

enum sceau_err sceau_tpl_check_font(const struct tpl_font *f, struct sceau_error *err)
{
	unsigned char m[4];
	enum sceau_err ret = read_magic(f->file, "font", m, sizeof(m), err);

	if (ret == SCEAU_ERR_NOT_FOUND && f->package)
		return sceau_fail(err, ret, "font '%s' is missing: install the Debian package '%s'",
				  f->file, f->package);
	if (ret == SCEAU_ERR_NOT_FOUND)
		return sceau_fail(err, ret, "font '%s' is missing", f->file);
	if (ret != SCEAU_OK)
		return ret;
	/* TrueType outlines: version 1.0 or Apple's 'true'; libharu reads no
	 * CFF ('OTTO') and no collections ('ttcf'). */
	if (memcmp(m, "\x00\x01\x00\x00", 4) != 0 && memcmp(m, "true", 4) != 0)
		return sceau_fail(err, SCEAU_ERR_FORMAT, "font '%s' is not a TrueType file (.ttf)",
				  f->file);
	return SCEAU_OK;
}

enum sceau_err sceau_tpl_check_png(const char *path, struct sceau_error *err)
{
	unsigned char m[8];
	enum sceau_err ret = read_magic(path, "logo", m, sizeof(m), err);

	if (ret != SCEAU_OK)
		return ret;
	if (memcmp(m, "\x89PNG\r\n\x1a\n", 8) != 0)
		return sceau_fail(err, SCEAU_ERR_FORMAT, "logo '%s' is not a PNG file", path);
	return SCEAU_OK;
}

enum sceau_err sceau_template_set_logo(struct sceau_template *t, const char *png_path,
				       double width_mm, struct sceau_error *err)
{
	double w;
	enum sceau_err ret;
	char *copy;

	if (!t || !png_path)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no template or logo given");
	if (width_mm == 0)
		w = t->logo ? t->logo_w : SCEAU_LOGO_DEFAULT_MM * SCEAU_PT_PER_MM;
	else if (width_mm >= 5 && width_mm <= 100)
		w = width_mm * SCEAU_PT_PER_MM;
	else
		return sceau_fail(err, SCEAU_ERR_INVALID, "bad logo width %g mm: expected 5 to 100",
				  width_mm);
	if ((ret = sceau_tpl_check_png(png_path, err)) != SCEAU_OK)
		return ret;
	if (!(copy = strdup(png_path)))
		return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
	free(t->logo);
	t->logo = copy;
	t->logo_w = w;
	return SCEAU_OK;
}
