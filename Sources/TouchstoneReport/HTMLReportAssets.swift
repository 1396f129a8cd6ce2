/// The report page's inline CSS and scripts: literals, free of `<` and `&` so the page stays
/// well-formed XML (a test checks).
enum HTMLReportAssets {
    /// Counts script errors into `data-js-errors` on the root element (read by tests).
    static let errorRecorder: StaticString = """
    (function () { var n = 0; window.addEventListener('error', function () { n += 1; document.documentElement.setAttribute('data-js-errors', String(n)); }); })();
    """

    /// After load: counts SVG labels wider than their box into `data-label-overflow`, marks the
    /// page rendered.
    static let afterLoad: StaticString = """
    (function () {
      var over = 0;
      document.querySelectorAll('svg text[data-fit]').forEach(function (t) {
        if (t.getComputedTextLength() > parseFloat(t.getAttribute('data-fit')) + 0.5) { over += 1; }
      });
      var root = document.documentElement;
      root.setAttribute('data-label-overflow', String(over));
      root.setAttribute('data-rendered', 'yes');
    })();
    """

    static let css: StaticString = """
    :root { --ink: #1f2933; --muted: #616e7c; --line: #d9e2ec; --paper: #ffffff; --wash: #f5f7fa; --accent: #35608f; --warn: #d9480f;
      --c0: #e4572e; --c1: #f3a712; --c2: #f6d55c; --c3: #8fd18f; --c4: #2e9e5b;
      --t0: #fde3dc; --t1: #fdf0d5; --t2: #fdf8dc; --t3: #e4f5e4; --t4: #d3eedd; }
    * { box-sizing: border-box; }
    html { background: var(--wash); }
    body { margin: 0 auto; max-width: 1240px; padding: 28px 28px 40px; color: var(--ink); background: var(--wash);
      font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif; }
    h1 { font-size: 30px; margin: 4px 0 6px; letter-spacing: -0.01em; }
    h1 .version { font-size: 15px; font-weight: 500; color: var(--muted); margin-left: 12px; vertical-align: middle;
      border: 1px solid var(--line); border-radius: 999px; padding: 2px 10px; background: var(--paper); }
    h2 { font-size: 20px; margin: 0 0 4px; }
    h3 { font-size: 15px; margin: 20px 0 8px; }
    .eyebrow { text-transform: uppercase; letter-spacing: .08em; font-size: 12px; color: var(--accent); font-weight: 600; }
    .lead { margin: 0 0 4px; font-size: 15px; }
    .meta { color: var(--muted); margin: 0 0 18px; }
    header.top { background: var(--paper); border: 1px solid var(--line); border-radius: 14px; padding: 22px 26px 14px; margin-bottom: 22px;
      box-shadow: 0 1px 2px rgba(16, 42, 67, .06); }
    .kpis { display: grid; grid-template-columns: repeat(5, 1fr); gap: 12px; }
    .kpi { background: var(--wash); border-radius: 10px; padding: 12px 14px; }
    .kpi-label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .05em; }
    .kpi-value { font-size: 28px; font-weight: 700; margin: 2px 0; font-variant-numeric: tabular-nums; }
    .kpi-sub { color: var(--muted); font-size: 12px; }
    .delta { font-size: 12px; font-weight: 600; margin-top: 4px; }
    .delta.better { color: #1f7a45; } .delta.worse { color: #b42318; } .delta.same { color: var(--muted); }
    nav { display: flex; flex-wrap: wrap; gap: 6px 16px; margin-top: 16px; padding-top: 12px; border-top: 1px solid var(--line); }
    nav a { color: var(--accent); text-decoration: none; font-weight: 500; }
    .thresholds { list-style: none; padding: 0; margin: 12px 0 0; display: flex; gap: 8px; flex-wrap: wrap; }
    .thresholds li { border-radius: 999px; padding: 2px 10px; font-size: 12px; font-weight: 600; }
    .thresholds .failed { background: #fde3dc; color: #b42318; } .thresholds .ok { background: #d3eedd; color: #1f7a45; }
    section { background: var(--paper); border: 1px solid var(--line); border-radius: 14px; padding: 20px 24px; margin-bottom: 22px;
      box-shadow: 0 1px 2px rgba(16, 42, 67, .06); }
    .intro { color: var(--muted); margin: 0 0 14px; max-width: 920px; }
    .note { color: var(--muted); font-size: 13px; }
    .legend { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; margin-bottom: 12px; font-size: 12px; }
    .legend-title { color: var(--muted); margin-right: 4px; }
    .swatch { padding: 2px 8px; border-radius: 4px; border-left: 4px solid; }
    .c0 { --c: var(--c0); --t: var(--t0); } .c1 { --c: var(--c1); --t: var(--t1); } .c2 { --c: var(--c2); --t: var(--t2); }
    .c3 { --c: var(--c3); --t: var(--t3); } .c4 { --c: var(--c4); --t: var(--t4); } .cn { --c: #cbd2d9; --t: #f5f7fa; }
    .swatch, .card { background: var(--t); border-left-color: var(--c); }
    td.c0, td.c1, td.c2, td.c3, td.c4 { box-shadow: inset 4px 0 0 var(--c); }
    .matrix-wrap { overflow-x: auto; }
    table.matrix { border-collapse: separate; border-spacing: 6px; width: 100%; table-layout: fixed; margin: 0 -6px; }
    table.matrix th { font-size: 12px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); text-align: left; padding: 4px 6px; }
    table.matrix th.corner { width: 92px; text-transform: none; letter-spacing: 0; }
    table.matrix th.channel { color: var(--ink); text-transform: none; letter-spacing: 0; font-size: 13px; vertical-align: top; padding-top: 10px;
      overflow-wrap: anywhere; }
    table.matrix td { background: var(--wash); border-radius: 8px; vertical-align: top; padding: 4px; }
    .card { border-left: 4px solid var(--c); border-radius: 6px; padding: 5px 6px; margin: 4px 0; font-size: 11px; line-height: 1.3; overflow-wrap: break-word; }
    details.more summary { cursor: pointer; color: var(--accent); font-size: 11px; padding: 2px 4px; }
    .card-title { font-weight: 600; font-size: 12px; line-height: 1.25; }
    .card-step { color: var(--muted); font-size: 11px; }
    .card-figures { color: var(--ink); margin-top: 2px; }
    .card-volume { font-weight: 600; }
    .card-rate { color: var(--muted); }
    .undesigned-cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 8px; }
    .undesigned-cards .card { margin: 0; }
    .graph-wrap { overflow-x: auto; border: 1px solid var(--line); border-radius: 10px; background: #fbfcfd; }
    .graph-wrap svg { display: block; max-width: 100%; height: auto; }
    .graph-legend { display: flex; white-space: nowrap; gap: 18px; flex-wrap: wrap; font-size: 12px; color: var(--muted); margin-bottom: 10px; }
    .line::before { content: ""; display: inline-block; width: 28px; height: 0; vertical-align: middle; margin-right: 6px; border-top: 3px solid; }
    .line.designed::before { border-color: #35608f; } .line.rare::before { border-top-style: dashed; border-color: #9aa5b1; }
    .line.undesigned::before { border-color: #d9480f; } .line.start::before { border-top-style: dotted; border-color: #9aa5b1; }
    svg text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif; }
    .band { fill: #f0f4f8; }
    .stage-title { font-size: 12px; font-weight: 700; fill: #52606d; letter-spacing: .06em; text-transform: uppercase; }
    .edge { fill: none; stroke-linecap: round; }
    .edge.designed { stroke: #35608f; stroke-opacity: .75; }
    .edge.rare { stroke: #9aa5b1; stroke-dasharray: 6 5; }
    .edge.undesigned { stroke: #d9480f; stroke-opacity: .8; }
    .edge.start { stroke: #9aa5b1; stroke-dasharray: 2 4; }
    .edge:hover { stroke-opacity: 1; }
    .node rect { fill: var(--t); stroke: var(--c); stroke-width: 1.5; }
    .node.start rect { fill: #e6ecf2; stroke: #9aa5b1; }
    .node.goal rect { stroke-width: 3; }
    .node.unreached rect { fill: #ffffff; stroke-dasharray: 4 3; }
    .node .label { font-size: 13px; font-weight: 600; fill: #1f2933; }
    .node .figures { font-size: 11px; fill: #52606d; }
    .node .badge { font-size: 10px; font-weight: 700; fill: #52606d; }
    .funnel-row { display: grid; grid-template-columns: 170px 1fr 330px; gap: 12px; align-items: center; margin: 6px 0; }
    .funnel-label { font-weight: 600; overflow-wrap: anywhere; }
    .funnel-track { position: relative; height: 24px; background: var(--wash); border-radius: 6px; overflow: hidden; display: flex; }
    .funnel-bar { background: #35608f; height: 100%; }
    .funnel-drop { background: #e4572e; height: 100%; }
    .funnel-figures { font-variant-numeric: tabular-nums; }
    .drop-text { color: #b42318; }
    table.data { border-collapse: collapse; width: 100%; }
    table.data th { text-align: left; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted);
      border-bottom: 2px solid var(--line); padding: 6px 8px; }
    table.data td { border-bottom: 1px solid var(--line); padding: 6px 8px; vertical-align: top; overflow-wrap: anywhere; }
    table.data tr.over td { background: #fff4f0; }
    .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
    .ids { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 12px; color: var(--muted); }
    .tag { display: inline-block; border-radius: 4px; padding: 1px 7px; font-size: 12px; font-weight: 600; background: #e6ecf2; color: #243b53; }
    .t-unexpected_touchpoint, .t-unmapped_touchpoint { background: #fde3dc; color: #9c2a10; }
    .t-skipped_step, .t-dropped_out { background: #fdf0d5; color: #8a5a00; }
    .t-too_slow { background: #e8e3fb; color: #4b3a99; }
    .sharebar { display: inline-block; height: 8px; background: #e4572e; opacity: .55; border-radius: 2px; margin-right: 6px; vertical-align: middle; }
    .sequence { line-height: 1.9; }
    .step-chip { display: inline-block; background: var(--wash); border: 1px solid var(--line); border-radius: 4px; padding: 0 6px; font-size: 12px; }
    .arrow { color: var(--muted); }
    .moments { display: grid; grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); gap: 12px; }
    .moment { border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; }
    .moment-title { font-weight: 700; font-size: 15px; }
    .moment-reached { color: var(--muted); margin-bottom: 8px; }
    .compare { display: grid; grid-template-columns: 1fr 1fr; gap: 10px; }
    .big { font-size: 26px; font-weight: 700; border-left: 4px solid var(--c); padding-left: 8px; font-variant-numeric: tabular-nums; }
    .small { font-size: 12px; color: var(--muted); }
    svg.experience .grid { stroke: #e4e7eb; }
    svg.experience .tick { font-size: 11px; fill: #7b8794; }
    svg.experience .curve { fill: none; stroke: #35608f; stroke-width: 3; }
    svg.experience circle { fill: #ffffff; stroke: #35608f; stroke-width: 2.5; }
    svg.experience .value { font-size: 12px; font-weight: 700; fill: #1f2933; }
    svg.experience .step-name { font-size: 12px; fill: #52606d; }
    footer { color: var(--muted); font-size: 12px; text-align: center; }
    @media print {
      html, body { background: #ffffff; }
      body { max-width: none; padding: 0; font-size: 11px; }
      header.top, section { box-shadow: none; border-color: #cbd2d9; break-inside: avoid-page; page-break-inside: avoid; }
      nav { display: none; }
      details.more { display: none; }
      .graph-wrap, .matrix-wrap { overflow: visible; }
      .card, .swatch, .funnel-bar, .funnel-drop, .node rect, .tag, .band { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
    }
    """
}
