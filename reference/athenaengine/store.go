package athenaengine

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/ruleport/ruleport/reference/logs"
)

// Where the records live while a query runs, and how much memory DuckDB
// may take.
//
// Policy: always on disk, whatever the input's size. Every Engine makes a
// temporary directory of its own (os.MkdirTemp, "ruleport-athena-*" under
// os.TempDir()). Run writes the rows of cloudtrail_logs there as one file
// of JSON lines, the row logs.ToAthena projects from each record, the
// table's column names as keys (load.go); cloudtrail_logs is a view that
// reads the file with DuckDB's read_json and the table's column types. So
// no table is held anywhere: the file is read as the query scans it,
// split among DuckDB's threads, and only the columns and struct fields
// the query uses are built. DuckDB spills what a query's operators cannot
// hold (hash tables, sorts) to the same directory. Close removes the
// directory, also after a failed New.
//
// One path for every size keeps the small runs of the tests on the code
// the large runs take; a small input costs a small file (BenchmarkSmallRun
// measures it).
//
// Before, the records went into an in-memory table through DuckDB's
// appender: its memory grew with the log (820 MB for 200 MB of CloudTrail,
// 2 GB for 1 GB). A table in a database file was measured too: its load
// kept 310-380 MB whatever the log's size (the appender buffers, the
// transaction's row groups and the checkpoints), and compressing the
// strings (FSST) made the load of 1 GB take 22 s; the file of rows takes
// the memory of one batch of records.
//
// DuckDB's buffer manager may hold memoryLimit, or more when the widest
// record is wide: an operator works on chunks of 2048 rows, and a
// chunk of wide records needs memory that cannot be spilled (vectors of
// text); a limit too low for it would fail a query that DuckDB's default
// (80% of the machine) runs.

const (
	// rowsFile is the file of rows in the Engine's directory.
	rowsFile = "cloudtrail_logs.json"
	// memoryLimit is the least memory_limit: what CloudTrail's usual
	// records (up to tens of kB) need.
	memoryLimit = 256 << 20
	// chunkRows is DuckDB's vector size, the rows of one chunk.
	chunkRows = 2048
	// wideVectors is how many vectors of the widest record's size one
	// chunk may need at once, per thread: a generous count of the text
	// columns and intermediate results of a query's expressions.
	wideVectors = 16
	// defaultMaxObject is read_json's default maximum_object_size (16 MB).
	defaultMaxObject = 16 << 20
)

// newTempDir makes the Engine's temporary directory. DuckDB reads the file
// of rows through a glob, so a path with a glob character cannot be used.
func newTempDir() (string, error) {
	dir, err := os.MkdirTemp("", "ruleport-athena-")
	if err != nil {
		return "", fmt.Errorf("athenaengine: temporary directory: %w", err)
	}
	if strings.ContainsAny(dir, "*?[{") {
		os.RemoveAll(dir)
		return "", fmt.Errorf("athenaengine: temporary directory %s: DuckDB would read a glob character in its path as a pattern; set TMPDIR to another directory", dir)
	}
	return dir, nil
}

// openStore sets DuckDB's memory limit and spill directory.
func openStore(ctx context.Context, conn *sql.Conn, dir string) error {
	stmts := []string{
		setMemoryLimit(0),
		"SET temp_directory = " + sqlString(filepath.Join(dir, "spill")),
	}
	for _, s := range stmts {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("athenaengine: %s: %w", s, err)
		}
	}
	return nil
}

// setMemoryLimit is the statement that sets DuckDB's memory limit for a
// load whose longest row is widest bytes; see the comment at the top.
func setMemoryLimit(widest int) string {
	limit := max(memoryLimit, wideVectors*chunkRows*widest)
	return fmt.Sprintf("SET memory_limit = '%dB'", limit)
}

// createView returns the statement that makes cloudtrail_logs read the
// file of rows at path, with the DDL of logs.AthenaColumns (string is
// VARCHAR, struct<...> STRUCT(...), array<t> t[]). widest is the longest
// row in bytes: read_json refuses a longer object than its
// maximum_object_size. Everything read_json would otherwise guess is
// fixed: the format, the columns, no partitions read from the path, no
// file name column.
func createView(path string, widest int) string {
	cols := make([]string, len(logs.AthenaColumns))
	for i, c := range logs.AthenaColumns {
		cols[i] = sqlString(c.Name) + ": " + sqlString(duckType(c.Type))
	}
	return fmt.Sprintf("CREATE OR REPLACE VIEW %s AS SELECT * FROM read_json(%s, "+
		"format = 'newline_delimited', records = true, columns = {%s}, "+
		"maximum_object_size = %d, hive_partitioning = false, filename = false, "+
		"union_by_name = false, ignore_errors = false, compression = 'uncompressed')",
		tableName, sqlString(path), strings.Join(cols, ", "), max(defaultMaxObject, widest+1))
}

// sqlString quotes s as a SQL string literal.
func sqlString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
