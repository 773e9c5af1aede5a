import { describe, expect, it } from 'vitest'
import { escapeHTML, renderMarkdown } from './markdown'

// Payloads a model (or an imported file) could produce. Each must come out as
// inert markup: no script, no event handler, no URL that could navigate or
// load anything, no embedded document or style.
const xssCorpus = [
  '<script>window.__xss = 1</script>',
  '<img src=x onerror="window.__xss = 1">',
  '<a href="javascript:window.__xss=1">click</a>',
  '[click](javascript:window.__xss=1)',
  '[click](JaVaScRiPt:window.__xss=1)',
  '[click](data:text/html,<script>window.__xss=1</script>)',
  '![x](javascript:window.__xss=1)',
  '![x](https://evil.example/track.png)',
  '<iframe src="https://evil.example"></iframe>',
  '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
  '<svg><script>window.__xss=1</script></svg>',
  '<svg onload="window.__xss=1"><circle r="4"/></svg>',
  '<style>body { display: none }</style>',
  '<div style="position:fixed;inset:0">cover</div>',
  '<p onclick="window.__xss=1" onmouseover="window.__xss=1">hover</p>',
  '<object data="javascript:window.__xss=1"></object>',
  '<embed src="javascript:window.__xss=1">',
  '<form action="javascript:window.__xss=1"><button>go</button></form>',
  '<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=1>',
  '<base href="https://evil.example/">',
  '<meta http-equiv="refresh" content="0;url=javascript:window.__xss=1">',
  '<link rel="stylesheet" href="https://evil.example/x.css">',
  '<details open ontoggle="window.__xss=1">x</details>',
  '```html\n<script>window.__xss=1</script>\n```',
  '`<img src=x onerror=window.__xss=1>`',
  '<<script>script>window.__xss=1<</script>/script>',
  '[x](<javascript:window.__xss=1>)',
  '<a href="&#106;avascript:window.__xss=1">entity</a>',
  '<input autofocus onfocus="window.__xss=1">',
  '<video><source onerror="window.__xss=1"></video>',
]

const forbiddenTags = ['script', 'iframe', 'svg', 'style', 'img', 'object', 'embed', 'form', 'base', 'meta', 'link', 'math', 'input', 'video', 'button']

function parse(html: string): HTMLElement {
  const root = document.createElement('div')
  root.innerHTML = html
  return root
}

describe('renderMarkdown sanitizes untrusted text', () => {
  it.each(xssCorpus)('%s renders inert', (payload) => {
    const root = parse(renderMarkdown(payload))
    for (const tag of forbiddenTags) expect(root.querySelector(tag), tag).toBeNull()
    for (const el of root.querySelectorAll('*')) {
      for (const attr of el.getAttributeNames()) {
        expect(['class', 'title', 'align', 'start'], `${el.tagName} ${attr}`).toContain(attr)
      }
      expect(el.getAttribute('title') ?? '').not.toMatch(/javascript:|data:/i)
    }
    for (const a of root.querySelectorAll('a')) expect(a.hasAttribute('href')).toBe(false)
  })

  it('shows raw HTML in the Markdown as text instead of dropping it', () => {
    const root = parse(renderMarkdown('before <script>x()</script> after'))
    expect(root.textContent).toContain('<script>x()</script>')
  })

  it('keeps the text of links but no URL; http links show it as a tooltip', () => {
    const root = parse(renderMarkdown('see [the docs](https://example.com/a?b=1) and [bad](javascript:alert(1))'))
    const links = root.querySelectorAll('a')
    expect(links).toHaveLength(2)
    expect(links[0].textContent).toBe('the docs')
    expect(links[0].getAttribute('title')).toBe('https://example.com/a?b=1')
    expect(links[1].textContent).toBe('bad')
    expect(links[1].hasAttribute('title')).toBe(false)
  })
})

describe('renderMarkdown formats Markdown', () => {
  it.each([
    { md: '# Title', selector: 'h1', text: 'Title' },
    { md: '**bold** text', selector: 'strong', text: 'bold' },
    { md: '- one\n- two', selector: 'ul > li', text: 'one' },
    { md: '1. first', selector: 'ol > li', text: 'first' },
    { md: '> quoted', selector: 'blockquote > p', text: 'quoted' },
    { md: 'use `x := 1` here', selector: 'p > code', text: 'x := 1' },
    { md: '| a | b |\n|---|---|\n| 1 | 2 |', selector: 'td', text: '1' },
  ])('$md → $selector', ({ md, selector, text }) => {
    expect(parse(renderMarkdown(md)).querySelector(selector)?.textContent).toBe(text)
  })

  it('highlights a fenced code block of a known language and labels it', () => {
    const root = parse(renderMarkdown('```go\nfunc main() { return 42 }\n```'))
    const code = root.querySelector('.md-code pre code')
    expect(code?.className).toBe('hljs language-go')
    expect(code?.textContent).toBe('func main() { return 42 }')
    expect(root.querySelector('.hljs-keyword')?.textContent).toBe('func')
    expect(root.querySelector('.md-code-lang')?.textContent).toBe('go')
  })

  it('escapes code of an unknown language without highlighting it', () => {
    const root = parse(renderMarkdown('```klingon\n<b>qapla</b>\n```'))
    expect(root.querySelector('pre code')?.textContent).toBe('<b>qapla</b>')
    expect(root.querySelector('pre b')).toBeNull()
  })

  it('drops a hostile language name from the class list', () => {
    const root = parse(renderMarkdown('```"><img src=x onerror=alert(1)>\ncode\n```'))
    expect(root.querySelector('img')).toBeNull()
    expect(root.querySelector('pre code')?.className).toBe('hljs')
  })

  it('keeps streaming partial Markdown safe (an unclosed fence)', () => {
    const root = parse(renderMarkdown('text\n```python\nprint("<b>")'))
    expect(root.querySelector('pre code')?.textContent).toContain('print("<b>")')
  })
})

describe('escapeHTML', () => {
  it('escapes the five HTML-significant characters', () => {
    expect(escapeHTML(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;')
  })
})
