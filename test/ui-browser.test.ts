// The live view in a real browser: `podflow serve --ui` (the command's own function, with the
// mount the CLI passes), Debian's chromium driven by playwright-core. The page applies
// examples/deployment-service.yaml, sees the Deployment's three pods Running, shows one pod's
// pod-worker chart in SyncPod.containers (the worker's state while its containers run), steps one
// message while paused; any console error fails the test.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { serveCommand } from "../runtime/server/serve.js";
import { mountLiveView, serveTrace } from "../ui/mount.js";
import { createCluster } from "../runtime/cluster.js";
import { readFileSync } from "node:fs";

const chromiumPath = "/usr/bin/chromium";
const shots = process.env.PODFLOW_SCREENSHOTS; // a folder (docs/) to write the screenshots to

describe.skipIf(!existsSync(chromiumPath))("podflow serve --ui in headless chromium", () => {
  let stop: () => void;
  let served: Promise<number>;
  let url = "";
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), "podflow-ui-"));

  beforeAll(async () => {
    const out: string[] = [];
    const stopped = new Promise<void>((r) => (stop = r));
    // without the CoreDNS pods: the page is to show the applied manifest's three pods and nothing else
    served = serveCommand({ port: "0", nodes: "3", seed: "1", speed: "5", kubeconfig: join(dir, "kubeconfig"), addons: false }, { out: (s) => out.push(s), err: (s) => errors.push(`server: ${s}`) }, stopped, mountLiveView);
    for (let i = 0; i < 200 && !out.some((l) => l.startsWith("live view: ")); i++) await new Promise((r) => setTimeout(r, 50));
    url = out.find((l) => l.startsWith("live view: "))!.slice("live view: ".length);
    browser = await chromium.launch({ executablePath: chromiumPath });
    // the serving certificate is signed by a CA made at start (it is in the kubeconfig): the browser cannot know it
    const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1500, height: 1000 } });
    page = await context.newPage();
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(`console: ${m.text()}`);
    });
    page.on("pageerror", (e) => errors.push(`page: ${e.message}`));
  });

  afterAll(async () => {
    await browser?.close();
    stop?.();
    expect(await served).toBe(0);
  });

  it("applies a manifest from the page, follows its pods and charts, steps one message while paused", async () => {
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/ui\/#token=/);
    await page.goto(url);
    // the token leaves the address bar once read
    await page.waitForFunction(() => !location.hash.includes("token"));
    await page.locator("#example option", { hasText: "deployment-service.yaml" }).waitFor({ state: "attached" });
    await page.selectOption("#example", { label: "deployment-service.yaml" });
    expect(await page.inputValue("#manifest")).toContain("kind: Deployment");
    await page.click("#apply");
    await page.waitForFunction(() => document.querySelectorAll('.pod[data-phase="Running"]').length === 3, undefined, { timeout: 45_000 });
    expect(await page.locator(".pod").count()).toBe(3);
    // each card comes to say READY 1/1 (once the readiness probe passes) and has an IP from its node's pod CIDR
    await page.waitForFunction(() => [...document.querySelectorAll(".pod")].every((p) => p.textContent?.includes("Running 1/1")), undefined, { timeout: 30_000 });
    for (const text of await page.locator(".pod").allTextContents()) expect(text).toMatch(/Running 1\/1.*10\.244\.\d+\.\d+/);

    await page.locator('.pod[data-phase="Running"]').first().click();
    const worker = page.locator('.chart[data-chart="kubelet-pod-worker"]');
    await worker.waitFor();
    await page.waitForFunction(() => document.querySelector('.chart[data-chart="kubelet-pod-worker"]')?.getAttribute("data-state")?.includes("lifecycle.SyncPod.containers"));
    // the state is highlighted on the chart drawn from the machine definition
    await worker.locator('g.node.active[data-id="worker_lifecycle_SyncPod_containers"]').waitFor();
    // and the transitions the worker took, sandbox -> network -> containers, are marked on it
    await worker.locator('polyline.edge.taken[data-from="worker_lifecycle_SyncPod_network"][data-to="worker_lifecycle_SyncPod_containers"]').waitFor({ state: "attached" }); // a straight edge has an empty box: attached, not "visible"
    if (shots) await page.screenshot({ path: join(shots, "ui-running.png") });

    await page.click("#pause");
    await page.locator("#pause.on").waitFor();
    const delivered = async () => Number(/(\d+) delivered/.exec((await page.textContent("#flowCount")) ?? "")![1]);
    const settled = await delivered();
    await new Promise((r) => setTimeout(r, 500));
    expect(await delivered()).toBe(settled);
    // a step delivers the next message, or fires the next timer when none is in flight (heartbeats): step until a message goes
    let stepped = false;
    for (let i = 0; i < 10 && !stepped; i++) {
      const before = await delivered();
      await page.click("#step");
      await page.waitForFunction(() => document.querySelector("#result")?.textContent?.startsWith("step: "));
      const result = (await page.textContent("#result"))!;
      await page.evaluate(() => (document.querySelector("#result")!.textContent = ""));
      if (result.includes('"message"')) {
        await page.waitForFunction((n) => /(\d+) delivered/.exec(document.querySelector("#flowCount")?.textContent ?? "")?.[1] === String(n), before + 1);
        // the sequence diagram's newest row is that message
        const last = page.locator("#seq .msg.last");
        await last.waitFor();
        expect(Number(await last.getAttribute("data-seq"))).toBe(before + 1);
        stepped = true;
      }
    }
    expect(stepped).toBe(true);
    await page.screenshot({ path: join(shots ?? dir, "ui-paused.png") });
    expect(existsSync(join(shots ?? dir, "ui-paused.png"))).toBe(true);
    expect(errors).toEqual([]);
  });

  it("plays a recorded trace (podflow view): paused at first, one message per step", async () => {
    const c = createCluster({ nodes: 1, seed: 4, trace: true });
    await c.apply(readFileSync(new URL("../examples/nginx.yaml", import.meta.url), "utf8"));
    await c.settle();
    const server = await serveTrace(c.runtime.traceJsonl(), { port: 0 });
    try {
      const p = await browser.newPage();
      p.on("console", (m) => {
        if (m.type() === "error") errors.push(`console (view): ${m.text()}`);
      });
      p.on("pageerror", (e) => errors.push(`page (view): ${e.message}`));
      await p.goto(server.url);
      await p.locator("#pause.on").waitFor();
      expect(await p.locator("#controls").isHidden()).toBe(true);
      await p.click("#step");
      await p.locator("#seq .msg.last").waitFor();
      expect(await p.locator("#seq .msg").count()).toBe(1);
      await p.close();
    } finally {
      await server.close();
    }
    expect(errors).toEqual([]);
  });
});
