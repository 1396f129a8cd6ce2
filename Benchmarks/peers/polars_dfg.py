import sys, polars as pl
src, out = sys.argv[1], sys.argv[2]
res = (pl.scan_csv(src)
  .select('customer_id', 'touchpoint', 'timestamp')
  .with_row_index('rn')
  .with_columns(pl.col('timestamp').str.to_datetime('%Y-%m-%dT%H:%M:%S%#z', time_zone='UTC'))
  .sort(['customer_id', 'timestamp', 'rn'])
  .with_columns(pl.col('touchpoint').shift(-1).alias('target'), pl.col('customer_id').shift(-1).alias('next_case'))
  .filter(pl.col('next_case') == pl.col('customer_id'))
  .group_by(pl.col('touchpoint').alias('source'), 'target').agg(pl.len().alias('frequency'))
  .collect())
res.write_csv(out)
print(f'polars edges={res.height} freq_sum={res["frequency"].sum()}', file=sys.stderr)
