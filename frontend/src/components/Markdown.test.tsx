import { fireEvent, render, screen, waitFor } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import { copyText } from '../api'
import { Markdown } from './Markdown'

vi.mock('../api', async () => (await import('../test/apiMock')).apiMock())

describe('Markdown', () => {
  it('puts a Copy button on each code block that copies the code', async () => {
    render(<Markdown text={'one\n```js\nlet a = "<b>"\n```\ntwo\n```\nplain\n```'} />)
    const buttons = screen.getAllByRole('button', { name: 'Copy' })
    expect(buttons).toHaveLength(2)
    fireEvent.click(buttons[0])
    expect(copyText).toHaveBeenCalledWith('let a = "<b>"')
    await waitFor(() => expect(buttons[0]).toHaveTextContent('Copied'))
    fireEvent.click(buttons[1])
    expect(copyText).toHaveBeenLastCalledWith('plain')
  })

  it('keeps one Copy button per block as the text streams in', () => {
    const { rerender } = render(<Markdown text={'```go\nfunc'} />)
    rerender(<Markdown text={'```go\nfunc main() {}\n```\nand more'} />)
    expect(screen.getAllByRole('button', { name: 'Copy' })).toHaveLength(1)
  })

  it('does not let a link navigate', () => {
    const { container } = render(<Markdown text="[site](https://example.com)" />)
    const link = container.querySelector('a')!
    expect(link).not.toHaveAttribute('href')
    const click = new MouseEvent('click', { bubbles: true, cancelable: true })
    link.dispatchEvent(click)
    expect(click.defaultPrevented).toBe(true)
  })
})
