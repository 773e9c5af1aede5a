import type { Theme } from '../api'

/** applyTheme makes the page follow theme: "light" or "dark" override the
 * OS colour scheme through data-theme on <html>; "system" removes it. */
export function applyTheme(theme: Theme, root: HTMLElement = document.documentElement): void {
  if (theme === 'light' || theme === 'dark') root.dataset.theme = theme
  else delete root.dataset.theme
}
