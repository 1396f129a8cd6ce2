#!/usr/bin/env python3
"""Independent check of the sample logs, and of the discover golden files, with Python's
standard library only (csv, datetime, json, fractions, statistics; no numpy, no touchstone code).

Default mode: for each log, parses it, classifies every data row as good or bad (wrong field
count, empty case id, empty activity, timestamp that is not a valid date
in the column's format), counts events, customers, events per customer, out-of-order rows (a
good row whose time is earlier than an earlier-written good row of the same customer) and prints
a summary.

Golden mode (--golden DIR): recomputes from the good rows of each sample log every number of
DIR/<sample>.discover.csv and DIR/<sample>.discover.json (`touchstone discover --format csv|json
--variants 10 LOG`, touchpoint level, no filter, no pruning) following docs/discover.md and
docs/discover-json.md, and compares: counts, names, flags, key order and row order exactly;
shares within 1e-6 relative; durations (printed to the µs) within half a µs of the exact value,
and written as plain decimals with at most 6 decimals. Prints every mismatch; exit status 1
when there is any (or a golden file is missing or unreadable), 0 otherwise.

Usage: python3 SampleLogs/verify_samples.py [LOG.csv ...]   (default: the three sample logs)
       python3 SampleLogs/verify_samples.py --golden Tests/TouchstoneCLITests/Golden
"""
import csv
import json
import math
import os
import re
import statistics
import sys
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone
from fractions import Fraction

HERE = os.path.dirname(os.path.abspath(__file__))

ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")
SQL = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
DOTTED = re.compile(r"^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}:\d{2}$")

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
MICROSECOND = timedelta(microseconds=1)


def micros(moment):
    """Exact integer microseconds since the Unix epoch of an aware datetime."""
    return (moment - EPOCH) // MICROSECOND


def parse_iso(text):
    if not ISO.match(text):
        return None
    try:
        return micros(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        return None


def parse_sql(text):
    """`YYYY-MM-DD HH:MM:SS` without an offset: UTC (touchstone's default --timezone)."""
    if not SQL.match(text):
        return None
    try:
        return micros(datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=timezone.utc))
    except ValueError:
        return None


def parse_dotted(text):
    """`dd.MM.yyyy HH:mm:ss` without an offset: UTC."""
    if not DOTTED.match(text):
        return None
    try:
        return micros(datetime.strptime(text, "%d.%m.%Y %H:%M:%S").replace(tzinfo=timezone.utc))
    except ValueError:
        return None


LOGS = {
    "b2b-software-purchase/b2b-software-purchase.csv": (
        ",", ["customer_id", "touchpoint", "timestamp", "stage", "channel", "segment", "region"], parse_iso),
    "retail-bank-onboarding/retail-bank-onboarding.csv": (
        ",", ["contact_id", "event", "event_time", "stage", "channel", "age_band", "product"], parse_sql),
    "support-eu/support-eu.csv": (
        ";", ["Kunde", "Aktivität", "Zeitstempel", "Phase", "Kanal", "Land"], parse_dotted),
}


def read_log(relative_path):
    """Parses a sample log. Returns (bytes, records, bad, good): `bad` counts rejected rows by
    reason, `good` lists the used rows in file order as (customer, activity, µs, stage, channel).
    Columns 1-5 are case, touchpoint, timestamp, stage, channel (touchstone detects them all from
    the headers; an empty stage or channel is the value `(none)` and keeps the row)."""
    delimiter, header, parse_time = LOGS[relative_path]
    path = os.path.join(HERE, relative_path)
    with open(path, "rb") as raw:
        data = raw.read()
    physical_lines = data.count(b"\n")
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle, delimiter=delimiter, strict=True))
    assert rows[0] == header, f"{relative_path}: header {rows[0]}"
    records = rows[1:]
    # Every record is one physical line: no quoted newline, no unterminated quote.
    assert len(rows) == physical_lines, f"{relative_path}: {len(rows)} records vs {physical_lines} lines"
    # libcsv trims spaces around unquoted fields; the samples have none, so no field needs it.
    assert all(field == field.strip(" ") for record in records for field in record), relative_path

    bad = Counter()
    good = []
    for record in records:
        if len(record) < len(header):
            bad["missing_fields"] += 1
            continue
        if len(record) > len(header):
            bad["extra_field"] += 1
            continue
        customer, activity, timestamp, stage, channel = record[:5]
        if customer == "":
            bad["empty_customer_id"] += 1
            continue
        if activity == "":
            bad["empty_activity"] += 1
            continue
        # An empty stage or channel keeps the row: touchstone names that value `(none)`.
        # (The samples have none; a literal "(none)" would be shown as '"(none)"'.)
        stage = stage or "(none)"
        channel = channel or "(none)"
        instant = parse_time(timestamp)
        if instant is None:
            bad["garbage_timestamp"] += 1
            continue
        good.append((customer, activity, instant, stage, channel))
    return data, records, bad, good


