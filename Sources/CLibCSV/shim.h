#ifndef TOUCHSTONE_CLIBCSV_SHIM_H
#define TOUCHSTONE_CLIBCSV_SHIM_H
#include <csv.h>

/// Parser state value libcsv uses for "between records" (ROW_NOT_BEGUN in libcsv.c).
static inline int touchstone_csv_between_records(const struct csv_parser *p) {
    return p->pstate == 0;
}

/// Whether the parser is inside a quoted field whose closing quote has not been seen yet
/// (FIELD_BEGUN with quoted set; valid between csv_parse calls).
static inline int touchstone_csv_in_open_quote(const struct csv_parser *p) {
    return p->pstate == 2 && p->quoted != 0;
}

/// Bytes of the field in progress, as it would be submitted now (valid between csv_parse
/// calls). libcsv's buffer holds more than that: the trailing spaces of an unquoted field
/// (`spaces`), and after a quote in a quoted field (FIELD_MIGHT_HAVE_ENDED, 3) that quote and
/// the spaces after it; it drops them when it submits the field. Counting them made a field of
/// exactly the limit look over it when a chunk ended in its trailing spaces or right after its
/// closing quote.
static inline size_t touchstone_csv_pending_field_bytes(const struct csv_parser *p) {
    size_t extra = 0;
    if (p->pstate == 3) extra = p->spaces + 1;
    else if (p->pstate == 2 && !p->quoted) extra = p->spaces;
    return p->entry_pos >= extra ? p->entry_pos - extra : 0;
}
/// Whether the field in progress began with a quote (valid between csv_parse calls).
static inline int touchstone_csv_field_quoted(const struct csv_parser *p) {
    return p->quoted != 0;
}
#endif
