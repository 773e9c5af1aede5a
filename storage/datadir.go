package storage

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// DataDirEnv names the environment variable that overrides DataDir.
const DataDirEnv = "HEARTH_DATA_DIR"

// DatabaseFile is the name of the database file inside the data directory.
const DatabaseFile = "hearth.db"

// DataDir returns the directory where Hearth keeps its data, following the
// OS convention: $XDG_DATA_HOME/hearth (default ~/.local/share/hearth) on
// Linux and other Unixes, ~/Library/Application Support/Hearth on macOS and
// %AppData%\Hearth on Windows. HEARTH_DATA_DIR overrides all of them. The
// directory is not created.
func DataDir() (string, error) {
	home, _ := os.UserHomeDir()
	return dataDirFor(runtime.GOOS, os.Getenv, home)
}

// dataDirFor is DataDir with its inputs made explicit so every platform's
// rule can be tested on any platform.
func dataDirFor(goos string, getenv func(string) string, home string) (string, error) {
	if dir := getenv(DataDirEnv); dir != "" {
		return filepath.Clean(dir), nil
	}
	switch goos {
	case "windows":
		if appData := getenv("AppData"); appData != "" {
			return filepath.Join(appData, "Hearth"), nil
		}
		return "", errors.New("storage: data dir: %AppData% is not set")
	case "darwin", "ios":
		if home == "" {
			return "", errors.New("storage: data dir: home directory unknown")
		}
		return filepath.Join(home, "Library", "Application Support", "Hearth"), nil
	default:
		// The XDG spec says a relative $XDG_DATA_HOME is invalid and must be ignored.
		if xdg := getenv("XDG_DATA_HOME"); xdg != "" && filepath.IsAbs(xdg) {
			return filepath.Join(xdg, "hearth"), nil
		}
		if home == "" {
			return "", fmt.Errorf("storage: data dir: neither $XDG_DATA_HOME nor a home directory is set")
		}
		return filepath.Join(home, ".local", "share", "hearth"), nil
	}
}
