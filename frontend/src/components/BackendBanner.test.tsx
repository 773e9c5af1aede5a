import { render, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { BackendBanner } from './BackendBanner'

describe('BackendBanner', () => {
  it('shows why the GPU is not used', () => {
    render(<BackendBanner backend="cpu" notice="cuda: no NVIDIA driver (libcuda) could be loaded" />)
    const banner = screen.getByRole('status', { name: 'GPU backend' })
    expect(banner.textContent).toContain('Running on the CPU.')
    expect(banner.textContent).toContain('no NVIDIA driver')
  })
  it('renders nothing without a notice', () => {
    const { container } = render(<BackendBanner backend="cpu" notice="" />)
    expect(container.textContent).toBe('')
  })
})
