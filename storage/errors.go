package storage

import (
	"errors"
	"fmt"
)

// ErrNotFound is returned (wrapped) when a requested row does not exist.
var ErrNotFound = errors.New("storage: not found")

// ErrCorruptPage is matched (errors.Is) by every CorruptPageError.
var ErrCorruptPage = errors.New("storage: corrupt KV page")

// ErrFutureSchema is returned by Open when the database was written by a
// newer Hearth whose schema this build does not know.
var ErrFutureSchema = errors.New("storage: database schema is newer than this build")

// CorruptPageError describes a KV page that failed verification on read. The
// page has already been deleted when this error is reported.
type CorruptPageError struct {
	ModelDigest string
	PrefixHash  [32]byte
	Index       int
	Reason      string
}

// Error implements error.
func (e *CorruptPageError) Error() string {
	return fmt.Sprintf("storage: corrupt KV page %d (model %s, prefix %x): %s",
		e.Index, e.ModelDigest, e.PrefixHash[:8], e.Reason)
}

// Is reports whether target is ErrCorruptPage.
func (e *CorruptPageError) Is(target error) bool { return target == ErrCorruptPage }
