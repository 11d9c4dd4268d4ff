/** The page `listen` serves at GET /: a shell; app.js fills it from /api. */
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>smtpeter-sim listen</title>
<link rel="stylesheet" href="/ui/app.css">
<script type="module" src="/ui/app.js"></script>
</head>
<body>
<header class="bar">
  <h1>smtpeter-sim <span>listen</span></h1>
  <span id="live" class="live" title="live updates">connecting…</span>
  <span id="count" class="count"></span>
  <span class="grow"></span>
  <a id="export" class="button" href="/api/export.ndjson" download="smtpeter-sim-calls.ndjson" title="received calls as NDJSON fixture lines">Export NDJSON</a>
</header>
<form class="filters" id="filters" autocomplete="off">
  <label>Type <select id="f-type">
    <option value="">all</option><option value="failure">failure</option><option value="bounce">bounce</option><option value="delivery">delivery</option><option value="open">open</option><option value="click">click</option><option value="abuse">abuse</option><option value="unknown">not recognised</option>
  </select></label>
  <label>Recipient <input id="f-recipient" type="search" placeholder="contains…" spellcheck="false"></label>
  <label>Verification <select id="f-signature">
    <option value="">all</option><option value="verified">verified</option><option value="failed">failed</option><option value="unsigned">unsigned</option><option value="not-checked">not checked</option>
  </select></label>
  <label><input id="f-problems" type="checkbox"> with problems only</label>
  <label><input id="f-group" type="checkbox"> group by message</label>
</form>
<main>
  <section class="list">
    <table id="calls">
      <thead><tr>
        <th>#</th><th>time</th><th>type</th><th>about</th><th>message id</th><th>recipient</th><th>state / code / status</th><th>signature</th><th>answered</th>
      </tr></thead>
      <tbody id="rows"></tbody>
    </table>
    <p id="empty" class="empty">No calls yet. Fire some: <code>smtpeter-sim fire --url <span id="self-url"></span> -n 5</code></p>
  </section>
  <section id="detail" class="detail" hidden></section>
</main>
</body>
</html>
`;
