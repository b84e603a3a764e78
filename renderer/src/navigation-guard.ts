/**
 * The page never leaves the app: links to anywhere but the app's own origin are swallowed.
 * (The desktop main process also refuses every navigation; this covers the preview too.)
 */
export function installNavigationGuard(doc: Document = document): void {
  doc.addEventListener(
    'click',
    (event) => {
      const anchor = (event.target as Element | null)?.closest?.('a[href]');
      if (!anchor) return;
      const href = anchor.getAttribute('href') ?? '';
      if (href.startsWith('#')) return;
      const target = new URL(href, doc.baseURI);
      if (target.origin !== window.location.origin || anchor.hasAttribute('target')) event.preventDefault();
    },
    true,
  );
  doc.addEventListener('submit', (event) => event.preventDefault(), true);
}
