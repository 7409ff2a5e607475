/* sceau trust — trust bundles: the programme operator builds one from the
 * root (build), verifiers install it (install) and look at it (show). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

#define DEFAULT_ROOT   "keys/root"
#define ROOT_PASS_HINT "give --pass-file FILE or set SCEAU_ROOT_PASSPHRASE"

/* "AB:CD:..." for 32 bytes into buf[96]. */
void cli_fingerprint(const unsigned char *md, char *buf)
{
	static const char hex[] = "0123456789ABCDEF";

	for (size_t i = 0; i < 32; i++) {
		buf[3 * i] = hex[md[i] >> 4];
		buf[3 * i + 1] = hex[md[i] & 15];
		buf[3 * i + 2] = i + 1 < 32 ? ':' : '\0';
	}
}

/* ---- sceau trust build --------------------------------------------------- */

enum { B_ROOT, B_OUT, B_SEQUENCE, B_DAYS, B_PASS_FILE, B_FORCE };
static const struct cli_opt build_opts[] = {
	[B_ROOT] = {"root", "ROOT", "the root's directory (default: " DEFAULT_ROOT ")"},
	[B_OUT] = {"out", "BUNDLE", "the bundle file to write (required)"},
	[B_SEQUENCE] = {"sequence", "N",
			"sequence number (default: one more than the last built from ROOT)"},
	[B_DAYS] = {"days", "N", "days until the bundle's next update (default: 30)"},
	[B_PASS_FILE] = {"pass-file", "FILE", "read the root key's passphrase from FILE"},
	[B_FORCE] = {"force", NULL, "replace BUNDLE if it exists"},
	{0},
};
static const struct cli_spec build_spec = {
	"trust build",
	"--out BUNDLE [--root ROOT] [--sequence N] [--days N] [--pass-file FILE] [--force] "
	"[ITEM...]",
	"Pack what verifiers need into one file signed with the root key: the root\n"
	"certificate, its revocation list (ROOT/crl.pem), and each ITEM: a signer\n"
	"directory (its signer.crt), a signer certificate file, or a body's status\n"
	"list (told apart by their contents). Every signer must be issued by the root\n"
	"and every status list signed by one of the signers given.",
	build_opts,
	"The bundle gets the next sequence number, remembered in ROOT/bundle.seq;\n"
	"verifiers refuse a bundle older than one they accepted. Rebuild and\n"
	"republish it before its next update, and after every 'sceau pki revoke'.\n"
	"The root key's passphrase comes from --pass-file FILE, else\n"
	"SCEAU_ROOT_PASSPHRASE, else SCEAU_PASSPHRASE, else the terminal.\n",
	0,
	8191};

/* A whole decimal number in 1..INT64_MAX. */
static int parse_sequence(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s || *s == '0')
		return -1;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s) || v > (INT64_MAX - (uint64_t)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 0;
}

static void plural(char *buf, size_t len, size_t n, const char *one, const char *many)
{
	snprintf(buf, len, "%zu %s", n, n == 1 ? one : many);
}

static void print_contents(const struct sceau_bundle_info *info)
{
	char a[32], b[32], c[40], d[40];

	plural(a, sizeof(a), info->n_roots, "root", "roots");
	plural(b, sizeof(b), info->n_signers, "signer", "signers");
	plural(c, sizeof(c), info->n_crls, "revocation list", "revocation lists");
	plural(d, sizeof(d), info->n_status, "status list", "status lists");
	printf("  %-12s %s, %s, %s, %s\n", "contents", a, b, c, d);
}

