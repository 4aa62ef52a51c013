import MarkdownIt from 'markdown-it';

/**
 * Markdown from outside systems, rendered safely: raw HTML is escaped (html:
 * false), and markdown-it's link check refuses javascript:, vbscript:, file:
 * and data: URLs (but images), so a summary cannot run script on the dashboard.
 */
const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false });

const defaultLink = markdown.renderer.rules.link_open ?? ((tokens, i, options, _env, self) => self.renderToken(tokens, i, options));
markdown.renderer.rules.link_open = (tokens, i, options, env, self) => {
  // A summary's links lead off the dashboard: no referrer, no window.opener.
  tokens[i]!.attrSet('rel', 'noopener noreferrer nofollow');
  return defaultLink(tokens, i, options, env, self);
};

export const renderMarkdown = (text: string): string => markdown.render(text);
