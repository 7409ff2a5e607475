/* sceau command line — the table of commands (git's commands[] pattern). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/opensslv.h>

#include "cli.h"

const char *cli_progname = "sceau";

static int cmd_help(int argc, char **argv);

static const struct cli_command commands[] = {
	{"pki", cmd_pki, "run the PKI: root CA, signer certificates, revocation"},
	{"trust", cmd_trust, "build, install and show trust bundles for verifiers"},
	{"issue", cmd_issue, "issue a certificate as a PDF document (one, or a batch)"},
	{"revoke", cmd_revoke, "revoke, suspend or reinstate a certificate"},
	{"status", cmd_status, "publish the body's signed document status list"},
	{"payload", cmd_payload, "sign a request as QR text"},
	{"verify", cmd_verify, "verify a QR code offline"},
	{"show", cmd_show, "decode a QR code without verifying it"},
	{"scan", cmd_scan, "verify QR codes from a handheld scanner, one per line"},
	{"demo", cmd_demo, "make a demo PKI and show what sceau does"},
	{"help", cmd_help, "show help for a command ('sceau help pki init')"},
	{NULL, NULL, NULL},
};

static void usage_line(FILE *f)
{
	fprintf(f, "usage: sceau <command> [options]    (sceau --help lists the commands)\n");
}

static void help(void)
{
	printf("usage: sceau <command> [options]\n\n"
	       "Issue digitally signed Certificates of Conformity and Halal certificates\n"
	       "and verify them offline.\n\ncommands:\n");
	for (const struct cli_command *c = commands; c->name; c++)
		printf("  %-6s %s\n", c->name, c->summary);
	printf("\noptions:\n"
	       "  --help     show this help and exit\n"
	       "  --version  show the version and exit\n"
	       "\nexit status: 0 valid or done; 1 a document or certificate that is not valid;\n"
	       "2 usage or input error (nothing written); 3 internal or system error.\n"
	       "'sceau <command> --help' tells more about each command; see also sceau(1).\n");
}

static int dispatch(int argc, char **argv)
{
	const char *name = argv[0];

	for (const struct cli_command *c = commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c->run(argc, argv);
	fprintf(stderr, "sceau: unknown command '%s'\n", name);
	usage_line(stderr);
	return EXIT_USAGE;
}

/* sceau help X [Y] is sceau X [Y] --help. */
static int cmd_help(int argc, char **argv)
{
	char *args[4];

	if (argc < 2) {
		help();
		return EXIT_VALID;
	}
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("usage: sceau help [<command> [<subcommand>]]\n\n"
		       "Show help for a command: 'sceau help pki init' is 'sceau pki init "
		       "--help';\n"
		       "'sceau help' alone lists the commands.\n\noptions:\n"
		       "  --help  show this help and exit\n");
		return EXIT_VALID;
	}
	if (argc > 3 || !strcmp(argv[1], "help")) {
		fprintf(stderr, "sceau: usage: sceau help [<command> [<subcommand>]]\n");
		return EXIT_USAGE;
	}
	args[0] = argv[1];
	args[1] = argc == 3 ? argv[2] : (char *)"--help";
	args[2] = argc == 3 ? (char *)"--help" : NULL;
	args[3] = NULL;
	return dispatch(argc, args);
}

int main(int argc, char **argv)
{
	int ret;

	/* Passphrases live in the secure heap; without it OpenSSL falls back to
	 * ordinary memory, which is still wiped on release. */
	CRYPTO_secure_malloc_init(1 << 16, 32);
	if (argc > 0 && argv[0] && strchr(argv[0], '/'))
		cli_progname = argv[0];

	if (argc < 2) {
		fprintf(stderr, "sceau: no command given\n");
		usage_line(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		help();
		return EXIT_VALID;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("sceau %s (%s)\n", sceau_version(), OpenSSL_version(OPENSSL_VERSION));
		return EXIT_VALID;
	}
	if (argv[1][0] == '-') {
		fprintf(stderr, "sceau: unknown option '%s'\n", argv[1]);
		usage_line(stderr);
		return EXIT_USAGE;
	}
	ret = dispatch(argc - 1, argv + 1);
	if (fflush(stdout) != 0 && ret == EXIT_VALID) {
		perror("sceau: cannot write output");
		ret = EXIT_INTERNAL;
	}
	CRYPTO_secure_malloc_done();
	return ret;
}
