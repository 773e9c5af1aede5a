import { render, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { ModelPicker } from './ModelPicker'

describe('ModelPicker', () => {
  it.each([
    { modelLoaded: false, label: 'Model: No model loaded', disabled: true },
    { modelLoaded: true, label: 'Model: Model loaded', disabled: false },
  ])('modelLoaded=$modelLoaded reads "$label"', ({ modelLoaded, label, disabled }) => {
    render(<ModelPicker modelLoaded={modelLoaded} />)
    const picker = screen.getByRole('button', { name: label })
    expect(picker.hasAttribute('disabled')).toBe(disabled)
  })
})
