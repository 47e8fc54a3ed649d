// The SampleApp chat in a real browser (Debian's chromium, headless, driven by playwright-core):
// send a message, watch the answer stream in with its served-by details, reload and find the
// conversation again, and save screenshots for the docs. Expects the topology running (tests/topology/run.sh).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const baseUrl = process.env.BASE_URL ?? 'http://localhost:5000';
const images = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/images');
let profile;
let browser;

before(async () => {
  profile = await mkdtemp(path.join(tmpdir(), 'switchyard-chromium-'));
  // launchPersistentContext is how Playwright takes a fresh --user-data-dir.
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  await mkdir(images, { recursive: true });
});

after(async () => {
  await browser?.close();
  await rm(profile, { recursive: true, force: true });
});

test('a message streams its answer in, with who served it, and survives a reload', async () => {
  const page = await browser.newPage();
  await page.goto(baseUrl);
  await page.waitForSelector('section.chat[data-ready]', { timeout: 30_000 });
  await page.click('button.secondary'); // a new chat, whatever an earlier run left in this session
  assert.equal(await page.inputValue('#tenant'), 'Demo');
  // One CI run read the select's first option here (claude-sonnet-cris) right after the click, whose
  // re-render comes over the circuit after click() returns; why is not established. The value must settle
  // on the tenant's group; if it does not, the failure shows what the select holds.
  await page.waitForFunction(() => document.querySelector('#model-group').value === 'claude-sonnet-multi-region', null, { timeout: 10_000 })
    .catch(async () => assert.fail(`the model group select settled on ${await page.inputValue('#model-group')}, options ${await page.locator('#model-group option').allTextContents()}`));
  await page.selectOption('#tenant', 'B'); // B may use only its own model group, which the page switches to
  await page.waitForFunction(() => document.querySelector('#model-group').value === 'consumer-b-model');

  // Every change of the answer being streamed, as the browser sees it.
  await page.evaluate(() => {
    window.streamed = [];
    new MutationObserver(() => {
      const text = document.querySelector('.turn.assistant.streaming .text')?.textContent;
      if (text) window.streamed.push(text.length);
    }).observe(document.querySelector('.turns'), { subtree: true, childList: true, characterData: true });
  });

  const question = 'Explain in a few sentences why an LLM gateway fails over between Regions.';
  await page.fill('#message', question);
  await page.click('#send');

  const details = page.locator('.turn.assistant .served-by').last();
  await details.locator('.deployment').waitFor({ timeout: 60_000 });
  const streamed = await page.evaluate(() => window.streamed);
  assert.ok(new Set(streamed).size >= 2, `the answer arrived in several steps, saw lengths ${streamed}`);

  const answer = (await page.locator('.turn.assistant .text').last().textContent()).trim();
  assert.ok(answer.length > 0, 'the answer has text');
  assert.equal(await details.locator('.error').count(), 0, 'the answer finished without an error');
  assert.match(await details.locator('.region').textContent(), /^[a-z]{2}-[a-z]+-\d$/);
  assert.match(await details.locator('.model').textContent(), /\S/);
  assert.match(await details.locator('.attempts').textContent(), /^\d+$/);
  assert.match(await details.locator('.ttft').textContent(), /^\d+ ms$/);
  assert.match(await details.locator('.trace a').getAttribute('href'), /\/traces\/detail\/[0-9a-f]{32}$/);
  await page.screenshot({ path: path.join(images, 'chat.png'), fullPage: true });

  await page.reload();
  await page.waitForSelector('section.chat[data-ready]', { timeout: 30_000 });
  assert.equal((await page.locator('.turn.user .text').last().textContent()).trim(), question);
  assert.equal((await page.locator('.turn.assistant .text').last().textContent()).trim(), answer);
  assert.equal(await page.inputValue('#tenant'), 'B');
  assert.equal(await page.inputValue('#model-group'), 'consumer-b-model');
});

test('the Scenarios page replays a scenario and shows its tables', async () => {
  const page = await browser.newPage();
  await page.goto(`${baseUrl}/scenarios`);
  await page.click('#scenario-fallback', { timeout: 30_000 });
  const report = page.locator('article.report[data-scenario="fallback"]');
  await report.waitFor({ timeout: 60_000 });
  assert.match(await report.locator('.verdict').textContent(), /^10 of 10 successful/);
  await page.screenshot({ path: path.join(images, 'scenarios.png'), fullPage: true });
});
