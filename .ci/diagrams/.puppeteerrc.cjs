// Puppeteer must not download a browser of its own: the renderer uses the
// system's Chromium (see puppeteer-config.json).
module.exports = { skipDownload: true };
