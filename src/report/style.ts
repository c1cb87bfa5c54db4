/** The report page's stylesheet (inlined in its `<style>`): plain, readable, printable. */
export const STYLE = `
:root { font-family: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: #1d2429; }
body { margin: 0; background: #f6f7f9; }
header { background: #1d2b36; color: #fff; padding: 14px 28px 8px; position: sticky; top: 0; z-index: 10; }
header h1 { font-size: 19px; margin: 0 0 2px; font-weight: 600; }
header .note { color: #b9c4cc; margin: 0 0 6px; }
nav a { color: #d6e4f0; margin-right: 16px; font-size: 13px; text-decoration: none; }
nav a:hover { text-decoration: underline; }
main { max-width: 1280px; margin: 0 auto; padding: 8px 28px 40px; }
section { background: #fff; border: 1px solid #e1e5e9; border-radius: 6px; padding: 6px 20px 16px; margin: 18px 0;
  scroll-margin-top: 90px; }
h2 { font-size: 17px; margin: 12px 0 6px; }
h3 { font-size: 14px; margin: 14px 0 6px; }
.note { color: #56636d; font-size: 13px; margin: 4px 0 10px; max-width: 100ch; }
.warning { color: #8a4b00; background: #fff4e0; border-left: 3px solid #e69500; padding: 6px 10px; font-size: 13px; }
.figure-line { font-size: 15px; font-weight: 600; }
dl.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); gap: 10px; margin: 8px 0; }
dl.figures div { background: #f3f6f8; border-radius: 4px; padding: 8px 10px; }
dt { font-size: 12px; color: #56636d; }
dd { margin: 2px 0 0; font-size: 17px; font-weight: 600; overflow-wrap: anywhere; }
dd.long { font-size: 14px; }
dl.figures div:has(dd.long) { grid-column: span 2; }
table { border-collapse: collapse; font-size: 12.5px; margin: 6px 0 10px; }
th, td { border-bottom: 1px solid #e6e9ec; padding: 3px 10px 3px 4px; text-align: left; vertical-align: top; }
th { background: #f3f6f8; font-weight: 600; }
#trials-table th, #slow-table th { position: sticky; top: 0; }
table.numbers td { font-variant-numeric: tabular-nums; }
table.params td:first-child { color: #56636d; }
table.clickable tbody tr { cursor: pointer; }
table.clickable tbody tr:hover { background: #eef5fc; }
tr.slow td { background: #fff1f0; }
tr.selected td { background: #dcebfa; font-weight: 600; }
th.sortable { cursor: pointer; user-select: none; }
th.sortable::after { content: " ⇅"; color: #9aa5b1; }
#trials-table, #slow-table { display: block; max-height: 420px; overflow: auto; }
details summary { cursor: pointer; font-size: 14px; margin: 10px 0 4px; }
.chart { width: 100%; }
.caption { font-weight: 600; font-size: 13.5px; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 12px; margin: 4px 0; }
.swatch::before { content: ""; display: inline-block; width: 11px; height: 11px; margin-right: 5px;
  vertical-align: -1px; background: var(--c); border-radius: 2px; }
select { margin: 4px 0; font-size: 13px; }
button.more { margin: 6px 0; font-size: 13px; padding: 3px 10px; cursor: pointer; }
`;