def check(relative_path):
    data, records, bad, good = read_log(relative_path)
    events_per_customer = Counter()
    latest = {}
    out_of_order = 0
    earlier_than_previous_row = 0
    previous_time = None
    activities = set()
    stages = Counter()
    channels = Counter()
    for customer, activity, instant, stage, channel in good:
        events_per_customer[customer] += 1
        activities.add(activity)
        stages[stage] += 1
        channels[channel] += 1
        if customer in latest and instant < latest[customer]:
            out_of_order += 1
        latest[customer] = max(latest.get(customer, instant), instant)
        if previous_time is not None and instant < previous_time:
            earlier_than_previous_row += 1
        previous_time = instant

    counts = sorted(events_per_customer.values())
    good = sum(counts)
    print(f"== {relative_path}")
    print(f"bytes: {len(data)}")
    print(f"data rows (events): {len(records)}")
    print(f"good rows: {good}")
    print(f"bad rows: {sum(bad.values())} {dict(sorted(bad.items()))}")
    print(f"customers (distinct ids in good rows): {len(events_per_customer)}")
    print(
        "events per customer: mean %.2f, median %d, p90 %d, max %d, min %d"
        % (good / len(counts), statistics.median_low(counts), counts[int(len(counts) * 0.9)], counts[-1], counts[0])
    )
    print(f"out-of-order rows (earlier than an earlier-written row of the same customer): {out_of_order}")
    print(f"rows earlier than the previous good row in the file: {earlier_than_previous_row}")
    print(f"distinct activities: {len(activities)}")
    print(f"stages: {dict(stages.most_common())}")
    print(f"channels: {dict(channels.most_common())}")
    return {"rows": len(records), "bad": sum(bad.values()), "customers": len(events_per_customer), "ooo": out_of_order}


# ---------------------------------------------------------------------------------------------
# Golden mode: an independent recomputation of `touchstone discover` (touchpoint level, no
# filter, no pruning) from the good rows, with exact integer/rational arithmetic.

def quantile(values, q):
    """numpy's default (method="linear") on the sorted values: p = (n - 1)·q,
    v[⌊p⌋] + (v[⌊p⌋+1] − v[⌊p⌋])·(p − ⌊p⌋); exact (a Fraction) for integer values."""
    ordered = sorted(values)
    position = Fraction(len(ordered) - 1) * Fraction(q)
    below = math.floor(position)
    if below + 1 >= len(ordered):
        return Fraction(ordered[below])
    return ordered[below] + (ordered[below + 1] - ordered[below]) * (position - below)


def seconds(value_us):
    return None if value_us is None else Fraction(value_us) / 1_000_000


