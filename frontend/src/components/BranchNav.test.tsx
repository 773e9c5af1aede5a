import { fireEvent, render, screen } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import type { MessageView } from '../api'
import { BranchNav } from './BranchNav'
import { Message } from './Message'

vi.mock('../api', async () => (await import('../test/apiMock')).apiMock())

describe('BranchNav', () => {
  it('shows nothing for a message with one version', () => {
    const { container } = render(<BranchNav index={0} count={1} onSelect={vi.fn()} />)
    expect(container).toBeEmptyDOMElement()
  })

  it.each([
    { index: 0, count: 3, text: '1/3', prev: false, next: true },
    { index: 1, count: 3, text: '2/3', prev: true, next: true },
    { index: 2, count: 3, text: '3/3', prev: true, next: false },
  ])('at $text: previous=$prev next=$next', ({ index, count, text, prev, next }) => {
    const onSelect = vi.fn()
    render(<BranchNav index={index} count={count} onSelect={onSelect} />)
    expect(screen.getByTestId('branch-pos')).toHaveTextContent(text)
    expect(screen.getByRole('button', { name: 'Previous version' }).hasAttribute('disabled')).toBe(!prev)
    expect(screen.getByRole('button', { name: 'Next version' }).hasAttribute('disabled')).toBe(!next)
    fireEvent.click(screen.getByRole('button', { name: 'Previous version' }))
    fireEvent.click(screen.getByRole('button', { name: 'Next version' }))
    const expected = [...(prev ? [[index - 1]] : []), ...(next ? [[index + 1]] : [])]
    expect(onSelect.mock.calls).toEqual(expected)
  })

  it('is frozen while an answer is generated', () => {
    render(<BranchNav index={1} count={3} disabled onSelect={vi.fn()} />)
    expect(screen.getByRole('button', { name: 'Previous version' })).toBeDisabled()
    expect(screen.getByRole('button', { name: 'Next version' })).toBeDisabled()
  })
})

const edited: MessageView = {
  id: 21,
  parentId: 0,
  role: 'user',
  content: 'second try',
  createdAt: 0,
  siblingIndex: 1,
  siblingCount: 3,
  siblingIds: [20, 21, 22],
}

describe('Message versions', () => {
  it('asks for the sibling message id when moving between versions', () => {
    const onSelectVersion = vi.fn()
    render(
      <Message
        message={edited}
        text={edited.content}
        streaming={false}
        busy={false}
        onEdit={vi.fn()}
        onRegenerate={vi.fn()}
        onSelectVersion={onSelectVersion}
      />,
    )
    expect(screen.getByTestId('branch-pos')).toHaveTextContent('2/3')
    fireEvent.click(screen.getByRole('button', { name: 'Previous version' }))
    fireEvent.click(screen.getByRole('button', { name: 'Next version' }))
    expect(onSelectVersion.mock.calls).toEqual([[20], [22]])
  })

  it('edits a user message into a new branch with the trimmed text', () => {
    const onEdit = vi.fn()
    render(
      <Message
        message={edited}
        text={edited.content}
        streaming={false}
        busy={false}
        onEdit={onEdit}
        onRegenerate={vi.fn()}
        onSelectVersion={vi.fn()}
      />,
    )
    fireEvent.click(screen.getByRole('button', { name: 'Edit' }))
    const box = screen.getByRole('textbox', { name: 'Edit message' })
    expect(box).toHaveValue('second try')
    fireEvent.change(box, { target: { value: '  third try  ' } })
    fireEvent.click(screen.getByRole('button', { name: 'Save & send' }))
    expect(onEdit).toHaveBeenCalledExactlyOnceWith('third try')
    expect(screen.queryByRole('textbox', { name: 'Edit message' })).not.toBeInTheDocument()
  })
})
