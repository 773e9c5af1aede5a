package app

// FeatureOff is a feature that is off, with the reason, so the UI can say
// so instead of leaving the user to guess why something is missing.
type FeatureOff struct {
	// Feature names what is off, in words the user knows.
	Feature string `json:"feature"`
	// Reason says why, with the underlying error.
	Reason string `json:"reason"`
}

// featuresOff lists what does not work right now and why. Each entry is
// also logged (on stderr) when it happens.
func (a *App) featuresOff() []FeatureOff {
	off := []FeatureOff{}
	if a.db == nil {
		reason := errNotOpen.Error()
		if a.openErr != nil {
			reason = a.openErr.Error()
		}
		off = append(off, FeatureOff{Feature: "Chat history, search and settings", Reason: reason})
	}
	if a.singleInstanceOff != "" {
		off = append(off, FeatureOff{Feature: "Opening files in the running window", Reason: a.singleInstanceOff})
	}
	a.mu.Lock()
	if m := a.model; m != nil && m.snapshotsOff != "" {
		off = append(off, FeatureOff{Feature: "Prompt cache (KV snapshots) for " + m.name, Reason: m.snapshotsOff})
	}
	a.mu.Unlock()
	return off
}

// noteSnapshotSave records whether the last KV snapshot save of lm failed,
// so the UI shows the prompt cache as off while saves fail; a change is
// sent to the window as a new status.
func (a *App) noteSnapshotSave(lm *loadedModel, err error) {
	a.mu.Lock()
	was := lm.snapshotsOff
	switch {
	case err != nil:
		lm.snapshotsOff = "saving KV snapshots failed: " + err.Error()
	case lm.digest != "":
		lm.snapshotsOff = ""
	}
	changed := lm.snapshotsOff != was
	a.mu.Unlock()
	if changed {
		a.events.Emit(EventModelStatus, a.Status())
	}
}
