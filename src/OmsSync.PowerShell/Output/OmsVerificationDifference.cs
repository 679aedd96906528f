using OmsSync.Engine.Verification;

namespace OmsSync.PowerShell.Output;

/// <summary>One row that differs between source and target, as a verification confirmed it; Repair-OmsDifference takes it from the pipeline.</summary>
public sealed class OmsVerificationDifference
{
    internal OmsVerificationDifference(string task, VerificationDifference difference)
    {
        Record = difference;
        Task = task;
        Id = difference.Id;
        RunId = difference.RunId;
        Table = difference.TargetTable;
        SourceTable = difference.SourceTable;
        Key = difference.Key;
        Kind = difference.Kind;
        SourceRow = difference.SourceRow;
        TargetRow = difference.TargetRow;
        Found = difference.Found;
        Repaired = difference.Repaired;
    }

    internal VerificationDifference Record { get; }

    public long Id { get; }
    public string Task { get; }
    public long RunId { get; }
    /// <summary>The target table, as database.table.</summary>
    public string Table { get; }
    /// <summary>The source table it is compared with (before renames).</summary>
    public string SourceTable { get; }
    /// <summary>The row's key as JSON (column to value); null for a table without a key.</summary>
    public string? Key { get; }
    public DifferenceKind Kind { get; }
    /// <summary>The source row as JSON (column to text, binary as 0x-hex); null when the source lacks it.</summary>
    public string? SourceRow { get; }
    /// <summary>The target row as JSON; null when the target lacks it.</summary>
    public string? TargetRow { get; }
    public DateTimeOffset Found { get; }
    public DateTimeOffset? Repaired { get; }

    internal OmsVerificationDifference AsRepaired() => new(Task, Record with { Repaired = DateTimeOffset.UtcNow });

    public override string ToString() => $"{Kind} {Table} {Key}";
}
