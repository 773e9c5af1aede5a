import { fireEvent, render, screen } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import { ModelPicker } from './ModelPicker'

describe('ModelPicker', () => {
  it.each([
    { modelLoaded: false, modelName: '', label: 'Model: No model loaded' },
    { modelLoaded: true, modelName: '', label: 'Model: Model loaded' },
    { modelLoaded: true, modelName: 'Llama 4 Scout', label: 'Model: Llama 4 Scout' },
  ])('modelLoaded=$modelLoaded name=$modelName reads "$label"', ({ modelLoaded, modelName, label }) => {
    const onOpen = vi.fn()
    render(<ModelPicker modelLoaded={modelLoaded} modelName={modelName} onOpen={onOpen} />)
    fireEvent.click(screen.getByRole('button', { name: label }))
    expect(onOpen).toHaveBeenCalledOnce()
  })

  it('is disabled when nothing can open the Models panel', () => {
    render(<ModelPicker modelLoaded={false} />)
    expect(screen.getByRole('button', { name: 'Model: No model loaded' })).toBeDisabled()
  })
})
