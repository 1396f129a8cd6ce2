/* The floor for any CSV ingester built on libcsv: parse a file with a 1 MiB buffer and
 * callbacks that only count fields and records (strict mode, as Touchstone uses it).
 * Build: cc -O2 -o libcsv-count Benchmarks/baseline/libcsv-count.c -lcsv
 * Run:   ./libcsv-count FILE   (prints "records fields") */
#include <csv.h>
#include <stdio.h>
#include <stdlib.h>

struct counts { size_t records, fields; };

static void on_field(void *s, size_t n, void *data) { (void)s; (void)n; ((struct counts *)data)->fields++; }
static void on_record(int c, void *data) { (void)c; ((struct counts *)data)->records++; }

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: libcsv-count FILE\n"); return 2; }
    FILE *f = fopen(argv[1], "rb");
    if (!f) { perror(argv[1]); return 2; }
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0) return 1;
    static char buffer[1 << 20];
    struct counts counts = {0, 0};
    size_t n;
    while ((n = fread(buffer, 1, sizeof buffer, f)) > 0) {
        if (csv_parse(&p, buffer, n, on_field, on_record, &counts) != n) {
            fprintf(stderr, "%s: libcsv error: %s\n", argv[1], csv_strerror(csv_error(&p)));
            return 1;
        }
    }
    csv_fini(&p, on_field, on_record, &counts);
    csv_free(&p);
    fclose(f);
    printf("%zu %zu\n", counts.records, counts.fields);
    return 0;
}
