import sys, pandas as pd, pm4py
src, out = sys.argv[1], sys.argv[2]
df = pd.read_csv(src)
df = pm4py.format_dataframe(df, case_id='customer_id', activity_key='touchpoint', timestamp_key='timestamp')
dfg, start, end = pm4py.discover_dfg(df)
with open(out, 'w') as f:
    f.write('source,target,frequency\n')
    for (a, b), n in dfg.items():
        f.write(f'"{a}","{b}",{n}\n')
print(f'pm4py edges={len(dfg)} freq_sum={sum(dfg.values())} starts={sum(start.values())} ends={sum(end.values())}', file=sys.stderr)
