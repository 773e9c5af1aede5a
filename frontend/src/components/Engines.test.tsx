import { fireEvent, render, screen, waitFor } from '@testing-library/react'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { addEngine, listEngines, startAPI, stopAPI, useRemoteModel } from '../api'
import { EnginesSection } from './EnginesSection'
import { LocalAPISection } from './LocalAPISection'
import { ModelPicker } from './ModelPicker'
import { RemoteModels } from './RemoteModels'

vi.mock('../api', async () => (await import('../test/apiMock')).apiMock())

const engine = { id: 'e1', url: 'http://gpu:8000/v1', host: 'gpu:8000', hasKey: true, models: ['maverick'], error: '' }

describe('Local API switch', () => {
  beforeEach(() => {
    vi.mocked(startAPI).mockClear()
    vi.mocked(stopAPI).mockClear()
  })

  it('starts on the chosen port and shows the address, then stops', async () => {
    render(<LocalAPISection />)
    const sw = await screen.findByRole('switch', { name: 'OpenAI-compatible API' })
    await waitFor(() => expect(sw).toBeEnabled())
    fireEvent.change(screen.getByRole('spinbutton', { name: /port/i }), { target: { value: '9090' } })
    fireEvent.click(sw)
    await waitFor(() => expect(startAPI).toHaveBeenCalledWith(9090))
    expect(await screen.findByTestId('local-api-status')).toHaveTextContent('On at http://127.0.0.1:9090/v1')
    fireEvent.click(screen.getByRole('switch', { name: 'OpenAI-compatible API' }))
    await waitFor(() => expect(stopAPI).toHaveBeenCalled())
    expect(screen.getByTestId('local-api-status')).toHaveTextContent('Off')
  })

  it('shows why a start failed', async () => {
    vi.mocked(startAPI).mockRejectedValueOnce(new Error('Cannot start the local API: address already in use'))
    render(<LocalAPISection />)
    const sw = await screen.findByRole('switch', { name: 'OpenAI-compatible API' })
    await waitFor(() => expect(sw).toBeEnabled())
    fireEvent.click(sw)
    expect(await screen.findByRole('alert')).toHaveTextContent('address already in use')
  })
})

describe('Engines', () => {
  it('adds an endpoint with its models, and shows a refusal', async () => {
    vi.mocked(addEngine).mockRejectedValueOnce(new Error('gpu:8000 refused the API key (401)'))
    vi.mocked(addEngine).mockResolvedValueOnce(engine)
    render(<EnginesSection />)
    fireEvent.change(screen.getByRole('textbox', { name: /endpoint url/i }), { target: { value: 'http://gpu:8000' } })
    fireEvent.click(screen.getByRole('button', { name: 'Add engine' }))
    expect(await screen.findByRole('alert')).toHaveTextContent('401')
    fireEvent.click(screen.getByRole('button', { name: 'Add engine' }))
    expect(await screen.findByTestId('engine-row')).toHaveTextContent('Models: maverick')
    expect(addEngine).toHaveBeenLastCalledWith('http://gpu:8000', '')
  })

  it('lists remote models marked remote with the host, and uses one', async () => {
    vi.mocked(listEngines).mockResolvedValue([engine])
    render(<RemoteModels status={null} />)
    const row = await screen.findByTestId('remote-model')
    expect(row).toHaveTextContent('maverick')
    expect(row).toHaveTextContent('remote · gpu:8000')
    fireEvent.click(screen.getByRole('button', { name: 'Use' }))
    await waitFor(() => expect(useRemoteModel).toHaveBeenCalledWith('e1', 'maverick'))
  })

  it('marks a remote model in the picker', () => {
    render(<ModelPicker modelLoaded modelName="maverick" remoteHost="gpu:8000" onOpen={vi.fn()} />)
    expect(screen.getByRole('button', { name: 'Model: maverick (remote, gpu:8000)' })).toHaveTextContent('remote · gpu:8000')
  })
})
