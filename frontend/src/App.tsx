import './App.css'
import { Sidebar } from './components/Sidebar'
import { ChatHeader } from './components/ChatHeader'
import { ChatPane } from './components/ChatPane'
import { Composer } from './components/Composer'
import { useStatus } from './useStatus'

/** App is the window's frame: conversations on the left, the chat on the right. */
export default function App() {
  const status = useStatus()
  const modelLoaded = status.kind === 'ready' && status.status.modelLoaded
  return (
    <div className="app">
      <Sidebar status={status} />
      <main className="chat" aria-label="Chat">
        <ChatHeader title="New chat" modelLoaded={modelLoaded} />
        <ChatPane status={status} />
        <Composer modelLoaded={modelLoaded} />
      </main>
    </div>
  )
}
