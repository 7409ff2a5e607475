/* sceau pki — the programme operator's PKI: root, signers, revocation. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

#define DEFAULT_ROOT   "keys/root"
#define ROOT_PASS_HINT "give --pass-file FILE or set SCEAU_ROOT_PASSPHRASE"

static const char init_details[] =
	"Passphrases never come from the command line. The new root key's passphrase\n"
	"comes from --pass-file FILE (its first line), else SCEAU_ROOT_PASSPHRASE,\n"
	"else SCEAU_PASSPHRASE, else the terminal (asked twice).\n";
static const char signer_details[] =
	"Passphrases never come from the command line. The new signer key's\n"
	"passphrase comes from --pass-file FILE (its first line), else\n"
	"SCEAU_PASSPHRASE, else the terminal (asked twice). The root key's comes\n"
	"from --root-pass-file FILE, else SCEAU_ROOT_PASSPHRASE, else --pass-file,\n"
	"else SCEAU_PASSPHRASE, else the terminal.\n";

/* ---- sceau pki init ------------------------------------------------------ */

enum { I_DIR, I_NAME, I_DAYS, I_CRL_DAYS, I_PASS_FILE, I_FORCE };
static const struct cli_opt init_opts[] = {
	[I_DIR] = {"dir", "ROOT", "directory to create (default: " DEFAULT_ROOT ")"},
	[I_NAME] = {"name", "NAME", "the root's name, e.g. \"IMANOR VoC Root CA\" (required)"},
	[I_DAYS] = {"days", "N", "validity of the root certificate in days (default: 3650)"},
	[I_CRL_DAYS] = {"crl-days", "N",
			"days until the revocation list's next update (default: 30)"},
	[I_PASS_FILE] = {"pass-file", "FILE", "read the new key's passphrase from FILE"},
	[I_FORCE] = {"force", NULL, "replace root.crt, root.key and crl.pem in an existing ROOT"},
	{0},
};
static const struct cli_spec init_spec = {
	"pki init",
	"--name NAME [--dir ROOT] [--days N] [--crl-days N] [--pass-file FILE] [--force]",
	"Create the programme's root CA: a P-256 key (encrypted), a self-signed\n"
	"certificate and an empty revocation list, in ROOT/root.key, ROOT/root.crt\n"
	"and ROOT/crl.pem.",
	init_opts,
	init_details,
	0,
	0};

static void show_file(const char *dir, const char *file, const char *what)
{
	printf("  %s/%-10s  %s\n", dir, file, what);
}

