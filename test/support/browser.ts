// The browser the end-to-end tests drive: the same finder the bench uses.
export { findChromium, launchChromium, NO_BROWSER_MESSAGE } from '../../scripts/preview/chromium';
