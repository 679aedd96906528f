using OmsSync.Engine.State;

namespace OmsSync.PowerShell.Output;

/// <summary>Full-migration progress of one table of a task.</summary>
public sealed class OmsTableProgress
{
    internal OmsTableProgress(TableProgress progress)
    {
        Task = progress.Task;
        SourceTable = progress.SourceTable;
        TargetTable = progress.TargetTable;
        Status = progress.Status;
        RowsEstimate = progress.RowsEstimate;
        RowsCopied = progress.RowsCopied;
        ChunksDone = progress.ChunksDone;
        ChunksTotal = progress.ChunksTotal;
        Percent = PercentOf(progress);
    }

    public string Task { get; }
    public string SourceTable { get; }
    public string TargetTable { get; }
    public string Status { get; }
    /// <summary>The source's row estimate when the copy was planned; the copy may find more or fewer.</summary>
    public long RowsEstimate { get; }
    public long RowsCopied { get; }
    public int ChunksDone { get; }
    public int ChunksTotal { get; }
    /// <summary>0 to 100: by chunks when the table is chunked, else by rows against the estimate.</summary>
    public int Percent { get; }

    public override string ToString() => $"{SourceTable} {Percent}%";

    private static int PercentOf(TableProgress p)
    {
        if (p.ChunksTotal > 0)
            return (int)Math.Min(100, p.ChunksDone * 100L / p.ChunksTotal);
        if (p.RowsEstimate > 0)
            return (int)Math.Min(100, p.RowsCopied * 100 / p.RowsEstimate);
        return string.Equals(p.Status, "Completed", StringComparison.OrdinalIgnoreCase) ? 100 : 0;
    }
}
