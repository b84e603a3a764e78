import DOMPurify from 'dompurify';
import { marked } from 'marked';

/**
 * Protocol documents arrive as Markdown or HTML written elsewhere. Before they reach the
 * page: no scripts, no event handlers, no forms, no inline styles, no frames, and nothing
 * that would fetch from outside the app (remote images, links that leave it).
 */
const purifier = DOMPurify(window);

const FORBID_TAGS = ['style', 'script', 'form', 'input', 'button', 'textarea', 'select', 'option', 'iframe', 'frame',
  'object', 'embed', 'link', 'meta', 'base', 'svg', 'math', 'audio', 'video', 'source', 'track', 'picture'];
const FORBID_ATTR = ['style', 'srcset', 'action', 'formaction', 'background', 'poster', 'ping', 'target'];

purifier.addHook('afterSanitizeAttributes', (node) => {
  if (node instanceof Element) {
    const src = node.getAttribute('src');
    // Only images carried inside the document itself.
    if (src !== null && !/^data:image\/(png|gif|jpeg|webp);/i.test(src)) node.removeAttribute('src');
    const href = node.getAttribute('href');
    // Links only within the document.
    if (href !== null && !href.startsWith('#')) node.removeAttribute('href');
  }
});

export function sanitizeHtml(html: string): string {
  return purifier.sanitize(html, {
    USE_PROFILES: { html: true },
    FORBID_TAGS,
    FORBID_ATTR,
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: true,
  });
}

export function markdownToSafeHtml(markdown: string): string {
  return sanitizeHtml(marked.parse(markdown, { async: false, gfm: true }));
}