static int pki_init(int argc, char **argv)
{
	struct sceau_pki_init_params p = {0};
	struct sceau_error err = {0};
	struct sceau_pki_made made;
	struct cli_args a;
	struct cli_pass pass = {0};
	char from[32], to[32], next[32], line[160];
	int ret;

	if ((ret = cli_parse(&init_spec, argc, argv, &a)) >= 0)
		return ret;
	p.dir = a.val[I_DIR] ? a.val[I_DIR] : DEFAULT_ROOT;
	p.name = a.val[I_NAME];
	p.days = SCEAU_ROOT_DAYS_DEFAULT;
	p.crl_days = SCEAU_CRL_DAYS_DEFAULT;
	p.force = a.val[I_FORCE] != NULL;
	if (!p.name)
		return cli_usage_error(&init_spec, "missing '--name NAME'");
	if (a.val[I_DAYS] && (ret = cli_parse_int(&init_spec, "days", a.val[I_DAYS], 1,
						  SCEAU_DAYS_MAX, &p.days)) >= 0)
		return ret;
	if (a.val[I_CRL_DAYS] && (ret = cli_parse_int(&init_spec, "crl-days", a.val[I_CRL_DAYS], 1,
						      SCEAU_DAYS_MAX, &p.crl_days)) >= 0)
		return ret;
	/* Say what is wrong before asking for a passphrase. */
	if (!p.force && access(p.dir, F_OK) == 0) {
		cli_warn("directory '%s' already exists", p.dir);
		fprintf(stderr,
			"hint: choose another --dir, or pass --force to replace its root\n");
		return EXIT_USAGE;
	}
	snprintf(line, sizeof(line), "the new root key '%s/%s'", p.dir, SCEAU_ROOT_KEY_FILE);
	{
		const struct cli_pass_src src[] = {{a.val[I_PASS_FILE], NULL},
						   {NULL, "SCEAU_ROOT_PASSPHRASE"},
						   {NULL, "SCEAU_PASSPHRASE"}};
		if ((ret = cli_pass_get(&pass, src, 3, line, ROOT_PASS_HINT, 1)) != 0)
			return ret;
	}
	p.pass = pass.buf;
	p.pass_len = pass.len;
	ret = sceau_pki_init(&p, &made, &err);
	cli_pass_release(&pass);
	if (ret != SCEAU_OK)
		return cli_report(&err, "pass --force to replace the root in it");

	cli_format_date(made.not_before, from, sizeof(from));
	cli_format_date(made.not_after, to, sizeof(to));
	cli_format_date(made.crl_next_update, next, sizeof(next));
	printf("%s root CA '%s' in '%s'\n", made.replaced ? "replaced with new" : "created", p.name,
	       p.dir);
	snprintf(line, sizeof(line), "certificate, serial %s, valid %s to %s", made.serial, from,
		 to);
	show_file(p.dir, SCEAU_ROOT_CERT_FILE, line);
	show_file(p.dir, SCEAU_ROOT_KEY_FILE, "private key (P-256), encrypted, mode 0600");
	if (made.kept[0])
		show_file(p.dir, made.kept, "the replaced root certificate, kept");
	snprintf(line, sizeof(line), "revocation list #%ld, empty, next update %s", made.crl_number,
		 next);
	show_file(p.dir, SCEAU_ROOT_CRL_FILE, line);
	printf("next: authorise a body with 'sceau pki signer --root %s --name NAME --programs "
	       "coc,halal'\n",
	       p.dir);
	return EXIT_VALID;
}

/* ---- sceau pki signer ------------------------------------------------------- */

enum { S_ROOT, S_DIR, S_NAME, S_PROGRAMS, S_DAYS, S_PASS_FILE, S_ROOT_PASS_FILE, S_FORCE };
static const struct cli_opt signer_opts[] = {
	[S_ROOT] = {"root", "ROOT", "the issuing root's directory (default: " DEFAULT_ROOT ")"},
	[S_DIR] = {"dir", "SIGNER", "directory to create (default: keys/<name in lowercase>)"},
	[S_NAME] = {"name", "NAME", "the body's name, e.g. \"Intertek Maroc\" (required)"},
	[S_PROGRAMS] = {"programs", "LIST",
			"programmes it may sign, comma-separated: coc, halal (required)"},
	[S_DAYS] = {"days", "N", "validity in days (default: 1095), cut to end with the root's"},
	[S_PASS_FILE] = {"pass-file", "FILE", "read the new key's passphrase from FILE"},
	[S_ROOT_PASS_FILE] = {"root-pass-file", "FILE", "read the root key's passphrase from FILE"},
	[S_FORCE] = {"force", NULL,
		     "replace signer.crt, signer.key and chain.pem in an existing SIGNER"},
	{0},
};
static const struct cli_spec signer_spec = {
	"pki signer",
	"--name NAME --programs LIST [--root ROOT] [--dir SIGNER] [--days N] [--pass-file FILE] "
	"[--root-pass-file FILE] [--force]",
	"Authorise a certification body: a P-256 key (encrypted) and a certificate\n"
	"issued by the root that names the programmes the body may sign, in\n"
	"SIGNER/signer.key, SIGNER/signer.crt and SIGNER/chain.pem (signer + root).",
	signer_opts,
	signer_details,
	0,
	0};

