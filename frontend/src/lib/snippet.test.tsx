import { render } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { parseSnippet, Snippet } from './snippet'

describe('parseSnippet', () => {
  it.each([
    { in: 'plain text', out: [{ text: 'plain text', match: false }] },
    {
      in: 'the \u0002cat\u0003 sat',
      out: [
        { text: 'the ', match: false },
        { text: 'cat', match: true },
        { text: ' sat', match: false },
      ],
    },
    {
      in: '\u0002a\u0003\u0002b\u0003',
      out: [
        { text: 'a', match: true },
        { text: 'b', match: true },
      ],
    },
    { in: 'stray\u0003 close', out: [{ text: 'stray', match: false }, { text: ' close', match: false }] },
    { in: 'open \u0002to end', out: [{ text: 'open ', match: false }, { text: 'to end', match: true }] },
    { in: '', out: [] },
  ])('$in', ({ in: s, out }) => {
    expect(parseSnippet(s)).toEqual(out)
  })
})

describe('Snippet', () => {
  it('marks matches and shows HTML in the message as text', () => {
    const { container } = render(
      <Snippet text={'<img src=x onerror="window.__xss=1"> and \u0002<b>bold</b>\u0003 &amp; more'} />,
    )
    expect(container.querySelector('img')).toBeNull()
    expect(container.querySelector('b')).toBeNull()
    const marks = container.querySelectorAll('mark')
    expect(marks).toHaveLength(1)
    expect(marks[0].textContent).toBe('<b>bold</b>')
    expect(container.textContent).toBe('<img src=x onerror="window.__xss=1"> and <b>bold</b> &amp; more')
  })
})
