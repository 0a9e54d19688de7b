// Debian's Chromium and the flags every browser run here uses: no sandbox
// (containers run as root), no GPU, and none of the background traffic that
// would be a failed request on a machine without internet.
export const CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
