#!/usr/bin/env python3
"""Touchstone at scale on Spark: summarize customer-hash pieces in parallel, then merge.

    touchstone_spark.py --input DIR_OR_CSV... --pieces N --work DIR [--map MAP] [--as-of TIME]
                        [--case COLUMN] [--delimiter C] [--touchstone PATH] [--master URL]
                        [--keep-pieces DIR [--split-only]] [-- SUMMARIZE_FLAGS...]

1. Reads the CSV exports (a folder's *.csv files, or files, in name order) with Spark
   (header, multiLine, RFC 4180 quotes), keeping each row's file and position.
2. Gives each row its piece, pmod(xxhash64(customer), N): the customer hash of
   `touchstone split` (docs/scale-out.md), so Spark and split make the same pieces.
3. Repartitions by piece and sorts each partition by (piece, file, position), so every
   customer's rows keep their input order (equal timestamps keep file order).
4. On the executors, writes each piece's rows as one CSV (the header, then the rows) to a
   temporary file and runs `touchstone summarize` on it; the summaries (small) come back.
5. On the driver: `touchstone merge`, then `check --from-summary` (with --map) and
   `discover --from-summary`, as JSON in the work folder.

With --map and without --as-of, a first Spark pass runs `touchstone stats` per piece and takes
the latest event of the whole log (the default of a single `touchstone check`); give --as-of
(e.g. the export time) to skip it. Without --map, the summaries serve `discover` only. Flags after `--` go to every `touchstone summarize` (and `stats`),
e.g. `-- --timestamp-format '%d.%m.%Y %H:%M'`.
"""
import argparse
import csv
import datetime
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile


def parse_arguments(argv):
    extra = []
    if "--" in argv:
        cut = argv.index("--")
        argv, extra = argv[:cut], argv[cut + 1:]
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--input", nargs="+", required=True, help="folders of CSV exports, or CSV files")
    p.add_argument("--pieces", type=int, required=True, help="number of customer-hash pieces (N)")
    p.add_argument("--work", required=True, help="folder for the summaries and results (created)")
    p.add_argument("--map", help="journey map (YAML) for summarize and check")
    p.add_argument("--as-of", dest="as_of", help="end of the log for outcomes (default: its latest event)")
    p.add_argument("--case", help="customer id column (default: the one touchstone detects)")
    p.add_argument("--delimiter", default=None, help="field delimiter (default: the one touchstone detects)")
    p.add_argument("--touchstone", default=shutil.which("touchstone") or "touchstone",
                   help="the touchstone binary, present at this path on every executor")
    p.add_argument("--master", default=None, help="Spark master (default: spark-submit's, else local[2])")
    p.add_argument("--keep-pieces", dest="keep_pieces", default=None,
                   help="also copy each piece's CSV to DIR/piece-K.csv (local runs, debugging)")
    p.add_argument("--split-only", dest="split_only", action="store_true",
                   help="only write the pieces to --keep-pieces (Spark's `touchstone split`), no summaries")
    a = p.parse_args(argv)
    if a.pieces < 1:
        p.error("--pieces must be at least 1")
    if a.split_only and not a.keep_pieces:
        p.error("--split-only needs --keep-pieces DIR")
    a.extra = extra
    return a


def is_remote(path):
    return "://" in path and not path.startswith("file://")


def input_files(paths, spark):
    """The CSV files to read, each folder's *.csv in name order. Local paths are listed by
    Python; remote ones (hdfs://, s3a://, …) through Spark's Hadoop file system."""
    files = []
    for path in paths:
        if is_remote(path):
            jvm = spark.sparkContext._jvm
            hadoop_path = jvm.org.apache.hadoop.fs.Path(path)
            fs = hadoop_path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
            if fs.getFileStatus(hadoop_path).isDirectory():
                files += sorted(str(st.getPath().toString()) for st in fs.listStatus(hadoop_path)
                                if st.isFile() and st.getPath().getName().endswith(".csv"))
            else:
                files.append(path)
        elif os.path.isdir(path):
            files += sorted(os.path.abspath(f) for f in glob.glob(os.path.join(path, "*.csv")))
        else:
            files.append(os.path.abspath(path))
    if not files:
        sys.exit("error: no CSV files in " + ", ".join(paths))
    return files


def run(command, **kwargs):
    """Runs a touchstone command; its failure stops the job with touchstone's message."""
    r = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if r.returncode != 0:
        raise RuntimeError("%s failed (exit %d): %s" % (" ".join(command), r.returncode, r.stderr.strip()))
    return r


def detected_columns(touchstone, first_file, extra):
    """The mapping touchstone detects, from the first rows of the first file (detection looks
    at the header and at most the first 101 lines)."""
    with tempfile.TemporaryDirectory() as tmp:
        head = os.path.join(tmp, "head.csv")
        with open(first_file, "rb") as src, open(head, "wb") as dst:
            for n, line in enumerate(src):
                if n > 200:
                    break
                dst.write(line)
        r = run([touchstone, "stats", head, "--format", "json", "--quiet", "--max-reject-rate", "1"] + extra)
        stats = json.loads(r.stdout)
        return stats["mapping"], stats.get("delimiter")


