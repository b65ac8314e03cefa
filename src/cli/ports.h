/* The ports table of `missive probe --ports` and `missive setup`: what
 * app/ports.c found, a row per port, on stdout. */
#ifndef MISSIVE_CLI_PORTS_H
#define MISSIVE_CLI_PORTS_H

#include <stdbool.h>
#include <stddef.h>

#include "app/ports.h"

/* The table: with hosts, a HOST column; mark[i] (or NULL for none)
 * goes in a first column (a choice's number, "*" for the recommended
 * one). */
void ports_print_table(const struct port_report *p, size_t n,
    const char *const *mark, bool hosts);

/* What the server memory says of each port that is or was remembered
 * ("Server memory, port 465: ..."), on stdout. */
void ports_print_memory(const struct port_report *p, size_t n);

/* `missive probe --ports HOST`: the three standard ports of host with
 * tmpl's session settings, each stopped after deadline seconds; the
 * table and the recommendation (or with json one object per port).
 * Returns the exit status: 0 when a port is usable and none remembered
 * for TLS came without it (a downgrade), else 1. */
int cli_probe_ports(const char *host, const struct smtp_job *tmpl,
    int deadline, bool json);

#endif
