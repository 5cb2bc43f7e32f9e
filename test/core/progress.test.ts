import { test } from "node:test";
import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { terminalProgress } from "../../src/core/progress";

test("terminalProgress off a terminal redraws from update() while the event loop is held", () => {
  const stream = new PassThrough() as unknown as NodeJS.WriteStream & PassThrough;
  (stream as { isTTY?: boolean }).isTTY = false;
  let text = "";
  stream.on("data", (b: Buffer) => (text += b.toString()));
  const realNow = Date.now;
  let now = realNow();
  Date.now = () => now;
  try {
    const p = terminalProgress(stream);
    p.start("train", 10);
    // A synchronous loop: no timer can fire between these updates.
    for (let step = 1; step <= 3; step++) {
      now += 6000;
      p.update(step, { loss: 0.5 / step });
    }
    p.stop();
  } finally {
    Date.now = realNow;
  }
  for (const step of [1, 2, 3]) assert.match(text, new RegExp(`train \\[.*\\] ${step}/10 `), `step ${step} drawn`);
  assert.match(text, /loss=0\.1667/);
});
