package convert

// File is one generated artifact: a path relative to the output folder and
// its bytes. Backends return files and never write to disk; the CLI writes
// them, atomically, only after every target succeeded.
type File struct {
	Name string
	Data []byte
}
