const { chromium } = require('playwright-core');
(async () => {
  const origin = process.argv[2];
  const browser = await chromium.launch({ executablePath: '/usr/lib/chromium/chromium-headless-shell', args: ['--no-sandbox','--disable-gpu','--disable-quic'] });
  const page = await browser.newPage();
  page.on('console', (m) => console.log('console', m.type(), m.text()));
  page.on('pageerror', (e) => console.log('pageerror', e.message));
  page.on('websocket', (ws) => { console.log('ws open', ws.url()); ws.on('framesent', f => console.log('>', String(f.payload).slice(0,150))); ws.on('framereceived', f => console.log('<', String(f.payload).slice(0,150))); ws.on('close', () => console.log('ws closed')); });
  await page.goto(origin + '/');
  await page.getByTestId('prompt').fill(process.argv[3]);
  await page.getByTestId('send').click();
  await page.waitForTimeout(8000);
  await page.screenshot({ path: '/tmp/dbg.png', fullPage: true });
  console.log('phase', await page.getByTestId('phase').innerText(), 'answer', await page.getByTestId('answer').innerText());
  await browser.close();
})();
