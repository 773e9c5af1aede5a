package app

import (
	"context"
	"os"

	"hearth/storage"
)

// settingLastModel is the id of the local model loaded last, which the
// window loads again at start.
const settingLastModel = "app.last_model"

// rememberLastModel notes the model that just loaded.
func (a *App) rememberLastModel(id int64) {
	db, err := a.store()
	if err != nil {
		return
	}
	if err := storage.SetSetting(context.Background(), db, settingLastModel, id); err != nil {
		a.logf("hearth: remember the last model: %v", err)
	}
}

// restoreLastModel loads the model used last, if it is still there; the
// Models panel shows the progress, and a failure, as for any load.
func (a *App) restoreLastModel(ctx context.Context) {
	db, err := a.store()
	if err != nil {
		return
	}
	id, err := storage.GetSetting(ctx, db, settingLastModel, int64(0))
	if err != nil || id == 0 {
		return
	}
	rec, err := db.GetModel(ctx, id)
	if err != nil {
		return // removed from the list since
	}
	if _, err := os.Stat(rec.Path); err != nil {
		a.logf("hearth: the last model %s is not loaded again: %v", rec.Path, err)
		return
	}
	a.logf("hearth: loading the last model used, %s", rec.Name)
	if err := a.LoadModel(id); err != nil {
		a.logf("hearth: load the last model %s: %v", rec.Name, err)
	}
}
