/* Fuzz target for received mail read back (mail/parse.c) and answered
 * (mail/answer.c): any bytes parse, and
 *   - the text to quote is valid UTF-8 with no control character but tab
 *     and newline; every decoded field and attachment name is valid UTF-8
 *     with no control character at all (so nothing from a message can
 *     reach the terminal or a header raw);
 *   - a reply's subject starts with "Re: " and a forward's with "Fwd: ";
 *     its References are at most ANSWER_MAX_REFS IDs, each "<x@y>" of
 *     printable ASCII; every line of the quote starts with '>';
 *   - the To and Cc of a reply parse back as address lists (what the
 *     composer would send) and never hold the user's own address;
 *   - HTML made text and format=flowed undone hold no raw control byte
 *     but tab and newline (HTML) and never grow without bound.
 *
 * libFuzzer: make fuzz-build (tests/fuzz/README). make check replays
 * tests/fuzz/corpus/parse. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/text.h"
#include "base/util.h"
#include "fuzzlib.h"
#include "mail/address.h"
#include "mail/answer.h"
#include "mail/encode.h"
#include "mail/parse.h"

static void
clean(const char *s, bool lines)
{
	size_t i, n = strlen(s);

	CHECK(enc_utf8_valid(s, n, NULL));
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		CHECK(c >= 0x20 || (lines && (c == '\n' || c == '\t')));
		CHECK(c != 0x7f);
	}
}

/* Every answer list parses. The user's own address is in none, but for
 * the one exception answer_recipients makes: when nobody else is left,
 * the reply goes to whom the message came from (Reply-To, else From),
 * the user included, and to nobody in Cc. */
static void
list_ok(const char *list, const char *own, const char *from, bool alone)
{
	struct addr_list l;
	struct err e;
	size_t i;

	if (list == NULL || *list == '\0')
		return;
	CHECK(addr_parse("To", list, strlen(list), &l, &e) == 0);
	for (i = 0; i < l.n; i++) {
		char *b;

		if (l.v[i].kind != ADDR_MAILBOX)
			continue;
		b = addr_spec(&l.v[i], false);
		if (strcasecmp(b, own) == 0)
			CHECK(alone && from != NULL && strcasestr(from, own) != NULL);
		free(b);
	}
	addr_list_free(&l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "From", "To", "Cc", "Subject",
		"Date", "Reply-To", "Message-ID", "References" };
	const char *own[] = { "own@example.org" };
	const char *s = (const char *)data;
	struct mparse *p = mparse_new(s, size);
	const char *sender;
	char *v, *to, *cc, *t;
	size_t i, nid = 0;

	clean(mparse_text(p), true);
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		if ((v = mparse_field_text(p, names[i])) != NULL)
			clean(v, false);
		free(v);
	}
	for (i = 0; i < mparse_nattach(p); i++)
		if (mparse_attach_name(p, i) != NULL)
			clean(mparse_attach_name(p, i), false);

	v = mparse_field_text(p, "Subject");
	t = answer_subject(v, false);
	CHECK(strncmp(t, "Re: ", 4) == 0);
	clean(t, false);
	free(t);
	t = answer_subject(v, true);
	CHECK(strncmp(t, "Fwd: ", 5) == 0);
	free(t);
	free(v);

	t = answer_references(mparse_field(p, "References"),
	    mparse_field(p, "In-Reply-To"), mparse_field(p, "Message-ID"));
	if (t != NULL) {
		char *save = NULL, *id;

		for (id = strtok_r(t, " ", &save); id != NULL;
		    id = strtok_r(NULL, " ", &save)) {
			size_t l = strlen(id), k;

			CHECK(l >= 3 && id[0] == '<' && id[l - 1] == '>');
			CHECK(strchr(id, '@') != NULL);
			for (k = 0; k < l; k++)
				CHECK(id[k] > 32 && id[k] < 127);
			nid++;
		}
		CHECK(nid <= ANSWER_MAX_REFS);
	}
	free(t);

	t = answer_quote(mparse_text(p));
	clean(t, true);
	for (i = 0; t[i] != '\0'; i++)
		CHECK((i == 0 || t[i - 1] != '\n') || t[i] == '>');
	free(t);
	t = answer_attribution(p);
	clean(t, false);
	free(t);
	t = answer_forward_text(p);
	clean(t, true);
	free(t);

	answer_recipients(p, size > 0 && (data[0] & 1), own, 1, &to, &cc);
	if ((sender = mparse_field(p, "Reply-To")) == NULL)
		sender = mparse_field(p, "From");
	list_ok(to, own[0], sender, cc == NULL);
	list_ok(cc, own[0], NULL, false);
	free(to);
	free(cc);
	mparse_free(p);

	/* The raw bytes as HTML and as flowed text. */
	t = mparse_html_text(s, size);
	clean(t, true);
	free(t);
	t = mparse_unflow(s, size, size > 0 && (data[size - 1] & 1));
	CHECK(strlen(t) <= 2 * size + 2);
	free(t);
	return 0;
}
