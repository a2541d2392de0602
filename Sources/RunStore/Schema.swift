import GRDB

/// The database's schema, as named, append-only migrations (GRDB's
/// `DatabaseMigrator` records each applied one by name in `grdb_migrations`).
/// A migration that has been released is never edited: a change of schema is
/// a new migration at the end of the list.
enum Schema {
    /// `PRAGMA application_id` of a vloop database ('vlop'), set by the first migration.
    static let applicationID: Int32 = 0x766C_6F70

    /// The migrations in order; the names are what `grdb_migrations` records.
    static let names = [
        "v1-suite-runs-runs-events-properties", "v2-tasks-and-jobs", "v3-job-calls", "v4-run-modules",
        "v5-explorations", "v6-run-perturbations", "v7-tracebacks-and-task-calls",
        "v8-causality",
    ]

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration(names[0]) { db in
            try db.execute(
                sql: """
                    PRAGMA application_id = \(applicationID);
                    CREATE TABLE suite_run (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        uuid TEXT NOT NULL UNIQUE,
                        label TEXT NOT NULL,
                        git_commit TEXT,
                        git_dirty INTEGER,
                        host TEXT NOT NULL,
                        harness_version TEXT NOT NULL,
                        arguments TEXT NOT NULL,      -- JSON array of strings
                        shard TEXT,                   -- 'i/n'
                        started_at TEXT NOT NULL,     -- ISO 8601, UTC
                        finished_at TEXT
                    );
                    CREATE INDEX suite_run_label ON suite_run(label);
                    CREATE TABLE run (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        suite_run_id INTEGER NOT NULL REFERENCES suite_run(id) ON DELETE CASCADE,
                        trace_path TEXT NOT NULL,
                        trace_hash TEXT NOT NULL,
                        seed INTEGER NOT NULL,
                        run_index INTEGER NOT NULL,
                        status TEXT NOT NULL,         -- ok, exception, deadlock, limit, invalid
                        value TEXT NOT NULL,
                        passed INTEGER NOT NULL,
                        virtual_duration REAL NOT NULL,
                        wall_time REAL NOT NULL,
                        steps INTEGER NOT NULL,
                        problems TEXT NOT NULL,       -- JSON array of strings
                        started_at TEXT NOT NULL
                    );
                    CREATE INDEX run_suite_run ON run(suite_run_id);
                    CREATE INDEX run_trace_path ON run(trace_path);
                    CREATE TABLE event (
                        run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                        seq INTEGER NOT NULL,
                        t REAL NOT NULL,
                        ctx TEXT,
                        kind TEXT NOT NULL,
                        text TEXT,
                        state TEXT,
                        value TEXT,
                        status TEXT,
                        PRIMARY KEY (run_id, seq)
                    ) WITHOUT ROWID;
                    CREATE TABLE property_result (
                        run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                        seq INTEGER NOT NULL,
                        name TEXT NOT NULL,
                        line INTEGER NOT NULL,
                        "column" INTEGER NOT NULL,
                        passed INTEGER NOT NULL,
                        message TEXT NOT NULL,
                        PRIMARY KEY (run_id, seq)
                    ) WITHOUT ROWID;
                    """)
        }
        m.registerMigration(names[1]) { db in
            try db.execute(
                sql: """
                    CREATE TABLE task (
                        run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                        seq INTEGER NOT NULL,         -- creation order
                        name TEXT NOT NULL,
                        created REAL NOT NULL,
                        first_step REAL,
                        done REAL,
                        state TEXT NOT NULL,          -- result, exception, cancelled, pending
                        steps INTEGER NOT NULL,
                        step_times BLOB NOT NULL,     -- little-endian float64s
                        PRIMARY KEY (run_id, seq)
                    ) WITHOUT ROWID;
                    CREATE TABLE job (
                        run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                        seq INTEGER NOT NULL,         -- order of submission
                        executor TEXT NOT NULL,
                        worker TEXT,
                        queued REAL NOT NULL,
                        started REAL,
                        finished REAL,
                        PRIMARY KEY (run_id, seq)
                    ) WITHOUT ROWID;
                    """)
        }
        m.registerMigration(names[2]) { db in
            try db.execute(
                sql: """
                    ALTER TABLE job ADD COLUMN call TEXT NOT NULL DEFAULT '';  -- blocks(3)
                    ALTER TABLE job ADD COLUMN succeeded INTEGER;              -- 0 when the job raised
                    """)
        }
        m.registerMigration(names[3]) { db in
            try db.execute(
                sql: """
                    CREATE TABLE run_module (
                        run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                        seq INTEGER NOT NULL,         -- load order
                        path TEXT NOT NULL,           -- as found in the search paths
                        hash TEXT NOT NULL,           -- sha256:<hex> of its source
                        PRIMARY KEY (run_id, seq)
                    ) WITHOUT ROWID;
                    """)
        }
        m.registerMigration(names[4]) { db in
            try db.execute(
                sql: """
                    CREATE TABLE exploration (
                        suite_run_id INTEGER NOT NULL REFERENCES suite_run(id) ON DELETE CASCADE,
                        trace_path TEXT NOT NULL,
                        trace_hash TEXT NOT NULL,
                        seed INTEGER NOT NULL,
                        flags TEXT NOT NULL,          -- the settings as vloop run flags
                        runs INTEGER NOT NULL,        -- the whole exploration's, run 0 included
                        shard TEXT,                   -- 'i/n' when the suite run explored one shard's runs
                        runs_done INTEGER NOT NULL,   -- the runs this suite run replayed, run 0 included
                        failing_runs TEXT NOT NULL,   -- JSON array of run indices
                        first_failure TEXT            -- JSON: run, broke, shrunk, replayCommand
                    );
                    CREATE INDEX exploration_suite_run ON exploration(suite_run_id);
                    """)
        }
        m.registerMigration(names[5]) { db in
            try db.execute(
                sql: """
                    ALTER TABLE run ADD COLUMN strategy TEXT;       -- random, pct, swarm; NULL when not explored
                    ALTER TABLE run ADD COLUMN explore_flags TEXT;  -- the vloop run flags that replay it exactly
                    CREATE TABLE perturbation (
                        run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                        seq INTEGER NOT NULL,         -- order drawn
                        kind TEXT NOT NULL,           -- duration, lateness, shuffle, order
                        draw TEXT NOT NULL,           -- line:column#count
                        t REAL,                       -- virtual time drawn
                        task TEXT,                    -- the task that caused it
                        coroutine TEXT,
                        position TEXT,                -- 'line 12', 'pkg/mod.py line 12'
                        amount REAL,                  -- the value drawn
                        nominal REAL,                 -- the nominal run's value
                        description TEXT NOT NULL,
                        PRIMARY KEY (run_id, seq)
                    ) WITHOUT ROWID;
                    """)
        }
        m.registerMigration(names[6]) { db in
            try db.execute(
                sql: """
                    ALTER TABLE run ADD COLUMN traceback TEXT;   -- of a run that ended with an exception
                    ALTER TABLE task ADD COLUMN coroutine TEXT;  -- the call that made it: fetch('b', 0.15)
                    ALTER TABLE task ADD COLUMN exception TEXT;  -- KeyError: 'b', when it raised
                    """)
        }
        // Causality (RunModel/Causality.swift): the step (loop callback) of
        // each event, task and job moment; what created each task and what
        // woke each of its steps. NULL in runs stored before.
        m.registerMigration(names[7]) { db in
            try db.execute(
                sql: """
                    ALTER TABLE event ADD COLUMN step INTEGER;
                    ALTER TABLE task ADD COLUMN created_step INTEGER;
                    ALTER TABLE task ADD COLUMN done_step INTEGER;
                    ALTER TABLE task ADD COLUMN creator_kind TEXT;      -- outside, task, timer, job, socket
                    ALTER TABLE task ADD COLUMN creator_source INTEGER; -- a task's seq, a job's, a connection's; -1
                    ALTER TABLE task ADD COLUMN creator_step INTEGER;
                    ALTER TABLE task ADD COLUMN creator_t REAL;
                    ALTER TABLE task ADD COLUMN wakes BLOB;             -- RunStore/WakeEncoding.swift
                    ALTER TABLE job ADD COLUMN queued_step INTEGER;
                    ALTER TABLE job ADD COLUMN started_step INTEGER;
                    ALTER TABLE job ADD COLUMN finished_step INTEGER;
                    """)
        }
        return m
    }
}
