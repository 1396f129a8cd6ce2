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

/// Bytes buffered for the field in progress (valid between csv_parse calls).
static inline size_t touchstone_csv_pending_field_bytes(const struct csv_parser *p) {
    return p->entry_pos;
}
/// Whether the field in progress began with a quote (valid between csv_parse calls).
static inline int touchstone_csv_field_quoted(const struct csv_parser *p) {
    return p->quoted != 0;
}
#endif
