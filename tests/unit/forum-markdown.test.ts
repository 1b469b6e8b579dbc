// markdown-it's half of post rendering, in Node; the sanitising half (DOMPurify) needs a real DOM
// and is checked in Chromium by tests/browser/forum.browser.test.ts.
import { describe, expect, it } from 'vitest';
import { markdownToHtml } from '../../client/src/lib/forum-markdown.js';

describe('forum Markdown', () => {
  it('renders the subset: emphasis, lists, links, code and quotes', () => {
    const html = markdownToHtml('**bold** _it_\n\n- one\n- two\n\n> quoted\n\n`code` [site](https://example.org)');
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toContain('<em>it</em>');
    expect(html).toContain('<li>one</li>');
    expect(html).toContain('<blockquote>');
    expect(html).toContain('<code>code</code>');
    expect(html).toContain('<a href="https://example.org" rel="nofollow noopener noreferrer ugc">site</a>');
  });

  it('leaves raw HTML as text', () => {
    const html = markdownToHtml('<script>window.pwned=1</script> <img src=x onerror=alert(1)>');
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;');
  });

  it('makes no link of javascript:, data: or protocol-relative URLs', () => {
    for (const url of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'data:text/html,x', '//evil.example/x', 'vbscript:x']) {
      expect(markdownToHtml(`[x](${url})`), url).not.toContain('<a');
    }
    expect(markdownToHtml('[here](/forum/t/abcd)')).toContain('href="/forum/t/abcd"');
  });

  it('shows no images and starts headings at h3', () => {
    expect(markdownToHtml('![pixel](https://tracker.example/p.gif)')).not.toContain('<img');
    expect(markdownToHtml('# Big\n\n### Small')).toBe('<h3>Big</h3>\n<h5>Small</h5>\n');
  });

  it('links bare web addresses', () => {
    expect(markdownToHtml('see https://city.example/parking')).toContain('<a href="https://city.example/parking" rel=');
  });
});
