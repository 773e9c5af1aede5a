// Small line icons drawn inline, so the UI needs no icon font or remote asset.
import type { SVGProps } from 'react'

function Icon(props: SVGProps<SVGSVGElement>) {
  return (
    <svg
      width="16"
      height="16"
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      {...props}
    />
  )
}

/** PlusIcon marks "new". */
export function PlusIcon() {
  return (
    <Icon>
      <path d="M12 5v14M5 12h14" />
    </Icon>
  )
}

/** SearchIcon marks a search field. */
export function SearchIcon() {
  return (
    <Icon>
      <circle cx="11" cy="11" r="7" />
      <path d="m20 20-3.5-3.5" />
    </Icon>
  )
}

/** SendIcon marks the send button. */
export function SendIcon() {
  return (
    <Icon>
      <path d="M5 12h14M13 6l6 6-6 6" />
    </Icon>
  )
}

/** ChevronIcon marks a picker that opens. */
export function ChevronIcon() {
  return (
    <Icon width="14" height="14">
      <path d="m6 9 6 6 6-6" />
    </Icon>
  )
}

/** ChatIcon marks conversations. */
export function ChatIcon() {
  return (
    <Icon width="20" height="20">
      <path d="M21 12a8 8 0 0 1-11.6 7.1L4 20l1-4.6A8 8 0 1 1 21 12z" />
    </Icon>
  )
}

/** ModelIcon stands for a model file. */
export function ModelIcon() {
  return (
    <Icon width="28" height="28" strokeWidth="1.6">
      <rect x="5" y="5" width="14" height="14" rx="2" />
      <path d="M9 9h6v6H9zM9 2v3M15 2v3M9 19v3M15 19v3M2 9h3M2 15h3M19 9h3M19 15h3" />
    </Icon>
  )
}