/* keys/<name as lowercase ASCII words joined by '-'>, or NULL. */
static char *default_signer_dir(const char *name)
{
	char slug[65];
	size_t n = 0;

	/* U+00C0..U+00FF as ASCII, so "TÜV Rheinland" gives tuv-rheinland. */
	static const char latin1[] =
		"AAAAAAACEEEEIIIIDNOOOOO-OUUUUYTsaaaaaaaceeeeiiiidnooooo-ouuuuyty";

	for (const unsigned char *p = (const unsigned char *)name; *p && n < sizeof(slug) - 1;
	     p++) {
		unsigned char c = *p;
		if (c == 0xc3 && p[1] >= 0x80 && p[1] <= 0xbf)
			c = (unsigned char)latin1[*++p - 0x80];
		if (c < 0x80 && isalnum(c))
			slug[n++] = (char)tolower(c);
		else if (n > 0 && slug[n - 1] != '-')
			slug[n++] = '-';
	}
	while (n > 0 && slug[n - 1] == '-')
		n--;
	slug[n] = '\0';
	if (n == 0)
		return NULL;
	char *dir = malloc(strlen("keys/") + n + 1);
	if (dir) {
		memcpy(dir, "keys/", 5);
		memcpy(dir + 5, slug, n + 1);
	}
	return dir;
}

/* The root passphrase: its own sources first, then the signer's. */
static int root_pass(struct cli_pass *pass, const char *root_file, const char *file,
		     const char *what, const char *hint)
{
	const struct cli_pass_src src[] = {{root_file, NULL},
					   {NULL, "SCEAU_ROOT_PASSPHRASE"},
					   {file, NULL},
					   {NULL, "SCEAU_PASSPHRASE"}};

	return cli_pass_get(pass, src, 4, what, hint, 0);
}

/* Check a root directory looks usable before asking for its passphrase. */
static int check_root_dir(const char *root)
{
	struct stat st;
	char path[4096];

	if (stat(root, &st) < 0 || !S_ISDIR(st.st_mode)) {
		cli_warn("root '%s' not found: no such directory", root);
		fprintf(stderr,
			"hint: create one with 'sceau pki init --dir %s --name NAME', or pass "
			"--root\n",
			root);
		return EXIT_USAGE;
	}
	snprintf(path, sizeof(path), "%s/%s", root, SCEAU_ROOT_KEY_FILE);
	if (access(path, F_OK) < 0) {
		cli_warn("root '%s' has no key: '%s' is missing", root, path);
		return EXIT_USAGE;
	}
	return -1;
}

