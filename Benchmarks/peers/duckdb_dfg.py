import sys, duckdb
src, out = sys.argv[1], sys.argv[2]
con = duckdb.connect()
con.execute(f"""
COPY (
  WITH ev AS (
    SELECT customer_id, touchpoint, timestamp, row_number() OVER () AS rn
    FROM read_csv('{src}', header=true,
      columns={{'customer_id':'VARCHAR','touchpoint':'VARCHAR','timestamp':'TIMESTAMPTZ',
               'stage':'VARCHAR','channel':'VARCHAR','segment':'VARCHAR','region':'VARCHAR'}})
  ), nx AS (
    SELECT touchpoint AS source,
           lead(touchpoint) OVER (PARTITION BY customer_id ORDER BY timestamp, rn) AS target
    FROM ev
  )
  SELECT source, target, count(*) AS frequency FROM nx WHERE target IS NOT NULL
  GROUP BY source, target
) TO '{out}' (HEADER, DELIMITER ',')
""")
e, s = con.execute(f"SELECT count(*), sum(frequency) FROM read_csv('{out}')").fetchone()
print(f'duckdb edges={e} freq_sum={s}', file=sys.stderr)
