/* Replays fuzz inputs as an ordinary test: each argument is a file or a
 * directory of files, each file given once to LLVMFuzzerTestOneInput.
 * Under the sanitizers of the test build, a crash, leak or undefined
 * behaviour on any corpus input fails the test, without fuzzing. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static unsigned long count;

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	long len;
	int ret = -1;

	if (!f || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
		goto out;
	/* An exact-size copy, as libFuzzer gives: reading past it is caught. */
	if (!(buf = malloc(len ? (size_t)len : 1)) ||
	    (len && fread(buf, 1, (size_t)len, f) != (size_t)len))
		goto out;
	LLVMFuzzerTestOneInput(buf, (size_t)len);
	count++;
	ret = 0;
out:
	if (ret)
		fprintf(stderr, "replay: cannot read '%s'\n", path);
	free(buf);
	if (f)
		fclose(f);
	return ret;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int run(const char *path)
{
	struct dirent **names = NULL;
	struct stat st;
	char sub[4096];
	int n, ret = 0;

	if (stat(path, &st) != 0) {
		fprintf(stderr, "replay: cannot read '%s'\n", path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return run_file(path);
	if ((n = scandir(path, &names, NULL, by_name)) < 0) {
		fprintf(stderr, "replay: cannot read '%s'\n", path);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			snprintf(sub, sizeof(sub), "%s/%s", path, names[i]->d_name);
			if (run(sub) != 0)
				ret = -1;
		}
		free(names[i]);
	}
	free(names);
	return ret;
}

int main(int argc, char **argv)
{
	int ret = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++)
		if (run(argv[i]) != 0)
			ret = 1;
	printf("replayed %lu input%s\n", count, count == 1 ? "" : "s");
	/* A corpus that went missing must not pass as an empty success. */
	return ret ? ret : count == 0;
}
