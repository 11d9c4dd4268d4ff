/** Styles of the listen page: light, system fonts, no assets. */
export const APP_CSS = `
:root {
  --fg: #1d232b; --muted: #66707c; --line: #e2e6ea; --bg: #fff; --soft: #f6f7f9; --sel: #e8f0fe;
  --ok: #1a7f37; --bad: #c62828; --warn: #9a6700; --info: #0b57d0; --bounce: #8250df;
  font: 13px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg);
}
* { box-sizing: border-box; }
body { margin: 0; height: 100vh; display: flex; flex-direction: column; }
code, pre, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 12px; }
.bar { display: flex; align-items: center; gap: 12px; padding: 8px 14px; background: #20262e; color: #fff; }
.bar h1 { font-size: 15px; margin: 0; font-weight: 600; }
.bar h1 span { color: #9fb3c8; font-weight: 400; }
.grow { flex: 1; }
.live { font-size: 12px; color: #9fb3c8; }
.live::before { content: ""; display: inline-block; width: 8px; height: 8px; border-radius: 50%; background: #888; margin-right: 6px; }
.live.on::before { background: #3fb950; }
.live.off::before { background: #f85149; }
.count { font-size: 12px; color: #c9d4df; }
.button, button { font: inherit; font-size: 12px; padding: 4px 10px; border-radius: 4px; border: 1px solid #c3cad2; background: #fff; color: var(--fg); text-decoration: none; cursor: pointer; }
.bar .button { background: #2f3843; color: #fff; border-color: #4a5562; }
.filters { display: flex; flex-wrap: wrap; gap: 16px; align-items: center; padding: 8px 14px; border-bottom: 1px solid var(--line); background: var(--soft); }
.filters label { display: flex; gap: 6px; align-items: center; color: var(--muted); }
.filters select, .filters input[type=search] { font: inherit; padding: 3px 6px; border: 1px solid #c3cad2; border-radius: 4px; background: #fff; }
.filters input[type=search] { width: 200px; }
main { flex: 1; display: flex; min-height: 0; }
.list { flex: 1 1 auto; overflow: auto; min-width: 0; }
.detail { flex: 0 0 min(560px, 45%); overflow: auto; border-left: 1px solid var(--line); padding: 12px 16px 40px; min-width: 0; }
table { border-collapse: collapse; width: 100%; }
#calls th { position: sticky; top: 0; background: #fff; text-align: left; font-weight: 600; color: var(--muted); font-size: 11px; text-transform: uppercase; letter-spacing: .03em; padding: 6px 8px; border-bottom: 1px solid var(--line); white-space: nowrap; }
#calls td { padding: 5px 8px; border-bottom: 1px solid var(--line); white-space: nowrap; vertical-align: top; }
#calls tbody tr.call { cursor: pointer; }
#calls tbody tr.call:hover { background: var(--soft); }
#calls tbody tr.selected { background: var(--sel); }
#calls tbody tr.fresh { animation: fresh 1.2s ease-out; }
@keyframes fresh { from { background: #fff8c5; } }
#calls td.about { max-width: 200px; overflow: hidden; text-overflow: ellipsis; }
#calls td.id { max-width: 110px; overflow: hidden; text-overflow: ellipsis; }
#calls td.recipient { max-width: 170px; overflow: hidden; text-overflow: ellipsis; }
#calls td.num, #calls td.time { color: var(--muted); font-variant-numeric: tabular-nums; }
tr.group td { background: var(--soft); font-weight: 600; padding-top: 8px; }
tr.group .story { font-weight: 400; color: var(--muted); margin-left: 8px; }
tr.in-group td:first-child { border-left: 3px solid #c3cad2; }
.badge { display: inline-block; padding: 0 6px; border-radius: 9px; font-size: 11px; font-weight: 600; line-height: 18px; border: 1px solid currentColor; }
.t-failure { color: var(--warn); }
.t-bounce { color: var(--bounce); }
.t-delivery { color: var(--ok); }
.t-open, .t-click { color: var(--info); }
.t-abuse { color: var(--bad); }
.t-unknown { color: var(--muted); }
.s-verified, .a-ok { color: var(--ok); }
.s-failed, .a-bad { color: var(--bad); }
.s-unsigned { color: var(--warn); }
.s-not-checked { color: var(--muted); }
.problems { color: var(--bad); }
.defects { color: var(--warn); }
.empty { color: var(--muted); padding: 24px 14px; }
.detail h2 { font-size: 15px; margin: 0 0 4px; word-break: break-word; }
.detail .sub { color: var(--muted); margin-bottom: 10px; }
.tabs { display: flex; gap: 4px; border-bottom: 1px solid var(--line); margin: 10px 0 12px; }
.tabs button { border: 1px solid transparent; border-bottom: none; border-radius: 4px 4px 0 0; background: none; padding: 5px 12px; color: var(--muted); }
.tabs button.active { border-color: var(--line); background: #fff; color: var(--fg); margin-bottom: -1px; font-weight: 600; }
table.kv { margin: 4px 0 12px; }
table.kv th { text-align: left; font-weight: 600; color: var(--muted); padding: 2px 12px 2px 0; vertical-align: top; white-space: nowrap; width: 1%; }
table.kv td { padding: 2px 0; word-break: break-word; white-space: pre-wrap; }
table.kv.mono td, table.kv.mono th { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; }
pre { background: var(--soft); border: 1px solid var(--line); border-radius: 4px; padding: 8px 10px; overflow: auto; white-space: pre-wrap; overflow-wrap: anywhere; max-height: 60vh; margin: 4px 0 12px; }
.part { border: 1px solid var(--line); border-radius: 6px; margin: 8px 0; padding: 6px 10px; }
.part .part { margin-left: 6px; }
.part > .ptype { font-weight: 600; }
.part > .ptype .path { color: var(--muted); font-weight: 400; margin-right: 6px; }
.part > .ptype .meta { color: var(--muted); font-weight: 400; margin-left: 6px; font-size: 12px; }
.part.ds { border-color: #d8c8f5; background: #faf8ff; }
.part pre.text { max-height: 170px; }
.part h4 { margin: 6px 0 2px; font-size: 12px; color: var(--muted); }
details > summary { cursor: pointer; color: var(--muted); margin: 2px 0; }
.notes { color: var(--warn); }
.actions { display: flex; gap: 8px; margin: 6px 0 10px; }
`;
