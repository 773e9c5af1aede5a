import './Markdown.css'
import { useLayoutEffect, useMemo, useRef, type MouseEvent } from 'react'
import { copyText } from '../api'
import { renderMarkdown } from '../lib/markdown'

/** Markdown shows untrusted Markdown (model output, imported files) as
 * sanitized HTML, with a Copy button on every code block. Links are inert. */
export function Markdown({ text }: { text: string }) {
  const html = useMemo(() => renderMarkdown(text), [text])
  const ref = useRef<HTMLDivElement>(null)

  // The copy buttons are added here, by trusted code, after the sanitized
  // HTML is in place; the sanitizer itself lets no buttons through.
  useLayoutEffect(() => {
    for (const head of ref.current?.querySelectorAll('.md-code-head') ?? []) {
      if (head.querySelector('.md-code-copy')) continue
      const button = document.createElement('button')
      button.type = 'button'
      button.className = 'md-code-copy'
      button.textContent = 'Copy'
      head.append(button)
    }
  }, [html])

  function onClick(e: MouseEvent<HTMLDivElement>) {
    const target = e.target as Element
    // Nothing inside model output may navigate the window.
    if (target.closest('a')) e.preventDefault()
    const button = target.closest('.md-code-copy')
    if (!(button instanceof HTMLButtonElement)) return
    const code = button.closest('.md-code')?.querySelector('pre')?.textContent ?? ''
    copyText(code).then(
      () => flash(button, 'Copied'),
      () => flash(button, 'Copy failed'),
    )
  }

  return <div ref={ref} className="markdown" onClick={onClick} dangerouslySetInnerHTML={{ __html: html }} />
}

function flash(button: HTMLButtonElement, text: string) {
  button.textContent = text
  setTimeout(() => (button.textContent = 'Copy'), 1500)
}
