import './ChatHeader.css'
import { ModelPicker } from './ModelPicker'

/** ChatHeader shows the conversation's title and the model it talks to. */
export function ChatHeader({ title, modelLoaded }: { title: string; modelLoaded: boolean }) {
  return (
    <header className="chat-header">
      <h1>{title}</h1>
      <ModelPicker modelLoaded={modelLoaded} />
    </header>
  )
}
