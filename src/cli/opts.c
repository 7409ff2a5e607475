/* sceau command line — option tables drive both getopt_long and --help. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static size_t count_opts(const struct cli_spec *spec)
{
	size_t n = 0;

	while (spec->opts && spec->opts[n].name)
		n++;
	return n;
}

void cli_help(const struct cli_spec *spec, FILE *f)
{
	size_t n = count_opts(spec), width = strlen("--help");

	fprintf(f, "usage: sceau %s %s\n\n%s\n", spec->name, spec->synopsis, spec->summary);
	for (size_t i = 0; i < n; i++) {
		size_t w = 2 + strlen(spec->opts[i].name) +
			   (spec->opts[i].arg ? 1 + strlen(spec->opts[i].arg) : 0);
		if (w > width)
			width = w;
	}
	fprintf(f, "\noptions:\n");
	for (size_t i = 0; i < n; i++) {
		const struct cli_opt *o = &spec->opts[i];
		char left[96];
		snprintf(left, sizeof(left), "--%s%s%s", o->name, o->arg ? " " : "",
			 o->arg ? o->arg : "");
		fprintf(f, "  %-*s  %s\n", (int)width, left, o->help);
	}
	fprintf(f, "  %-*s  %s\n", (int)width, "--help", "show this help and exit");
	if (spec->details)
		fprintf(f, "\n%s", spec->details);
}

int cli_usage_error(const struct cli_spec *spec, const char *fmt, ...)
{
	va_list ap;

	fputs("sceau: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: sceau %s %s\n", spec->name, spec->synopsis);
	fprintf(stderr, "try 'sceau %s --help' for more\n", spec->name);
	return EXIT_USAGE;
}

int cli_parse(const struct cli_spec *spec, int argc, char **argv, struct cli_args *args)
{
	struct option longopts[CLI_MAX_OPTS + 2];
	size_t n = count_opts(spec);
	int help = 0;

	memset(args, 0, sizeof(*args));
	if (n > CLI_MAX_OPTS) {
		fprintf(stderr, "sceau: internal error: too many options for '%s'\n", spec->name);
		return EXIT_INTERNAL;
	}
	for (size_t i = 0; i < n; i++) {
		longopts[i].name = spec->opts[i].name;
		longopts[i].has_arg = spec->opts[i].arg ? required_argument : no_argument;
		longopts[i].flag = NULL;
		longopts[i].val = 256 + (int)i;
	}
	longopts[n] = (struct option){"help", no_argument, NULL, 'h'};
	longopts[n + 1] = (struct option){0};

	/* getopt_long accepts any unambiguous prefix ("--na" for "--name"); an
	 * abbreviation would become interface by accident, so insist on whole
	 * names. Values that look like options are skipped as getopt would. */
	for (int k = 1; k < argc; k++) {
		const char *t = argv[k], *eq;
		size_t len, i;
		if (!strcmp(t, "--"))
			break;
		if (strncmp(t, "--", 2) != 0)
			continue;
		eq = strchr(t, '=');
		len = eq ? (size_t)(eq - t - 2) : strlen(t + 2);
		for (i = 0; i <= n; i++) {
			const char *name = i < n ? spec->opts[i].name : "help";
			if (strlen(name) == len && !strncmp(name, t + 2, len))
				break;
		}
		if (i > n)
			return cli_usage_error(spec, "unknown option '%.*s'", (int)len + 2, t);
		if (i < n && spec->opts[i].arg && !eq)
			k++;
	}

	opterr = 0;
	optind = 0; /* glibc: start afresh, this may be a second parse */
	for (;;) {
		int c = getopt_long(argc, argv, ":h", longopts, NULL);
		if (c == -1)
			break;
		if (c == 'h') {
			help = 1;
		} else if (c >= 256 && c < 256 + (int)n) {
			size_t i = (size_t)(c - 256);
			if (args->val[i])
				return cli_usage_error(spec, "option '--%s' given more than once",
						       spec->opts[i].name);
			args->val[i] = spec->opts[i].arg ? optarg : "";
		} else if (c == ':') {
			return cli_usage_error(spec, "option '%s' needs a value", argv[optind - 1]);
		} else {
			const char *bad = argv[optind - 1];
			if (optopt && optopt < 256 && bad[0] == '-' && bad[1] != '-')
				return cli_usage_error(spec, "unknown option '-%c'", optopt);
			return cli_usage_error(spec, "unknown option '%s'", bad);
		}
	}
	if (help) {
		cli_help(spec, stdout);
		return EXIT_VALID;
	}
	args->operands = argv + optind;
	args->n_operands = argc - optind;
	if (args->n_operands < spec->min_operands)
		return cli_usage_error(spec, "missing operand");
	if (args->n_operands > spec->max_operands)
		return cli_usage_error(spec, "unexpected argument '%s'",
				       args->operands[spec->max_operands]);
	return -1;
}

int cli_parse_int(const struct cli_spec *spec, const char *opt, const char *val, int min, int max,
		  int *out)
{
	char *end = NULL;
	long v;

	errno = 0;
	v = strtol(val, &end, 10);
	if (!*val || *end || errno || v < min || v > max || val[0] == '+' || val[0] == ' ')
		return cli_usage_error(
			spec,
			"invalid value '%s' for '--%s': expected a whole number from %d to %d", val,
			opt, min, max);
	*out = (int)v;
	return -1;
}

int cli_dispatch(const char *group, const char *summary, const struct cli_command *cmds, int argc,
		 char **argv)
{
	const char *sub = argc > 1 ? argv[1] : NULL;

	if (sub && (!strcmp(sub, "--help") || !strcmp(sub, "-h"))) {
		printf("usage: sceau %s <command> [options]\n\n%s\n\ncommands:\n", group, summary);
		for (const struct cli_command *c = cmds; c->name; c++)
			printf("  %-8s %s\n", c->name, c->summary);
		printf("\n'sceau %s <command> --help' tells more about each\n", group);
		return EXIT_VALID;
	}
	if (sub) {
		for (const struct cli_command *c = cmds; c->name; c++)
			if (!strcmp(c->name, sub))
				return c->run(argc - 1, argv + 1);
	}
	if (sub)
		fprintf(stderr, "sceau: unknown command '%s %s'\n", group, sub);
	else
		fprintf(stderr, "sceau: '%s' needs a command\n", group);
	fprintf(stderr, "usage: sceau %s <", group);
	for (const struct cli_command *c = cmds; c->name; c++)
		fprintf(stderr, "%s%s", c == cmds ? "" : "|", c->name);
	fprintf(stderr, "> [options]\ntry 'sceau %s --help' for more\n", group);
	return EXIT_USAGE;
}
