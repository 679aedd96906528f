using OmsSync.Engine.Changes;
using System.Runtime.CompilerServices;
using MySqlConnector;
using OmsSync.Engine.Sources.MySql;

namespace OmsSync.Engine.Incremental;

/// <summary>
/// Feeds the applier the row changes of a batch of source transactions in source order, in chunks of bounded
/// size, each passed through the task's row filters. The changes are streamed: a transaction spilled to disk is
/// read back as it goes and is never held in memory whole.
/// </summary>
internal static class ApplyChunks
{
    // Larger chunks cost more memory than they save in round trips (20,000 narrow rows: +90 MB peak in the worker).
    public const int ChunkRows = 5_000;

    /// <summary>The row changes in the transactions that have an apply plan (the task's tables), with that plan.</summary>
    public static IEnumerable<(TableApplyPlan Plan, RowChange Change)> RowChanges(IEnumerable<SourceTransaction> transactions,
        Func<RowChange, TableApplyPlan?> planOf, Func<SourceTransaction, TableApplyPlan, RowChange, bool>? alreadyApplied = null)
    {
        foreach (var transaction in transactions)
            foreach (var change in transaction.Changes)
                if (change is RowChange row && planOf(row) is { } plan && alreadyApplied?.Invoke(transaction, plan, row) != true)
                    yield return (plan, row);
    }

    /// <summary>The changes cut into chunks of at most <see cref="ChunkRows"/>, filtered by the source when it is given; empty chunks are left out.</summary>
    public static async IAsyncEnumerable<List<(TableApplyPlan Plan, RowChange Change)>> ReadAsync(IEnumerable<(TableApplyPlan, RowChange)> changes,
        MySqlConnection? filterSource, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var chunk = new List<(TableApplyPlan, RowChange)>();
        foreach (var change in changes)
        {
            chunk.Add(change);
            if (chunk.Count < ChunkRows) continue;
            if (await FilterAsync(chunk, filterSource, cancellationToken).ConfigureAwait(false) is { Count: > 0 } kept) yield return kept;
            chunk = new List<(TableApplyPlan, RowChange)>();
        }
        if (chunk.Count > 0 && await FilterAsync(chunk, filterSource, cancellationToken).ConfigureAwait(false) is { Count: > 0 } last) yield return last;
    }

    private static async Task<List<(TableApplyPlan, RowChange)>> FilterAsync(List<(TableApplyPlan, RowChange)> chunk, MySqlConnection? filterSource,
        CancellationToken cancellationToken) =>
        filterSource is null ? chunk : await RowFilterEvaluator.FilterAsync(filterSource, chunk, cancellationToken).ConfigureAwait(false);
}
