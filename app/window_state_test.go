package app

import "testing"

func TestFitWindow(t *testing.T) {
	screen := []screenSize{{1920, 1080}}
	cases := []struct {
		name   string
		in     windowState
		screen []screenSize
		want   windowState
		placed bool
	}{
		{"as saved", windowState{Width: 1000, Height: 700, X: 100, Y: 50}, screen, windowState{Width: 1000, Height: 700, X: 100, Y: 50}, true},
		{"maximised kept", windowState{Width: 1000, Height: 700, X: 10, Y: 10, Maximised: true}, screen, windowState{Width: 1000, Height: 700, X: 10, Y: 10, Maximised: true}, true},
		{"too small grows to the minimum", windowState{Width: 100, Height: 50, X: 0, Y: 0}, screen, windowState{Width: 720, Height: 480}, true},
		{"larger than the screen shrinks", windowState{Width: 4000, Height: 3000, X: 0, Y: 0}, screen, windowState{Width: 1920, Height: 1080}, true},
		{"on a monitor that is gone", windowState{Width: 1000, Height: 700, X: 3000, Y: 100}, screen, windowState{Width: 1000, Height: 700, X: 3000, Y: 100}, false},
		{"above the screen", windowState{Width: 1000, Height: 700, X: 10, Y: -500}, screen, windowState{Width: 1000, Height: 700, X: 10, Y: -500}, false},
		{"no screens known", windowState{Width: 1000, Height: 700, X: 10, Y: 10}, nil, windowState{Width: 1000, Height: 700, X: 10, Y: 10}, false},
		{"never saved", windowState{}, screen, windowState{Width: 1180, Height: 760}, true},
	}
	for _, c := range cases {
		got, placed := fitWindow(c.in, c.screen)
		if got != c.want || placed != c.placed {
			t.Errorf("%s: fitWindow(%+v) = %+v, %v; want %+v, %v", c.name, c.in, got, placed, c.want, c.placed)
		}
	}
}
