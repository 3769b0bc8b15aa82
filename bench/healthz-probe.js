#!/usr/bin/env node
// Probe child for healthz-stall.js: asks /healthz every 5 ms from its own process, so the bench's own work (building
// and sending a 3 MB body, its garbage collection) is never counted as the bot's stall. On 'start' it forgets what
// it saw; on 'stop' it sends back the worst wait since then.
const url = process.argv[2];
let worst = 0;
let stopped = false;
process.on('message', (m) => {
  if (m === 'start') worst = 0;
  else if (m === 'stop') process.send({ worstMs: worst });
  else if (m === 'exit') stopped = true;
});
(async () => {
  while (!stopped) {
    const t = performance.now();
    await fetch(`${url}/healthz`).then((r) => r.arrayBuffer());
    worst = Math.max(worst, performance.now() - t);
    await new Promise((r) => setTimeout(r, 5));
  }
  process.disconnect();
})();
