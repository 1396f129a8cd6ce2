#!/usr/bin/env python3
"""Independent check of the sample logs with Python's csv module.

For each log: parses it, classifies every data row as good or bad (wrong field count,
empty case id, empty activity, timestamp that is not a valid date in the column's format),
counts events, customers, events per customer, out-of-order rows (a good row whose time is
earlier than an earlier-written good row of the same customer) and prints a summary.

Usage: python3 SampleLogs/verify_samples.py [LOG.csv ...]   (default: the three sample logs)
"""
import csv
import os
import re
import statistics
import sys
from collections import Counter, defaultdict
from datetime import datetime

HERE = os.path.dirname(os.path.abspath(__file__))

ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")
SQL = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
DOTTED = re.compile(r"^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}:\d{2}$")


def parse_iso(text):
    if not ISO.match(text):
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def parse_sql(text):
    if not SQL.match(text):
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").timestamp()
    except ValueError:
        return None


def parse_dotted(text):
    if not DOTTED.match(text):
        return None
    try:
        return datetime.strptime(text, "%d.%m.%Y %H:%M:%S").timestamp()
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


def check(relative_path):
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

    bad = Counter()
    events_per_customer = Counter()
    latest = {}
    out_of_order = 0
    earlier_than_previous_row = 0
    previous_time = None
    activities = set()
    stages = Counter()
    channels = Counter()
    for record in records:
        if len(record) < len(header):
            bad["missing_fields"] += 1
            continue
        if len(record) > len(header):
            bad["extra_field"] += 1
            continue
        customer, activity, timestamp = record[0], record[1], record[2]
        if customer == "":
            bad["empty_customer_id"] += 1
            continue
        if activity == "":
            bad["empty_activity"] += 1
            continue
        instant = parse_time(timestamp)
        if instant is None:
            bad["garbage_timestamp"] += 1
            continue
        events_per_customer[customer] += 1
        activities.add(activity)
        stages[record[3]] += 1
        channels[record[4]] += 1
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


def main(arguments):
    paths = arguments or list(LOGS)
    for path in paths:
        check(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