def discover(good, variant_limit=10):
    """Everything `discover --format json|csv` reports, from the used rows in file order."""
    # Customers in order of first appearance; a trace is the customer's events sorted by time,
    # equal times in file order (Python's sort is stable).
    traces = {}
    for index, (customer, activity, instant, stage, channel) in enumerate(good):
        traces.setdefault(customer, []).append((instant, index, activity, stage))
    for events in traces.values():
        events.sort(key=lambda event: event[0])
    customers = list(traces)

    node_order = list(dict.fromkeys(activity for _, activity, _, _, _ in good))
    node_events = Counter(activity for _, activity, _, _, _ in good)
    node_customers = defaultdict(set)
    starts, ends, outgoing = Counter(), Counter(), Counter()
    durations = defaultdict(list)          # (a, b) -> [µs]
    edge_customers = defaultdict(set)
    throughput = {}
    for customer, events in traces.items():
        steps = [activity for _, _, activity, _ in events]
        for activity in steps:
            node_customers[activity].add(customer)
        starts[steps[0]] += 1
        ends[steps[-1]] += 1
        for (t0, _, a, _), (t1, _, b, _) in zip(events, events[1:]):
            durations[(a, b)].append(t1 - t0)
            edge_customers[(a, b)].add(customer)
            outgoing[a] += 1
        throughput[customer] = events[-1][0] - events[0][0]

    outgoing_durations = defaultdict(list)
    for (a, _), values in durations.items():
        outgoing_durations[a].extend(values)
    nodes = []
    for name in node_order:
        nodes.append({
            "name": name, "events": node_events[name], "visits": node_events[name],
            "customers": len(node_customers[name]), "starts": starts[name], "ends": ends[name],
            "outgoing": outgoing[name],
            "median_time_to_next_s": seconds(quantile(outgoing_durations[name], Fraction(1, 2)))
            if outgoing_durations[name] else None,
            "visible": True,
        })

    edges = []
    for (a, b), values in durations.items():
        edges.append({
            "source": a, "target": b, "frequency": len(values), "customers": len(edge_customers[(a, b)]),
            "share": Fraction(len(values), outgoing[a]),
            "mean_s": seconds(Fraction(sum(values), len(values))),
            "median_s": seconds(quantile(values, Fraction(1, 2))),
            "p90_s": seconds(quantile(values, Fraction(9, 10))),
            "max_s": seconds(max(values)),
            "visible": True,
        })
    edges.sort(key=lambda e: (-e["frequency"], e["source"].encode(), e["target"].encode()))

    # CSV: the edges plus <start>/<end> rows (frequency = customers, no durations).
    rows = [[e["source"], e["target"], e["frequency"], e["customers"], e["mean_s"], e["median_s"], e["p90_s"], e["max_s"]]
            for e in edges]
    rows += [["<start>", name, starts[name], starts[name], None, None, None, None] for name in node_order if starts[name]]
    rows += [[name, "<end>", ends[name], ends[name], None, None, None, None] for name in node_order if ends[name]]
    rows.sort(key=lambda r: (-r[2], r[0].encode(), r[1].encode()))

    # Variants: same touchpoint sequence; customers descending, ties by first customer.
    by_sequence = {}
    for customer, events in traces.items():
        by_sequence.setdefault(tuple(activity for _, _, activity, _ in events), []).append(customer)
    ranked = sorted(by_sequence.items(), key=lambda item: -len(item[1]))   # stable: first appearance
    items, covered = [], 0
    for rank, (steps, members) in enumerate(ranked[:variant_limit], start=1):
        covered += len(members)
        items.append({
            "rank": rank, "steps": list(steps), "customers": len(members),
            "share": Fraction(len(members), len(customers)),
            "cumulative_share": Fraction(covered, len(customers)),
            "median_throughput_s": seconds(quantile([throughput[c] for c in members], Fraction(1, 2))),
        })

    # Stages: visits are runs of equal stages in a trace; order of first appearance in the file.
    stage_order = list(dict.fromkeys(stage for _, _, _, stage, _ in good))
    cells = defaultdict(Counter)            # from -> to -> count
    visits = Counter()
    for customer, events in traces.items():
        runs = []
        for _, _, _, stage in events:
            if not runs or runs[-1] != stage:
                runs.append(stage)
        for stage in runs:
            visits[stage] += 1
        cells["<start>"][runs[0]] += 1
        cells[runs[-1]]["<end>"] += 1
        for s, t in zip(runs, runs[1:]):
            cells[s][t] += 1
    matrix = []
    for source in ["<start>"] + stage_order:
        total = len(customers) if source == "<start>" else visits[source]
        matrix.append({
            "from": source, "total": total,
            "to": [{"stage": target, "count": cells[source][target], "row_share": Fraction(cells[source][target], total)}
                   for target in stage_order + ["<end>"] if cells[source][target]],
        })
    # Funnel (docs/discover.md): a customer counts for step k when the first k stages of the
    # order occur in its time-ordered events as a subsequence (each a later event than the one
    # before). Checked per step and customer with an iterator, independently of the depth walk
    # touchstone does.
    def reached_in_order(stages_in_time_order, wanted):
        remaining = iter(stages_in_time_order)
        return all(any(stage == target for stage in remaining) for target in wanted)
    stage_sequences = [[stage for _, _, _, stage in events] for events in traces.values()]
    funnel, previous = [], None
    for k, stage in enumerate(stage_order, start=1):
        count = sum(1 for sequence in stage_sequences if reached_in_order(sequence, stage_order[:k]))
        funnel.append({
            "stage": stage, "customers": count, "share": Fraction(count, len(customers)),
            "from_previous": Fraction(1) if previous is None else (Fraction(count, previous) if previous else Fraction(0)),
        })
        previous = count

    document = {
        "level": "touchpoint",
        "customers": len(customers), "events": len(good),
        "input_customers": len(customers), "input_events": len(good),
        "filters": [], "pruning": [],
        "transitions": sum(len(values) for values in durations.values()),
        "hidden_edges": 0, "hidden_nodes": 0,
        "nodes": nodes, "edges": edges,
        "variants": {"distinct": len(by_sequence), "shown": len(items), "items": items},
        "stages": {"order": stage_order, "explicit_order": False, "matrix": matrix, "funnel": funnel},
    }
    return document, rows


