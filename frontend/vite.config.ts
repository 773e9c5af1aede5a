/// <reference types="vitest/config" />
import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { defineConfig, type Plugin } from 'vite'
import react from '@vitejs/plugin-react'

// keepGitkeep puts dist/.gitkeep back after Vite empties dist, so the Go
// embed pattern `all:frontend/dist` always matches a file (fresh clones
// compile before the frontend is built) and git sees no deletion.
function keepGitkeep(): Plugin {
  return {
    name: 'hearth-keep-gitkeep',
    apply: 'build',
    closeBundle() {
      writeFileSync(resolve(__dirname, 'dist/.gitkeep'), '')
    },
  }
}

// devServerCSP drops the Content-Security-Policy meta tag only when Vite
// serves the page (`wails dev`), because React's hot reload injects inline
// scripts. Built assets, which the app embeds and the e2e tests load, keep it.
function devServerCSP(): Plugin {
  return {
    name: 'hearth-dev-server-csp',
    apply: 'serve',
    transformIndexHtml(html) {
      return html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/s, '')
    },
  }
}

export default defineConfig({
  plugins: [react(), keepGitkeep(), devServerCSP()],
  build: {
    // Wails serves the files itself; no polyfill script is wanted.
    modulePreload: { polyfill: false },
  },
  test: {
    environment: 'happy-dom',
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    // Hang guards, not speed checks: a cold 2-core CI machine is slow.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
})
