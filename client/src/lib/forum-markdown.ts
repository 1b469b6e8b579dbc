// Post bodies are raw Markdown from the server. They become HTML only here: markdown-it with raw
// HTML off renders a small subset, and DOMPurify then keeps only the tags and attributes that
// subset produces, so a script, an event handler or a javascript: link never reaches the page.
import DOMPurify from 'dompurify';
import MarkdownIt from 'markdown-it';

const REL = 'nofollow noopener noreferrer ugc';

const md = new MarkdownIt({ html: false, linkify: true, breaks: true, typographer: false });
// Images would load from anywhere a poster chooses (tracking, shock content); tables are left out
// of the subset to keep posts readable on a phone.
md.disable(['image', 'table']);

// Web links, mail links and links within this site only.
md.validateLink = (url: string) => /^(https?:|mailto:)/i.test(url) || /^\/(?!\/)/.test(url) || url.startsWith('#');

// A post sits under the page's h1 and the posts' h2, so its own headings start at h3.
md.renderer.rules.heading_open = (tokens, idx) => `<h${Math.min(6, Number(tokens[idx]!.tag.slice(1)) + 2)}>`;
md.renderer.rules.heading_close = (tokens, idx) => `</h${Math.min(6, Number(tokens[idx]!.tag.slice(1)) + 2)}>\n`;
md.renderer.rules.link_open = (tokens, idx, options, _env, self) => {
  tokens[idx]!.attrSet('rel', REL);
  return self.renderToken(tokens, idx, options);
};

/** markdown-it's output alone; only `renderPost` output may go into the page. */
export function markdownToHtml(source: string): string {
  return md.render(source);
}

const ALLOWED_TAGS = ['p', 'br', 'em', 'strong', 's', 'a', 'ul', 'ol', 'li', 'code', 'pre', 'blockquote', 'hr', 'h3', 'h4', 'h5', 'h6'];
const ALLOWED_ATTR = ['href', 'rel', 'start'];

let hooked = false;

/** Safe HTML for a post body, for `{@html}`. */
export function renderPost(source: string): string {
  if (!hooked) {
    // Whatever slipped through, every link that survives sanitising carries the same rel.
    DOMPurify.addHook('afterSanitizeAttributes', (node) => {
      if (node.tagName === 'A') node.setAttribute('rel', REL);
    });
    hooked = true;
  }
  return DOMPurify.sanitize(markdownToHtml(source), { ALLOWED_TAGS, ALLOWED_ATTR, ALLOW_DATA_ATTR: false });
}