DECIMAL = re.compile(r"^-?(0|[1-9][0-9]*)(\.[0-9]{0,5}[1-9])?$")   # up to 6 decimals, no trailing 0


def formula_safe(text):
    """docs/discover.md: log text starting with = + - @ tab CR gets a leading '."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class Comparison:
    def __init__(self, label):
        self.label = label
        self.mismatches = []
        self.numbers = 0

    def fail(self, where, message):
        self.mismatches.append(f"{self.label}: {where}: {message}")

    def same(self, where, expected, actual, duration=False):
        """Compares a computed value with a golden one: bool/str/None/int exactly; a share
        within 1e-6 relative; a duration (seconds, printed to the µs) within half a µs of the
        exact value (+0.01 µs for Double rounding), so that a 1 µs change is caught (1e-6
        relative would let a 30-day maximum be off by 2.6 s)."""
        if isinstance(expected, bool) or expected is None or isinstance(expected, str):
            if actual != expected or type(actual) is not type(expected):
                self.fail(where, f"expected {expected!r}, golden has {actual!r}")
            return
        self.numbers += 1
        if isinstance(expected, int):
            if isinstance(actual, bool) or not isinstance(actual, int) or actual != expected:
                self.fail(where, f"expected {expected}, golden has {actual!r}")
            return
        if isinstance(actual, bool) or not isinstance(actual, (int, float)):
            self.fail(where, f"expected {float(expected)!r}, golden has {actual!r}")
            return
        difference = abs(Fraction(actual) - Fraction(expected))
        if duration:
            limit = Fraction(51, 100_000_000)
        else:
            limit = Fraction(1, 10**6) * max(abs(Fraction(actual)), abs(Fraction(expected)))
        if difference > limit:
            exact = f"{float(expected)!r}" if not duration else f"{float(expected):.7f}".rstrip("0").rstrip(".")
            self.fail(where, f"expected {exact}, golden has {actual!r}")

    def structure(self, where, expected, actual, duration=False):
        """Walks expected and golden JSON together: same keys in the same order, same lengths."""
        if isinstance(expected, dict):
            if not isinstance(actual, dict):
                self.fail(where, f"expected an object, golden has {actual!r}")
                return
            if list(actual) != list(expected):
                self.fail(where, f"keys {list(actual)} differ from {list(expected)}")
            for key, value in expected.items():
                if key in actual:
                    self.structure(f"{where}.{key}", value, actual[key], duration=key.endswith("_s"))
        elif isinstance(expected, list):
            if not isinstance(actual, list):
                self.fail(where, f"expected a list, golden has {actual!r}")
                return
            if len(actual) != len(expected):
                self.fail(where, f"expected {len(expected)} entries, golden has {len(actual)}")
            for index, (value, golden_value) in enumerate(zip(expected, actual)):
                name = value.get("name") or value.get("source") or value.get("from") or value.get("stage") \
                    if isinstance(value, dict) else None
                label = f"{where}[{index}]" + (f"({name}" + (f" -> {value['target']}" if isinstance(value, dict) and "target" in value else "") + ")" if name else "")
                self.structure(label, value, golden_value)
        else:
            self.same(where, expected, actual, duration)


def duration_cell(comparison, where, expected, text):
    if expected is None:
        if text != "":
            comparison.fail(where, f"expected an empty cell, golden has {text!r}")
        return
    if not DECIMAL.match(text):
        comparison.fail(where, f"{text!r} is not a plain decimal with at most 6 decimals")
        return
    comparison.same(where, expected, float(text), duration=True)


def self_test():
    """The computation on the documented examples: percentiles (docs/discover.md) and the whole
    JSON example of docs/discover-json.md (nine events, --variants 2). Returns mismatches."""
    mismatches = []
    second = 1_000_000
    if (quantile([5, 10, 20], Fraction(1, 2)), quantile([5, 10, 20], Fraction(9, 10))) != (10, 18):
        mismatches.append("self-test: quantile([5, 10, 20]) is not median 10, p90 18")
    path = os.path.join(HERE, os.pardir, "docs", "discover-json.md")
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        example = json.loads(text.split("```json\n", 1)[1].split("```", 1)[0])
    except (OSError, IndexError, ValueError) as error:
        return mismatches + [f"self-test: cannot read the JSON example of {path}: {error}"]
    day = micros(datetime(2024, 3, 1, tzinfo=timezone.utc))
    rows = [
        ("c1", "Ad click", "08:00:00", "Awareness", "web"),
        ("c1", "Product page", "08:01:30", "Consideration", "web"),
        ("c1", "Checkout", "08:10:00", "Purchase", "web"),
        ("c2", "Ad click", "08:00:00", "Awareness", "web"),
        ("c2", "Newsletter", "09:00:00", "Consideration", "email"),
        ("c2", "Product page", "10:00:00", "Consideration", "web"),
        ("c2", "Checkout", "10:05:00", "Purchase", "app"),
        ("c3", "Ad click", "08:00:00", "Awareness", "app"),
        ("c3", "Product page", "08:00:30", "Consideration", "app"),
    ]
    good = []
    for customer, activity, clock, stage, channel in rows:
        hours, minutes, secs = (int(part) for part in clock.split(":"))
        good.append((customer, activity, day + ((hours * 60 + minutes) * 60 + secs) * second, stage, channel))
    comparison = Comparison("self-test docs/discover-json.md example")
    comparison.structure("$", discover(good, variant_limit=2)[0], example)
    return mismatches + comparison.mismatches


def verify_golden(directory):
    """Returns the mismatches over every sample, after printing what was checked."""
    mismatches = self_test()
    for relative_path in LOGS:
        name = os.path.basename(relative_path)[:-len(".csv")]
        _, _, _, good = read_log(relative_path)
        document, rows = discover(good)
        # JSON
        comparison = Comparison(f"{name}.discover.json")
        json_path = os.path.join(directory, f"{name}.discover.json")
        try:
            with open(json_path, encoding="utf-8") as handle:
                raw_json = handle.read()
            golden = json.loads(raw_json)
        except (OSError, ValueError) as error:
            comparison.fail("file", f"cannot read {json_path}: {error}")
        else:
            comparison.structure("$", document, golden)
            # Numbers are plain decimals (never exponent notation), durations at most 6 decimals.
            for match in re.finditer(r'"(\w+)": (-?[0-9][0-9.eE+-]*)', raw_json):
                key, number = match.groups()
                if "e" in number.lower() or (key.endswith("_s") and not DECIMAL.match(number)):
                    comparison.fail(f"key {key}", f"{number} is not a plain decimal")
        json_numbers = comparison.numbers
        mismatches += comparison.mismatches
        # CSV
        comparison = Comparison(f"{name}.discover.csv")
        csv_path = os.path.join(directory, f"{name}.discover.csv")
        try:
            with open(csv_path, newline="", encoding="utf-8") as handle:
                golden_rows = list(csv.reader(handle, strict=True))
        except (OSError, csv.Error, UnicodeDecodeError) as error:
            comparison.fail("file", f"cannot read {csv_path}: {error}")
            golden_rows = None
        if golden_rows is not None:
            header = ["source", "target", "frequency", "customers", "mean_s", "median_s", "p90_s", "max_s"]
            if not golden_rows or golden_rows[0] != header:
                comparison.fail("header", f"expected {header}, golden has {golden_rows[:1]}")
            body = golden_rows[1:]
            if len(body) != len(rows):
                comparison.fail("rows", f"expected {len(rows)} rows, golden has {len(body)}")
            for line, (expected, actual) in enumerate(zip(rows, body), start=2):
                source = expected[0] if expected[0] == "<start>" else formula_safe(expected[0])
                target = expected[1] if expected[1] == "<end>" else formula_safe(expected[1])
                where = f"line {line} ({expected[0]} -> {expected[1]})"
                if len(actual) != 8:
                    comparison.fail(where, f"expected 8 fields, golden has {actual}")
                    continue
                if actual[:2] != [source, target]:
                    comparison.fail(where, f"golden row is {actual[0]} -> {actual[1]}")
                    continue
                for column, (value, text) in enumerate(zip(expected[2:], actual[2:]), start=2):
                    cell = f"{where} {header[column]}"
                    if column < 4:
                        comparison.same(cell, value, int(text) if re.fullmatch(r"[0-9]+", text) else text)
                    else:
                        duration_cell(comparison, cell, value, text)
        mismatches += comparison.mismatches
        print(f"{name}: {len(good)} events, {document['customers']} customers: "
              f"json {json_numbers} numbers, csv {comparison.numbers} numbers checked")
    return mismatches


def main(arguments):
    if arguments[:1] == ["--golden"]:
        if len(arguments) != 2:
            print("usage: verify_samples.py --golden DIR", file=sys.stderr)
            return 2
        mismatches = verify_golden(arguments[1])
        for mismatch in mismatches:
            print(mismatch)
        print(f"{len(mismatches)} mismatch(es)" if mismatches else "golden files agree with the independent computation")
        return 1 if mismatches else 0
    paths = arguments or list(LOGS)
    for path in paths:
        check(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