static int pki_signer(int argc, char **argv)
{
	struct sceau_pki_signer_params p = {0};
	struct cli_pass pass = {0}, rpass = {0};
	struct sceau_error err = {0};
	struct sceau_pki_made made;
	struct cli_args a;
	char *dir = NULL, from[32], to[32], line[256], progs[64];
	int ret;

	if ((ret = cli_parse(&signer_spec, argc, argv, &a)) >= 0)
		return ret;
	p.root_dir = a.val[S_ROOT] ? a.val[S_ROOT] : DEFAULT_ROOT;
	p.name = a.val[S_NAME];
	p.days = SCEAU_SIGNER_DAYS_DEFAULT;
	p.force = a.val[S_FORCE] != NULL;
	if (!p.name)
		return cli_usage_error(&signer_spec, "missing '--name NAME'");
	if (!a.val[S_PROGRAMS])
		return cli_usage_error(&signer_spec,
				       "missing '--programs LIST' (for example coc,halal)");
	if (sceau_program_parse_list(a.val[S_PROGRAMS], &p.programs, &err) != SCEAU_OK)
		return cli_report(&err, NULL);
	if (a.val[S_DAYS] && (ret = cli_parse_int(&signer_spec, "days", a.val[S_DAYS], 1,
						  SCEAU_DAYS_MAX, &p.days)) >= 0)
		return ret;
	if (a.val[S_DIR]) {
		p.dir = a.val[S_DIR];
	} else if ((dir = default_signer_dir(p.name)) != NULL) {
		p.dir = dir;
	} else {
		return cli_usage_error(
			&signer_spec, "cannot make a directory name from '%s': give --dir", p.name);
	}
	if ((ret = check_root_dir(p.root_dir)) >= 0)
		goto out;
	if (!p.force && access(p.dir, F_OK) == 0) {
		cli_warn("directory '%s' already exists", p.dir);
		fprintf(stderr, "hint: choose another --dir, or pass --force to replace its key\n");
		ret = EXIT_USAGE;
		goto out;
	}
	snprintf(line, sizeof(line), "the root key '%s/%s'", p.root_dir, SCEAU_ROOT_KEY_FILE);
	if ((ret = root_pass(&rpass, a.val[S_ROOT_PASS_FILE], a.val[S_PASS_FILE], line,
			     "give --root-pass-file FILE or set SCEAU_ROOT_PASSPHRASE")) != 0)
		goto out;
	snprintf(line, sizeof(line), "the new signer key '%s/%s'", p.dir, SCEAU_SIGNER_KEY_FILE);
	{
		const struct cli_pass_src src[] = {{a.val[S_PASS_FILE], NULL},
						   {NULL, "SCEAU_PASSPHRASE"}};
		if ((ret = cli_pass_get(&pass, src, 2, line,
					"give --pass-file FILE or set SCEAU_PASSPHRASE", 1)) != 0)
			goto out;
	}
	p.root_pass = rpass.buf;
	p.root_pass_len = rpass.len;
	p.pass = pass.buf;
	p.pass_len = pass.len;
	if (sceau_pki_signer(&p, &made, &err) != SCEAU_OK) {
		ret = cli_report(&err, "pass --force to replace the signer key in it");
		goto out;
	}
	sceau_program_list_format(p.programs, progs, sizeof(progs));
	cli_format_date(made.not_before, from, sizeof(from));
	cli_format_date(made.not_after, to, sizeof(to));
	printf("%s signer '%s' for %s under root '%s', in '%s'\n",
	       made.replaced ? "re-issued" : "authorised", p.name, progs, p.root_dir, p.dir);
	snprintf(line, sizeof(line), "certificate, serial %s, valid %s to %s%s", made.serial, from,
		 to, made.clamped ? " (cut to end with the root's)" : "");
	show_file(p.dir, SCEAU_SIGNER_CERT_FILE, line);
	show_file(p.dir, SCEAU_SIGNER_KEY_FILE, "private key (P-256), encrypted, mode 0600");
	show_file(p.dir, SCEAU_SIGNER_CHAIN_FILE, "signer and root certificates");
	if (made.kept[0]) {
		show_file(p.dir, made.kept, "the replaced certificate, kept so that it can be revoked");
		printf("unless it is revoked already, it stays valid; to revoke it: sceau pki revoke "
		       "--root %s --cert %s/%s\n",
		       p.root_dir, p.dir, made.kept);
	}
	ret = EXIT_VALID;
out:
	cli_pass_release(&pass);
	cli_pass_release(&rpass);
	free(dir);
	return ret;
}

/* ---- sceau pki revoke / sceau pki crl ------------------------------------------ */

/* revoke and crl share the first three options, at the same indices. */
enum { R_ROOT, R_CRL_DAYS, R_PASS_FILE, R_CERT, R_REASON };
static const struct cli_opt revoke_opts[] = {
	[R_ROOT] = {"root", "ROOT", "the root's directory (default: " DEFAULT_ROOT ")"},
	[R_CRL_DAYS] = {"crl-days", "N", "days until the new list's next update (default: 30)"},
	[R_PASS_FILE] = {"pass-file", "FILE", "read the root key's passphrase from FILE"},
	[R_CERT] = {"cert", "FILE", "the signer certificate to revoke (required)"},
	[R_REASON] = {"reason", "REASON",
		      "keyCompromise, superseded, cessationOfOperation, affiliationChanged, "
		      "privilegeWithdrawn, cACompromise or unspecified (default)"},
	{0},
};
static const char root_pass_details[] =
	"The root key's passphrase comes from --pass-file FILE, else\n"
	"SCEAU_ROOT_PASSPHRASE, else SCEAU_PASSPHRASE, else the terminal.\n";
static const struct cli_spec revoke_spec = {
	"pki revoke",
	"--cert FILE [--root ROOT] [--reason REASON] [--crl-days N] [--pass-file FILE]",
	"Revoke a signer certificate: add its serial to ROOT/crl.pem with the reason\n"
	"and date, raise the CRL number and re-sign the list. Documents the signer\n"
	"signed are then refused by verifiers that have the new list.",
	revoke_opts,
	root_pass_details,
	0,
	0};

