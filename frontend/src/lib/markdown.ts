// Model output and imported conversations are untrusted text. renderMarkdown
// turns such text into HTML that can only display: raw HTML in the Markdown
// is shown as text, links and images carry no URL, and DOMPurify then keeps
// only a short list of inert tags and attributes. The page's CSP (no inline
// script or style) is the second wall behind this one.
import DOMPurify from 'dompurify'
import { Marked, type Tokens } from 'marked'
import hljs from 'highlight.js/lib/core'
import bash from 'highlight.js/lib/languages/bash'
import c from 'highlight.js/lib/languages/c'
import cpp from 'highlight.js/lib/languages/cpp'
import css from 'highlight.js/lib/languages/css'
import go from 'highlight.js/lib/languages/go'
import javascript from 'highlight.js/lib/languages/javascript'
import json from 'highlight.js/lib/languages/json'
import python from 'highlight.js/lib/languages/python'
import rust from 'highlight.js/lib/languages/rust'
import sql from 'highlight.js/lib/languages/sql'
import typescript from 'highlight.js/lib/languages/typescript'
import xml from 'highlight.js/lib/languages/xml'
import yaml from 'highlight.js/lib/languages/yaml'

const languages = { bash, c, cpp, css, go, javascript, json, python, rust, sql, typescript, xml, yaml }
for (const [name, lang] of Object.entries(languages)) hljs.registerLanguage(name, lang)
hljs.registerAliases(['sh', 'shell', 'zsh'], { languageName: 'bash' })
hljs.registerAliases(['js', 'jsx', 'mjs'], { languageName: 'javascript' })
hljs.registerAliases(['ts', 'tsx'], { languageName: 'typescript' })
hljs.registerAliases(['html', 'svg'], { languageName: 'xml' })
hljs.registerAliases(['py'], { languageName: 'python' })
hljs.registerAliases(['golang'], { languageName: 'go' })
hljs.registerAliases(['rs'], { languageName: 'rust' })
hljs.registerAliases(['yml'], { languageName: 'yaml' })
hljs.registerAliases(['h', 'hpp', 'cc'], { languageName: 'cpp' })

/** escapeHTML makes text safe to place in HTML markup as text. */
export function escapeHTML(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

// A language name from the model goes into a class; keep it to a safe alphabet.
function languageOf(lang: string | undefined): string {
  const word = (lang ?? '').trim().split(/\s+/)[0].toLowerCase()
  return /^[a-z0-9+#_-]{1,20}$/.test(word) ? word : ''
}

function highlight(code: string, lang: string): string {
  if (lang && hljs.getLanguage(lang)) {
    return hljs.highlight(code, { language: lang, ignoreIllegals: true }).value
  }
  return escapeHTML(code)
}

const marked = new Marked({
  gfm: true,
  breaks: true,
  async: false,
  renderer: {
    // Raw HTML in the model's Markdown is shown, not interpreted.
    html({ text }: Tokens.HTML | Tokens.Tag) {
      return escapeHTML(text)
    },
    code({ text, lang }: Tokens.Code) {
      const language = languageOf(lang)
      const label = language ? `<span class="md-code-lang">${escapeHTML(language)}</span>` : ''
      return (
        `<div class="md-code"><div class="md-code-head">${label}</div>` +
        `<pre><code class="hljs${language ? ` language-${language}` : ''}">${highlight(text, language)}</code></pre></div>`
      )
    },
    // Links open nothing: the text stays, the URL is only shown on hover.
    link({ href, tokens }: Tokens.Link) {
      const title = /^https?:\/\//i.test(href) ? ` title="${escapeHTML(href)}"` : ''
      return `<a class="md-link"${title}>${this.parser.parseInline(tokens)}</a>`
    },
    image({ text }: Tokens.Image) {
      return `<span class="md-image">[image${text ? `: ${escapeHTML(text)}` : ''}]</span>`
    },
    checkbox({ checked }: Tokens.Checkbox) {
      return `<span class="md-task">${checked ? '☑' : '☐'}</span> `
    },
  },
})

const allowedTags = [
  'p', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'strong', 'em', 'del', 's', 'code', 'pre',
  'blockquote', 'ul', 'ol', 'li', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'a', 'span', 'div',
]
const allowedClass = /^(hljs(-[\w-]+)?|language-[a-z0-9+#_-]+|md-[a-z-]+|[a-z]+_)$/

const purify = DOMPurify(window)
purify.addHook('afterSanitizeAttributes', (node) => {
  if (!(node instanceof Element)) return
  if (node.hasAttribute('class')) {
    const kept = (node.getAttribute('class') ?? '').split(/\s+/).filter((c) => allowedClass.test(c))
    if (kept.length) node.setAttribute('class', kept.join(' '))
    else node.removeAttribute('class')
  }
  if (node.tagName === 'A') node.removeAttribute('href')
})

/** sanitizeHTML keeps only inert display markup from html. */
export function sanitizeHTML(html: string): string {
  // The wrapper keeps a leading element inside <body> when DOMPurify parses
  // (happy-dom, which the unit tests run in, would otherwise drop it).
  return purify.sanitize(`<div class="md-root">${html}</div>`, {
    ALLOWED_TAGS: allowedTags,
    ALLOWED_ATTR: ['class', 'title', 'align', 'start'],
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: false,
    KEEP_CONTENT: true,
  })
}

/** renderMarkdown turns untrusted Markdown into sanitized, display-only HTML
 * with highlighted code blocks. */
export function renderMarkdown(text: string): string {
  return sanitizeHTML(marked.parse(text) as string)
}
