using OmsSync.Engine.Changes;
using OmsSync.Engine.Model;

namespace OmsSync.Engine.Pipeline;

/// <summary>
/// Loop prevention for bidirectional tasks. Every transaction a direction applies also writes that
/// direction's checkpoint row in the `oms` database of its target, in the same transaction. The other
/// direction reads that server's changes (binlog or pgoutput) and drops whole transactions carrying the
/// marker, so a change crosses once and never comes back. Application transactions never write the marker,
/// so no transaction mixes application rows with one. The forward direction's full copy marks each chunk it loads
/// in `oms`.`full_chunks`, in the chunk's transaction: a copy that reaches the target's change log (a table joining a
/// running task, -FullLoadBinlog) is dropped by the reverse direction the same way.
/// </summary>
internal static class LoopFilter
{
    // Where every kind's target keeps its checkpoints: the `oms` control database (MySQL family) or schema (PostgreSQL).
    private const string MarkerDatabase = "oms", MarkerTable = "checkpoints", CopyMarkerTable = "full_chunks";

    /// <summary>Whether the binlog reader must decode a table's rows for the filter to see markers.</summary>
    public static bool IsMarkerTable(string database, string table) =>
        database == MarkerDatabase && table is MarkerTable or CopyMarkerTable;

    /// <summary>True for a transaction applied by the task's other direction: changes it applied, or a chunk its full copy loaded.</summary>
    public static bool AppliedByOtherDirection(SourceTransaction transaction, string task, Direction direction)
    {
        if (direction == Direction.Reverse && transaction.HasRowsOf(MarkerDatabase, CopyMarkerTable)
            && transaction.Changes.Any(change => change is RowChange { Table: CopyMarkerTable } row && IsMarkerOfTask(row, task)))
            return true;
        if (!transaction.HasRowsOf(MarkerDatabase, MarkerTable)) return false; // no need to read a large one through
        return transaction.Changes.Any(change => IsMarkerOfOtherDirection(change, task, direction));
    }

    private static bool IsMarkerOfTask(RowChange row, string task) =>
        row.Database == MarkerDatabase && (row.After ?? row.Before) is { } image && IndexOf(row.ColumnNames, "task") is var at and >= 0
        && string.Equals(image[at]?.ToString(), task, StringComparison.Ordinal);

    /// <summary>True for a change that writes the checkpoint row of the task's other direction (any source: binlog or pgoutput).</summary>
    public static bool IsMarkerOfOtherDirection(SourceChange change, string task, Direction direction)
    {
        if (change is not RowChange row || row.Database != MarkerDatabase || row.Table != MarkerTable) return false;
        var image = row.After ?? row.Before;
        if (image is null) return false;
        var taskAt = IndexOf(row.ColumnNames, "task");
        var directionAt = IndexOf(row.ColumnNames, "direction");
        if (taskAt < 0 || directionAt < 0) return false;
        var other = (direction == Direction.Forward ? Direction.Reverse : Direction.Forward).ToString();
        // The direction's own row, or one of its parallel lanes' rows ("Forward/1of2").
        return string.Equals(image[taskAt]?.ToString(), task, StringComparison.Ordinal)
               && image[directionAt]?.ToString() is { } marker && (marker == other || marker.StartsWith(other + "/", StringComparison.Ordinal));
    }

    /// <summary>
    /// What of a transaction the other direction applied comes back all the same (NewerWins tables only): each row it
    /// deleted, as a delete of the row as it was, and each row it moved to another key, as a delete at the old key. So the
    /// side where a delete was made learns which version it removed, in log order, after everything the other side wrote
    /// before it saw the delete (see Conflicts/README.md). Null when nothing comes back.
    /// </summary>
    /// <param name="echoes">For a row change: null when its table is not echoed, else whether an update moves its row to another key.</param>
    public static List<SourceChange>? EchoesOf(IEnumerable<SourceChange> changes, Func<RowChange, bool?> echoes)
    {
        List<SourceChange>? back = null;
        foreach (var change in changes)
        {
            if (change is not RowChange { Before: { } before } row || row.Kind == RowChangeKind.Insert || echoes(row) is not { } moves) continue;
            if (row.Kind == RowChangeKind.Update && !moves) continue;
            (back ??= []).Add(new RowChange(RowChangeKind.Delete, row.Database, row.Table, row.ColumnNames, before, null, row.Schema)
                { IsEcho = true, WholeBefore = row.WholeBefore });
        }
        return back;
    }

    private static int IndexOf(IReadOnlyList<string?> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
            if (string.Equals(names[i], name, StringComparison.OrdinalIgnoreCase))
                return i;
        return -1;
    }
}
