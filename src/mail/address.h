/* Addresses as people type them into To/Cc/Bcc/From/Reply-To: parsing
 * RFC 5322 address lists leniently (comments, groups, ';' between
 * addresses, IDN domains, UTF-8 local parts) with errors that name the
 * field and point at the bad address, and rendering them back into a
 * folded header. Any thread. */
#ifndef MISSIVE_ADDRESS_H
#define MISSIVE_ADDRESS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "mail/encode.h"

enum addr_kind { ADDR_MAILBOX, ADDR_GROUP };

struct addr {
	enum addr_kind kind;
	char *name;		/* display or group name, UTF-8; NULL if none */
	char *local;		/* local part, wire form (quoted only if needed) */
	char *domain;		/* domain as typed (UTF-8 allowed) or [literal] */
	char *domain_ascii;	/* the same with A-labels ("xn--") */
	size_t members;		/* ADDR_GROUP: count of mailboxes that follow */
	bool utf8;		/* non-ASCII local part: needs SMTPUTF8 */
};

/* A parsed list in typed order; a group entry is followed by its
 * members. */
struct addr_list {
	struct addr *v;
	size_t n;
};

/* Parses s[0..len) typed into the header field named field ("To").
 * Empty entries (",,", a trailing ',') are skipped. Returns 0, or -1
 * with e->msg such as "To: the third address `bob@` has no domain"
 * (the ordinal appears when the field holds several addresses). l is
 * always initialised; free it with addr_list_free. */
int addr_parse(const char *field, const char *s, size_t len,
    struct addr_list *l, struct err *e);
void addr_list_free(struct addr_list *l);

/* Number of mailboxes (group entries not counted). */
size_t addr_count(const struct addr_list *l);

/* "local@domain": with ascii, the domain in A-label form (what the
 * envelope carries). Caller frees. */
char *addr_spec(const struct addr *a, bool ascii);
/* Appends to the n strings of *v the addr_spec (ASCII domain) of each
 * mailbox of l not already there: local parts compared exactly, domains
 * ignoring case. The envelope's one rule (msg.c, the sendmail
 * interface). */
void addr_specs_add(char ***v, size_t *n, const struct addr_list *l);

/* Appends the list to a header being built ("To:" already begun):
 * display names as atoms, quoted strings or RFC 2047 encoded-words
 * (raw UTF-8 when utf8), domains in A-label form unless utf8. Folds
 * between words. */
void addr_render(struct enc_hdr *h, const struct addr_list *l, bool utf8);

/* Where a typed list is cut into entries, short of parsing it: at a ','
 * outside a quoted string, <...> and a (comment). Fed one character at
 * a time (a byte, or a code point: only ASCII matters); true when c ends
 * an entry. The one rule of every splitter (history, completion). */
struct addr_scan {
	bool quote, escape;
	int angle, paren;
};
bool addr_scan_sep(struct addr_scan *st, unsigned long c);

/* Splits "a@b, \"Doe, J\" <j@d>" with addr_scan_sep; entries trimmed,
 * empty ones skipped. Free with strv_free. */
char **addr_split(const char *list, size_t *n);
/* The bare address of "Name <a@b>" or "a@b" (caller frees). */
char *addr_bare(const char *entry);

/* Checks a header field's text typed by the user: no CR, LF or NUL
 * (header injection), valid UTF-8, no other control character than
 * tab. Returns 0 or -1 with e naming the field. */
int addr_check_text(const char *field, const char *s, size_t len,
    struct err *e);

#endif