static int trust_build(int argc, char **argv)
{
	struct sceau_bundle_make_params p = {0};
	struct sceau_bundle_info info;
	struct sceau_error err = {0};
	struct cli_pass pass = {0};
	struct cli_args a;
	struct stat st;
	char what[256], fp[96], t1[48], t2[48];
	int ret;

	if ((ret = cli_parse(&build_spec, argc, argv, &a)) >= 0)
		return ret;
	p.root_dir = a.val[B_ROOT] ? a.val[B_ROOT] : DEFAULT_ROOT;
	p.out = a.val[B_OUT];
	p.force = a.val[B_FORCE] != NULL;
	p.items = (const char *const *)a.operands;
	p.n_items = (size_t)a.n_operands;
	if (!p.out)
		return cli_usage_error(&build_spec, "missing '--out BUNDLE'");
	if (a.val[B_SEQUENCE] && parse_sequence(a.val[B_SEQUENCE], &p.sequence) < 0)
		return cli_usage_error(&build_spec,
				       "invalid value '%s' for '--sequence': expected a whole "
				       "number from 1 to %lld",
				       a.val[B_SEQUENCE], (long long)INT64_MAX);
	if (a.val[B_DAYS] && (ret = cli_parse_int(&build_spec, "days", a.val[B_DAYS], 1,
						  SCEAU_DAYS_MAX, &p.days)) >= 0)
		return ret;
	if (stat(p.root_dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		cli_warn("root '%s' not found: no such directory", p.root_dir);
		fprintf(stderr, "hint: the directory 'sceau pki init' made; pass --root\n");
		return EXIT_USAGE;
	}
	/* Check all that needs no passphrase before asking for it. */
	if (sceau_bundle_make(&p, NULL, &err) != SCEAU_OK)
		return cli_report(&err, "pass --force to replace it");
	snprintf(what, sizeof(what), "the root key '%s/%s'", p.root_dir, SCEAU_ROOT_KEY_FILE);
	{
		const struct cli_pass_src src[] = {{a.val[B_PASS_FILE], NULL},
						   {NULL, "SCEAU_ROOT_PASSPHRASE"},
						   {NULL, "SCEAU_PASSPHRASE"}};
		if ((ret = cli_pass_get(&pass, src, 3, what, ROOT_PASS_HINT, 0)) != 0)
			return ret;
	}
	p.root_pass = pass.buf;
	p.root_pass_len = pass.len;
	ret = sceau_bundle_make(&p, &info, &err);
	cli_pass_release(&pass);
	if (ret != SCEAU_OK)
		return cli_report(&err, "pass --force to replace it");

	cli_fingerprint(info.root_fingerprint, fp);
	cli_format_time(info.issued, t1, sizeof(t1));
	cli_format_time(info.next_update, t2, sizeof(t2));
	printf("built trust bundle '%s', sequence %llu, signed by root '%s'\n", p.out,
	       (unsigned long long)info.sequence, info.root_name);
	printf("  %-12s %s\n", "root SHA-256", fp);
	print_contents(&info);
	printf("  %-12s %s\n", "issued", t1);
	printf("  %-12s %s\n", "next update", t2);
	printf("next: give it to the verifiers, who run 'sceau trust install %s'\n", p.out);
	return EXIT_VALID;
}

/* ---- sceau trust install ---------------------------------------------------- */

enum { I_SYSTEM, I_PIN };
static const struct cli_opt install_opts[] = {
	[I_SYSTEM] = {"system", NULL,
		      "install for every user of this machine (/etc/sceau/trust.bundle)"},
	[I_PIN] = {"pin", "SHA256",
		   "the root's SHA-256 fingerprint (hex, colons allowed): refuse any other"},
	{0},
};
static const struct cli_spec install_spec = {
	"trust install",
	"[--system] [--pin SHA256] BUNDLE",
	"Check a trust bundle and install it where 'sceau verify' finds it without\n"
	"--trust: ~/.local/share/sceau/trust.bundle (or $SCEAU_TRUST), or with\n"
	"--system /etc/sceau/trust.bundle. Updating a workstation from a USB stick:\n"
	"  sceau trust install /media/usb/trust.bundle",
	install_opts,
	"The bundle must be signed by its root; once one is installed, later ones\n"
	"must come from the same root (or from the root --pin names) and must not be\n"
	"older than any bundle accepted before (anti-rollback; the state is kept in\n"
	"~/.local/state/sceau, or /var/lib/sceau with --system, or $SCEAU_STATE_DIR).\n"
	"The first bundle's root is trusted on first use: compare the fingerprint\n"
	"printed with the one the programme operator publishes, or give --pin.\n"
	"On any refusal nothing is installed and the exit status is 2.\n",
	1,
	1};

/* 32 bytes of hex, upper or lower case, optionally separated by ':'. */
static int parse_pin(const char *s, unsigned char *pin)
{
	size_t n = 0;

	while (*s) {
		int hi, lo;
		if (*s == ':' && n > 0) {
			s++;
			continue;
		}
		if (!isxdigit((unsigned char)s[0]) || !isxdigit((unsigned char)s[1]) || n == 32)
			return -1;
		hi = isdigit((unsigned char)s[0]) ? s[0] - '0' : (tolower(s[0]) - 'a' + 10);
		lo = isdigit((unsigned char)s[1]) ? s[1] - '0' : (tolower(s[1]) - 'a' + 10);
		pin[n++] = (unsigned char)(hi << 4 | lo);
		s += 2;
	}
	return n == 32 ? 0 : -1;
}

static int trust_install(int argc, char **argv)
{
	struct sceau_bundle_install_params p = {0};
	struct sceau_bundle_installed r;
	struct sceau_error err = {0};
	unsigned char pin[32];
	struct cli_args a;
	char fp[96], t[48];
	int ret;

	if ((ret = cli_parse(&install_spec, argc, argv, &a)) >= 0)
		return ret;
	p.bundle = a.operands[0];
	p.system = a.val[I_SYSTEM] != NULL;
	if (a.val[I_PIN]) {
		if (parse_pin(a.val[I_PIN], pin) < 0)
			return cli_usage_error(&install_spec,
					       "invalid value '%s' for '--pin': expected a SHA-256 "
					       "fingerprint, 64 hex digits",
					       a.val[I_PIN]);
		p.pin = pin;
	}
	if (sceau_bundle_install(&p, &r, &err) != SCEAU_OK) {
		ret = cli_report(&err, NULL);
		if (err.code == SCEAU_ERR_MISMATCH && strstr(err.msg, "pin the new root"))
			fprintf(stderr, "hint: if the programme changed its root, give --pin with "
					"the new root's SHA-256 fingerprint as published\n");
		else if (err.code == SCEAU_ERR_ACCESS && p.system)
			fprintf(stderr, "hint: installing for every user needs root (sudo)\n");
		fprintf(stderr, "sceau: nothing installed\n");
		return ret;
	}
	cli_fingerprint(r.info.root_fingerprint, fp);
	cli_format_time(r.info.next_update, t, sizeof(t));
	if (r.previous_problem[0])
		cli_warn("replaced an unusable bundle: %s", r.previous_problem);
	if (r.unchanged)
		printf("trust bundle %llu of root '%s' is already installed at '%s'\n",
		       (unsigned long long)r.info.sequence, r.info.root_name, r.path);
	else if (r.first)
		printf("installed trust bundle %llu of root '%s' at '%s'\n",
		       (unsigned long long)r.info.sequence, r.info.root_name, r.path);
	else if (r.root_changed)
		printf("installed trust bundle %llu of root '%s' at '%s', replacing bundle %llu "
		       "of root '%s' (pinned)\n",
		       (unsigned long long)r.info.sequence, r.info.root_name, r.path,
		       (unsigned long long)r.previous_sequence, r.previous_name);
	else
		printf("updated trust bundle at '%s' from %llu to %llu (root '%s')\n", r.path,
		       (unsigned long long)r.previous_sequence, (unsigned long long)r.info.sequence,
		       r.info.root_name);
	print_contents(&r.info);
	printf("  %-12s %s\n", "next update", t);
	printf("  %-12s %s\n", "root SHA-256", fp);
	if (r.first && !p.pin)
		printf("first bundle here: root '%s' is now trusted. Check that its SHA-256\n"
		       "fingerprint above is the one the programme operator publishes.\n",
		       r.info.root_name);
	else if (p.pin)
		printf("the root's fingerprint matches --pin\n");
	return EXIT_VALID;
}

/* ---- sceau trust ------------------------------------------------------------ */

static const struct cli_command trust_commands[] = {
	{"build", trust_build, "pack root, signers, CRL and status lists into a signed bundle"},
	{"install", trust_install, "check a bundle and install it for 'sceau verify'"},
	{"show", cli_trust_show, "show the installed bundle (or one given) and how fresh it is"},
	{NULL, NULL, NULL},
};

int cmd_trust(int argc, char **argv)
{
	return cli_dispatch("trust",
			    "Trust bundles: everything a verifier needs, in one file signed by "
			    "the root.",
			    trust_commands, argc, argv);
}
