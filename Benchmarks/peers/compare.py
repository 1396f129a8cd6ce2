import sys, csv
def load(p):
    d = {}
    for r in csv.DictReader(open(p)):
        if r['source'] in ('<start>',) or r['target'] in ('<end>',): continue
        d[(r['source'], r['target'])] = int(r['frequency'])
    return d
base = load(sys.argv[1])
for p in sys.argv[2:]:
    o = load(p)
    diff = {k: (base.get(k), o.get(k)) for k in set(base) | set(o) if base.get(k) != o.get(k)}
    print(f"{p}: edges {len(o)} vs {len(base)}, sum {sum(o.values())} vs {sum(base.values())}, per-edge mismatches {len(diff)}", list(diff.items())[:3])
