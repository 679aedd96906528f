using OmsSync.Engine.Model;
using OmsSync.Engine.Tasks;
using TaskStatus = OmsSync.Engine.Model.TaskStatus;

namespace OmsSync.PowerShell.Output;

/// <summary>
/// One direction of a task: its definition's main points and what its worker last reported.
/// Get-OmsTask returns one per direction that has ever run (Reverse only once started).
/// </summary>
public sealed class OmsTask
{
    internal OmsTask(TaskDirectionState view)
    {
        var (task, state) = (view.Task, view.Runtime);
        Name = task.Name;
        Direction = state.Direction;
        Source = state.Direction == Direction.Forward ? task.Source : task.Target;
        Target = state.Direction == Direction.Forward ? task.Target : task.Source;
        Status = state.Status;
        Phase = state.Phase;
        Message = state.Message;
        MigrationType = task.MigrationTypes;
        Topology = task.Topology;
        RowsCopied = state.RowsApplied;
        RowsPerSecond = state.RowsPerSecond;
        TransactionsPerSecond = state.TransactionsPerSecond;
        Lag = state.LagMilliseconds is { } lag ? TimeSpan.FromMilliseconds(lag) : null;
        Position = state.Position;
        WorkerPid = state.WorkerPid;
        WorkerStarted = state.WorkerStarted;
        Heartbeat = state.Heartbeat;
        Updated = state.Updated;
        Labels = task.Labels.ToArray();
        Include = task.Include.ToArray();
        Exclude = task.Exclude.ToArray();
        Tables = view.Tables.Select(t => new OmsTableProgress(t)).ToArray();
        Created = task.Created;
        ConflictRules = task.ConflictRules.ToArray();
        AlertRules = task.AlertRules.Select(r => r with { Webhook = null }).ToArray();
        IncrementalDdl = task.IncrementalDdl;
        ReadConcurrency = task.ReadConcurrency;
        // The settings this direction runs with: the reverse direction's own where it has them.
        var own = task.As(state.Direction);
        WriteConcurrency = own.WriteConcurrency;
        IncrementalMemoryLimit = own.IncrementalMemoryLimit;
        RowsPerSecondLimit = own.RowsPerSecond;
        BytesPerSecondLimit = own.BytesPerSecond;
        ChunkRows = task.ChunkRows;
        FullLoadBinlog = task.FullLoadBinlog;
        OnlineDdlTool = task.OnlineDdlTool;
        DmlTypes = task.DmlTypesOf(state.Direction);
        StopAfter = state.Direction == Direction.Forward ? task.StopAfter : StopAfter.None;
        ClockSkew = state.ClockSkewMilliseconds is { } skew ? TimeSpan.FromMilliseconds(skew) : null;
        ConflictsPerMinute = view.ConflictsPerMinute.ToDictionary(c => c.Key.ToString(), c => c.Value);
        CutOver = view.CutOver is { } cutOver ? new OmsCutOver(cutOver) : null;
    }

    public string Name { get; }
    public Direction Direction { get; }
    /// <summary>The data source this direction reads from (the task's target for Reverse).</summary>
    public string Source { get; }
    /// <summary>The data source this direction writes to (the task's source for Reverse).</summary>
    public string Target { get; }
    public TaskStatus Status { get; }
    public TaskPhase Phase { get; }
    public string? Message { get; }
    public MigrationTypes MigrationType { get; }
    public Topology Topology { get; }
    /// <summary>Rows applied to the target by this direction.</summary>
    public long RowsCopied { get; }
    public double RowsPerSecond { get; }
    public double TransactionsPerSecond { get; }
    /// <summary>How far the target trails the source during incremental synchronization.</summary>
    public TimeSpan? Lag { get; }
    /// <summary>The source position last applied (file:pos, GTID set or LSN).</summary>
    public string? Position { get; }
    public int? WorkerPid { get; }
    public DateTimeOffset? WorkerStarted { get; }
    public DateTimeOffset? Heartbeat { get; }
    public DateTimeOffset Updated { get; }
    public string[] Labels { get; }
    public string[] Include { get; }
    public string[] Exclude { get; }
    /// <summary>Full-migration progress per table.</summary>
    public OmsTableProgress[] Tables { get; }
    public DateTimeOffset Created { get; }
    /// <summary>How conflicts are handled, per table and direction (Set-OmsConflictPolicy); none means Ignore everywhere.</summary>
    public Engine.Conflicts.ConflictRule[] ConflictRules { get; }
    /// <summary>What the task alerts on (Set-OmsAlert), each webhook shown by its host only.</summary>
    public Engine.Alerts.AlertRule[] AlertRules { get; }
    public int ReadConcurrency { get; }
    public int WriteConcurrency { get; }
    /// <summary>The most rows a second this direction writes (-RowsPerSecond); 0 for no limit.</summary>
    public long RowsPerSecondLimit { get; }
    /// <summary>The most bytes a second this direction writes (-BytesPerSecond); 0 for no limit.</summary>
    public long BytesPerSecondLimit { get; }
    /// <summary>Bytes of changes held in memory before a transaction's rows wait in a spill file.</summary>
    public long IncrementalMemoryLimit { get; }
    /// <summary>Rows per full-migration chunk; 0 sizes chunks by the rows' length.</summary>
    public int ChunkRows { get; }
    public bool FullLoadBinlog { get; }

    /// <summary>
    /// The target server's clock minus the source server's, as the worker measured it (every minute while it applies
    /// changes). NewerWins compares times the two servers wrote: a side whose clock runs ahead wins more than its share.
    /// </summary>
    public TimeSpan? ClockSkew { get; }

    /// <summary>Conflicts this direction met per minute over the last five minutes, by type (InsertExists, UpdateStale, ...).</summary>
    public IReadOnlyDictionary<string, double> ConflictsPerMinute { get; }

    /// <summary>Whether the forward direction applies the source's DDL to the target.</summary>
    public bool IncrementalDdl { get; }
    /// <summary>The online schema change tool whose shadow tables the task recognises.</summary>
    public OnlineDdlTool OnlineDdlTool { get; }
    /// <summary>The kinds of row change this direction applies (-DmlTypes).</summary>
    public DmlTypes DmlTypes { get; }
    /// <summary>The phase after which the forward direction waits for Resume-OmsTask (-StopAfter).</summary>
    public StopAfter StopAfter { get; }

    /// <summary>The task's cut-over (Switch-OmsTask) and each of its steps, on the forward direction; null until one is asked for.</summary>
    public OmsCutOver? CutOver { get; }

    public override string ToString() => $"{Name} ({Direction})";
}
