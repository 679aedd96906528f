using System.Collections.Concurrent;
using System.Diagnostics;
using OmsSync.Engine.Model;
using OmsSync.Engine.State;

namespace OmsSync.Engine.FullLoad;

/// <summary>Counts rows and chunks per table as writers finish them and flushes the figures to the state store.</summary>
internal sealed class FullLoadProgress
{
    /// <summary>The status of a table whose every chunk is in.</summary>
    public const string Done = "Done";

    private readonly string _task;
    private readonly RuntimeStore _runtime;
    private readonly ConcurrentDictionary<string, TableCounters> _tables = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _rows;
    private long _rowsAtLastFlush;
    private double _lastFlushSeconds;

    public FullLoadProgress(string task, RuntimeStore runtime)
    {
        _task = task;
        _runtime = runtime;
    }

    public long Rows => Interlocked.Read(ref _rows);

    public void AddTable(TableCopyPlan plan, int chunksDone, long rowsDone) =>
        _tables[plan.Mapping.Source] = new TableCounters(plan) { ChunksDone = chunksDone, RowsCopied = rowsDone };

    public void ChunkDone(TableCopyPlan plan, long rows)
    {
        var counters = _tables[plan.Mapping.Source];
        Interlocked.Increment(ref counters.ChunksDone);
        Interlocked.Add(ref counters.RowsCopied, rows);
        Interlocked.Add(ref _rows, rows);
    }

    public void Flush()
    {
        var now = _clock.Elapsed.TotalSeconds;
        var rows = Rows;
        var rate = now - _lastFlushSeconds > 0 ? (rows - _rowsAtLastFlush) / (now - _lastFlushSeconds) : 0;
        _rowsAtLastFlush = rows;
        _lastFlushSeconds = now;
        foreach (var counters in _tables.Values)
        {
            // Only tables that moved since the last flush are written: a task may hold thousands of tables.
            var chunksDone = Volatile.Read(ref counters.ChunksDone);
            if (chunksDone == counters.FlushedChunks) continue;
            counters.FlushedChunks = chunksDone;
            var plan = counters.Plan;
            var done = chunksDone >= plan.Chunks.Count;
            _runtime.UpsertTableProgress(new TableProgress
            {
                Task = _task,
                SourceTable = plan.Mapping.Source,
                TargetTable = plan.Mapping.Target,
                Status = done ? Done : chunksDone > 0 ? "Copying" : "Pending",
                RowsEstimate = Math.Max(plan.RowsEstimate, counters.RowsCopied),
                RowsCopied = counters.RowsCopied,
                ChunksTotal = plan.Chunks.Count,
                ChunksDone = chunksDone,
            });
        }
        _runtime.Beat(_task, Direction.Forward, rowsApplied: _tables.Values.Sum(c => Interlocked.Read(ref c.RowsCopied)), rowsPerSecond: Math.Round(rate, 1));
    }

    private sealed class TableCounters(TableCopyPlan plan)
    {
        public TableCopyPlan Plan { get; } = plan;
        public int ChunksDone;
        public long RowsCopied;
        /// <summary>ChunksDone as last written to the state store; -1 before the first write.</summary>
        public int FlushedChunks = -1;
    }
}
