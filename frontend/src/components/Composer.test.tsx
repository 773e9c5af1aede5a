import { fireEvent, render, screen } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import { Composer } from './Composer'

function typeMessage(text: string) {
  fireEvent.change(screen.getByRole('textbox', { name: 'Message' }), { target: { value: text } })
}

describe('Composer', () => {
  it.each([
    { name: 'no model, no text', modelLoaded: false, text: '', withHandler: true },
    { name: 'no model, with text', modelLoaded: false, text: 'hello', withHandler: true },
    { name: 'model, blank text', modelLoaded: true, text: '   \n ', withHandler: true },
    { name: 'model and text, but nothing to send to', modelLoaded: true, text: 'hi', withHandler: false },
  ])('keeps Send disabled: $name', ({ modelLoaded, text, withHandler }) => {
    const onSend = vi.fn()
    render(<Composer modelLoaded={modelLoaded} onSend={withHandler ? onSend : undefined} />)
    typeMessage(text)

    const send = screen.getByRole('button', { name: 'Send' })
    expect(send).toBeDisabled()
    fireEvent.click(send)
    fireEvent.keyDown(screen.getByRole('textbox', { name: 'Message' }), { key: 'Enter' })
    expect(onSend).not.toHaveBeenCalled()
  })

  it('asks for a model in the placeholder when none is loaded', () => {
    render(<Composer modelLoaded={false} />)
    expect(screen.getByRole('textbox', { name: 'Message' })).toHaveAttribute(
      'placeholder',
      'Load a model to start chatting',
    )
  })

  it('sends trimmed text with the button and clears the box', () => {
    const onSend = vi.fn()
    render(<Composer modelLoaded onSend={onSend} />)
    typeMessage('  hello there \n')

    const send = screen.getByRole('button', { name: 'Send' })
    expect(send).toBeEnabled()
    fireEvent.click(send)
    expect(onSend).toHaveBeenCalledExactlyOnceWith('hello there')
    expect(screen.getByRole('textbox', { name: 'Message' })).toHaveValue('')
  })

  it('sends on Enter but not on Shift+Enter', () => {
    const onSend = vi.fn()
    render(<Composer modelLoaded onSend={onSend} />)
    const box = screen.getByRole('textbox', { name: 'Message' })
    typeMessage('line one')

    fireEvent.keyDown(box, { key: 'Enter', shiftKey: true })
    expect(onSend).not.toHaveBeenCalled()
    fireEvent.keyDown(box, { key: 'Enter' })
    expect(onSend).toHaveBeenCalledExactlyOnceWith('line one')
  })
})