def main(argv):
    a = parse_arguments(argv)
    from pyspark import SparkConf
    from pyspark.sql import SparkSession, functions as F

    # spark-submit's --master wins; run as a plain script, it is local[2] unless --master says.
    conf = SparkConf().setAppName("touchstone-summaries")
    if a.master:
        conf.setMaster(a.master)
    elif not conf.contains("spark.master"):
        conf.setMaster("local[2]")
    if not conf.contains("spark.ui.enabled"):
        conf.set("spark.ui.enabled", "false")
    spark = SparkSession.builder.config(conf=conf).getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")

    files = input_files(a.input, spark)
    if a.case and a.delimiter:
        customer, delimiter = a.case, a.delimiter
    elif is_remote(files[0]):
        sys.exit("error: give --case and --delimiter for remote inputs (they are detected from a local first file)")
    else:
        mapping, detected_delimiter = detected_columns(a.touchstone, files[0], a.extra)
        customer = a.case or mapping["case"]
        delimiter = a.delimiter or detected_delimiter or ","

    # Every column as text, as in the file; multiLine keeps quoted line breaks inside a row
    # and reads each file as one split, so monotonically_increasing_id is the row's position.
    # Every column as text, as in the file; multiLine keeps quoted line breaks inside a row
    # and reads each file as one split, so monotonically_increasing_id orders a file's rows.
    reader = (spark.read.option("header", True).option("multiLine", True).option("escape", '"')
              .option("sep", delimiter).option("inferSchema", False).option("mode", "PERMISSIVE"))
    frame = None
    for index, path in enumerate(files):
        part = reader.csv(path).withColumn("_file", F.lit(index))
        frame = part if frame is None else frame.unionByName(part)
    columns = [c for c in frame.columns if c != "_file"]
    if customer not in columns:
        sys.exit("error: customer column '%s' is not in the header (%s)" % (customer, ", ".join(columns)))
    # The id as touchstone reads it: spaces and tabs around it trimmed, empty = none (null,
    # which Spark's xxhash64 hashes to its seed 42, as split does for rows without an id).
    customer_id = F.expr("nullif(regexp_replace(`%s`, '^[ \\t]+|[ \\t]+$', ''), '')" % customer.replace("`", "``"))
    rows = (frame.withColumn("_pos", F.monotonically_increasing_id())
            .withColumn("_piece", F.pmod(F.xxhash64(customer_id), F.lit(a.pieces)))
            .repartition(a.pieces, "_piece")
            .sortWithinPartitions("_piece", "_file", "_pos"))

    touchstone, extra, keep = a.touchstone, a.extra, a.keep_pieces

    def pieces_of(partition, command):
        """Writes each piece of this partition as a CSV and runs `command(csv_path)` on it;
        yields (piece, rows, output bytes)."""
        tmp = tempfile.mkdtemp(prefix="touchstone-piece-")
        try:
            current, out, writer, count, path = None, None, None, 0, None

            def finish():
                out.close()
                if keep:
                    os.makedirs(keep, exist_ok=True)
                    shutil.copyfile(path, os.path.join(keep, "piece-%04d.csv" % current))
                result = command(path, current)
                os.unlink(path)
                return (current, count, result)

            for row in partition:
                piece = row["_piece"]
                if piece != current:
                    if out is not None:
                        yield finish()
                    current, count = piece, 0
                    path = os.path.join(tmp, "piece-%04d.csv" % piece)
                    out = open(path, "w", encoding="utf-8", newline="")
                    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
                    writer.writerow(columns)
                writer.writerow(["" if row[c] is None else row[c] for c in columns])
                count += 1
            if out is not None:
                yield finish()
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    if a.split_only:
        written = rows.rdd.mapPartitions(lambda p: pieces_of(p, lambda path, piece: None)).collect()
        spark.stop()
        for piece, count, _ in sorted(written):
            print("piece %d: %d rows" % (piece, count), file=sys.stderr)
        return

    as_of = a.as_of
    if as_of is None and a.map:
        def last_event(path, piece):
            r = run([touchstone, "stats", path, "--format", "json", "--quiet"] + extra)
            return json.loads(r.stdout).get("last_event")
        ends = [end for _, _, end in rows.rdd.mapPartitions(lambda p: pieces_of(p, last_event)).collect() if end]
        as_of = max(ends, key=lambda t: datetime.datetime.fromisoformat(t.replace("Z", "+00:00")))

    def summarize(path, piece):
        summary = path + ".tsum"
        command = [touchstone, "summarize", path, "--output", summary, "--quiet"] + extra
        if map_text is not None:
            command += ["--as-of", as_of]
            map_path = path + ".map.yaml"
            with open(map_path, "w", encoding="utf-8") as m:
                m.write(map_text)
            command += ["--map", map_path]
        run(command)
        with open(summary, "rb") as s:
            data = s.read()
        os.unlink(summary)
        return data

    # The map travels with the job (executors need not see the driver's files).
    map_text = open(a.map, encoding="utf-8").read() if a.map else None
    summaries = rows.rdd.mapPartitions(lambda p: pieces_of(p, summarize)).collect()
    spark.stop()

    os.makedirs(a.work, exist_ok=True)
    paths = []
    for piece, count, data in sorted(summaries):
        path = os.path.join(a.work, "piece-%04d.tsum" % piece)
        with open(path, "wb") as f:
            f.write(data)
        paths.append(path)
        print("piece %d: %d rows, summary %d bytes" % (piece, count, len(data)), file=sys.stderr)
    merged = os.path.join(a.work, "all.tsum")
    run([a.touchstone, "merge"] + paths + ["--output", merged, "--quiet"])
    run([a.touchstone, "discover", "--from-summary", merged, "--format", "json",
         "--output", os.path.join(a.work, "discover.json"), "--quiet"])
    if a.map:
        run([a.touchstone, "check", "--from-summary", merged, "--map", a.map, "--format", "json",
             "--output", os.path.join(a.work, "check.json"), "--quiet"])
    print("%s%d pieces merged into %s" % ("as of %s: " % as_of if a.map else "", len(paths), merged), file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
