import sys, csv
rows = list(csv.DictReader(open(sys.argv[1])))
e = [r for r in rows if r['source'] != '<start>' and r['target'] != '<end>']
print(f"touchstone edges={len(e)} freq_sum={sum(int(r['frequency']) for r in e)} starts={sum(int(r['frequency']) for r in rows if r['source']=='<start>')} ends={sum(int(r['frequency']) for r in rows if r['target']=='<end>')}")
