package app

import (
	"context"

	"hearth/storage"

	wailsruntime "github.com/wailsapp/wails/v2/pkg/runtime"
)

// settingWindow keeps the window's size, place and maximised state.
const settingWindow = "window.state"

// Window sizes: the default one opened first and the least the layout takes.
const (
	defaultWindowWidth  = 1180
	defaultWindowHeight = 760
	minWindowWidth      = 720
	minWindowHeight     = 480
)

// windowState is the window as it was when Hearth closed.
type windowState struct {
	Width     int  `json:"width"`
	Height    int  `json:"height"`
	X         int  `json:"x"`
	Y         int  `json:"y"`
	Maximised bool `json:"maximised"`
}

// screenSize is a screen's size in the window system's units.
type screenSize struct{ Width, Height int }

// fitWindow returns the saved state made safe for the screens there are
// now: at least the minimum size, at most the largest screen, and placed
// so that its top-left corner is on screen (a monitor that was unplugged
// must not leave the window out of reach); placed false means let the
// window system place it.
func fitWindow(s windowState, screens []screenSize) (fitted windowState, placed bool) {
	maxW, maxH := 0, 0
	for _, sc := range screens {
		maxW, maxH = max(maxW, sc.Width), max(maxH, sc.Height)
	}
	if s.Width <= 0 || s.Height <= 0 {
		s.Width, s.Height = defaultWindowWidth, defaultWindowHeight
	}
	s.Width, s.Height = max(s.Width, minWindowWidth), max(s.Height, minWindowHeight)
	if maxW > 0 && maxH > 0 {
		s.Width, s.Height = min(s.Width, maxW), min(s.Height, maxH)
	}
	placed = maxW > 0 && s.X >= 0 && s.Y >= 0 && s.X < maxW-minWindowWidth/4 && s.Y < maxH-minWindowHeight/4
	return s, placed
}

// saveWindowState stores the window's state as it closes.
func (a *App) saveWindowState(ctx context.Context) {
	db, err := a.store()
	if err != nil {
		return
	}
	var s windowState
	s.Maximised = wailsruntime.WindowIsMaximised(ctx)
	if s.Maximised {
		// Keep the size it had before: un-maximising returns to it.
		if old, err := storage.GetSetting(ctx, db, settingWindow, windowState{}); err == nil {
			s.Width, s.Height, s.X, s.Y = old.Width, old.Height, old.X, old.Y
		}
	} else {
		s.Width, s.Height = wailsruntime.WindowGetSize(ctx)
		s.X, s.Y = wailsruntime.WindowGetPosition(ctx)
	}
	if err := storage.SetSetting(ctx, db, settingWindow, s); err != nil {
		a.logf("hearth: save window state: %v", err)
	}
}

// restoreWindowState gives the window the size and place it had when
// Hearth last closed.
func (a *App) restoreWindowState(ctx context.Context) {
	db, err := a.store()
	if err != nil {
		return
	}
	s, err := storage.GetSetting(ctx, db, settingWindow, windowState{})
	if err != nil || s.Width == 0 {
		return
	}
	var screens []screenSize
	if all, err := wailsruntime.ScreenGetAll(ctx); err == nil {
		for _, sc := range all {
			screens = append(screens, screenSize{sc.Size.Width, sc.Size.Height})
		}
	}
	s, placed := fitWindow(s, screens)
	wailsruntime.WindowSetSize(ctx, s.Width, s.Height)
	if placed {
		wailsruntime.WindowSetPosition(ctx, s.X, s.Y)
	}
	if s.Maximised {
		wailsruntime.WindowMaximise(ctx)
	}
}