static const struct cli_opt crl_opts[] = {
	[R_ROOT] = {"root", "ROOT", "the root's directory (default: " DEFAULT_ROOT ")"},
	[R_CRL_DAYS] = {"crl-days", "N", "days until the new list's next update (default: 30)"},
	[R_PASS_FILE] = {"pass-file", "FILE", "read the root key's passphrase from FILE"},
	{0},
};
static const struct cli_spec crl_spec = {
	"pki crl",
	"[--root ROOT] [--crl-days N] [--pass-file FILE]",
	"Re-sign ROOT/crl.pem with the same entries, the next CRL number and a new\n"
	"next update: run it before the list goes stale.",
	crl_opts,
	root_pass_details,
	0,
	0};

static int crl_command(const struct cli_spec *spec, int revoke, int argc, char **argv)
{
	struct sceau_pki_revoke_params p = {0};
	struct sceau_error err = {0};
	struct sceau_pki_made made;
	struct cli_pass pass = {0};
	struct cli_args a;
	const char *pass_file;
	char next[32], what[160];
	int ret;

	if ((ret = cli_parse(spec, argc, argv, &a)) >= 0)
		return ret;
	p.root_dir = a.val[R_ROOT] ? a.val[R_ROOT] : DEFAULT_ROOT;
	p.crl_days = SCEAU_CRL_DAYS_DEFAULT;
	pass_file = a.val[R_PASS_FILE];
	if (a.val[R_CRL_DAYS] && (ret = cli_parse_int(spec, "crl-days", a.val[R_CRL_DAYS], 1,
						      SCEAU_DAYS_MAX, &p.crl_days)) >= 0)
		return ret;
	if (revoke) {
		p.cert_path = a.val[R_CERT];
		if (!p.cert_path)
			return cli_usage_error(spec, "missing '--cert FILE'");
		p.reason = SCEAU_REASON_UNSPECIFIED;
		if (a.val[R_REASON] &&
		    sceau_crl_reason_from_name(a.val[R_REASON], &p.reason, &err) != SCEAU_OK)
			return cli_report(&err, NULL);
	}
	if ((ret = check_root_dir(p.root_dir)) >= 0)
		return ret;
	snprintf(what, sizeof(what), "the root key '%s/%s'", p.root_dir, SCEAU_ROOT_KEY_FILE);
	if ((ret = root_pass(&pass, pass_file, NULL, what, ROOT_PASS_HINT)) != 0)
		return ret;
	p.root_pass = pass.buf;
	p.root_pass_len = pass.len;
	ret = revoke ? sceau_pki_revoke(&p, &made, &err) : sceau_pki_crl_refresh(&p, &made, &err);
	cli_pass_release(&pass);
	if (ret != SCEAU_OK)
		return cli_report(&err, NULL);
	cli_format_date(made.crl_next_update, next, sizeof(next));
	if (revoke)
		printf("revoked '%s' (serial %s, reason %s)\n", p.cert_path, made.serial,
		       sceau_crl_reason_name(p.reason));
	else
		printf("re-signed the revocation list of root '%s'\n", p.root_dir);
	printf("  %s/%-10s  revocation list #%ld, %d %s, next update %s\n", p.root_dir,
	       SCEAU_ROOT_CRL_FILE, made.crl_number, made.crl_entries,
	       made.crl_entries == 1 ? "entry" : "entries", next);
	printf("publish it: verifiers only see the change once they have the new list\n");
	return EXIT_VALID;
}

static int pki_revoke(int argc, char **argv)
{
	return crl_command(&revoke_spec, 1, argc, argv);
}

static int pki_crl(int argc, char **argv)
{
	return crl_command(&crl_spec, 0, argc, argv);
}

/* ---- sceau pki ---------------------------------------------------------------- */

static const struct cli_command pki_commands[] = {
	{"init", pki_init, "create the root CA"},
	{"signer", pki_signer, "authorise a certification body for programmes"},
	{"revoke", pki_revoke, "revoke a signer certificate (root CRL)"},
	{"crl", pki_crl, "re-sign the root CRL with a new next update"},
	{NULL, NULL, NULL},
};

int cmd_pki(int argc, char **argv)
{
	return cli_dispatch(
		"pki",
		"Run the programme's PKI: the root CA, the bodies it authorises, revocation.",
		pki_commands, argc, argv);
}
