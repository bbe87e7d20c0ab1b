// Renders src/app/icon.svg (the logo of src/components/logo.tsx with its colours spelled out)
// into the icons the App Router serves: favicon.ico (PNG images at 16, 32 and 48 px inside an
// ICO, which every browser reads) and apple-icon.png (180 px). Run it after changing the logo:
//   node apps/web/scripts/make-icons.mjs
// Chromium draws the SVG, the same one the browser tests use; playwright-core is a dependency of
// apps/server (the browser tests), not of the dashboard, so it is loaded from there.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";

const app = new URL("../src/app/", import.meta.url);
const svg = readFileSync(new URL("icon.svg", app), "utf8");
const { chromium } = createRequire(new URL("../../server/package.json", import.meta.url))("playwright-core");

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu"],
});
async function png(size, { square = false } = {}) {
  const page = await browser.newPage({ viewport: { width: size, height: size } });
  // apple-icon: iOS rounds the corners itself, so it gets the square background
  const body = square ? svg.replace('rx="8"', 'rx="0"') : svg;
  await page.setContent(
    `<style>html,body{margin:0;background:transparent}svg{display:block;width:${size}px;height:${size}px}</style>${body}`,
  );
  const bytes = await page.screenshot({ omitBackground: true, type: "png" });
  await page.close();
  return bytes;
}

/** ICO: a 6-byte header, a 16-byte entry per image, then the images (PNG data is allowed). */
function ico(images) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0); // reserved
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(images.length, 4);
  let offset = 6 + 16 * images.length;
  const entries = images.map(({ size, data }) => {
    const entry = Buffer.alloc(16);
    entry.writeUInt8(size >= 256 ? 0 : size, 0); // width (0 means 256)
    entry.writeUInt8(size >= 256 ? 0 : size, 1); // height
    entry.writeUInt8(0, 2); // no palette
    entry.writeUInt8(0, 3); // reserved
    entry.writeUInt16LE(1, 4); // colour planes
    entry.writeUInt16LE(32, 6); // bits per pixel
    entry.writeUInt32LE(data.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += data.length;
    return entry;
  });
  return Buffer.concat([header, ...entries, ...images.map((i) => i.data)]);
}

try {
  const sizes = [16, 32, 48];
  const images = [];
  for (const size of sizes) images.push({ size, data: await png(size) });
  writeFileSync(new URL("favicon.ico", app), ico(images));
  writeFileSync(new URL("apple-icon.png", app), await png(180, { square: true }));
} finally {
  await browser.close();
}
