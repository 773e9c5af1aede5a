import { render, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { FeaturesOff } from './FeaturesOff'

describe('FeaturesOff', () => {
  it('names each feature that is off with its reason', () => {
    render(
      <FeaturesOff
        off={[
          { feature: 'Chat history, search and settings', reason: "Hearth's database is not open: permission denied" },
          { feature: 'Prompt cache (KV snapshots) for Scout', reason: 'hash: file changed' },
        ]}
      />,
    )
    const box = screen.getByRole('alert', { name: 'Features that are off' })
    expect(box).toHaveTextContent("Chat history, search and settings: off. Hearth's database is not open: permission denied")
    expect(box).toHaveTextContent('Prompt cache (KV snapshots) for Scout: off. hash: file changed')
  })

  it('shows nothing when everything works', () => {
    const { container } = render(<FeaturesOff off={[]} />)
    expect(container).toBeEmptyDOMElement()
    render(<FeaturesOff off={undefined} />)
    expect(screen.queryByTestId('features-off')).not.toBeInTheDocument()
  })
})
