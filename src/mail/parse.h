/* Received mail read back, for replies and forwards: a message file
 * (RFC 5322 header fields, MIME structure) parsed into its fields and the
 * text a reply quotes, with the transfer encoding (base64,
 * quoted-printable) and the charset (any iconv knows) undone, format=flowed
 * paragraphs joined, and HTML-only mail turned into plain text. Bounded
 * (nesting, parts, fields); never fails: what is not a header is body.
 * Pure: bytes in, no I/O. Any thread. */
#ifndef MISSIVE_PARSE_H
#define MISSIVE_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#define MPARSE_MAX		(64u << 20)	/* larger messages are refused */

struct mparse;

/* Parses data[0..len): CRLF or LF line ends; a leading mbox "From " line
 * is skipped. Never NULL. */
struct mparse *mparse_new(const char *data, size_t len);
void mparse_free(struct mparse *p);

/* The first field called name (ASCII case ignored), unfolded, as sent
 * (encoded-words kept), trimmed; NULL when there is none. Owned by p. */
const char *mparse_field(const struct mparse *p, const char *name);
/* The same, encoded-words decoded into UTF-8 and every control
 * character made a space: text fit to show or put in a field. Caller
 * frees; NULL when there is none. */
char *mparse_field_text(const struct mparse *p, const char *name);
/* Every field in order (name and value as mparse_field gives them);
 * false past the end. */
bool mparse_field_at(const struct mparse *p, size_t i, const char **name,
    const char **value);

/* The text a reply quotes, UTF-8 with LF line ends and no control
 * character but tab: the first text/plain part that is not an
 * attachment, else the first text/html one made plain text; "" when the
 * message has neither. Owned by p. */
const char *mparse_text(const struct mparse *p);
/* Whether that text was made from HTML. */
bool mparse_text_from_html(const struct mparse *p);

/* The other parts a person would call attachments (files, attached
 * messages): how many, and each one's file name (UTF-8; NULL when it
 * has none). */
size_t mparse_nattach(const struct mparse *p);
const char *mparse_attach_name(const struct mparse *p, size_t i);

/* HTML made plain text: tags dropped (script, style and head with their
 * content), blocks and line breaks as new lines, list items with "* ",
 * blockquotes quoted with "> ", a link's address after its text,
 * character references decoded. in is UTF-8; the result too (caller
 * frees). */
char *mparse_html_text(const char *in, size_t n);

/* RFC 3676: format=flowed text's soft line breaks undone (delsp: the
 * space before a soft break goes too), space-stuffing removed; quoted
 * lines come out as ">>> text". in has LF line ends. Caller frees. */
char *mparse_unflow(const char *in, size_t n, bool delsp);

#endif
